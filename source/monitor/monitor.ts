/**
 * Assembles the monitor: the store, the poller and the action service over one backend and one clock.
 * The UI receives the result and talks to nothing else. Actions dispatch `call` events into the same
 * ledger as the polls, so both share one budget, and actions may spend the reserve the poller never touches.
 * The budget comes from the backend's limits (`capabilities.limits`) and the operator's flags.
 */
import {MemoryAuditLog, type AuditSink} from '../actions/audit-log.js';
import {createGuard, type NeverBanGuard} from '../actions/guard.js';
import {MemoryRegistry, type Registry} from '../actions/registry.js';
import type {Backend, IpRuleOptions, VisitorQuery, ZoneRef} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import type {ApiVersion} from '../lib/endpoint.js';
import {createActions, type Actions, type ActionsHandle} from '../actions/service.js';
import type {BanPolicy} from '../actions/bans.js';
import {budgetPolicy, type BudgetFlags} from './budget.js';
import {pollCost} from './call-cost.js';
import {Poller, type CommandOutcome} from './poller.js';
import {reduce, type MonitorEvent} from './reduce.js';
import {initialState, Store, type MonitorState} from './store.js';
import type {DriftEntry} from './drift.js';

export interface MonitorOptions {
	backend: Backend;
	clock: Clock;
	zoneNames: readonly string[];
	/**
	 * `--budget` and `--reserve`: calls per the API's window (v1 an hour, v4 five minutes); what is not
	 * given is the API's default (budget.ts). A reserve that leaves nothing for polling throws a usage error.
	 */
	policy?: BudgetFlags;
	demo?: boolean;
	/** Which API the backend speaks, for the header (default v1). */
	api?: ApiVersion;
	readOnly?: boolean;
	visitorQuery?: VisitorQuery;
	/** Where actions are audited (default: memory only, for tests). */
	audit?: AuditSink;
	/** The never-ban guard (default: nobody guarded). */
	guard?: NeverBanGuard;
	/** The rule registry: what survives a restart and what other flarewatch processes made (default: memory only). */
	registry?: Registry;
	/** Identifies this run in the audit log. */
	session?: string;
	/** Wait before the one automatic retry of an idempotent action. */
	retryDelayMs?: number;
	/** Least time between two bans of a lockdown. */
	paceMs?: number;
	/** Ban durations and the escalation ladder (the configuration's). */
	banPolicy?: BanPolicy;
	/**
	 * Who made a drift, when the audit trail says (drift-trail.ts: another console on this machine); asked
	 * once per drift noticed, before it is audited.
	 */
	attributeDrift?: (entry: DriftEntry, ownSession: string) => string | undefined;
	/** Watch each zone's DNS records for drift (poller.ts; default false, so the budget tests count polls alone; the console sets it). */
	watchRecords?: boolean;
}

/** What the UI may do: read and subscribe to state, and ask for the operator's commands. */
export interface MonitorHandle {
	/** The clock the monitor runs on: the UI reads ages and countdowns from it (a FakeClock in tests). */
	readonly clock: Clock;
	getState(): MonitorState;
	subscribe(listener: () => void): () => void;
	refreshNow(): CommandOutcome;
	togglePause(): CommandOutcome;
	nextZone(): CommandOutcome;
	/** Shows a line in the status bar (for UI-side refusals). */
	say(level: 'info' | 'warn' | 'error', text: string): void;
	/** The operator's actions: queue, retry, DNS records, lockdown; the zone's access rules. */
	readonly actions: MonitorActions;
}

/** The action service's handle, and the access rules' listing, which the monitor keeps. */
export interface MonitorActions extends ActionsHandle {
	/**
	 * Lists the zone's and its account's access rules now (APIs with `capabilities.ruleListing`), into
	 * `ZoneState.rules`; a failure keeps the list and sets its `error`. The monitor also lists the
	 * active zone's by itself: at start, every 2 minutes, and after any action that changes rules.
	 */
	loadRules(zone: ZoneRef): void;
}

export interface Monitor extends MonitorHandle {
	readonly store: Store<MonitorState, MonitorEvent>;
	readonly poller: Poller;
	readonly actions: Actions & MonitorActions;
	start(): Promise<void>;
	stop(): void;
}

export function createMonitor(options: MonitorOptions): Monitor {
	const capabilities = options.backend.capabilities;
	const store = new Store<MonitorState, MonitorEvent>(
		reduce,
		initialState({
			zoneNames: options.zoneNames,
			policy: budgetPolicy(capabilities.limits, options.policy),
			pollCost: pollCost(capabilities.api),
			demo: options.demo,
			api: options.api,
			readOnly: options.readOnly,
			endpointLabel: options.backend.endpointLabel,
		}),
	);
	const poller = new Poller({backend: options.backend, clock: options.clock, store, visitorQuery: options.visitorQuery, watchRecords: options.watchRecords});
	const audit = options.audit ?? new MemoryAuditLog();
	const session = options.session ?? `${process.pid}-${new Date(options.clock.now()).toISOString()}`;
	const actions = createActions({
		backend: watchingRecordChanges(watchingRuleChanges(options.backend, zone => poller.rulesChanged(zone)), zone => poller.recordsChanged(zone)),
		clock: options.clock,
		store,
		audit,
		guard: options.guard ?? createGuard([], {}),
		registry: options.registry ?? new MemoryRegistry(),
		session,
		readOnly: options.readOnly ?? false,
		retryDelayMs: options.retryDelayMs,
		paceMs: options.paceMs,
		banPolicy: options.banPolicy,
	});
	store.subscribe(driftAuditor(store, audit, session, options.attributeDrift));
	return {
		store,
		poller,
		// The same object: the action service's closures never use `this`, and identity is kept for whoever holds it.
		actions: Object.assign(actions, {
			loadRules: (zone: ZoneRef) => {
				poller.loadRules(zone);
			},
			// The poller lists records (the DNS view's and the drift watch's alike), saying when each listing started.
			loadRecords: (zone: ZoneRef) => {
				poller.loadRecords(zone);
			},
		}),
		clock: options.clock,
		getState: store.getState,
		subscribe: store.subscribe,
		start: () => {
			actions.announce();
			return poller.start();
		},
		stop: () => poller.stop(),
		refreshNow: () => poller.refreshNow(),
		togglePause: () => poller.togglePause(),
		nextZone: () => poller.nextZone(),
		say: (level, text) => store.dispatch({type: 'message', message: {at: options.clock.now(), level, text, source: 'operator'}}),
	};
}

/**
 * Writes each drift entry once to the audit log, as an observation (outcome `observed`, id 0: not an
 * action), in the order noticed, whatever the UI shows. Entries are numbered (`driftSeq`), so a change
 * is never written twice.
 */
function driftAuditor(store: Store<MonitorState, MonitorEvent>, audit: AuditSink, session: string, attribute?: MonitorOptions['attributeDrift']): () => void {
	let written = 0;
	return () => {
		const state = store.getState();
		const last = state.driftSeq ?? 0;
		if (last <= written) return;
		const fresh = state.zones.flatMap(zone => zone.drift?.entries.filter(entry => entry.seq > written) ?? []).sort((a, b) => a.seq - b.seq);
		written = last;
		for (const found of fresh) {
			const by = attribute?.(found, session);
			const entry = by === undefined ? found : {...found, by};
			// Shown too (the store's entry), not only audited.
			if (by !== undefined) store.dispatch({type: 'drift-by', zone: entry.zone, seq: entry.seq, by});
			audit.write({
				time: new Date(entry.at).toISOString(),
				id: 0,
				session,
				zone: entry.zone,
				action: 'drift',
				params: {what: entry.what, from: entry.from, to: entry.to, ...(entry.detail === undefined ? {} : {detail: entry.detail}), ...(entry.by === undefined ? {} : {by: entry.by})},
				outcome: 'observed',
			});
		}
	};
}

/** The port calls that change DNS records. */
const recordChangingCalls: Record<string, (args: readonly unknown[]) => ZoneRef | undefined> = {
	addRecord: args => args[0] as ZoneRef,
	editRecord: args => args[0] as ZoneRef,
	deleteRecordsByName: args => args[0] as ZoneRef,
	deleteRecord: args => args[0] as ZoneRef,
	// DIUP names hosts, not a zone: every zone is listed again.
	updateHostsIp: () => undefined,
};

/** The backend the action service sends through, telling `changed` when a call that changes DNS records ends. */
function watchingRecordChanges(backend: Backend, changed: (zone: ZoneRef | undefined) => void): Backend {
	return watchingCalls(backend, recordChangingCalls, changed);
}

/** The port calls that change access rules, and where the zone is among their arguments. */
const ruleChangingCalls: Record<string, (args: readonly unknown[]) => ZoneRef | undefined> = {
	ban: args => (args[1] as IpRuleOptions | undefined)?.zone,
	whitelist: args => (args[1] as IpRuleOptions | undefined)?.zone,
	clearRule: args => (args[1] as IpRuleOptions | undefined)?.zone,
	addRule: args => args[0] as ZoneRef,
	deleteRule: args => args[0] as ZoneRef,
};

/**
 * The backend the action service sends through, telling `changed` when a call that changes rules ends,
 * however it ended (a failed or half-done change may still have changed something). Keyed by the port
 * call, so every action that makes or removes rules is seen, a lockdown's and its undo's included.
 */
function watchingRuleChanges(backend: Backend, changed: (zone: ZoneRef | undefined) => void): Backend {
	if (!backend.capabilities.ruleListing) return backend;
	return watchingCalls(backend, ruleChangingCalls, changed);
}

function watchingCalls(backend: Backend, calls: Record<string, (args: readonly unknown[]) => ZoneRef | undefined>, changed: (zone: ZoneRef | undefined) => void): Backend {
	return new Proxy(backend, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== 'function') return value;
			const method = value as (...parameters: unknown[]) => unknown;
			const zoneOf = typeof property === 'string' && Object.hasOwn(calls, property) ? calls[property] : undefined;
			// Every method runs on the backend itself (its private fields), not on this proxy.
			if (!zoneOf) return (...args: unknown[]) => method.apply(target, args);
			return (...args: unknown[]) => {
				const done = () => changed(zoneOf(args));
				const result = method.apply(target, args);
				if (result instanceof Promise) result.then(done, done);
				else done();
				return result;
			};
		},
	});
}
