/**
 * The listed access rules (APIs that list them: `ZoneState.rules`) as the console shows them: which
 * rules an address has, whose they are (ours name flarewatch in their notes: actions/rule-notes.ts),
 * the short mark on a threat row, and the Rules view's filter and staleness. Pure.
 */
import {parseRuleNote} from '../actions/rule-notes.js';
import type {AccessRule} from '../backend.js';
import {canonicalIp} from '../lib/ip.js';
import type {RulesSnapshot} from '../monitor/store.js';

/** A listing older than this is marked stale (rules change without our polls seeing it). */
export const rulesStaleMs = 10 * 60_000;

/** The rules on exactly this address (target `ip`), zone's first; forms of one IPv6 address match. */
export function rulesOnIp(rules: readonly AccessRule[] | undefined, ip: string): AccessRule[] {
	if (!rules) return [];
	const wanted = canonicalIp(ip) ?? ip.toLowerCase();
	return rules.filter(rule => rule.target === 'ip' && (canonicalIp(rule.value) ?? rule.value.toLowerCase()) === wanted).sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'zone' ? -1 : 1));
}

/** True when flarewatch made the rule (its notes say so, any console, any operator). */
export function isOurs(rule: Pick<AccessRule, 'notes'>): boolean {
	return parseRuleNote(rule.notes) !== undefined;
}

/** The operator our notes name, when they do. */
export function ourOperator(rule: Pick<AccessRule, 'notes'>): string | undefined {
	const operator = parseRuleNote(rule.notes)?.operator;
	return operator === '' ? undefined : operator;
}

const modeWords: Record<string, string> = {block: 'block', whitelist: 'allow', managed_challenge: 'm-chall', challenge: 'chall', js_challenge: 'js-chall'};

/** A mode in a few letters: block, allow, chall, m-chall, js-chall; another API word as it is. */
export function modeWord(mode: string): string {
	return modeWords[mode] ?? mode;
}

/**
 * The mark a threat row gets for its address's rules: "block·ours" / "block·other" when `width` has
 * room, else "block" / "block!" ("!": someone else made it); a second rule on the address adds "+".
 */
export function ruleMark(rules: readonly AccessRule[], width: number): string | undefined {
	const [first] = rules;
	if (!first) return undefined;
	const ours = isOurs(first);
	const more = rules.length > 1 ? '+' : '';
	const word = modeWord(first.mode).replace(/^m-chall$/, 'chall');
	const long = `${word}·${ours ? 'ours' : 'other'}${more}`;
	return long.length <= width ? long : `${word}${ours ? '' : '!'}${more}`;
}

/** The Rules view's filter: a substring of the mode, target, value or notes, any case. */
export function filterRules(rules: readonly AccessRule[], text: string): readonly AccessRule[] {
	const needle = text.trim().toLowerCase();
	if (needle === '') return rules;
	return rules.filter(rule => [rule.mode, modeWord(rule.mode), rule.target, rule.value, rule.notes].some(field => field.toLowerCase().includes(needle)));
}

/** The zone's rules first, then the account's; newest first within each. */
export function sortRules(rules: readonly AccessRule[]): AccessRule[] {
	return [...rules].sort((a, b) => (a.scope !== b.scope ? (a.scope === 'zone' ? -1 : 1) : b.createdAt - a.createdAt));
}

/** Why the listing may not be what the API has now, or undefined: it failed last time, or it is old. */
export function rulesStaleness(rules: RulesSnapshot | undefined, now: number): string | undefined {
	if (!rules || rules.at === 0) return undefined;
	if (rules.error) return `STALE: ${rules.error}`;
	if (now - rules.at > rulesStaleMs) return 'STALE: listed over 10 min ago';
	return undefined;
}

/** True when the listing can be acted on: it has been made at least once. */
export function rulesListed(rules: RulesSnapshot | undefined): rules is RulesSnapshot {
	return rules !== undefined && rules.at > 0;
}

/** The listed rules on single addresses, by canonical address: a threat row's marks without a scan per row. */
export function indexRulesByIp(rules: readonly AccessRule[] | undefined): ReadonlyMap<string, AccessRule[]> {
	const index = new Map<string, AccessRule[]>();
	for (const rule of rules ?? []) {
		if (rule.target !== 'ip') continue;
		const key = canonicalIp(rule.value) ?? rule.value.toLowerCase();
		const list = index.get(key);
		if (list) list.push(rule);
		else index.set(key, [rule]);
	}
	for (const list of index.values()) list.sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'zone' ? -1 : 1));
	return index;
}

/** The address's rules from an index made by `indexRulesByIp`. */
export function indexedRules(index: ReadonlyMap<string, AccessRule[]>, ip: string): readonly AccessRule[] {
	return index.get(canonicalIp(ip) ?? ip.toLowerCase()) ?? [];
}

const targetWords: Record<string, string> = {ip: 'ip', ip_range: 'range', asn: 'asn', country: 'country'};

/** A target in a few letters: ip, range, asn, country; another API word as it is. */
export function targetWord(target: string): string {
	return targetWords[target] ?? target;
}

/** An age in one short unit: 45s, 12m, 5h, 3d; "-" when unknown. */
export function shortAge(ms: number): string {
	if (!(ms >= 0)) return '-';
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
	if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
	return `${Math.floor(seconds / 86_400)}d`;
}
