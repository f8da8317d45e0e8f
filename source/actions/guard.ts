/**
 * The never-ban guard: addresses an operator must not lock themselves out with. The operator's own
 * address comes from the SSH session (SSH_CLIENT / SSH_CONNECTION); more come from `--never-ban` and
 * the config file's `neverBan` (addresses or CIDR ranges, IPv4 or IPv6). A ban of a guarded address is
 * refused, in the console and in the one-shot commands, and a lockdown leaves it out. Whitelisting one
 * is not affected: letting yourself in is what an operator may well want.
 */
import {BlockList, isIP} from 'node:net';
import {canonicalIp, ipv4Key} from '../lib/ip.js';
import {checkIpOrRange} from '../lib/validate.js';

export interface GuardEntry {
	/** An address or a CIDR range, as given. */
	pattern: string;
	/** Why it is guarded, for the warning ("your SSH session", "--never-ban"). */
	reason: string;
}

export interface NeverBanGuard {
	entries: readonly GuardEntry[];
	/** The reason `ip` is guarded, or undefined. */
	check(ip: string): string | undefined;
}

/** The client address of the SSH session this process runs in, if any. */
export function sshClientAddress(env: NodeJS.ProcessEnv): string | undefined {
	for (const variable of ['SSH_CONNECTION', 'SSH_CLIENT']) {
		const first = env[variable]?.trim().split(/\s+/)[0];
		if (first && isIP(stripZone(first))) return stripZone(first);
	}
	return undefined;
}

/**
 * Builds the guard. Throws with a message naming the bad entry when a never-ban value is neither an
 * address nor a CIDR range (so a typo never silently leaves an address unprotected).
 */
export function createGuard(neverBan: readonly string[], env: NodeJS.ProcessEnv): NeverBanGuard {
	const entries: GuardEntry[] = [];
	const ssh = sshClientAddress(env);
	if (ssh) entries.push({pattern: canonicalIp(ssh) ?? ssh, reason: 'the address of your SSH session'});
	for (const raw of neverBan) {
		for (const pattern of raw.split(',').map(part => part.trim()).filter(Boolean)) {
			entries.push({pattern: canonicalPattern(pattern), reason: 'on the --never-ban list'});
		}
	}
	const rules = entries.map(entry => ({entry, list: blockListFor(entry.pattern), v4: ipv4Range(entry.pattern)}));
	return {
		entries,
		check(ip) {
			// A lockdown checks every threat IP of a flood: dotted quads are compared as numbers, since
			// BlockList costs microseconds a call; anything else goes through it.
			const key = ipv4Key(ip);
			if (key >= 0) return rules.find(rule => (rule.v4 ? key >= rule.v4[0] && key <= rule.v4[1] : false))?.entry.reason;
			// BlockList also matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1) against IPv4 rules.
			const family = isIP(ip);
			if (family === 0) return undefined;
			const type = family === 4 ? 'ipv4' : 'ipv6';
			return rules.find(rule => rule.list.check(ip, type))?.entry.reason;
		},
	};
}

/** The first and last address of an IPv4 pattern (address or CIDR) as numbers; undefined for IPv6. */
function ipv4Range(pattern: string): [number, number] | undefined {
	const [address, prefixText] = pattern.split('/');
	const base = ipv4Key(address ?? '');
	if (base < 0) return undefined;
	const size = 2 ** (32 - (prefixText === undefined ? 32 : Number(prefixText)));
	const start = Math.floor(base / size) * size;
	return [start, start + size - 1];
}

/** `pattern` is canonical, so already checked. */
function blockListFor(pattern: string): BlockList {
	const list = new BlockList();
	const [address, prefixText] = pattern.split('/');
	const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
	if (prefixText === undefined) list.addAddress(address, type);
	else list.addSubnet(address, Number(prefixText), type);
	return list;
}

/**
 * `2001:DB8:0::1/48` → `2001:db8::1/48`: entries shown in the same form as the addresses they guard.
 * Checked first, so a malformed entry is refused as typed rather than trimmed into a valid one.
 */
function canonicalPattern(pattern: string): string {
	const problem = checkIpOrRange(pattern);
	if (problem) throw new Error(`--never-ban: ${problem}`);
	const [address, prefixText] = pattern.split('/');
	const canonical = canonicalIp(address) ?? address;
	return prefixText === undefined ? canonical : `${canonical}/${prefixText}`;
}

/** `fe80::1%eth0` → `fe80::1`: the zone index is local and never part of a rule. */
function stripZone(address: string): string {
	const percent = address.indexOf('%');
	return percent === -1 ? address : address.slice(0, percent);
}
