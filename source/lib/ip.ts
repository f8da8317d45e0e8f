/** Addresses as numbers, for the hot paths that see every visitor of a flood (sorting, the never-ban guard). */

/** A dotted-quad IPv4 address as a number (0 to 2^32 - 1); -1 for anything else. */
export function ipv4Key(ip: string): number {
	let key = 0;
	let part = 0;
	let digits = 0;
	let dots = 0;
	for (let index = 0; index < ip.length; index++) {
		const code = ip.charCodeAt(index);
		if (code >= 48 && code <= 57) {
			part = part * 10 + (code - 48);
			if (++digits > 3 || part > 255) return -1;
		} else if (code === 46 && digits > 0 && dots < 3) {
			key = key * 256 + part;
			part = 0;
			digits = 0;
			dots++;
		} else return -1;
	}
	return dots === 3 && digits > 0 ? key * 256 + part : -1;
}

/**
 * An IPv6 address as eight 16-bit groups, or undefined. Accepts the RFC 4291 text forms (`::`
 * compression, a dotted IPv4 tail); no zone index, no prefix, no leading zeros in the IPv4 tail.
 */
export function parseIpv6(text: string): number[] | undefined {
	if (text.length < 2 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const parseSide = (side: string, last: boolean): number[] | undefined => {
		if (side === '') return [];
		const groups: number[] = [];
		const parts = side.split(':');
		for (let index = 0; index < parts.length; index++) {
			const part = parts[index];
			if (last && index === parts.length - 1 && part.includes('.')) {
				const key = ipv4Key(part);
				if (key < 0 || hasLeadingZero(part)) return undefined;
				groups.push(Math.floor(key / 65536), key % 65536);
			} else {
				if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return undefined;
				groups.push(Number.parseInt(part, 16));
			}
		}
		return groups;
	};
	if (halves.length === 1) {
		const groups = parseSide(text, true);
		return groups?.length === 8 ? groups : undefined;
	}
	const head = parseSide(halves[0], false);
	const tail = parseSide(halves[1], true);
	// `::` stands for at least one group of zeros.
	if (!head || !tail || head.length + tail.length > 7) return undefined;
	return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** `010.0.0.1`: a leading zero meant octal to some resolvers, so such an address is refused, not guessed. */
function hasLeadingZero(dotted: string): boolean {
	for (let index = 0; index < dotted.length - 1; index++) {
		if (dotted.charCodeAt(index) === 48 && (index === 0 || dotted.charCodeAt(index - 1) === 46) && dotted.charCodeAt(index + 1) !== 46) return true;
	}
	return false;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (2+) of zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`. */
export function formatIpv6(groups: readonly number[]): string {
	if (groups.slice(0, 5).every(group => group === 0) && groups[5] === 0xffff) {
		return `::ffff:${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
	}
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8; start++) {
		let length = 0;
		while (start + length < 8 && groups[start + length] === 0) length++;
		if (length > bestLength) {
			bestStart = start;
			bestLength = length;
		}
	}
	const hex = groups.map(group => group.toString(16));
	if (bestStart < 0) return hex.join(':');
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * The canonical text of an address (IPv4 as is, IPv6 per RFC 5952), or undefined when `text` is not
 * exactly one address: so the guard, the registry and the rules compare like with like, and a server's
 * `999.1.1.1` or an address with an invisible character never reaches a ban.
 */
export function canonicalIp(text: string): string | undefined {
	if (ipv4Key(text) >= 0) return hasLeadingZero(text) ? undefined : text;
	const groups = parseIpv6(text);
	return groups ? formatIpv6(groups) : undefined;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, canonical form), as a number; -1 otherwise. */
export function mappedIpv4Key(canonical: string): number {
	return canonical.startsWith('::ffff:') ? ipv4Key(canonical.slice(7)) : -1;
}

/** Why no visitor can have this IPv4 address (as a number), or undefined. Numbers only: a lockdown asks 40,000 times. */
function ipv4Special(key: number): string | undefined {
	if (key === 0) return 'the unspecified address';
	if (key === 0xffffffff) return 'the broadcast address';
	const top = Math.floor(key / 0x1000000);
	if (top === 127) return 'a loopback address';
	if (top >= 224 && top <= 239) return 'a multicast address';
	if (Math.floor(key / 0x10000) === 0xa9fe) return 'a link-local address';
	return undefined;
}

/**
 * Why no visitor can have this address (unspecified, loopback, broadcast, multicast, link-local), or
 * undefined. `canonical` comes from {@link canonicalIp}. A rule on such an address is always a mistake.
 */
export function specialAddress(canonical: string): string | undefined {
	const key = ipv4Key(canonical);
	const v4 = key >= 0 ? key : mappedIpv4Key(canonical);
	if (v4 >= 0) return ipv4Special(v4);
	const groups = parseIpv6(canonical);
	if (!groups) return undefined;
	if (groups.every(group => group === 0)) return 'the unspecified address';
	if (groups.slice(0, 7).every(group => group === 0) && groups[7] === 1) return 'a loopback address';
	if (groups[0] >> 8 === 0xff) return 'a multicast address';
	if ((groups[0] & 0xffc0) === 0xfe80) return 'a link-local address';
	return undefined;
}

/** True when `ip` is one address a visitor can have, so a ban of it may be sent (the never-ban guard aside). */
export function isBannable(ip: string): boolean {
	const key = ipv4Key(ip);
	if (key >= 0) return !hasLeadingZero(ip) && ipv4Special(key) === undefined;
	const canonical = canonicalIp(ip);
	return canonical !== undefined && specialAddress(canonical) === undefined;
}
