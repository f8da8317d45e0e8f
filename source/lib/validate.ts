/**
 * Input checks shared by the client, the one-shot commands and the console's forms. Each `check*`
 * returns a one-sentence problem or undefined, so a form can show it inline as the operator types;
 * `requireValid` turns a problem into a `validation` FlarewatchError naming the field, before anything
 * is sent.
 */
import {isIPv6} from 'node:net';
import {FlarewatchError} from '../errors.js';
import {inert} from './format.js';
import {canonicalIp, specialAddress} from './ip.js';

/** A check: the problem with `value` in one sentence, or undefined when it is fine. */
export type Check = (value: string) => string | undefined;

const controlChars = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const maxInputLength = 4096;

/**
 * Shows a value from outside (typed by the operator or sent by a server) inside a message without
 * letting it flood or corrupt the terminal: at most `max` characters, control, bidi and zero-width
 * characters (see `inert`) replaced by "?", in double quotes. Every message that quotes such a value uses this.
 */
export function quote(value: string, max = 40): string {
	const bounded = value.length > max ? `${value.slice(0, max)}…` : value;
	// Zero-width characters too: "203.0.113.66\u200b" must not read as the address it imitates.
	return JSON.stringify(inert(bounded, '?').replace(/[\u200b-\u200d\u2060\ufeff]/g, '?'));
}

/** Free text: bounded length, no control characters (they could reach a terminal or a log). */
export function checkText(value: string, maxLength = 100): string | undefined {
	if (value.length > maxLength) return `must be at most ${maxLength} characters, not ${value.length}`;
	if (controlChars.test(value)) return 'must not contain control characters';
	return undefined;
}

export function checkIpv4(value: string): string | undefined {
	if (value.length > 15 || !/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
		if (value.includes('/')) return `${quote(value)} is a network range; give a single IPv4 address`;
		return `${quote(value)} is not an IPv4 address`;
	}
	for (const octet of value.split('.')) {
		// A leading zero meant octal to some resolvers: refuse the ambiguity.
		if (Number(octet) > 255 || (octet.length > 1 && octet.startsWith('0'))) return `${quote(value)} is not an IPv4 address`;
	}
	return undefined;
}

export function checkIpv6(value: string): string | undefined {
	if (value.length > 45 || value.includes('%') || value.includes('/') || !isIPv6(value)) {
		if (value.includes('/')) return `${quote(value)} is a network range; give a single IPv6 address`;
		return `${quote(value)} is not an IPv6 address`;
	}
	return undefined;
}

/** An IPv4 or IPv6 address, without a network suffix or zone index. */
export function checkIp(value: string): string | undefined {
	if (value.includes(':')) return checkIpv6(value);
	if (value.includes('/')) return `${quote(value)} is a network range; give a single IP address`;
	return checkIpv4(value) === undefined ? undefined : `${quote(value)} is not an IP address`;
}

export function isIp(value: string): boolean {
	return checkIp(value) === undefined;
}

/**
 * A never-ban entry: an address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`), IPv4 or IPv6. Host
 * bits under the prefix are allowed (`192.0.2.7/24` means the /24): the entry widens, never narrows.
 */
export function checkIpOrRange(value: string): string | undefined {
	const slash = value.indexOf('/');
	if (slash < 0) return checkIp(value) === undefined ? undefined : `${quote(value)} is not an IP address or CIDR range`;
	const address = value.slice(0, slash);
	const prefix = value.slice(slash + 1);
	if (checkIp(address) !== undefined) return `${quote(value)} is not an IP address or CIDR range`;
	const max = address.includes(':') ? 128 : 32;
	if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `${quote(value)} has an invalid prefix length (0 to ${max})`;
	return undefined;
}

/**
 * Why a ban or whitelist rule on `value` is refused: not one IP address, or an address no visitor can
 * have (unspecified, loopback, broadcast, multicast, link-local), where a rule can only be a typo.
 */
export function checkRuleTarget(value: string, rule: 'ban' | 'whitelist'): string | undefined {
	const problem = checkIp(value);
	if (problem) return problem;
	const special = specialAddress(canonicalIp(value) ?? value);
	return special ? `${quote(value)} is ${special}; no visitor comes from it, so it is not ${rule === 'ban' ? 'banned' : 'whitelisted'}` : undefined;
}

/** True when `name` is the zone itself or a name under it (case-insensitive). */
export function isNameInZone(name: string, zone: string): boolean {
	const lowerName = name.toLowerCase();
	const lowerZone = zone.toLowerCase();
	return lowerName === lowerZone || lowerName.endsWith(`.${lowerZone}`);
}

/**
 * A URL to purge as a single file: http or https, no user name or password; with `zone`, its host the
 * zone or a name under it (a purge elsewhere is not this zone's to make).
 */
export function checkPurgeUrl(url: string, zone?: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `${quote(url, 80)} is not a URL${zone === undefined ? '' : ` (https://${zone}/path)`}`;
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `${quote(url, 80)} is not an http or https URL`;
	if (parsed.username !== '' || parsed.password !== '') return `${quote(url, 80)} carries a user name or password; purge the URL without them`;
	if (zone !== undefined && !isNameInZone(parsed.hostname, zone)) return `${quote(url, 80)} is not inside ${zone}`;
	return undefined;
}

/** The ranges an IP access rule takes: IPv4 /16 or /24, IPv6 /32, /48 or /64. */
export function checkRuleRange(value: string): string | undefined {
	const [address = '', bits, extra] = value.split('/');
	const problem = `${quote(value)} is not a range an access rule takes (IPv4 /16 or /24, IPv6 /32, /48 or /64)`;
	if (bits === undefined || extra !== undefined || checkIp(address) !== undefined) return problem;
	return (address.includes(':') ? ['32', '48', '64'] : ['16', '24']).includes(bits) ? undefined : problem;
}

/** An autonomous system number as rules spell it ("AS13335", from "AS13335", "as13335" or "13335"); undefined when it is not one. */
export function asnValue(value: string): string | undefined {
	const digits = /^(?:AS)?(\d{1,10})$/i.exec(value.trim())?.[1];
	const number = digits === undefined ? 0 : Number(digits);
	return number > 0 && number < 2 ** 32 ? `AS${number}` : undefined;
}

const labelPattern = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** One DNS label: letters, digits, hyphen (not at either end), underscore (for service names). */
export function checkLabel(label: string): string | undefined {
	if (label.length === 0) return 'has an empty label';
	if (label.length > 63) return `has a label longer than 63 characters`;
	if (!labelPattern.test(label)) return `has an invalid label ${quote(label)}`;
	return undefined;
}

/** A fully qualified host name (no trailing dot, ASCII; IDNs in their xn-- form). */
export function checkHostname(value: string): string | undefined {
	if (value.length === 0) return 'is empty';
	if (value.length > 253) return `is ${value.length} characters long; a host name has at most 253`;
	if (/\s/.test(value)) return `${quote(value)} contains a space`;
	if (controlChars.test(value)) return `${quote(value)} contains control characters`;
	if (/[^\u0000-\u007f]/.test(value)) return `${quote(value)} is not ASCII; use the xn-- form of an international name`;
	if (value.endsWith('.')) return `${quote(value)} ends with a dot; leave it out`;
	if (isIp(value)) return `${quote(value)} is an IP address, not a host name`;
	const labels = value.split('.');
	for (const label of labels) {
		const problem = checkLabel(label);
		if (problem) return `${quote(value)} ${problem}`;
	}
	if (/^\d+$/.test(labels.at(-1) ?? '')) return `${quote(value)} has a numeric top-level label`;
	return undefined;
}

/** A zone: a host name with at least two labels. */
export function checkZoneName(value: string): string | undefined {
	const problem = checkHostname(value);
	if (problem) return problem;
	if (!value.includes('.')) return `${quote(value)} is not a domain name`;
	if (value.includes('_')) return `${quote(value)} contains an underscore, which a zone name cannot`;
	return undefined;
}

/** A record name as typed: `@`, a short label (`www`, `a.b`), a `*` wildcard or an FQDN. */
export function checkRecordName(value: string): string | undefined {
	if (value === '@') return undefined;
	if (value.startsWith('*.')) return value.length === 1 ? undefined : checkRecordName(value.slice(2));
	if (value === '*') return undefined;
	if (value.length === 0) return 'is empty';
	if (value.length > 253) return `is ${value.length} characters long; a name has at most 253`;
	if (/\s/.test(value)) return `${quote(value)} contains a space`;
	if (controlChars.test(value)) return `${quote(value)} contains control characters`;
	if (/[^\u0000-\u007f]/.test(value)) return `${quote(value)} is not ASCII; use the xn-- form of an international name`;
	if (value.endsWith('.')) return `${quote(value)} ends with a dot; leave it out`;
	if (isIp(value)) return `${quote(value)} is an IP address, not a name`;
	for (const label of value.split('.')) {
		const problem = checkLabel(label);
		if (problem) return `${quote(value)} ${problem}`;
	}
	return undefined;
}

/** Content of an A or CNAME record: an IPv4 address, or a host name that is not an IP address. */
export function checkRecordContent(type: string, value: string): string | undefined {
	if (type === 'A') return checkIpv4(value);
	if (type === 'AAAA') return checkIpv6(value);
	if (type === 'CNAME') return isIp(value) ? `${quote(value)} is an IP address; a CNAME points at a host name` : checkHostname(value);
	return checkText(value, 255);
}

/**
 * What holds for the content of a record of any type (every per-type check in `checkRecordContent`
 * implies it): at most 255 characters, no control characters. For checking content before the
 * record's type is known, so content that cannot be valid is refused before anything is sent.
 */
export function checkAnyRecordContent(value: string): string | undefined {
	return checkText(value, 255);
}

export function checkRecordType(value: string): string | undefined {
	return value === 'A' || value === 'CNAME' ? undefined : `${quote(value)} is not a record type this tool creates (A or CNAME)`;
}

/** 1 means automatic; otherwise 120..4294967295 seconds. */
export function checkTtl(value: number): string | undefined {
	if (!Number.isInteger(value) || (value !== 1 && (value < 120 || value > 4294967295))) {
		return `${String(value)} is not a TTL; use 1 (automatic) or 120 to 4294967295 seconds`;
	}
	return undefined;
}

export function checkEmail(value: string): string | undefined {
	if (value.length === 0) return 'is empty';
	if (value.length > 254) return 'is longer than 254 characters';
	if (/\s/.test(value) || controlChars.test(value)) return 'contains a space or a control character';
	const at = value.lastIndexOf('@');
	if (at < 1 || at === value.length - 1) return `${quote(value)} is not an email address`;
	return undefined;
}

/** Parses a whole decimal number in [min, max], or explains why not. */
export function parseIntegerIn(value: string, min: number, max: number): number | string {
	if (!/^\d{1,12}$/.test(value)) return `${quote(value)} is not a whole number`;
	const number = Number(value);
	if (number < min || number > max) return `${number} is outside ${min}..${max}`;
	return number;
}

/** Throws a `validation` FlarewatchError when `problem` is set; the message names `field`. */
export function requireValid(field: string, problem: string | undefined): void {
	if (problem !== undefined) throw new FlarewatchError('validation', `Invalid ${field}: ${problem}.`, {field});
}

/** Checks `value` with `check` after refusing absurd sizes (a pasted 100 KB blob). */
export function validated(field: string, value: string, check: Check): string {
	if (value.length > maxInputLength) requireValid(field, `is ${value.length} characters long`);
	requireValid(field, check(value));
	return value;
}
