/**
 * Drift: a zone's state changed by someone else. For each zone the monitor keeps what flarewatch last
 * set or saw (the baseline: the settings of the last poll, the DNS records and, on v4, the access rules
 * of the last listing) and compares each new poll or listing with it. What this console's own actions
 * changed is not drift: an action that is queued or in flight, or finished since the baseline was
 * taken, makes the change it asked for expected; a poll or listing that started before such an action
 * finished (it raced the action) decides nothing about what the action touched, which is decided by the
 * next one. The first poll and listing of a zone after start are the baseline: a restart forgets what
 * was set before it (docs/console.md says so).
 *
 * Pure: the baseline, the new data and the session's actions in; the new baseline and what drifted out.
 * The reducer (reduce.ts) stores the entries; the UI words them with `driftText`; nothing here is ever
 * sent, except `putBack`, the request `D` offers (with the usual confirmation) for what flarewatch set.
 */
import {parseRuleNote} from '../actions/rule-notes.js';
import type {ActionEntry, ActionRequest} from '../actions/types.js';
import {ruleModes, ruleTargets, type AccessRule, type DnsRecord, type RuleMode, type RuleTarget, type ZoneRef, type ZoneStats} from '../backend.js';

export type DriftWhat = 'security-level' | 'dev-mode' | 'cache-level' | 'dns' | 'rule';

/** One change noticed: the audit log's observation (`action: 'drift'`), the dashboard's and the Log's line. */
export interface DriftEntry {
	/** Increasing within the session (the audit writer's mark of what it has written). */
	seq: number;
	zone: string;
	what: DriftWhat;
	/** What it was (as flarewatch last set or saw it) and what it is now; 'none' for a record or rule that was not there, or is gone. */
	from: string;
	to: string;
	/** Which record or rule, or how many changed at once. */
	detail?: string;
	/** How the change reads: 'added', 'removed', 'changed' (records and rules), 'many' (one line for a burst). */
	change?: 'added' | 'removed' | 'changed' | 'many';
	/** Epoch ms when it was noticed (the start of the poll or listing that showed it). */
	at: number;
	/** "flarewatch user@host" when the rule's notes say flarewatch made it (another console). */
	by?: string;
	/** What it is about ('security-level', 'dns:ID', 'rule:SCOPE:ID'), and its value now, to tell whether it still holds. */
	subject: string;
	toKey: string;
	/** What `D` sends to put back what flarewatch had set; undefined with `cannot`. */
	putBack?: ActionRequest;
	/** Why `D` cannot put it back. */
	cannot?: string;
}

/** A change found, before the reducer numbers and dates it. */
export type Observation = Omit<DriftEntry, 'seq' | 'zone' | 'at'>;

/** The settings a poll showed, as compared. */
export interface SettingsSeen {
	level?: string;
	dev: boolean;
	/** Epoch seconds when dev mode ends (server's clock). */
	devUntil: number;
	cache?: string;
}

/** What the monitor compares each poll and listing of a zone with. */
export interface ZoneDrift {
	/** `at`: the start of the poll or listing that gave the baseline. */
	settings?: {seen: SettingsSeen; at: number};
	records?: {list: readonly DnsRecord[]; at: number};
	rules?: {list: readonly AccessRule[]; at: number};
	/** Oldest first, at most `driftCapacity`. */
	entries: readonly DriftEntry[];
}

/** Drift entries kept per zone (the audit log has them all). */
export const driftCapacity = 200;
/** More changes than this in one listing are one line (a lockdown elsewhere, a zone import), not a screenful. */
export const driftBurst = 8;

/** The level in the API v4 words, which read the same on both APIs. */
const levelWords: Record<string, string> = {help: 'under_attack', high: 'high', med: 'medium', low: 'low', eoff: 'essentially_off'};
const cacheWords: Record<string, string> = {agg: 'aggressive', basic: 'basic'};

export function settingsSeen(stats: ZoneStats): SettingsSeen {
	return {
		level: stats.securityLevel ?? (stats.securityLabel.trim() === '' ? undefined : stats.securityLabel.trim().toLowerCase()),
		dev: stats.devModeUntil * 1000 > stats.serverTime,
		devUntil: stats.devModeUntil,
		cache: stats.cacheLevel,
	};
}

function isOpen(entry: ActionEntry): boolean {
	return entry.state === 'pending' || entry.state === 'sent';
}

function sameZone(request: ActionRequest, zone: string): boolean {
	// A request without a zone (v1's account-wide rules, DIUP) may touch any zone.
	return !('zone' in request) || request.zone === undefined || request.zone.name.toLowerCase() === zone.toLowerCase();
}

/** This console's actions of these kinds on the zone that are open or finished at or after `since`. */
function relevant(actions: readonly ActionEntry[], zone: string, kinds: ReadonlySet<ActionRequest['kind']>, since: number): ActionEntry[] {
	return actions.filter(entry => kinds.has(entry.request.kind) && sameZone(entry.request, zone) && (isOpen(entry) || entry.updatedAt >= since));
}

/** The latest of this console's actions of `kind` on the zone that succeeded (what flarewatch last set). */
function lastDone(actions: readonly ActionEntry[], zone: string, kind: ActionRequest['kind']): ActionEntry | undefined {
	for (let index = actions.length - 1; index >= 0; index--) {
		const entry = actions[index];
		if (entry.state === 'done' && entry.request.kind === kind && sameZone(entry.request, zone)) return entry;
	}
	return undefined;
}

interface SettingField {
	what: 'security-level' | 'dev-mode' | 'cache-level';
	label: string;
	key: 'level' | 'dev' | 'cache';
	word(seen: SettingsSeen): string | undefined;
	/** What an action of this kind asks for, in the same words. */
	asked(request: ActionRequest): string | undefined;
	/** The key that sets it. */
	hint: string;
}

const settingFields: readonly SettingField[] = [
	{
		what: 'security-level',
		label: 'security level',
		key: 'level',
		word: seen => (seen.level === undefined ? undefined : (levelWords[seen.level] ?? seen.level)),
		asked: request => (request.kind === 'security-level' ? levelWords[request.level] : undefined),
		hint: 's sets it',
	},
	{
		what: 'dev-mode',
		label: 'dev mode',
		key: 'dev',
		word: seen => (seen.dev ? 'on' : 'off'),
		asked: request => (request.kind === 'dev-mode' ? (request.on ? 'on' : 'off') : undefined),
		hint: 'd switches it',
	},
	{
		what: 'cache-level',
		label: 'cache level',
		key: 'cache',
		word: seen => (seen.cache === undefined ? undefined : (cacheWords[seen.cache] ?? seen.cache)),
		asked: request => (request.kind === 'cache-level' ? cacheWords[request.level] : undefined),
		hint: 'c switches it',
	},
];

/** Dev mode ending by itself (its three hours are up) is not drift: this much slack for clocks and polls. */
const devExpirySlackMs = 60_000;

/**
 * A poll's settings against the baseline. `startedAt`: when the poll started (a change an action of
 * ours made after that cannot be in it). Returns the new baseline and the drift found.
 */
export function settingsDrift(
	zone: ZoneRef,
	base: ZoneDrift['settings'],
	stats: ZoneStats,
	startedAt: number,
	actions: readonly ActionEntry[],
): {settings: NonNullable<ZoneDrift['settings']>; found: Observation[]} {
	const now = settingsSeen(stats);
	if (!base) return {settings: {seen: now, at: startedAt}, found: []};
	const seen: SettingsSeen = {...now};
	const found: Observation[] = [];
	for (const field of settingFields) {
		const before = field.word(base.seen);
		const after = field.word(now);
		if (before === undefined || after === undefined || before === after) continue;
		const ours = relevant(actions, zone.name, new Set([field.what]), base.at);
		// Ours: what one of our actions asked for (done, failed or in flight: the API may have taken it).
		if (ours.some(entry => field.asked(entry.request) === after)) continue;
		if (ours.some(entry => isOpen(entry) || entry.updatedAt >= startedAt)) {
			// This poll raced one of our actions: the next one decides. Keep what we had.
			keepField(seen, base.seen, field.key);
			continue;
		}
		// What we set since the last poll is what it was before this change, whatever that poll showed.
		const setSince = ours.filter(entry => entry.state === 'done').at(-1);
		const was = (setSince && field.asked(setSince.request)) ?? before;
		if (field.what === 'dev-mode' && was === 'on' && before === 'on' && base.seen.devUntil * 1000 <= stats.serverTime + devExpirySlackMs) continue;
		const set = lastDone(actions, zone.name, field.what);
		const putBack = set && field.asked(set.request) === was ? {...set.request, zone} : undefined;
		found.push({
			what: field.what,
			from: was,
			to: after,
			subject: field.what,
			toKey: after,
			...(putBack
				? {putBack: putBack as ActionRequest}
				: {cannot: `flarewatch did not set the ${field.label} to ${was} in this session (it was ${was} when last polled): ${field.hint}`}),
		});
	}
	return {settings: {seen, at: startedAt}, found};
}

function keepField(seen: SettingsSeen, base: SettingsSeen, key: SettingField['key']): void {
	if (key === 'level') seen.level = base.level;
	else if (key === 'cache') seen.cache = base.cache;
	else {
		seen.dev = base.dev;
		seen.devUntil = base.devUntil;
	}
}

/** The value in the settings baseline of a settings subject, as `toKey` holds it. */
export function settingWord(seen: SettingsSeen, what: DriftWhat): string | undefined {
	return settingFields.find(field => field.what === what)?.word(seen);
}

// DNS records --------------------------------------------------------------------------------------

const dnsKinds: ReadonlySet<ActionRequest['kind']> = new Set(['dns-add', 'dns-edit', 'dns-delete-name', 'dns-update-ip']);

/** A record name as the API lists it: fully qualified, lower case, no final dot (`@` is the zone). */
export function fqdn(name: string, zone: string): string {
	const lower = name.trim().toLowerCase().replace(/\.$/, '');
	const apex = zone.toLowerCase();
	if (lower === '' || lower === '@') return apex;
	return lower === apex || lower.endsWith(`.${apex}`) ? lower : `${lower}.${apex}`;
}

/** The record names an action touches. */
function touchedNames(entry: ActionEntry, zone: string, before: ReadonlyMap<string, DnsRecord>): string[] {
	const request = entry.request;
	switch (request.kind) {
		case 'dns-add':
			return [fqdn(request.record.name, zone)];
		case 'dns-edit': {
			const old = before.get(request.record.id);
			return [fqdn(request.record.name, zone), ...(old ? [fqdn(old.name, zone)] : [])];
		}
		case 'dns-delete-name':
			return [fqdn(request.fqdn, zone)];
		case 'dns-update-ip':
			return request.hosts.map(host => fqdn(host, zone));
		default:
			return [];
	}
}

/** A record in a line: type, name, content, and what else sets it apart. */
export function describeRecord(record: DnsRecord): string {
	const prio = record.prio === undefined ? '' : ` prio ${record.prio}`;
	const ttl = record.ttl === 1 ? '' : ` ttl ${record.ttl}`;
	return `${record.type} ${record.name} ${record.content}${prio}${record.proxied ? ' proxied' : ''}${ttl}`;
}

function recordKey(record: DnsRecord): string {
	return `${record.type}|${record.name.toLowerCase()}|${record.content}|${record.proxied}|${record.ttl}|${record.prio ?? ''}`;
}

/** Records this console made or edited in the session, by id (what D may put back). */
function recordsWeSet(actions: readonly ActionEntry[], zone: string): Set<string> {
	const ids = new Set<string>();
	for (const entry of actions) {
		if (entry.state !== 'done' || !sameZone(entry.request, zone)) continue;
		if (entry.request.kind === 'dns-add') {
			const made = entry.result as DnsRecord | undefined;
			if (made?.id) ids.add(made.id);
		} else if (entry.request.kind === 'dns-edit') ids.add(entry.request.record.id);
	}
	return ids;
}

/**
 * A listing of the zone's DNS records against the baseline: records added, changed or removed, by id.
 * Names an action of ours touched since the baseline are ours, not drift; where the listing raced the
 * action (started before it finished), those names keep the baseline's records until the next listing.
 * Returns the new baseline, the drift found, and the names the listing raced.
 */
export function recordsDrift(
	zone: ZoneRef,
	base: ZoneDrift['records'],
	listing: readonly DnsRecord[],
	startedAt: number,
	actions: readonly ActionEntry[],
): {records: NonNullable<ZoneDrift['records']>; found: Observation[]; raced: ReadonlySet<string>} {
	const ourActions = relevant(actions, zone.name, dnsKinds, base?.at ?? Number.POSITIVE_INFINITY);
	const before = new Map((base?.list ?? []).map(record => [record.id, record]));
	const touched = new Set<string>();
	const raced = new Set<string>();
	for (const entry of ourActions) {
		for (const name of touchedNames(entry, zone.name, before)) {
			touched.add(name);
			if (isOpen(entry) || entry.updatedAt >= startedAt) raced.add(name);
		}
	}
	const name = (record: DnsRecord) => fqdn(record.name, zone.name);
	const list = [...listing.filter(record => !raced.has(name(record))), ...(base?.list ?? []).filter(record => raced.has(name(record)))];
	if (!base) return {records: {list, at: startedAt}, found: [], raced};
	const after = new Map(listing.map(record => [record.id, record]));
	const ours = recordsWeSet(actions, zone.name);
	const found: Observation[] = [];
	const cannotUnmade = 'flarewatch did not make or edit this record in this session: e in the DNS view edits it';
	for (const record of listing) {
		const old = before.get(record.id);
		if (touched.has(name(record)) || (old && touched.has(name(old)))) continue;
		if (!old) {
			found.push({what: 'dns', change: 'added', from: 'none', to: describeRecord(record), detail: record.name, subject: `dns:${record.id}`, toKey: recordKey(record), cannot: 'added elsewhere, not by flarewatch: x in the DNS view deletes it'});
		} else if (recordKey(old) !== recordKey(record)) {
			const putBack: ActionRequest | undefined = ours.has(record.id) ? {kind: 'dns-edit', zone, record: old} : undefined;
			found.push({what: 'dns', change: 'changed', from: describeRecord(old), to: describeRecord(record), detail: record.name, subject: `dns:${record.id}`, toKey: recordKey(record), ...(putBack ? {putBack} : {cannot: cannotUnmade})});
		}
	}
	for (const old of base.list) {
		if (after.has(old.id) || touched.has(name(old))) continue;
		const putBack: ActionRequest | undefined = ours.has(old.id)
			? {kind: 'dns-add', zone, record: {type: old.type, name: old.name, content: old.content, ttl: old.ttl, proxied: old.proxied, ...(old.prio === undefined ? {} : {prio: old.prio}), ...(old.comment === undefined ? {} : {comment: old.comment})}}
			: undefined;
		found.push({what: 'dns', change: 'removed', from: describeRecord(old), to: 'none', detail: old.name, subject: `dns:${old.id}`, toKey: 'none', ...(putBack ? {putBack} : {cannot: cannotUnmade})});
	}
	return {records: {list, at: startedAt}, found: burst(found, 'dns', 'records', 'the DNS view (Tab) lists them'), raced};
}

/** The value a DNS subject has in the baseline (a record's key, or 'none'). */
export function recordWord(list: readonly DnsRecord[] | undefined, subject: string): string | undefined {
	if (!list) return undefined;
	const id = subject.slice('dns:'.length);
	const record = list.find(candidate => candidate.id === id);
	return record ? recordKey(record) : 'none';
}

// Access rules (APIs that list them: v4) -----------------------------------------------------------

const ruleKinds: ReadonlySet<ActionRequest['kind']> = new Set(['ban', 'whitelist', 'clear-rule', 'challenge', 'rule-add', 'rule-delete']);

function touchedValue(request: ActionRequest): string | undefined {
	switch (request.kind) {
		case 'ban':
		case 'whitelist':
		case 'clear-rule':
		case 'challenge':
			return request.ip.toLowerCase();
		case 'rule-add':
		case 'rule-delete':
			return request.rule.value.toLowerCase();
		default:
			return undefined;
	}
}

export function describeRule(rule: AccessRule): string {
	return `${rule.mode} ${rule.target} ${rule.value}${rule.scope === 'account' ? ' (account-wide)' : ''}`;
}

/** "flarewatch user@host" when the notes say flarewatch made the rule. */
function byFlarewatch(notes: string): string | undefined {
	const note = parseRuleNote(notes);
	if (!note) return undefined;
	return note.operator === '' ? 'flarewatch' : `flarewatch ${note.operator}`;
}

const ruleRequestByMode: Partial<Record<RuleMode, 'ban' | 'whitelist' | 'challenge'>> = {block: 'ban', whitelist: 'whitelist', managed_challenge: 'challenge'};

/** The request that makes `rule` again as it was (a rule flarewatch made), or why there is none. */
function ruleAgain(zone: ZoneRef, rule: AccessRule, inPlace: boolean): {putBack: ActionRequest} | {cannot: string} {
	if (!byFlarewatch(rule.notes)) return {cannot: 'flarewatch did not make this rule (its note does not say so): the Rules view (Tab) has it'};
	if (rule.scope !== 'zone') return {cannot: 'an account-wide rule: flarewatch makes rules in the zone only'};
	if (!ruleModes.includes(rule.mode as RuleMode) || !ruleTargets.includes(rule.target as RuleTarget)) return {cannot: `flarewatch cannot make a ${rule.mode} rule on ${rule.target}`};
	if (inPlace) {
		// The API keeps one rule per address: a ban (or allow, challenge) on it changes that rule back.
		const kind = ruleRequestByMode[rule.mode as RuleMode];
		if (rule.target !== 'ip' || !kind) return {cannot: 'its mode cannot be changed back in place: remove it in the Rules view, then make it again'};
		return {putBack: kind === 'challenge' ? {kind, zone, ip: rule.value, notes: rule.notes} : {kind, ip: rule.value, zone, notes: rule.notes}};
	}
	return {putBack: {kind: 'rule-add', zone, rule: {mode: rule.mode as RuleMode, target: rule.target as RuleTarget, value: rule.value, notes: rule.notes}}};
}

/**
 * A listing of the zone's and its account's access rules against the baseline: rules added, removed, or
 * whose mode changed, by id. Values (addresses, ranges, networks) an action of ours touched since the
 * baseline are ours, not drift.
 */
export function rulesDrift(
	zone: ZoneRef,
	base: ZoneDrift['rules'],
	listing: readonly AccessRule[],
	startedAt: number,
	actions: readonly ActionEntry[],
): {rules: NonNullable<ZoneDrift['rules']>; found: Observation[]} {
	const ourActions = relevant(actions, zone.name, ruleKinds, base?.at ?? Number.POSITIVE_INFINITY);
	const touched = new Set<string>();
	const raced = new Set<string>();
	for (const entry of ourActions) {
		const value = touchedValue(entry.request);
		if (value === undefined) continue;
		touched.add(value);
		if (isOpen(entry) || entry.updatedAt >= startedAt) raced.add(value);
	}
	const key = (rule: AccessRule) => `${rule.scope}:${rule.id}`;
	const list = [...listing.filter(rule => !raced.has(rule.value.toLowerCase())), ...(base?.list ?? []).filter(rule => raced.has(rule.value.toLowerCase()))];
	if (!base) return {rules: {list, at: startedAt}, found: []};
	const before = new Map(base.list.map(rule => [key(rule), rule]));
	const after = new Map(listing.map(rule => [key(rule), rule]));
	const found: Observation[] = [];
	for (const rule of listing) {
		if (touched.has(rule.value.toLowerCase())) continue;
		const old = before.get(key(rule));
		const by = byFlarewatch(rule.notes);
		if (!old) {
			found.push({what: 'rule', change: 'added', from: 'none', to: describeRule(rule), detail: rule.value, subject: `rule:${key(rule)}`, toKey: rule.mode, ...(by ? {by} : {}), cannot: 'added elsewhere: x in the Rules view removes it'});
		} else if (old.mode !== rule.mode) {
			found.push({what: 'rule', change: 'changed', from: describeRule(old), to: describeRule(rule), detail: rule.value, subject: `rule:${key(rule)}`, toKey: rule.mode, ...(by ? {by} : {}), ...ruleAgain(zone, old, true)});
		}
	}
	for (const old of base.list) {
		if (after.has(key(old)) || touched.has(old.value.toLowerCase())) continue;
		const by = byFlarewatch(old.notes);
		found.push({what: 'rule', change: 'removed', from: describeRule(old), to: 'none', detail: old.value, subject: `rule:${key(old)}`, toKey: 'none', ...(by ? {by: `${by} (its maker)`} : {}), ...ruleAgain(zone, old, false)});
	}
	return {rules: {list, at: startedAt}, found: burst(found, 'rule', 'rules', 'the Rules view (Tab) lists them')};
}

/** The value a rule subject has in the baseline (its mode, or 'none'). */
export function ruleWord(list: readonly AccessRule[] | undefined, subject: string): string | undefined {
	if (!list) return undefined;
	const wanted = subject.slice('rule:'.length);
	const rule = list.find(candidate => `${candidate.scope}:${candidate.id}` === wanted);
	return rule ? rule.mode : 'none';
}

/** Many changes at once are one line, saying how many of each (and whose, when one flarewatch made them all). */
function burst(found: Observation[], what: 'dns' | 'rule', noun: string, where: string): Observation[] {
	if (found.length <= driftBurst) return found;
	const count = (change: Observation['change']) => found.filter(observation => observation.change === change).length;
	const parts = (['added', 'changed', 'removed'] as const).map(change => [change, count(change)] as const).filter(([, n]) => n > 0);
	const makers = new Set(found.map(observation => observation.by));
	const by = makers.size === 1 ? [...makers][0] : undefined;
	return [
		{
			what,
			change: 'many',
			from: `${found.length} ${noun}`,
			to: parts.map(([change, n]) => `${n} ${change}`).join(', '),
			detail: `${found.length} ${noun} at once`,
			subject: `${what}:many`,
			toKey: 'many',
			...(by ? {by} : {}),
			cannot: `${found.length} ${noun} changed at once: too many to put back one by one; ${where}`,
		},
	];
}

// The audit trail -------------------------------------------------------------------------------

/** How long before a drift is noticed another session's recorded change may be the one noticed. */
export const trailWindowMs = 15 * 60_000;

/** What an action of another session asked for, in the words a drift of `what` uses, or undefined. */
function trailValue(what: DriftWhat, action: string, params: Record<string, unknown>): string | undefined {
	if (what === 'security-level' && action === 'security-level' && typeof params.level === 'string') return levelWords[params.level];
	if (what === 'cache-level' && action === 'cache-level' && typeof params.level === 'string') return cacheWords[params.level];
	if (what === 'dev-mode' && action === 'dev-mode' && typeof params.on === 'boolean') return params.on ? 'on' : 'off';
	return undefined;
}

/** The DNS record names an action of another session touched, as recorded. */
function trailNames(action: string, params: Record<string, unknown>, zone: string): string[] {
	const record = params.record as {name?: unknown} | undefined;
	if ((action === 'dns-add' || action === 'dns-edit') && typeof record?.name === 'string') return [fqdn(record.name, zone)];
	if (action === 'dns-delete-name' && typeof params.fqdn === 'string') return [fqdn(params.fqdn, zone)];
	return [];
}

/** A console's session ("PID@ISO time") as a reader knows it: the other console's process on this machine. */
function sessionWords(session: string): string {
	const pid = /^(\d+)[@-]/.exec(session)?.[1];
	return pid === undefined ? 'on this machine' : `pid ${pid} on this machine`;
}

/**
 * "flarewatch pid P on this machine" when the audit trail holds another session's change that is this drift: the
 * same zone, done within `trailWindowMs` before it was noticed, asking for the value noticed (a setting)
 * or touching the record's name (DNS). Rules say whose they are in their notes instead.
 */
export function attributedBy(entry: DriftEntry, records: ReadonlyArray<{time: string; session: string; zone?: string; action: string; params: Record<string, unknown>; outcome: string}>): string | undefined {
	if (entry.by !== undefined || entry.what === 'rule' || entry.change === 'many') return undefined;
	for (let index = records.length - 1; index >= 0; index--) {
		const record = records[index];
		const at = Date.parse(record.time);
		if (record.outcome !== 'done' || record.zone?.toLowerCase() !== entry.zone.toLowerCase() || !(at <= entry.at + 1000) || at < entry.at - trailWindowMs) continue;
		const matches = entry.what === 'dns' ? entry.detail !== undefined && trailNames(record.action, record.params, entry.zone).includes(fqdn(entry.detail, entry.zone)) : trailValue(entry.what, record.action, record.params) === entry.to;
		if (matches) return `flarewatch ${sessionWords(record.session)}`;
	}
	return undefined;
}

// Words ------------------------------------------------------------------------------------------

const whatWords: Record<DriftWhat, string> = {'security-level': 'security level', 'dev-mode': 'dev mode', 'cache-level': 'cache level', dns: 'DNS', rule: 'rule'};

/** The change in one line: "security level high → essentially_off", "DNS record removed: A www… (by …)". */
export function driftText(entry: Pick<DriftEntry, 'what' | 'from' | 'to' | 'change' | 'by' | 'detail'>): string {
	const by = entry.by ? ` (by ${entry.by})` : '';
	const noun = entry.what === 'dns' ? 'DNS record' : 'rule';
	switch (entry.change) {
		case 'added':
			return `${noun} added: ${entry.to}${by}`;
		case 'removed':
			return `${noun} removed: ${entry.from}${by}`;
		case 'changed':
			return `${noun} ${entry.from} → ${entry.to}${by}`;
		case 'many':
			return `${entry.detail ?? entry.from}: ${entry.to}${by}`;
		default:
			return `${whatWords[entry.what]} ${entry.from} → ${entry.to}${by}`;
	}
}

/** hh:mm:ss (UTC, as the Log view's times). */
export function clockTime(at: number): string {
	return new Date(at).toISOString().slice(11, 19);
}
