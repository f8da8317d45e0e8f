/**
 * IP Access rules as the traffic model applies them: which rules match a visitor (by IP, range, ASN,
 * country), which one wins, and from when. Shared by both faces: v1's ban/wl write `ip`/`ip6` rules,
 * API v4 writes any target. Nothing here keeps state; `syncRules` (world.ts) rebuilds the index.
 *
 * Precedence (our choice; the documentation gives none): the most specific rule wins: an IP, then a
 * longer range before a shorter one, then an ASN, then a country; at the same level a zone-level rule
 * before an account-level one. A rule applies from the moment its mode was set (`since`), so before
 * a more specific rule was made the less specific one still shows in past windows.
 */
import {isIPv4, isIPv6} from 'node:net';
import type {Population} from './population.js';
import type {IpAccessRule} from './world.js';

/** The 8 groups of an IPv6 address (undefined when it is not one). */
export function ipv6Groups(ip: string): number[] | undefined {
	if (!isIPv6(ip)) return undefined;
	let text = ip.toLowerCase();
	// An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
	const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
	if (tail) {
		const [a, b, c, d] = tail.split('.').map(Number);
		text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const [head, rest] = text.split('::');
	const left = head === '' ? [] : head.split(':');
	const right = rest === undefined || rest === '' ? [] : rest.split(':');
	const zeros = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
	return [...left, ...zeros, ...right].map(group => Number.parseInt(group, 16));
}

/** RFC 5952's text form of 8 groups: lower case, no leading zeros, the longest run of 2+ zero groups as `::`. */
export function formatIpv6(groups: number[]): string {
	let best = -1;
	let bestLength = 1;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLength) {
			best = i;
			bestLength = j - i;
		}
		i = j;
	}
	const hex = groups.map(group => group.toString(16));
	if (best < 0) return hex.join(':');
	return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** An IPv6 address in one canonical form, so that every spelling of it matches; IPv4 as given. */
export function canonicalIp(ip: string): string {
	const groups = ipv6Groups(ip);
	return groups ? formatIpv6(groups) : ip;
}

/** Prefix lengths the API allows for `ip_range`. */
export const ipv4RangeBits = [24, 16] as const;
export const ipv6RangeBits = [64, 48, 32] as const;

/** The network of `ip` with `bits` kept, as `network/bits` (the form rules keep and match on). */
export function networkPrefix(ip: string, bits: number): string | undefined {
	if (isIPv4(ip)) {
		const octets = ip.split('.').map(Number);
		const kept = octets.map((octet, index) => (index * 8 >= bits ? 0 : index * 8 + 8 <= bits ? octet : octet & (0xff << (8 - (bits - index * 8))) & 0xff));
		return `${kept.join('.')}/${bits}`;
	}
	const groups = ipv6Groups(ip);
	if (!groups) return undefined;
	const kept = groups.map((group, index) => (index * 16 >= bits ? 0 : index * 16 + 16 <= bits ? group : group & (0xffff << (16 - (bits - index * 16))) & 0xffff));
	return `${formatIpv6(kept)}/${bits}`;
}

/** An `ip_range` value of an allowed size in the form rules keep it (its network address), or undefined. */
export function rangeValue(value: string): string | undefined {
	const [address, bits, extra] = value.split('/');
	if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined;
	const size = Number(bits);
	if (isIPv4(address) && (ipv4RangeBits as readonly number[]).includes(size)) return networkPrefix(address, size);
	if (isIPv6(address) && (ipv6RangeBits as readonly number[]).includes(size)) return networkPrefix(address, size);
	return undefined;
}

/** The rules of one zone, by what they match; each list holds zone-level rules first. */
export interface RuleIndex {
	ip: Map<string, IpAccessRule[]>;
	/** IPv4 ranges by their network as a number: /24 by the address's top 24 bits, /16 by its top 16. */
	range24: Map<number, IpAccessRule[]>;
	range16: Map<number, IpAccessRule[]>;
	/** IPv6 ranges by their kept form (`2001:db8::/48`). */
	range6: Map<string, IpAccessRule[]>;
	asn: Map<number, IpAccessRule[]>;
	country: Map<string, IpAccessRule[]>;
	empty: boolean;
}

function newIndex(): RuleIndex {
	return {ip: new Map(), range24: new Map(), range16: new Map(), range6: new Map(), asn: new Map(), country: new Map(), empty: true};
}

export const emptyRuleIndex: RuleIndex = newIndex();

/** An IPv4 address as an unsigned 32-bit number. */
function ipv4Number(ip: string): number {
	let value = 0;
	let octet = 0;
	for (let i = 0; i < ip.length; i++) {
		const code = ip.charCodeAt(i);
		if (code === 46) {
			value = value * 256 + octet;
			octet = 0;
		} else {
			octet = octet * 10 + code - 48;
		}
	}
	return value * 256 + octet;
}

function push<K>(map: Map<K, IpAccessRule[]>, key: K, rule: IpAccessRule): void {
	const list = map.get(key);
	if (list) list.push(rule);
	else map.set(key, [rule]);
}

/** Indexes a zone's rules: its own, then the account's (every zone of it). */
export function buildRuleIndex(zoneRules: readonly IpAccessRule[], accountRules: readonly IpAccessRule[]): RuleIndex {
	const index = newIndex();
	for (const rule of [...zoneRules, ...accountRules]) {
		index.empty = false;
		switch (rule.target) {
			case 'ip':
			case 'ip6':
				push(index.ip, canonicalIp(rule.value), rule);
				break;
			case 'ip_range': {
				const [address, bits] = rule.value.split('/');
				if (!isIPv4(address)) push(index.range6, rule.value, rule);
				else if (bits === '24') push(index.range24, ipv4Number(address) >>> 8, rule);
				else push(index.range16, ipv4Number(address) >>> 16, rule);
				break;
			}
			case 'asn':
				push(index.asn, Number(rule.value.replace(/^AS/i, '')), rule);
				break;
			case 'country':
				push(index.country, rule.value, rule);
				break;
		}
	}
	return index;
}

/** IPv6 visitors by their canonical form (the population keeps them as generated), per population. */
const ipv6Visitors = new WeakMap<Population, Map<string, number>>();

function visitorByIp(population: Population, ip: string): number | undefined {
	if (!ip.includes(':')) return population.index.get(ip);
	let byCanonical = ipv6Visitors.get(population);
	if (!byCanonical) {
		byCanonical = new Map();
		for (const [address, i] of population.index) if (address.includes(':')) byCanonical.set(canonicalIp(address), i);
		ipv6Visitors.set(population, byCanonical);
	}
	return byCanonical.get(ip);
}

/** A population's IPv4 addresses as numbers (-1 for IPv6), made once per population. */
const ipv4Numbers = new WeakMap<Population, Float64Array>();

function numbersOf(population: Population): Float64Array {
	let numbers = ipv4Numbers.get(population);
	if (!numbers) {
		numbers = new Float64Array(population.ips.length);
		for (let i = 0; i < numbers.length; i++) numbers[i] = population.ips[i].includes(':') ? -1 : ipv4Number(population.ips[i]);
		ipv4Numbers.set(population, numbers);
	}
	return numbers;
}

/**
 * The rules that match each visitor of a population, most specific first (undefined: none). Made
 * target by target, so that a zone with only IP rules (v1's bans) costs as many steps as it has rules,
 * however many visitors there are; visitors matched by the same rules alone share one list.
 */
export function visitorRules(index: RuleIndex, population: Population, countryOf: (i: number) => string): (IpAccessRule[] | undefined)[] {
	const size = population.ips.length;
	const found = new Array<IpAccessRule[] | undefined>(size);
	if (index.empty) return found;
	const add = (i: number, rules: IpAccessRule[] | undefined) => {
		if (!rules) return;
		const list = found[i];
		found[i] = list ? list.concat(rules) : rules;
	};
	for (const [ip, rules] of index.ip) {
		const i = visitorByIp(population, ip);
		if (i !== undefined) add(i, rules);
	}
	if (index.range24.size > 0 || index.range16.size > 0 || index.range6.size > 0) {
		const numbers = numbersOf(population);
		for (let i = 0; i < size; i++) {
			const number = numbers[i];
			if (number >= 0) {
				add(i, index.range24.get(Math.floor(number / 256)));
				add(i, index.range16.get(Math.floor(number / 65_536)));
			} else if (index.range6.size > 0) {
				for (const bits of ipv6RangeBits) add(i, index.range6.get(networkPrefix(population.ips[i], bits) ?? ''));
			}
		}
	}
	if (index.asn.size > 0) for (let i = 0; i < size; i++) add(i, index.asn.get(population.asn[i]));
	if (index.country.size > 0) for (let i = 0; i < size; i++) add(i, index.country.get(countryOf(i)));
	return found;
}

/** From `from` on (until the next piece), `rule` decides what happens to the visitor's requests; none: nothing does. */
export interface RulePiece {
	from: number;
	rule: IpAccessRule | undefined;
}

/**
 * When which rule held for a visitor, given the rules that match it (most specific first): at any
 * moment, the most specific rule already set. Undefined when none matches.
 */
export function ruleTimeline(candidates: readonly IpAccessRule[]): RulePiece[] | undefined {
	if (candidates.length === 0) return undefined;
	const pieces: RulePiece[] = [{from: Number.NEGATIVE_INFINITY, rule: undefined}];
	const moments = [...new Set(candidates.map(rule => rule.since))].sort((x, y) => x - y);
	for (const at of moments) {
		const rule = candidates.find(candidate => candidate.since <= at);
		if (rule !== pieces[pieces.length - 1].rule) pieces.push({from: at, rule});
	}
	return pieces;
}

/** The rule holding at `at` on a timeline. */
export function ruleAt(timeline: readonly RulePiece[] | undefined, at: number): IpAccessRule | undefined {
	if (!timeline) return undefined;
	for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i].from <= at) return timeline[i].rule;
	return undefined;
}

/** [from, to) cut where the timeline changes, with the rule holding in each piece. */
export function timelinePieces(timeline: readonly RulePiece[] | undefined, from: number, to: number): {from: number; to: number; rule: IpAccessRule | undefined}[] {
	if (to <= from) return [];
	if (!timeline) return [{from, to, rule: undefined}];
	const pieces: {from: number; to: number; rule: IpAccessRule | undefined}[] = [];
	let start = from;
	let rule = ruleAt(timeline, from);
	for (const piece of timeline) {
		if (piece.from <= from) continue;
		if (piece.from >= to) break;
		pieces.push({from: start, to: piece.from, rule});
		start = piece.from;
		rule = piece.rule;
	}
	pieces.push({from: start, to, rule});
	return pieces;
}

/** Share of a person's (or crawler's) requests a challenge rule still challenges: clearances expire and are earned again. */
export const peopleChallengedShare = 0.05;

/** The firewall event action of a rule's mode (GraphQL `action`). */
export const ruleActions = {block: 'block', challenge: 'challenge', js_challenge: 'jschallenge', managed_challenge: 'managed_challenge', whitelist: 'allow'} as const;
/** The firewall event source of a rule's target (GraphQL `source`, as in Cloudflare's firewall event logs). */
export const ruleSources = {ip: 'ip', ip6: 'ip', ip_range: 'iprange', asn: 'asn', country: 'country'} as const;
