/**
 * The poller: the only module in the monitor that owns timers, all through the injected Clock. It
 * resolves zones once, then carries out the scheduler's decisions one poll at a time (polls never
 * overlap, so `r` during a poll queues one refresh), counts every call against the budget, and turns
 * failures into back-off, a rate-limit stop, a stop for good (HTTP 410) or a message. On an API that
 * lists access rules it keeps the active zone's list current too (rules-watch below). It never
 * dispatches the time: ages and countdowns are read from the clock where they are drawn (ui/use-now.ts).
 */
import {callRefusal} from '../actions/rules.js';
import type {Backend, VisitorQuery, ZoneRef} from '../backend.js';
import {isFlarewatchError, type FailureKind} from '../errors.js';
import type {Clock, TimerId} from '../lib/clock.js';
import {windowPhrase, wouldEatAnalyticsReserve, wouldEatReserve, type ServerCallsLeft} from './budget.js';
import {callCost, rulesListingExtra, type CallCost} from './call-cost.js';
import type {MonitorEvent} from './reduce.js';
import {decideNextPoll, isNoAnswer, maxNetworkBackoffMs, rateLimitPauseMs, rateLimitWaitMs} from './scheduler.js';
import type {MonitorState, PollFailure, Store} from './store.js';
import {isActiveZone} from '../backend.js';

export interface PollerOptions {
	backend: Backend;
	clock: Clock;
	store: Store<MonitorState, MonitorEvent>;
	/** What `zone_ips` is asked for on each poll; default the last hour, the liveliest window. */
	visitorQuery?: VisitorQuery;
	/** List each zone's DNS records every `recordsWatchMs` within its polls, for drift (default false; the console sets it). */
	watchRecords?: boolean;
}

/** The answer to an operator's request, for the status line. */
export interface CommandOutcome {
	ok: boolean;
	message: string;
}

/** Turns anything thrown by the backend into a one-line failure; never a stack trace. */
export function describeFailure(error: unknown, at: number): PollFailure {
	if (isFlarewatchError(error)) return {kind: error.kind, message: oneLine(error.message), at};
	const message = error instanceof Error ? error.message : String(error);
	return {kind: 'network' as FailureKind, message: oneLine(message), at};
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The active zone's access rules are listed again this often, while polling runs (APIs that list rules). */
export const rulesRefreshMs = 2 * 60_000;

/**
 * Each zone's DNS records are listed this often, within one of its polls, so that a record changed
 * elsewhere is noticed (drift.ts); also at its first poll and at the poll after any DNS action of ours.
 */
export const recordsWatchMs = 5 * 60_000;

/** Why the rules are listed: the periodic refresh (and the first listing), the operator, or a rule just changed. */
type RulesReason = 'timer' | 'asked' | 'changed';

/** First retry of a failed start-up zone check, and the most it backs off to. */
const startupRetryBaseMs = 5_000;
const startupRetryMaxMs = 5 * 60_000;
/** The most it backs off to when the API did not answer at all (the polls' cap, scheduler.ts). */
const startupNetworkRetryMaxMs = maxNetworkBackoffMs;

export class Poller {
	readonly #backend: Backend;
	readonly #clock: Clock;
	readonly #store: Store<MonitorState, MonitorEvent>;
	readonly #visitorQuery: VisitorQuery;
	#pollTimer: TimerId | undefined;
	#startupTimer: TimerId | undefined;
	#startupAttempts = 0;
	#resolving = false;
	#running = false;
	#inFlight = false;
	/** `r` pressed while a poll was in flight: one refresh runs when that poll ends. */
	#refreshQueued = false;
	#lastReportAt: number | undefined;
	#rulesTimer: TimerId | undefined;
	/** The zone whose rules are being listed. */
	#rulesInFlight: string | undefined;
	/** A listing asked for while another ran: it runs when that one ends (the latest ask wins). */
	#rulesNext: {zone: string; reason: RulesReason} | undefined;
	/** When each zone's rules were last listed or tried, by name: the periodic refresh counts from it. */
	readonly #rulesTriedAt = new Map<string, number>();
	/** A rule-changing call finished: list again once no action is queued or in flight. */
	#rulesChanged = false;
	#unsubscribe: (() => void) | undefined;
	readonly #watchRecords: boolean;
	/** When each zone's records were last listed or tried (by the watch or the operator), by name. */
	readonly #recordsTriedAt = new Map<string, number>();
	/** Zones a DNS action of ours changed since their last listing: listed at their next poll. */
	readonly #recordsChanged = new Set<string>();
	/** Zones whose records are being listed. */
	readonly #recordsInFlight = new Set<string>();

	constructor(options: PollerOptions) {
		this.#backend = options.backend;
		this.#clock = options.clock;
		this.#store = options.store;
		this.#visitorQuery = options.visitorQuery ?? {hours: 1};
		this.#watchRecords = options.watchRecords ?? false;
	}

	/** Resolves the zones with one `zone_check`, then polls on schedule, active zone first. */
	async start(): Promise<void> {
		this.#running = true;
		// Not inside the store's dispatch: a listing dispatches too.
		if (this.#listsRules) {
			this.#unsubscribe ??= this.#store.subscribe(() => {
				if (this.#rulesChanged) queueMicrotask(() => this.#listChangedRulesWhenIdle());
			});
		}
		await this.#resolveZones();
	}

	/** Stops every timer; an in-flight request finishes but nothing follows it. */
	stop(): void {
		this.#running = false;
		this.#refreshQueued = false;
		this.#rulesNext = undefined;
		this.#rulesChanged = false;
		this.#clearPollTimer();
		this.#clearStartupTimer();
		this.#clearRulesTimer();
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
	}

	get inFlight(): boolean {
		return this.#inFlight;
	}

	/** A request of the poller's own is on its way: the zone check, a poll or a rules listing. */
	get busy(): boolean {
		return this.#inFlight || this.#resolving || this.#rulesInFlight !== undefined || this.#recordsInFlight.size > 0;
	}

	togglePause(): CommandOutcome {
		const state = this.#state();
		if (state.paused) {
			this.#store.dispatch({type: 'resume', at: this.#clock.now()});
			this.#reschedule();
			this.#scheduleRules();
			return {ok: true, message: 'Polling resumed'};
		}
		this.#store.dispatch({type: 'pause', at: this.#clock.now()});
		this.#reschedule();
		this.#clearRulesTimer();
		return {ok: true, message: 'Polling paused'};
	}

	/** Shows the next zone; polls it first if it is the stalest. */
	nextZone(): CommandOutcome {
		const state = this.#state();
		if (state.zones.length < 2) return this.#say(false, 'Only one zone is configured');
		for (let step = 1; step <= state.zones.length; step++) {
			const index = (state.activeZone + step) % state.zones.length;
			if (isActiveZone(state.zones[index]) || state.startup.phase !== 'ready') {
				this.#store.dispatch({type: 'select-zone', zone: index});
				this.#reschedule();
				this.#scheduleRules();
				return {ok: true, message: `Zone ${state.zones[index].name}`};
			}
		}
		return this.#say(false, 'No other active zone');
	}

	/**
	 * `r`: polls the zone on screen now, unless that would eat into the reserve kept for actions. During
	 * a poll it queues one refresh for when that poll ends (polls never overlap); more presses add none.
	 * Back-off after failures does not hold it back: the operator may know the outage is over.
	 */
	refreshNow(): CommandOutcome {
		const state = this.#state();
		if (state.startup.phase === 'failed') {
			if (this.#resolving) return this.#say(false, 'The zone check is already running');
			this.#clearStartupTimer();
			void this.#resolveZones();
			return this.#say(true, 'Retrying the zone check');
		}
		if (state.startup.phase !== 'ready') return this.#say(false, 'Still connecting');
		if (this.#inFlight) {
			if (this.#refreshQueued) return this.#say(true, 'Refresh already queued: it runs when the poll in flight ends');
			const refusal = this.#refusal(state);
			if (refusal !== undefined) return this.#say(false, refusal);
			this.#refreshQueued = true;
			return this.#say(true, 'Refresh queued: it runs when the poll in flight ends');
		}
		const refusal = this.#refusal(state);
		if (refusal !== undefined) return this.#say(false, refusal);
		void this.#poll(state.activeZone, true);
		return {ok: true, message: 'Refreshing'};
	}

	/** Why a refresh of the zone on screen may not run now, if it may not: pause, rate limit, reserve. */
	#refusal(state: MonitorState): string | undefined {
		const now = this.#clock.now();
		if (state.paused) return 'Paused: press p to resume polling first';
		if (state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now) {
			return 'The API call limit is reached: refresh refused until the window allows';
		}
		if (wouldEatReserve(state.policy, state.ledger, now, state.pollCost.calls, state.serverCallsLeft)) {
			return `Refresh refused: it would use the ${state.policy.reserve} calls kept for actions`;
		}
		if (wouldEatAnalyticsReserve(state.policy, state.analyticsLedger, now, state.pollCost.analytics)) {
			return `Refresh refused: it would use the ${state.policy.analytics?.reserve ?? 0} GraphQL queries kept for your IP details`;
		}
		if (state.zones[state.activeZone] && !isActiveZone(state.zones[state.activeZone])) return 'This zone is not active';
		return undefined;
	}

	/**
	 * Runs the refresh queued during the poll that just ended, checked again now (that poll spent calls
	 * and may have hit the limit). True when it started a poll. After a 410 it is dropped: the same
	 * request would only get the same answer, and the operator can still press r.
	 */
	#runQueuedRefresh(): boolean {
		if (!this.#refreshQueued) return false;
		this.#refreshQueued = false;
		if (!this.#running) return false;
		const state = this.#state();
		if (state.failure?.kind === 'gone') return false;
		const refusal = this.#refusal(state);
		if (refusal !== undefined) {
			this.#say(false, `Queued refresh not run: ${refusal}`);
			return false;
		}
		void this.#poll(state.activeZone, true);
		return true;
	}

	#state(): MonitorState {
		return this.#store.getState();
	}

	#say(ok: boolean, text: string): CommandOutcome {
		this.#store.dispatch({type: 'message', message: {at: this.#clock.now(), level: ok ? 'info' : 'warn', text, source: 'operator'}});
		return {ok, message: text};
	}

	#clearPollTimer(): void {
		if (this.#pollTimer !== undefined) this.#clock.clearTimeout(this.#pollTimer);
		this.#pollTimer = undefined;
	}

	#reschedule(): void {
		this.#clearPollTimer();
		if (!this.#running) return;
		const decision = decideNextPoll(this.#state(), this.#clock.now(), this.#extraCost);
		if (decision.kind === 'idle') {
			this.#store.dispatch({type: 'schedule', nextPollAt: undefined});
			return;
		}
		this.#store.dispatch({type: 'schedule', nextPollAt: decision.at});
		this.#pollTimer = this.#clock.setTimeout(() => {
			this.#pollTimer = undefined;
			// Where GraphQL queries are counted apart (v4), the operator's details lookups may have spent that
			// share since this was decided: ask again. (On v1 a poll decided before an action runs, as it did.)
			const now = this.#clock.now();
			const state = this.#state();
			const again = state.policy.analytics ? decideNextPoll(state, now, this.#extraCost) : decision;
			if (again.kind === 'poll' && again.at > now) this.#reschedule();
			else void this.#poll(decision.zone);
		}, decision.at - this.#clock.now());
	}

	/** Counts a call's requests, sends it, and picks up the server's count when it reported one. */
	async #call<T>(cost: CallCost, send: () => Promise<T>): Promise<T> {
		this.#store.dispatch({type: 'call', at: this.#clock.now(), cost});
		try {
			return await send();
		} finally {
			const report = this.#newReport();
			if (report) this.#store.dispatch({type: 'calls-left', report});
		}
	}

	/** The server's count (v1's `calls_left`, v4's `Ratelimit: r=`) when it is newer than the last one taken. */
	#newReport(): ServerCallsLeft | undefined {
		const report = this.#backend.lastCallsLeft();
		if (!report || report.at === this.#lastReportAt) return undefined;
		this.#lastReportAt = report.at;
		return report;
	}

	get #api() {
		return this.#backend.capabilities.api;
	}

	async #resolveZones(): Promise<void> {
		if (this.#resolving || !this.#running) return;
		this.#resolving = true;
		this.#store.dispatch({type: 'message', message: {at: this.#clock.now(), level: 'info', text: `Connecting to ${this.#backend.endpointLabel}`}});
		const names = this.#state().zones.map(zone => zone.name);
		try {
			const zones = await this.#call(callCost(this.#api, 'checkZones', {zones: names.length}), () => this.#backend.checkZones(names));
			this.#startupAttempts = 0;
			this.#store.dispatch({type: 'zones-resolved', zones, at: this.#clock.now()});
		} catch (error) {
			let message = startupMessage(error, this.#backend.endpointLabel, this.#api);
			const delay = this.#startupRetryDelay(error);
			if (delay !== undefined && this.#running) {
				// An outage at start-up must not leave an incident console waiting for a key press.
				message = `${message} Retrying by itself in ${Math.round(delay / 1000)} s.`;
				this.#startupTimer = this.#clock.setTimeout(() => {
					this.#startupTimer = undefined;
					void this.#resolveZones();
				}, delay);
			}
			this.#store.dispatch({type: 'startup-failed', message, at: this.#clock.now()});
		} finally {
			this.#resolving = false;
		}
		this.#reschedule();
		// The first listing of the active zone's rules, beside its first poll.
		this.#scheduleRules();
	}

	/**
	 * Back-off for a failed zone check: transport trouble is retried (5 s, doubling, at most 60 s when
	 * nothing answered, 5 min otherwise); refused credentials and a 410 are not, since asking again
	 * cannot fix them (the operator presses r).
	 */
	#startupRetryDelay(error: unknown): number | undefined {
		const kind = describeFailure(error, 0).kind;
		if (kind === 'auth' || kind === 'validation' || kind === 'usage' || kind === 'gone') return undefined;
		this.#startupAttempts++;
		if (kind === 'rate-limit') return isFlarewatchError(error) ? rateLimitWaitMs(this.#state().policy, error.retryAfterSeconds) : rateLimitPauseMs;
		const max = isNoAnswer(kind) ? startupNetworkRetryMaxMs : startupRetryMaxMs;
		return Math.min(startupRetryBaseMs * 2 ** (this.#startupAttempts - 1), max);
	}

	#clearStartupTimer(): void {
		if (this.#startupTimer !== undefined) this.#clock.clearTimeout(this.#startupTimer);
		this.#startupTimer = undefined;
	}

	/** `asked`: the operator asked for it (r), so the screen says "polling…" at once. */
	async #poll(zoneIndex: number, asked = false): Promise<void> {
		// One request at a time: a timer that fires during a manual refresh simply reschedules.
		if (this.#inFlight || !this.#running) return;
		const state = this.#state();
		const zone = state.zones[zoneIndex];
		if (!zone || !isActiveZone(zone) || state.paused) {
			this.#reschedule();
			return;
		}
		this.#inFlight = true;
		this.#clearPollTimer();
		const startedAt = this.#clock.now();
		// Each call counts as it starts: the first with the poll's start; the server's count is taken once,
		// at the end. Four events a poll, where a call and a report each were one.
		this.#store.dispatch({type: 'poll-started', zone: zoneIndex, at: startedAt, asked, cost: callCost(this.#api, 'stats')});
		const ref = {name: zone.name, id: zone.id};
		let stats;
		let visitors;
		let failure: PollFailure | undefined;
		let rateLimitedUntil: number | undefined;
		try {
			try {
				stats = await this.#backend.stats(ref, zone.statsInterval);
				if (zone.plan === undefined && zone.statsInterval === 120) this.#store.dispatch({type: 'plan-detected', zone: zoneIndex, plan: 'Pro'});
			} catch (error) {
				// The 6-hour interval is Pro only: a Free zone refuses it once, then gets the 24-hour one.
				if (!(isFlarewatchError(error) && error.kind === 'api' && zone.plan === undefined && zone.statsInterval === 120)) throw error;
				this.#store.dispatch({type: 'plan-detected', zone: zoneIndex, plan: 'Free'});
				stats = await this.#call(callCost(this.#api, 'stats'), () => this.#backend.stats(ref, 40));
			}
			this.#store.dispatch({type: 'call', at: this.#clock.now(), cost: callCost(this.#api, 'visitors')});
			visitors = await this.#backend.visitors(ref, this.#visitorQuery);
			// Within the poll (polls never overlap): the records, when due, for drift.
			if (this.#recordsDue(zone.name, this.#clock.now())) await this.#listRecords(ref, 'watch');
		} catch (error) {
			failure = describeFailure(error, this.#clock.now());
			if (failure.kind === 'rate-limit') {
				rateLimitedUntil = this.#clock.now() + rateLimitWaitMs(state.policy, isFlarewatchError(error) ? error.retryAfterSeconds : undefined);
				failure = {...failure, message: `API call limit reached (${limitWord(this.#api)}): polling stopped until the window allows. ${failure.message}`};
			}
		} finally {
			this.#inFlight = false;
		}
		this.#store.dispatch({type: 'poll-finished', zone: zoneIndex, at: startedAt, stats, visitors, failure, rateLimitedUntil, report: this.#newReport()});
		if (!this.#runQueuedRefresh()) this.#reschedule();
	}

	// Records-watch: each zone's DNS records, every 5 minutes within its polls ------------------------

	/** The calls a poll of the zone makes beyond `stats` and `visitors` when it is due to list the records too. */
	readonly #extraCost = (zoneIndex: number, at: number): number => {
		const zone = this.#state().zones[zoneIndex];
		return zone && this.#recordsDue(zone.name, at) ? callCost(this.#api, 'listRecords').calls : 0;
	};

	#recordsDue(zoneName: string, now: number): boolean {
		if (!this.#watchRecords || this.#recordsInFlight.has(zoneName)) return false;
		const tried = this.#recordsTriedAt.get(zoneName);
		return tried === undefined || this.#recordsChanged.has(zoneName) || now - tried >= recordsWatchMs;
	}

	/**
	 * The operator asks for the zone's records (the DNS view, its r): listed now, unless the API's limit
	 * is reached or no call is left (it may use the reserve).
	 */
	loadRecords(zone: ZoneRef): CommandOutcome {
		// Reading records costs a call like any other the operator causes (the action rules' words).
		const refusal = callRefusal(this.#state(), this.#clock.now(), `the DNS records of ${zone.name} were not loaded`);
		if (refusal) {
			this.#store.dispatch({type: 'records-failed', zone: zone.name, message: refusal});
			return this.#say(false, refusal);
		}
		if (this.#recordsInFlight.has(zone.name)) return {ok: true, message: `The DNS records of ${zone.name} are being listed`};
		this.#store.dispatch({type: 'records-loading', zone: zone.name});
		void this.#listRecords(zone, 'asked');
		return {ok: true, message: `Listing the DNS records of ${zone.name}`};
	}

	/** A DNS action of ours ended (however it ended): the zone's records are listed at its next poll. */
	recordsChanged(zone?: ZoneRef): void {
		if (!this.#watchRecords) return;
		if (zone) this.#recordsChanged.add(zone.name);
		else for (const candidate of this.#state().zones) this.#recordsChanged.add(candidate.name);
	}

	/**
	 * One listing of the zone's records. The watch's is polling: skipped (and tried again at a later poll)
	 * when it would use the reserve, and its failure only marks the DNS view; the operator's says why.
	 */
	async #listRecords(zone: ZoneRef, reason: 'watch' | 'asked'): Promise<void> {
		const startedAt = this.#clock.now();
		const cost = callCost(this.#api, 'listRecords');
		if (reason === 'watch') {
			const state = this.#state();
			if (wouldEatReserve(state.policy, state.ledger, startedAt, cost.calls, state.serverCallsLeft)) return;
		}
		this.#recordsTriedAt.set(zone.name, startedAt);
		this.#recordsChanged.delete(zone.name);
		this.#recordsInFlight.add(zone.name);
		try {
			const records = await this.#call(cost, () => this.#backend.listRecords(zone));
			this.#store.dispatch({type: 'records-loaded', zone: zone.name, records, startedAt, at: this.#clock.now()});
		} catch (error) {
			const failure = describeFailure(error, this.#clock.now());
			const message = `DNS records of ${zone.name} could not be loaded: ${failure.message}`;
			this.#store.dispatch({type: 'records-failed', zone: zone.name, message: failure.message});
			if (reason === 'asked') this.#say(false, message);
		} finally {
			this.#recordsInFlight.delete(zone.name);
		}
	}

	// Rules-watch: the active zone's access rules, on APIs that list them -----------------------------

	get #listsRules(): boolean {
		return this.#backend.capabilities.ruleListing && typeof this.#backend.listRules === 'function';
	}

	/**
	 * The operator asks for the zone's rules (the Rules view, its refresh key): listed now, unless the
	 * API's limit is reached or no call is left (like the DNS records, it may use the reserve).
	 */
	loadRules(zone: ZoneRef): CommandOutcome {
		if (!this.#listsRules) return this.#say(false, `API ${this.#api} cannot list access rules`);
		const state = this.#state();
		const index = state.zones.findIndex(candidate => candidate.name === zone.name);
		if (index < 0 || !isActiveZone(state.zones[index])) return this.#say(false, `${zone.name} is not an active zone: no rules to list`);
		const refusal = this.#rulesRefusal(state, 'asked');
		if (refusal !== undefined) {
			const message = `The access rules of ${zone.name} were not listed: ${refusal}`;
			this.#store.dispatch({type: 'rules-failed', zone: zone.name, message});
			return this.#say(false, message);
		}
		void this.#listRules(zone.name, 'asked');
		return {ok: true, message: `Listing the access rules of ${zone.name}`};
	}

	/**
	 * A call that changes rules finished (ban, whitelist, clear, add, delete; one of a lockdown's too): the
	 * active zone's rules are listed again once no action is queued or in flight, so a lockdown's hundreds
	 * of bans cost one listing. The zone's own listing is due at once when next shown, if it is not active.
	 */
	rulesChanged(zone?: ZoneRef): void {
		if (!this.#listsRules || !this.#running) return;
		const active = this.#state().zones[this.#state().activeZone];
		if (zone && active && zone.name !== active.name) this.#rulesTriedAt.delete(zone.name);
		else this.#rulesChanged = true;
		// After the store has told everyone of the change that brought us here.
		queueMicrotask(() => this.#listChangedRulesWhenIdle());
	}

	#listChangedRulesWhenIdle(): void {
		if (!this.#rulesChanged || !this.#running) return;
		const state = this.#state();
		if (state.actions.some(entry => entry.state === 'pending' || entry.state === 'sent')) return;
		const zone = state.zones[state.activeZone];
		this.#rulesChanged = false;
		if (zone && isActiveZone(zone) && state.startup.phase === 'ready') void this.#listRules(zone.name, 'changed');
	}

	/**
	 * Why the rules may not be listed now. The periodic listing is polling: it stops while paused and
	 * never touches the reserve; a listing the operator caused (asked, or after an action) may use the
	 * reserve, like the DNS records.
	 */
	#rulesRefusal(state: MonitorState, reason: RulesReason): string | undefined {
		const now = this.#clock.now();
		const cost = callCost(this.#api, 'listRules');
		if (state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now) return 'the API call limit is reached';
		if (reason !== 'timer') return wouldEatReserve({...state.policy, reserve: 0}, state.ledger, now, cost.calls, state.serverCallsLeft) ? `no API calls are left ${windowPhrase(state.policy)}` : undefined;
		if (state.paused) return 'polling is paused';
		return wouldEatReserve(state.policy, state.ledger, now, cost.calls, state.serverCallsLeft) ? `it would use the ${state.policy.reserve} calls kept for actions` : undefined;
	}

	/** Lists a zone's rules: one listing at a time; one asked for meanwhile runs after it. */
	async #listRules(zoneName: string, reason: RulesReason): Promise<void> {
		if (!this.#running || !this.#backend.listRules) return;
		if (this.#rulesInFlight !== undefined) {
			this.#rulesNext = {zone: zoneName, reason};
			return;
		}
		const state = this.#state();
		const zone = state.zones.find(candidate => candidate.name === zoneName);
		if (!zone || !isActiveZone(zone)) return;
		this.#rulesTriedAt.set(zoneName, this.#clock.now());
		// A listing that cannot be afforded is skipped (the periodic one comes round again); the operator is told why.
		const refusal = this.#rulesRefusal(state, reason);
		if (refusal !== undefined) {
			if (reason === 'asked') this.#store.dispatch({type: 'rules-failed', zone: zoneName, message: `The access rules of ${zoneName} were not listed: ${refusal}`});
			this.#scheduleRules();
			return;
		}
		this.#clearRulesTimer();
		this.#rulesInFlight = zoneName;
		this.#store.dispatch({type: 'rules-loading', zone: zoneName});
		const startedAt = this.#clock.now();
		try {
			const list = await this.#call(callCost(this.#api, 'listRules'), () => this.#backend.listRules!({name: zone.name, id: zone.id}));
			const extra = rulesListingExtra(list);
			if (extra.calls > 0) this.#store.dispatch({type: 'call', at: this.#clock.now(), cost: extra});
			this.#store.dispatch({type: 'rules-loaded', zone: zoneName, at: this.#clock.now(), startedAt, list: list.rules, accountUnavailable: list.accountUnavailable});
		} catch (error) {
			const failure = describeFailure(error, this.#clock.now());
			const message = `The access rules of ${zoneName} could not be listed: ${failure.message}`;
			this.#store.dispatch({type: 'rules-failed', zone: zoneName, message});
			// The operator waits for this one; a periodic one's failure shows where the rules are shown.
			if (reason === 'asked') this.#say(false, message);
		} finally {
			this.#rulesInFlight = undefined;
		}
		const next = this.#rulesNext;
		this.#rulesNext = undefined;
		if (next) void this.#listRules(next.zone, next.reason);
		else this.#scheduleRules();
	}

	#clearRulesTimer(): void {
		if (this.#rulesTimer !== undefined) this.#clock.clearTimeout(this.#rulesTimer);
		this.#rulesTimer = undefined;
	}

	/** The next periodic listing of the active zone: at once if it was never listed, else 2 minutes after the last try. */
	#scheduleRules(): void {
		this.#clearRulesTimer();
		if (!this.#listsRules || !this.#running || this.#rulesInFlight !== undefined) return;
		const state = this.#state();
		const zone = state.zones[state.activeZone];
		if (state.startup.phase !== 'ready' || state.paused || !zone || !isActiveZone(zone)) return;
		const tried = this.#rulesTriedAt.get(zone.name);
		const delay = tried === undefined ? 0 : Math.max(0, tried + rulesRefreshMs - this.#clock.now());
		this.#rulesTimer = this.#clock.setTimeout(() => {
			this.#rulesTimer = undefined;
			void this.#listRules(zone.name, 'timer');
		}, delay);
	}
}

/** How the API names its limit being reached. */
function limitWord(api: string): string {
	return api === 'v4' ? 'HTTP 429' : 'E_MAXAPI';
}


/** The message start-up shows on screen when the zone check fails. */
export function startupMessage(error: unknown, endpointLabel: string, api = 'v1'): string {
	const failure = describeFailure(error, 0);
	switch (failure.kind) {
		case 'auth':
			return api === 'v4'
				? `The API refused the credentials: check the API token (or the email and key). ${failure.message}`
				: `The API refused the credentials (E_UNAUTH): check the email and key. ${failure.message}`;
		case 'network':
		case 'timeout':
			return `Cannot reach ${endpointLabel}: ${failure.message}`;
		case 'rate-limit':
			return `The API call limit is reached (${limitWord(api)}); press r to try again later. ${failure.message}`;
		case 'gone':
			return failure.message;
		default:
			return `The zone check failed: ${failure.message}`;
	}
}
