/**
 * Lockdowns as the action service runs them: the intent goes into the rule registry before the first
 * request, each ban's state as its answer comes, and the record stays until its undo has seen every
 * clear confirmed. Another console, a one-shot command or a restart after a kill reads the same record,
 * so a lockdown is never run twice, never takes over a rule it did not make, and is never left with
 * bans nobody can undo. On APIs whose rules carry notes (v4) each rule also names the lockdown, and
 * the zone's rules are listed before the preview and the undo: the undo removes the rules that name
 * it, and a console on another machine, whose registry has no record, finds the lockdown there.
 */
import {
	bansToClear,
	bansToFinish,
	callsKeptAfterLockdown,
	countBans,
	lockdownRecord,
	lockdownRequests,
	planLockdown,
	ruleRequests,
	unlockPlan,
	type LockdownPlan,
	type RuleContext,
	type UnlockPlan,
} from './lockdown.js';
import {findLockdowns, foundRecord, keyTarget, newBatchId, ruleKey, unlockPlanByNotes} from './lockdown-rules.js';
import {RuleSurvey} from './lockdown-survey.js';
import type {NeverBanGuard} from './guard.js';
import type {ActionQueue} from './queue.js';
import {own, processAlive, withKey, withOwnedRule, withZone, zoneMemory, type AccountRecords, type BanState, type LockdownRecord, type Registry} from './registry.js';
import {operatorIdentity, parseRuleNote} from './rule-notes.js';
import type {ActionEntry, ActionRequest} from './types.js';
import type {AccessRule, Backend, ZoneRef} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import {canonicalIp} from '../lib/ip.js';
import {quote} from '../lib/validate.js';
import {callsLeft, windowPhrase} from '../monitor/budget.js';
import type {MonitorEvent} from '../monitor/reduce.js';
import type {MonitorState, Store} from '../monitor/store.js';

/** Where a zone's lockdown stands, as the L key needs to know. */
export type LockdownStatus =
	| {kind: 'none'}
	/** This console is sending its requests (the lockdown's or its undo's). */
	| {kind: 'running'; record: LockdownRecord}
	/** Another flarewatch on this machine, still running, is. */
	| {kind: 'elsewhere'; record: LockdownRecord}
	/** Its sender ended (killed, quit, a dropped link) before every answer came. */
	| {kind: 'interrupted'; record: LockdownRecord}
	| {kind: 'locked'; record: LockdownRecord};

export interface LockdownKeeperOptions {
	registry: Registry;
	queue: ActionQueue;
	store: Store<MonitorState, MonitorEvent>;
	clock: Clock;
	guard: NeverBanGuard;
	session: string;
	say(level: 'info' | 'warn' | 'error', text: string): void;
	/** The backend (counting its calls): APIs that list rules with notes get lockdowns found by notes. */
	backend?: Backend;
	/** user@host named in the notes of the rules a lockdown makes (default: whoever runs this process). */
	operator?: string;
}

interface Batch {
	zone: ZoneRef;
	kind: 'lock' | 'undo';
	/** Ids of its actions not yet answered. */
	open: Set<number>;
	submitting: boolean;
	calls: number;
	refused: number;
	/** Rules (or bans) the undo saw removed. */
	removed: number;
}

function ruleCount(count: number): string {
	return `${count.toLocaleString('en-US')} rule${count === 1 ? '' : 's'}`;
}

const neverSent = new Set(['cancelled', 'not-sent', 'budget', 'read-only']);
const ruleChanges = new Set<ActionRequest['kind']>(['ban', 'whitelist', 'clear-rule', 'rule-add', 'rule-delete']);

export class LockdownKeeper {
	readonly #options: LockdownKeeperOptions;
	readonly #batches = new Map<string, Batch>();
	/** APIs whose rules are listed and carry notes: the zone's rules, listed before a preview or an undo. */
	readonly #survey: RuleSurvey | undefined;
	readonly #operator: string;

	constructor(options: LockdownKeeperOptions) {
		this.#options = options;
		this.#operator = options.operator ?? operatorIdentity();
		const backend = options.backend;
		const byNotes = backend?.capabilities.ruleListing && backend.capabilities.ruleNotes && backend.listRules && backend.addRule && backend.deleteRule;
		this.#survey = backend && byNotes ? new RuleSurvey({backend, clock: options.clock, store: options.store, say: options.say, listed: (zone, rules) => this.#listed(zone, rules), seen: (zone, rules) => this.#seen(zone, rules)}) : undefined;
	}

	get #owner(): LockdownRecord['owner'] {
		return {pid: process.pid, session: this.#options.session};
	}

	#callsLeft(): number {
		const state = this.#options.store.getState();
		return callsLeft(state.policy, state.ledger, this.#options.clock.now(), state.serverCallsLeft);
	}

	status(zoneName: string): LockdownStatus {
		const record = zoneMemory(this.#options.registry.read(), zoneName).lockdown;
		if (!record) {
			// Not in this machine's registry: another machine's lockdown, found in the listed rules by its notes.
			const [found] = findLockdowns(this.#survey?.fresh(zoneName) ?? []);
			return found ? {kind: 'locked', record: foundRecord(found)} : {kind: 'none'};
		}
		if ([...this.#batches.values()].some(batch => batch.zone.name === zoneName && batch.open.size > 0)) return {kind: 'running', record};
		if (record.phase === 'locked') return {kind: 'locked', record};
		const ours = record.owner.session === this.#options.session;
		if (!ours && record.owner.pid !== process.pid && processAlive(record.owner.pid)) return {kind: 'elsewhere', record};
		return {kind: 'interrupted', record};
	}

	/**
	 * True when L's dialog can open now. On APIs with notes the zone's rules are listed first (false:
	 * the listing is on its way, and `takeReady` says when it came, so the console opens the dialog).
	 */
	prepare(zone: ZoneRef): boolean {
		if (!this.#survey) return true;
		const status = this.status(zone.name);
		return status.kind === 'running' || status.kind === 'elsewhere' || this.#survey.request(zone);
	}

	/** True once after the listing `prepare` asked for arrived. */
	takeReady(zoneName: string): boolean {
		return this.#survey?.takeReady(zoneName) ?? false;
	}

	/** The lockdown the zone would get now: the threat IPs with the most hits that the hour's calls cover. */
	plan(zone: ZoneRef): LockdownPlan | undefined {
		const state = this.#options.store.getState();
		const zoneState = state.zones.find(candidate => candidate.name === zone.name);
		if (!zoneState) return undefined;
		const records = this.#options.registry.read();
		const listed = ipRules(this.#survey?.latest(zone.name) ?? []);
		const hasRule = (ip: string): boolean => own(records.rules, ip) !== undefined || state.rules.has(ip) || listed.has(canonicalIp(ip) ?? ip);
		const input = {zone, currentLevel: zoneState.stats?.securityLevel, visitors: zoneState.threatRows, guard: this.#options.guard, hasRule, callsLeft: this.#callsLeft(), windowPhrase: windowPhrase(state.policy)};
		if (!this.#survey) return planLockdown(input);
		return planLockdown({...input, batch: newBatchId(this.#options.clock.now()), rules: this.#ruleContext(zone, records, listed)});
	}

	/** What a network or country rule must not run into: whitelisted addresses, a rule the target has already. */
	#ruleContext(zone: ZoneRef, records: AccountRecords, listed: ReadonlyMap<string, AccessRule[]>): RuleContext {
		const state = this.#options.store.getState();
		const rules = this.#survey?.latest(zone.name) ?? [];
		return {
			targets: this.#options.backend?.capabilities.ruleTargets ?? [],
			whitelisted: ip =>
				own(records.rules, ip)?.mode === 'wl' || state.rules.get(ip) === 'wl' || (listed.get(canonicalIp(ip) ?? ip) ?? []).some(rule => rule.mode === 'whitelist'),
			existing(target, value) {
				const rule = rules.find(candidate => candidate.target === target && candidate.value.toUpperCase() === value.toUpperCase());
				if (!rule) return undefined;
				const note = parseRuleNote(rule.notes);
				return `${rule.mode}, ${note ? `flarewatch's, by ${note.operator || 'an unnamed operator'}` : rule.notes ? `notes ${quote(rule.notes, 30)}` : 'no notes'}`;
			},
		};
	}

	/** The listing L asked for arrived: the status line says what was found. */
	#listed(zone: ZoneRef, rules: readonly AccessRule[]): void {
		const found = findLockdowns(rules);
		const lockdowns = found.length === 0 ? 'no lockdown among them' : `${found.length === 1 ? 'lockdown' : `${found.length} lockdowns, the latest`} ${found[0].batch} by ${found[0].operator || 'an unnamed operator'} (${found[0].rules.length} rule${found[0].rules.length === 1 ? '' : 's'})`;
		this.#options.say('info', `Rules of ${zone.name} listed: ${rules.length}, ${lockdowns}`);
	}

	/** Any listing of the zone's rules: a lockdown found in it that this registry lacks shows in the header (its rules' count). */
	#seen(zoneName: string, rules: readonly AccessRule[]): void {
		if (zoneMemory(this.#options.registry.read(), zoneName).lockdown) return;
		this.#options.store.dispatch({type: 'lockdown-count', zone: zoneName, bans: findLockdowns(rules)[0]?.rules.length});
	}

	/** Records the lockdown, then queues its requests, paced. False (and says why) when the zone has one. */
	start(plan: LockdownPlan): boolean {
		const status = this.status(plan.zone.name);
		if (status.kind !== 'none') {
			this.#options.say('warn', `A lockdown of ${plan.zone.name} is already recorded (${status.kind}): nothing was sent`);
			return false;
		}
		const record = lockdownRecord(plan, this.#options.clock.now(), this.#owner, this.#operator);
		// Decided under the registry's lock: of two consoles confirming at once, one records its lockdown.
		const written = this.#write(records =>
			zoneMemory(records, plan.zone.name).lockdown
				? records
				: withZone(records, plan.zone.name, memory => ({
						...memory,
						levelBeforeAttack: plan.previousLevel && plan.previousLevel !== 'help' ? plan.previousLevel : memory.levelBeforeAttack,
						lockdown: record,
					})),
		);
		if (zoneMemory(written, plan.zone.name).lockdown?.id !== record.id) {
			this.#options.say('warn', `Another flarewatch recorded a lockdown of ${plan.zone.name} just now: nothing was sent`);
			return false;
		}
		this.#send(plan.zone, 'lock', record.id, lockdownRequests(plan, this.#operator));
		return true;
	}

	/** Sends what an interrupted lockdown had not confirmed yet, as far as the calls left cover. */
	finish(zone: ZoneRef): boolean {
		const status = this.status(zone.name);
		if (status.kind !== 'interrupted' || status.record.phase !== 'locking') return false;
		const level = this.#options.store.getState().zones.find(candidate => candidate.name === zone.name)?.stats?.securityLevel;
		const levelChange = level === 'help' ? [] : [{kind: 'security-level' as const, zone, level: 'help' as const}];
		const room = Math.max(0, this.#callsLeft() - levelChange.length - callsKeptAfterLockdown - 1);
		// With notes: a target someone else has given a rule since is left alone (adding one would change theirs).
		const taken = this.#takenMeanwhile(zone.name, status.record);
		const remaining = bansToFinish(status.record).filter(key => !taken.has(key));
		const sending = remaining.slice(0, room);
		const skipped = new Set([...remaining.slice(room), ...taken]);
		this.#updateRecord(zone.name, record => ({
			...record,
			phase: 'locking',
			owner: this.#owner,
			bans: Object.fromEntries(Object.entries(record.bans).map(([ip, state]) => [ip, skipped.has(ip) ? 'not-sent' : state])),
		}));
		const notes = status.record.batch === undefined ? undefined : {operator: this.#operator, batch: status.record.batch, previousLevel: status.record.previousLevel};
		this.#send(zone, 'lock', status.record.id, [...levelChange, ...ruleRequests(zone, sending, notes)]);
		return true;
	}

	/** Keys of a lockdown with notes whose target has, in the last listing, a rule that does not name it. */
	#takenMeanwhile(zoneName: string, record: LockdownRecord): Set<string> {
		const batch = record.batch;
		if (batch === undefined) return new Set();
		const foreign = (this.#survey?.latest(zoneName) ?? []).filter(rule => parseRuleNote(rule.notes)?.batch !== batch).map(rule => ruleKey(rule.target, rule.value));
		return new Set(foreign.filter(key => own(record.bans, key) === 'planned' || own(record.bans, key) === 'sent'));
	}

	/**
	 * What the undo would send now (the dialog states its cost). A lockdown with notes: the rules naming
	 * it in the zone's last listing; with no listing at all, nothing but the level (its rules wait for one).
	 */
	unlockPlan(zone: ZoneRef, record: LockdownRecord): UnlockPlan {
		if (record.batch === undefined || !this.#survey) return unlockPlan(zone, record, this.#callsLeft());
		const listed = this.#survey.latest(zone.name);
		const level = this.#options.store.getState().zones.find(candidate => candidate.name === zone.name)?.stats?.securityLevel;
		const plan = unlockPlanByNotes(zone, record, listed ?? [], this.#callsLeft(), level);
		return listed ? plan : {...plan, deferred: bansToClear(record).length, gone: []};
	}

	/** Restores the level and clears the bans the lockdown made; the record stays until all are confirmed. */
	undo(zone: ZoneRef): boolean {
		const status = this.status(zone.name);
		if (status.kind !== 'locked' && status.kind !== 'interrupted') return false;
		const plan = this.unlockPlan(zone, status.record);
		if (status.record.madeElsewhere && !this.#adopt(zone.name, status.record)) return false;
		const gone = new Set(plan.gone ?? []);
		const removing = plan.requests.flatMap(request => (request.kind === 'rule-delete' ? [ruleKey(request.rule.target, request.rule.value)] : []));
		this.#updateRecord(zone.name, record => ({
			...record,
			phase: 'undoing',
			owner: this.#owner,
			bans: {
				// Bans never sent need no clearing: they were never there; nor do rules someone else removed.
				...Object.fromEntries(Object.entries(record.bans).map(([key, state]) => [key, state === 'planned' ? 'not-sent' : gone.has(key) ? 'cleared' : state])),
				// Rules naming it that the record lacks (made after a lost write): found by their notes, removed too.
				...Object.fromEntries(removing.filter(key => own(record.bans, key) === undefined).map(key => [key, 'done' satisfies BanState])),
			},
		}));
		this.#send(zone, 'undo', status.record.id, plan.requests);
		return true;
	}

	/** Another machine's lockdown, found by its notes, goes into this registry before its undo sends anything (a kill must not lose it). */
	#adopt(zoneName: string, record: LockdownRecord): boolean {
		const written = this.#write(records => (zoneMemory(records, zoneName).lockdown ? records : withZone(records, zoneName, memory => ({...memory, lockdown: {...record, owner: this.#owner}}))));
		if (zoneMemory(written, zoneName).lockdown?.id === record.id) return true;
		this.#options.say('warn', `Another flarewatch recorded a lockdown of ${zoneName} just now: nothing was sent`);
		return false;
	}

	/** At start: says which lockdowns were interrupted, and shows the ones in force and the rules we made. */
	announce(): void {
		const state = this.#options.store.getState();
		const records = this.#options.registry.read();
		this.#options.store.dispatch({type: 'rules-known', rules: Object.entries(records.rules).map(([ip, rule]) => [ip, rule.mode])});
		for (const zone of state.zones) {
			this.#showCount(zone.name, records);
			const status = this.status(zone.name);
			if (status.kind !== 'interrupted') continue;
			const counts = countBans(status.record);
			const what = status.record.phase === 'undoing' ? 'undo of the lockdown' : 'lockdown';
			this.#options.say(
				'warn',
				`Interrupted ${what} of ${zone.name}: ${counts.done} bans confirmed, ${counts.sent + counts.clearing} without an answer, ${counts.planned} not sent yet. Press L to ${status.record.phase === 'undoing' ? 'finish the undo' : 'finish or undo it'}.`,
			);
		}
	}

	/** Follows each answer of a lockdown's or an undo's requests into the registry. */
	onEntries(changed: readonly ActionEntry[]): void {
		if (changed.some(entry => entry.state !== 'pending' && ruleChanges.has(entry.request.kind))) this.#survey?.changed();
		const ours = changed.filter(entry => entry.batch !== undefined && this.#batches.has(entry.batch) && entry.state !== 'pending');
		const singles = changed.filter(entry => entry.batch === undefined && entry.state === 'done' && (entry.request.kind === 'ban' || entry.request.kind === 'whitelist' || entry.request.kind === 'clear-rule'));
		if (ours.length === 0 && singles.length === 0) return;
		const touched = new Set<string>();
		const written = this.#write(records => {
			let next = records;
			for (const entry of ours) {
				const batch = this.#batches.get(entry.batch as string) as Batch;
				touched.add(batch.zone.name);
				if (entry.state !== 'sent') batch.open.delete(entry.id);
				if (entry.state === 'sent') batch.calls++;
				if (entry.state === 'done' && (entry.request.kind === 'rule-delete' || entry.request.kind === 'clear-rule')) batch.removed++;
				if (entry.state === 'failed' && !neverSent.has(entry.failureKind ?? '')) batch.refused++;
				next = applyAnswer(next, batch, entry);
			}
			for (const entry of singles) {
				const request = entry.request as Extract<ActionEntry['request'], {ip: string}>;
				next = withOwnedRule(next, request.ip, request.kind === 'ban' ? 'ban' : request.kind === 'whitelist' ? 'wl' : undefined, this.#options.clock.now(), 'console');
			}
			return next;
		});
		// Before any batch finishes: finishing may remove the record, and its count with it.
		for (const zone of touched) this.#showCount(zone, written);
		for (const [id, batch] of this.#batches) {
			if (batch.submitting || batch.open.size > 0) continue;
			this.#batches.delete(id);
			this.#finished(batch);
		}
	}

	#send(zone: ZoneRef, kind: Batch['kind'], recordId: string, requests: ReturnType<typeof lockdownRequests>): void {
		const id = `${recordId}#${kind}`;
		const batch: Batch = {zone, kind, open: new Set(), submitting: true, calls: 0, refused: 0, removed: 0};
		this.#batches.set(id, batch);
		this.#options.say('info', `${kind === 'lock' ? 'Lockdown' : 'Undo of the lockdown'} of ${zone.name}: sending ${requests.length} request${requests.length === 1 ? '' : 's'}`);
		for (const request of requests) {
			const entry = this.#options.queue.submit(request, {batch: id});
			const state = this.#options.queue.entries.find(candidate => candidate.id === entry.id)?.state;
			if (state === 'pending' || state === 'sent') batch.open.add(entry.id);
		}
		batch.submitting = false;
		if (batch.open.size === 0) {
			this.#batches.delete(id);
			this.#finished(batch);
		}
	}

	/** Every answer is in: the record says so, and one line sums it up. */
	#finished(batch: Batch): void {
		const {zone} = batch;
		const record = zoneMemory(this.#options.registry.read(), zone.name).lockdown;
		if (!record) return;
		const counts = countBans(record);
		if (batch.kind === 'lock') {
			// Cut short (a quit, a signal): the record stays `locking`, and the next start offers to finish or undo it.
			if (counts.planned > 0 || counts.sent > 0) return;
			this.#updateRecord(zone.name, current => ({...current, phase: 'locked'}));
			const keys = Object.keys(record.bans);
			const single = keys.length === 1 && keyTarget(keys[0]).target !== 'ip' ? keyTarget(keys[0]).value : undefined;
			const made = single && counts.done === 1 ? `${single} blocked by one rule` : `${counts.done} banned, ${record.leftAlone} already banned`;
			this.#options.say(
				counts.failed > 0 || counts.notSent > 0 ? 'warn' : 'info',
				`Lockdown of ${zone.name} done: ${made}, ${counts.failed} refused, ${(counts.notSent + record.overBudget).toLocaleString('en-US')} not sent, ${batch.calls} calls${record.batch ? ` (lockdown ${record.batch})` : ''}`,
			);
			return;
		}
		const left = bansToClear(record).length;
		if (left === 0) this.#write(records => withZone(records, zone.name, ({lockdown: _done, ...memory}) => memory));
		const level = record.previousLevel && record.previousLevel !== 'help' && record.levelRestored ? `back to ${record.previousLevel}` : 'unchanged';
		if (record.batch === undefined) {
			if (left === 0) this.#options.say('info', `Lockdown of ${zone.name} undone: ${counts.cleared} bans cleared, level ${level}, ${batch.calls} calls used`);
			else this.#options.say('warn', `Undo of the lockdown of ${zone.name} is not complete: ${left} bans are still in place (${batch.refused} refused, the rest not sent). Press L to finish it.`);
		} else if (left === 0) {
			const gone = counts.cleared - batch.removed;
			this.#options.say('info', `Lockdown of ${zone.name} undone: ${ruleCount(batch.removed)} removed${gone > 0 ? ` (${gone} gone already)` : ''}, level ${level}, ${batch.calls} calls used`);
		} else {
			this.#options.say('warn', `Undo of the lockdown of ${zone.name} is not complete: ${ruleCount(left)} still in place (${batch.refused} refused, the rest not sent). Press L to finish it.`);
		}
		this.#showCount(zone.name, this.#options.registry.read());
	}

	#updateRecord(zone: string, change: (record: LockdownRecord) => LockdownRecord): void {
		this.#write(records => withZone(records, zone, memory => (memory.lockdown ? {...memory, lockdown: change(memory.lockdown)} : memory)));
	}

	#write(change: (records: AccountRecords) => AccountRecords): AccountRecords {
		return this.#options.registry.update(change);
	}

	#showCount(zone: string, records: AccountRecords): void {
		const record = zoneMemory(records, zone).lockdown;
		this.#options.store.dispatch({type: 'lockdown-count', zone, bans: record ? bansToClear(record).length : undefined});
	}
}

/** The listed rules on single addresses, by canonical address. */
function ipRules(rules: readonly AccessRule[]): Map<string, AccessRule[]> {
	const byIp = new Map<string, AccessRule[]>();
	for (const rule of rules) {
		if (rule.target !== 'ip' && rule.target !== 'ip6') continue;
		const ip = canonicalIp(rule.value) ?? rule.value;
		byIp.set(ip, [...(byIp.get(ip) ?? []), rule]);
	}
	return byIp;
}

/** The key in a lockdown's record that a ban, clear or rule request is about. */
function answerKey(request: ActionRequest): string | undefined {
	if (request.kind === 'ban' || request.kind === 'clear-rule') return request.ip;
	if (request.kind === 'rule-add' || request.kind === 'rule-delete') return ruleKey(request.rule.target, request.rule.value);
	return undefined;
}

/** One answer of a lockdown's (ban, rule) or an undo's (clear, rule removal) request, in the record and the owned rules. */
function applyAnswer(records: AccountRecords, batch: Batch, entry: ActionEntry): AccountRecords {
	const request = entry.request;
	const record = zoneMemory(records, batch.zone.name).lockdown;
	if (batch.kind === 'undo' && request.kind === 'security-level' && entry.state === 'done' && record) {
		return withZone(records, batch.zone.name, current => ({...current, lockdown: {...record, levelRestored: true}}));
	}
	const key = answerKey(request);
	if (key === undefined || !record || own(record.bans, key) === undefined) return records;
	// Only single addresses are in the owned rules (what a ban by hand or a command checks).
	const ip = keyTarget(key).target === 'ip' ? key : undefined;
	let state: BanState;
	if (batch.kind === 'lock') {
		if (entry.state === 'done') state = 'done';
		else if (entry.state === 'failed') state = entry.failureKind === 'cancelled' ? 'planned' : neverSent.has(entry.failureKind ?? '') ? 'not-sent' : 'failed';
		else state = 'sent';
	} else if (entry.state === 'done') state = 'cleared';
	else if (entry.state === 'failed') state = 'done';
	else state = 'clearing';
	let rules = records.rules;
	if (ip !== undefined && batch.kind === 'lock' && state === 'done') rules = withKey(rules, ip, {mode: 'ban', at: entry.updatedAt, by: 'lockdown'});
	if (ip !== undefined && batch.kind === 'undo' && state === 'cleared') rules = withKey(rules, ip, undefined);
	return withZone({...records, rules}, batch.zone.name, current => ({...current, lockdown: {...record, bans: withKey(record.bans, key, state)}}));
}
