/**
 * Lockdowns as the action service runs them: the intent goes into the rule registry before the first
 * request, each ban's state as its answer comes, and the record stays until its undo has seen every
 * clear confirmed. Another console, a one-shot command or a restart after a kill reads the same record,
 * so a lockdown is never run twice, never takes over a rule it did not make, and is never left with
 * bans nobody can undo.
 */
import {
	bansToClear,
	bansToFinish,
	callsKeptAfterLockdown,
	countBans,
	lockdownRecord,
	lockdownRequests,
	planLockdown,
	unlockPlan,
	type LockdownPlan,
	type UnlockPlan,
} from './lockdown.js';
import type {NeverBanGuard} from './guard.js';
import type {ActionQueue} from './queue.js';
import {own, processAlive, withKey, withOwnedRule, withZone, zoneMemory, type AccountRecords, type BanState, type LockdownRecord, type Registry} from './registry.js';
import type {ActionEntry} from './types.js';
import type {ZoneRef} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import {callsLeft} from '../monitor/budget.js';
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
}

interface Batch {
	zone: ZoneRef;
	kind: 'lock' | 'undo';
	/** Ids of its actions not yet answered. */
	open: Set<number>;
	submitting: boolean;
	calls: number;
	refused: number;
}

const neverSent = new Set(['cancelled', 'not-sent', 'budget', 'read-only']);

export class LockdownKeeper {
	readonly #options: LockdownKeeperOptions;
	readonly #batches = new Map<string, Batch>();

	constructor(options: LockdownKeeperOptions) {
		this.#options = options;
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
		if (!record) return {kind: 'none'};
		if ([...this.#batches.values()].some(batch => batch.zone.name === zoneName && batch.open.size > 0)) return {kind: 'running', record};
		if (record.phase === 'locked') return {kind: 'locked', record};
		const ours = record.owner.session === this.#options.session;
		if (!ours && record.owner.pid !== process.pid && processAlive(record.owner.pid)) return {kind: 'elsewhere', record};
		return {kind: 'interrupted', record};
	}

	/** The lockdown the zone would get now: the threat IPs with the most hits that the hour's calls cover. */
	plan(zone: ZoneRef): LockdownPlan | undefined {
		const state = this.#options.store.getState();
		const zoneState = state.zones.find(candidate => candidate.name === zone.name);
		if (!zoneState) return undefined;
		const records = this.#options.registry.read();
		const hasRule = (ip: string): boolean => own(records.rules, ip) !== undefined || state.rules.has(ip);
		return planLockdown({zone, currentLevel: zoneState.stats?.securityLevel, visitors: zoneState.threatRows, guard: this.#options.guard, hasRule, callsLeft: this.#callsLeft()});
	}

	/** Records the lockdown, then queues its requests, paced. False (and says why) when the zone has one. */
	start(plan: LockdownPlan): boolean {
		const status = this.status(plan.zone.name);
		if (status.kind !== 'none') {
			this.#options.say('warn', `A lockdown of ${plan.zone.name} is already recorded (${status.kind}): nothing was sent`);
			return false;
		}
		const record = lockdownRecord(plan, this.#options.clock.now(), this.#owner);
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
		this.#send(plan.zone, 'lock', record.id, lockdownRequests(plan));
		return true;
	}

	/** Sends what an interrupted lockdown had not confirmed yet, as far as the calls left cover. */
	finish(zone: ZoneRef): boolean {
		const status = this.status(zone.name);
		if (status.kind !== 'interrupted' || status.record.phase !== 'locking') return false;
		const level = this.#options.store.getState().zones.find(candidate => candidate.name === zone.name)?.stats?.securityLevel;
		const levelChange = level === 'help' ? [] : [{kind: 'security-level' as const, zone, level: 'help' as const}];
		const room = Math.max(0, this.#callsLeft() - levelChange.length - callsKeptAfterLockdown - 1);
		const remaining = bansToFinish(status.record);
		const sending = remaining.slice(0, room);
		const skipped = new Set(remaining.slice(room));
		this.#updateRecord(zone.name, record => ({
			...record,
			phase: 'locking',
			owner: this.#owner,
			bans: Object.fromEntries(Object.entries(record.bans).map(([ip, state]) => [ip, skipped.has(ip) ? 'not-sent' : state])),
		}));
		this.#send(zone, 'lock', status.record.id, [...levelChange, ...sending.map(ip => ({kind: 'ban' as const, ip}))]);
		return true;
	}

	/** What the undo would send now (the dialog states its cost). */
	unlockPlan(zone: ZoneRef, record: LockdownRecord): UnlockPlan {
		return unlockPlan(zone, record, this.#callsLeft());
	}

	/** Restores the level and clears the bans the lockdown made; the record stays until all are confirmed. */
	undo(zone: ZoneRef): boolean {
		const status = this.status(zone.name);
		if (status.kind !== 'locked' && status.kind !== 'interrupted') return false;
		const plan = this.unlockPlan(zone, status.record);
		this.#updateRecord(zone.name, record => ({
			...record,
			phase: 'undoing',
			owner: this.#owner,
			// Bans never sent need no clearing: they were never there.
			bans: Object.fromEntries(Object.entries(record.bans).map(([ip, state]) => [ip, state === 'planned' ? 'not-sent' : state])),
		}));
		this.#send(zone, 'undo', status.record.id, plan.requests);
		return true;
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
		const batch: Batch = {zone, kind, open: new Set(), submitting: true, calls: 0, refused: 0};
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
			this.#options.say(
				counts.failed > 0 || counts.notSent > 0 ? 'warn' : 'info',
				`Lockdown of ${zone.name} done: ${counts.done} banned, ${record.leftAlone} already banned, ${counts.failed} refused, ${(counts.notSent + record.overBudget).toLocaleString('en-US')} not sent, ${batch.calls} calls`,
			);
			return;
		}
		const left = bansToClear(record).length;
		if (left === 0) {
			this.#write(records => withZone(records, zone.name, ({lockdown: _done, ...memory}) => memory));
			this.#options.say('info', `Lockdown of ${zone.name} undone: ${counts.cleared} bans cleared, level ${record.previousLevel && record.previousLevel !== 'help' ? `back to ${record.previousLevel}` : 'unchanged'}, ${batch.calls} calls used`);
		} else {
			this.#options.say('warn', `Undo of the lockdown of ${zone.name} is not complete: ${left} bans are still in place (${batch.refused} refused, the rest not sent). Press L to finish it.`);
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

/** One answer of a lockdown's (ban) or an undo's (clear) request, in the record and the owned rules. */
function applyAnswer(records: AccountRecords, batch: Batch, entry: ActionEntry): AccountRecords {
	const request = entry.request;
	const record = zoneMemory(records, batch.zone.name).lockdown;
	if (batch.kind === 'undo' && request.kind === 'security-level' && entry.state === 'done' && record) {
		return withZone(records, batch.zone.name, current => ({...current, lockdown: {...record, levelRestored: true}}));
	}
	if (request.kind !== 'ban' && request.kind !== 'clear-rule') return records;
	const ip = request.ip;
	if (!record || own(record.bans, ip) === undefined) return records;
	let state: BanState;
	if (batch.kind === 'lock') {
		if (entry.state === 'done') state = 'done';
		else if (entry.state === 'failed') state = entry.failureKind === 'cancelled' ? 'planned' : neverSent.has(entry.failureKind ?? '') ? 'not-sent' : 'failed';
		else state = 'sent';
	} else if (entry.state === 'done') state = 'cleared';
	else if (entry.state === 'failed') state = 'done';
	else state = 'clearing';
	let rules = records.rules;
	if (batch.kind === 'lock' && state === 'done') rules = withKey(rules, ip, {mode: 'ban', at: entry.updatedAt, by: 'lockdown'});
	if (batch.kind === 'undo' && state === 'cleared') rules = withKey(rules, ip, undefined);
	const next = withZone({...records, rules}, batch.zone.name, current => ({...current, lockdown: {...record, bans: withKey(record.bans, ip, state)}}));
	return next;
}
