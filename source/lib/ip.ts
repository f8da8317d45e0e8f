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
