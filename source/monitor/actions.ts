/**
 * Operator actions inside the monitor: the action queue sends them, every request counts in the same
 * ledger as the polls (so actions and polls share one budget, and actions may use the reserve the poller
 * never touches), each state change reaches the status line and the Log view, and a success is shown at
 * once. It also keeps what must survive a restart: the level before `U`, and the last lockdown.
 */
import type {AuditSink} from '../actions/audit-log.js';
import type {NeverBanGuard} from '../actions/guard.js';
import {lockdownRequests, planLockdown, unlockRequests, type LockdownPlan} from '../actions/lockdown.js';
import {ActionQueue} from '../actions/queue.js';
import type {Remembered, ZoneMemory} from '../actions/remembered.js';
import {describeAction, type ActionEntry, type ActionRequest} from '../actions/types.js';
import type {Backend, SecurityLevel, ZoneRef} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import type {MonitorEvent} from './reduce.js';
import {describeFailure} from './poller.js';
import type {MonitorState, Store} from './store.js';

/** What the UI may ask of the actions. */
export interface ActionsHandle {
	readonly guard: NeverBanGuard;
	/** Queues an action (read-only mode refuses a mutating one, and says so). */
	submit(request: ActionRequest): void;
	/** `R` in the Log view: sends a failed action again. False when it cannot be retried. */
	retry(id: number): boolean;
	/** One `rec_load_all` for the zone (the DNS view). */
	loadRecords(zone: ZoneRef): void;
	/** What is remembered for a zone (level before `U`, last lockdown). */
	memory(zoneName: string): ZoneMemory;
	/** The lockdown the active zone would get now, or undefined when the zone is not ready. */
	planLockdown(): LockdownPlan | undefined;
	/** Remembers the lockdown (for undo, across a restart) and queues its requests. */
	startLockdown(plan: LockdownPlan): void;
	/** Queues the undo of the zone's last lockdown; false when there is none. */
	unlock(zone: ZoneRef): boolean;
	/** `U`: the level to set (help, or back to the one before), remembering the one it leaves. */
	attackTarget(zoneName: string, current: SecurityLevel | undefined): SecurityLevel | undefined;
	/** Remembers the level `U` leaves, so that `U` again goes back to it. */
	rememberLevelBeforeAttack(zoneName: string, level: SecurityLevel | undefined): void;
}

export interface ActionsOptions {
	backend: Backend;
	clock: Clock;
	store: Store<MonitorState, MonitorEvent>;
	audit: AuditSink;
	guard: NeverBanGuard;
	remembered: Remembered;
	session: string;
	readOnly: boolean;
	retryDelayMs?: number;
}

export interface Actions extends ActionsHandle {
	readonly queue: ActionQueue;
	/** On quit or a signal: in-flight actions are audited as outcome unknown. */
	abandon(reason: string): void;
}

/** The backend with every request counted in the monitor's ledger before it is sent. */
export function countingBackend(backend: Backend, onCall: () => void): Backend {
	return new Proxy(backend, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== 'function' || property === 'lastCallsLeft') return value;
			return (...args: unknown[]) => {
				onCall();
				return (value as (...parameters: unknown[]) => unknown).apply(target, args);
			};
		},
	});
}

const stateWords: Record<ActionEntry['state'], string> = {pending: 'queued', sent: 'sent', done: 'done', failed: 'FAILED', unknown: 'outcome unknown'};

export function createActions(options: ActionsOptions): Actions {
	const {clock, store, remembered, guard} = options;
	let lastReportAt: number | undefined;
	const backend = countingBackend(options.backend, () => store.dispatch({type: 'call', at: clock.now()}));
	const reportCallsLeft = (): void => {
		const report = options.backend.lastCallsLeft();
		if (report && report.at !== lastReportAt) {
			lastReportAt = report.at;
			store.dispatch({type: 'calls-left', report});
		}
	};
	const queue = new ActionQueue({backend, clock, audit: options.audit, session: options.session, readOnly: options.readOnly, retryDelayMs: options.retryDelayMs});
	const seen = new Map<number, ActionEntry['state']>();
	const say = (level: 'info' | 'warn' | 'error', text: string): void => store.dispatch({type: 'message', message: {at: clock.now(), level, text}});

	queue.subscribe(entries => {
		const changed = entries.filter(entry => seen.get(entry.id) !== entry.state);
		for (const entry of changed) seen.set(entry.id, entry.state);
		store.dispatch({type: 'tick', now: clock.now()});
		store.dispatch({type: 'actions', entries});
		for (const entry of changed) {
			if (entry.state === 'done') store.dispatch({type: 'action-done', entry, at: clock.now()});
			if (entry.state !== 'pending') reportCallsLeft();
			const detail = entry.state === 'done' || entry.state === 'failed' || entry.state === 'unknown' ? `: ${entry.message ?? ''}` : '';
			const level = entry.state === 'failed' ? 'error' : entry.state === 'unknown' ? 'warn' : 'info';
			say(level, `#${entry.id} ${describeAction(entry.request)}: ${stateWords[entry.state]}${detail}`);
		}
	});

	const activeZoneRef = (): ZoneRef | undefined => {
		const state = store.getState();
		const zone = state.zones[state.activeZone];
		return zone && zone.zid !== 0 ? {name: zone.name, zid: zone.zid} : undefined;
	};

	return {
		queue,
		guard,
		submit: request => void queue.submit(request),
		retry: id => queue.retry(id) !== undefined,
		abandon: reason => queue.abandon(reason),
		memory: zoneName => remembered.zone(zoneName),
		loadRecords(zone) {
			store.dispatch({type: 'records-loading', zone: zone.name});
			backend.listRecords(zone).then(
				records => {
					reportCallsLeft();
					store.dispatch({type: 'records-loaded', zone: zone.name, records});
				},
				(error: unknown) => {
					const failure = describeFailure(error, clock.now());
					store.dispatch({type: 'records-failed', zone: zone.name, message: failure.message});
					say('error', `DNS records of ${zone.name} could not be loaded: ${failure.message}`);
				},
			);
		},
		planLockdown() {
			const zoneRef = activeZoneRef();
			if (!zoneRef) return undefined;
			const state = store.getState();
			const zone = state.zones[state.activeZone];
			return planLockdown({zone: zoneRef, currentLevel: zone.stats?.securityLevel, visitors: zone.threatRows, guard, rules: state.rules});
		},
		startLockdown(plan) {
			remembered.update(plan.zone.name, memory => ({
				...memory,
				levelBeforeAttack: plan.previousLevel && plan.previousLevel !== 'help' ? plan.previousLevel : memory.levelBeforeAttack,
				lockdown: {previousLevel: plan.previousLevel, bannedIps: plan.bans.map(visitor => visitor.ip), at: clock.now()},
			}));
			for (const request of lockdownRequests(plan)) queue.submit(request);
		},
		unlock(zone) {
			const record = remembered.zone(zone.name).lockdown;
			if (!record) return false;
			remembered.update(zone.name, ({lockdown: _lockdown, ...memory}) => memory);
			for (const request of unlockRequests(zone, record)) queue.submit(request);
			return true;
		},
		attackTarget(zoneName, current) {
			if (current !== 'help') return 'help';
			return remembered.zone(zoneName).levelBeforeAttack;
		},
		rememberLevelBeforeAttack(zoneName, level) {
			if (level && level !== 'help') remembered.update(zoneName, memory => ({...memory, levelBeforeAttack: level}));
		},
	};
}
