/**
 * The action service: every call the operator causes goes through here. It applies the rules
 * (rules.ts: read-only, cooldowns, lookups answered from memory, the hour's budget) before
 * queueing, has the queue ask the budget again right before each send, counts every request in the
 * same ledger as the polls (actions may use the reserve the poller never touches), shows each state
 * change on the status line and in the Log view, and keeps what must survive a restart in the rule
 * registry (the level before `U`, the rules we made, lockdowns: lockdown-keeper.ts).
 */
import type {AuditSink} from './audit-log.js';
import type {NeverBanGuard} from './guard.js';
import type {LockdownPlan, UnlockPlan} from './lockdown.js';
import {ActionQueue} from './queue.js';
import {withZone, zoneMemory, type LockdownRecord, type Registry, type ZoneMemory} from './registry.js';
import {describeAction, isMutating, type ActionEntry, type ActionRequest} from './types.js';
import type {Backend, Capabilities, IpDetails, SecurityLevel, ThreatScore, ZoneRef} from '../backend.js';
import {operatorIdentity} from './rule-notes.js';
import {BanExpiryRunner, type BansHandle} from './ban-expiry.js';
import {defaultBanPolicy, type BanPolicy} from './bans.js';
import type {Clock} from '../lib/clock.js';
import {Lru} from '../lib/lru.js';
import {formatAge} from '../lib/format.js';
import {budgetRefusal, callRefusal, checkRequest, lookupFreshMs, type Verdict} from './rules.js';
import {LockdownKeeper, type LockdownStatus} from './lockdown-keeper.js';
import type {MonitorEvent} from '../monitor/reduce.js';
import {describeFailure} from '../monitor/poller.js';
import {callCost} from '../monitor/call-cost.js';
import type {MonitorState, Store} from '../monitor/store.js';
import {isActiveZone} from '../backend.js';

/** What the UI may ask of the actions. */
export interface ActionsHandle {
	readonly guard: NeverBanGuard;
	/** What the API can do: the console offers, hides or explains each action from it. */
	readonly capabilities: Capabilities;
	/** user@host of the operator, named in the notes of every rule this console makes. */
	readonly operator: string;
	/** The details (v4) of an address fetched within the last 10 minutes, and when. */
	details(ip: string): {at: number; details: IpDetails} | undefined;
	/** May this request be sent now? The refusal's message names why (the UI shows it, nothing is sent). */
	check(request: ActionRequest): Verdict;
	/** Queues an action after checking it; a refusal is shown on the status line. False when refused. */
	submit(request: ActionRequest): boolean;
	/** `R` in the Log view: sends a failed action again. False when it cannot be retried. */
	retry(id: number): boolean;
	/** One `rec_load_all` for the zone (the DNS view). */
	loadRecords(zone: ZoneRef): void;
	/** What is remembered for a zone (level before `U`, its lockdown). */
	memory(zoneName: string): ZoneMemory;
	/** Where the zone's lockdown stands (read afresh: another console may have changed it). */
	lockdownStatus(zoneName: string): LockdownStatus;
	/**
	 * True when L's dialog can open now; on APIs with rule notes the zone's rules are listed first
	 * (false), and `lockdownReady` turns true once when they are.
	 */
	prepareLockdown(zone: ZoneRef): boolean;
	/** True once after the listing `prepareLockdown` asked for arrived: open L's dialog then. */
	lockdownReady(zoneName: string): boolean;
	/** The lockdown the active zone would get now, or undefined when the zone is not ready. */
	planLockdown(): LockdownPlan | undefined;
	/** Records the lockdown (for undo, across a restart) and queues its requests. */
	startLockdown(plan: LockdownPlan): void;
	/** Sends the rest of an interrupted lockdown. */
	finishLockdown(zone: ZoneRef): boolean;
	/** What the undo of this record would send now. */
	unlockPlan(zone: ZoneRef, record: LockdownRecord): UnlockPlan;
	/** Queues the undo of the zone's lockdown; false when there is none. */
	unlock(zone: ZoneRef): boolean;
	/** `U`: the level to set (help, or back to the one before), remembering the one it leaves. */
	attackTarget(zoneName: string, current: SecurityLevel | undefined): SecurityLevel | undefined;
	/** Remembers the level `U` leaves, so that `U` again goes back to it. */
	rememberLevelBeforeAttack(zoneName: string, level: SecurityLevel | undefined): void;
	/** Timed bans: the duration a ban gets (escalation), the time left on one (absent in bare test fakes). */
	readonly bans?: BansHandle;
}

export interface ActionsOptions {
	backend: Backend;
	clock: Clock;
	store: Store<MonitorState, MonitorEvent>;
	audit: AuditSink;
	guard: NeverBanGuard;
	registry: Registry;
	session: string;
	readOnly: boolean;
	retryDelayMs?: number;
	/** Least time between two bans of a lockdown (default 20 ms). */
	paceMs?: number;
	/** user@host for the notes of the rules made (default: who runs this process, on this host). */
	operator?: string;
	/** Ban durations and the escalation ladder (default: 1h; 10m, 1h, 1d, permanent; 1d). */
	banPolicy?: BanPolicy;
	/** How often due bans are looked for (default 15 s). */
	expiryCheckMs?: number;
}

export interface Actions extends ActionsHandle {
	readonly queue: ActionQueue;
	/** On quit or a signal: in-flight actions are audited as outcome unknown. */
	abandon(reason: string): void;
	/** At start: interrupted lockdowns and the rules this machine made, from the registry. */
	announce(): void;
}

/** A timed ban's end, from when it is asked for, if the dialog did not already fix it (its note names it). */
function timed(request: ActionRequest, now: number): ActionRequest {
	if (request.kind !== 'ban' || !request.duration || request.expiresAt !== undefined) return request;
	return {...request, expiresAt: new Date(now + request.duration * 1000).toISOString()};
}

/** The backend with every call counted in the monitor's ledger before it is sent; `onCall` gets the port method's name. */
export function countingBackend(backend: Backend, onCall: (method: string) => void): Backend {
	return new Proxy(backend, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== 'function' || property === 'lastCallsLeft') return value;
			return (...args: unknown[]) => {
				onCall(String(property));
				return (value as (...parameters: unknown[]) => unknown).apply(target, args);
			};
		},
	});
}

const stateWords: Record<ActionEntry['state'], string> = {pending: 'queued', sent: 'sent', done: 'done', failed: 'FAILED', unknown: 'outcome unknown'};

/** How many looked-up IPs are remembered (lookups within 10 minutes are answered from here). */
const lookupMemory = 2000;

export function createActions(options: ActionsOptions): Actions {
	const {clock, store, registry, guard} = options;
	let lastReportAt: number | undefined;
	// What each call costs on this API (v4: some send several requests, some are GraphQL queries).
	const backend = countingBackend(options.backend, method => store.dispatch({type: 'call', at: clock.now(), cost: callCost(options.backend.capabilities.api, method)}));
	const reportCallsLeft = (): void => {
		const report = options.backend.lastCallsLeft();
		if (report && report.at !== lastReportAt) {
			lastReportAt = report.at;
			store.dispatch({type: 'calls-left', report});
		}
	};
	const queue = new ActionQueue({
		backend,
		clock,
		audit: options.audit,
		session: options.session,
		readOnly: options.readOnly,
		retryDelayMs: options.retryDelayMs,
		paceMs: options.paceMs ?? 20,
		gate: request => budgetRefusal(request, store.getState(), clock.now()),
	});
	const seen = new Map<number, ActionEntry['state']>();
	const lookups = new Lru<{at: number; score: ThreatScore}>(lookupMemory);
	const detailsMemory = new Lru<{at: number; details: IpDetails}>(lookupMemory);
	const capabilities = options.backend.capabilities;
	const operator = options.operator ?? operatorIdentity();
	/** IPs whose lookup is queued or on its way: a held-down `i` must not queue one per key repeat. */
	const lookingUp = new Set<string>();
	const say = (level: 'info' | 'warn' | 'error', text: string): void => store.dispatch({type: 'message', message: {at: clock.now(), level, text, source: 'operator'}});
	const keeper = new LockdownKeeper({registry, queue, store, clock, guard, session: options.session, say, backend, operator});
	const expiries = new BanExpiryRunner({registry, queue, store, clock, say, session: options.session, policy: options.banPolicy ?? defaultBanPolicy, capabilities, checkEveryMs: options.expiryCheckMs});

	queue.subscribe(entries => {
		const changed = entries.filter(entry => seen.get(entry.id) !== entry.state);
		for (const entry of changed) seen.set(entry.id, entry.state);
		store.dispatch({type: 'actions', entries});
		for (const entry of changed) {
			if (entry.state === 'done') store.dispatch({type: 'action-done', entry, at: clock.now()});
			if (entry.request.kind === 'lookup' && entry.state !== 'pending' && entry.state !== 'sent') lookingUp.delete(entry.request.ip);
			if (entry.state === 'done' && entry.request.kind === 'lookup' && entry.result) lookups.set(entry.request.ip, {at: clock.now(), score: entry.result as ThreatScore});
			if (entry.request.kind === 'details' && entry.state !== 'pending' && entry.state !== 'sent') lookingUp.delete(entry.request.ip);
			if (entry.state === 'done' && entry.request.kind === 'details' && entry.result) detailsMemory.set(entry.request.ip, {at: clock.now(), details: entry.result as IpDetails});
			if (entry.state !== 'pending') reportCallsLeft();
		}
		// A lockdown's hundreds of bans would flood the log with a line each: its summary says it all.
		for (const entry of changed.filter(candidate => candidate.batch === undefined || candidate.state === 'failed' || candidate.state === 'unknown').slice(-20)) {
			const detail = entry.state === 'done' || entry.state === 'failed' || entry.state === 'unknown' ? `: ${entry.message ?? ''}` : '';
			const level = entry.state === 'failed' ? 'error' : entry.state === 'unknown' ? 'warn' : 'info';
			if (entry.batch === undefined || entry.failureKind !== 'not-sent') say(level, `#${entry.id} ${describeAction(entry.request)}: ${stateWords[entry.state]}${detail}`);
		}
		keeper.onEntries(changed);
		expiries.onEntries(changed);
	});

	/**
	 * Where rules live in zones (v4), a ban, whitelist or clear that names no zone is for the zone on
	 * screen: the one the operator is looking at when a key or a command without a zone asks for it.
	 */
	const inZone = (request: ActionRequest): ActionRequest => {
		if (capabilities.ruleScope !== 'zone' || !(request.kind === 'ban' || request.kind === 'whitelist' || request.kind === 'clear-rule') || request.zone) return request;
		const zone = activeZoneRef();
		return zone ? {...request, zone} : request;
	};

	const check = (asked: ActionRequest): Verdict => {
		const request = inZone(asked);
		if ((request.kind === 'lookup' || request.kind === 'details') && lookingUp.has(request.ip)) return {ok: false, message: request.kind === 'lookup' ? `The lookup of ${request.ip} is already on its way: no new call` : `The details of ${request.ip} are already on their way: no new call`};
		const lookedUp = request.kind === 'lookup' ? lookups.find(request.ip) : undefined;
		const detailed = request.kind === 'details' ? detailsMemory.find(request.ip) : undefined;
		return checkRequest(request, store.getState(), clock.now(), {lookedUp, detailed, guard, capabilities});
	};

	const activeZoneRef = (): ZoneRef | undefined => {
		const state = store.getState();
		const zone = state.zones[state.activeZone];
		return zone && isActiveZone(zone) ? {name: zone.name, id: zone.id} : undefined;
	};

	return {
		queue,
		guard,
		capabilities,
		operator,
		bans: expiries,
		details: ip => {
			const found = detailsMemory.find(ip);
			return found && clock.now() - found.at < lookupFreshMs ? found : undefined;
		},
		check,
		submit(asked) {
			const request = timed(inZone(asked), clock.now());
			// Read-only goes to the queue, which refuses it there and audits the refusal.
			if (options.readOnly && isMutating(request.kind)) {
				queue.submit(request);
				return false;
			}
			const verdict = check(request);
			if (!verdict.ok) {
				say('warn', verdict.message);
				return false;
			}
			if ('cached' in verdict) {
				say('info', `${request.kind === 'lookup' ? request.ip : ''}: ${verdict.cached.kind}:${verdict.cached.score} (looked up ${formatAge(Math.round(verdict.age / 1000))} ago; no call made)`);
				return true;
			}
			if ('cachedDetails' in verdict) {
				say('info', `${verdict.cachedDetails.ip}: details from ${formatAge(Math.round(verdict.age / 1000))} ago; no call made`);
				return true;
			}
			if (request.kind === 'lookup' || request.kind === 'details') lookingUp.add(request.ip);
			queue.submit(request);
			return true;
		},
		retry: id => queue.retry(id) !== undefined,
		abandon: reason => {
			expiries.stop();
			queue.abandon(reason);
		},
		announce: () => {
			keeper.announce();
			// Expiries missed while nothing ran are carried out now.
			if (!options.readOnly) expiries.start();
		},
		memory: zoneName => zoneMemory(registry.read(), zoneName),
		lockdownStatus: zoneName => keeper.status(zoneName),
		prepareLockdown: zone => keeper.prepare(zone),
		lockdownReady: zoneName => keeper.takeReady(zoneName),
		loadRecords(zone) {
			// Reading records costs a call like any other the operator causes.
			const refusal = callRefusal(store.getState(), clock.now(), `the DNS records of ${zone.name} were not loaded`);
			if (refusal) {
				store.dispatch({type: 'records-failed', zone: zone.name, message: refusal});
				say('warn', refusal);
				return;
			}
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
			const zone = activeZoneRef();
			return zone ? keeper.plan(zone) : undefined;
		},
		startLockdown: plan => void keeper.start(plan),
		finishLockdown: zone => keeper.finish(zone),
		unlockPlan: (zone, record) => keeper.unlockPlan(zone, record),
		unlock: zone => keeper.undo(zone),
		attackTarget(zoneName, current) {
			if (current !== 'help') return 'help';
			return zoneMemory(registry.read(), zoneName).levelBeforeAttack;
		},
		rememberLevelBeforeAttack(zoneName, level) {
			if (level && level !== 'help') registry.update(records => withZone(records, zoneName, memory => ({...memory, levelBeforeAttack: level})));
		},
	};
}
