/**
 * The monitor's state: one plain, immutable value, changed only by `reduce` (reduce.ts) and read by
 * the UI through selectors (select.ts). Every history in it is a bounded RingBuffer.
 */
import type {ActionEntry} from '../actions/types.js';
import type {AccessRule, DnsRecord, StatsInterval, ThreatScore, Visitor, ZoneStats} from '../backend.js';
import type {FailureKind} from '../errors.js';
import type {ApiVersion} from '../lib/endpoint.js';
import {RingBuffer} from '../lib/ring-buffer.js';
import {asPolicy, type BudgetPolicy, type PolicyLike, type ServerCallsLeft} from './budget.js';
import {pollCost, type CallCost} from './call-cost.js';
import type {ZoneDrift} from './drift.js';

/** One point of the traffic charts: what a poll saw. */
export interface TrafficSample {
	at: number;
	/** The server's clock when it answered (epoch ms): rates are computed on its time, not ours. */
	serverTime: number;
	/** The stats interval the totals cover: totals of different windows are never compared. */
	interval: number;
	/** Requests handled at the edge and forwarded to the origin, over the stats window (totals). */
	edgeRequests: number;
	originRequests: number;
	/** Hits by threat-class IPs in the visitor window (the last hour). */
	threatHits: number;
	/** How many distinct threat IPs were listed. */
	threatIps: number;
}

/** What the console knows about one zone. */
export interface ZoneState {
	name: string;
	/** The API's id; '' when not on the account (or not yet checked). */
	id: string;
	/** Inferred: Pro when the 6-hour stats interval (Pro only) is accepted, Free when refused. */
	plan?: 'Pro' | 'Free';
	statsInterval: StatsInterval;
	stats?: ZoneStats;
	/** The latest `zone_ips` answer, sorted by hits, most first. */
	threatRows: readonly Visitor[];
	history: RingBuffer<TrafficSample>;
	lastPollAt?: number;
	lastSuccessAt?: number;
	lastFailure?: PollFailure;
	/** Threat scores looked up this session, by IP. */
	scores: ReadonlyMap<string, ThreatScore>;
	/** Settings an action changed, laid over the stats until a poll started after the action confirms them. */
	applied?: AppliedSettings;
	/** The DNS records from `rec_load_all` (undefined until the DNS view asks for them). */
	records?: readonly DnsRecord[];
	/** Loading, or why loading failed, for the DNS view. */
	recordsStatus?: {loading: boolean; error?: string};
	/** Epoch ms from when the next purge is allowed (the API's cooldown). */
	purgeAllowedAt?: number;
	/** Epoch ms of this session's snapshot request (zone_grab is allowed once a day). */
	lastGrabAt?: number;
	/** The lockdown in force on this zone, as the rule registry knows it. */
	lockdown?: {bans: number};
	/** The zone's and the account's access rules, whoever made them (APIs that list rules; undefined until loaded). */
	rules?: RulesSnapshot;
	/** What flarewatch last set or saw of the zone, and what changed elsewhere since (drift.ts); undefined before the first poll. */
	drift?: ZoneDrift;
}

/** The access rules as last listed, for the Rules view and the threat rows' marks. */
export interface RulesSnapshot {
	list: readonly AccessRule[];
	/** Epoch ms of the listing; 0 before the first. */
	at: number;
	loading: boolean;
	/** Why the last listing failed (the list shown is then the previous one, marked stale). */
	error?: string;
	/** Why the account's rules are missing (a token for zones only). */
	accountUnavailable?: string;
}

/**
 * What a successful action told us about the zone, shown at once. A poll that started before the action
 * answered may still report the old value; the overlay stays until a poll started after it.
 */
export interface AppliedSettings {
	at: number;
	securityLevel?: ZoneStats['securityLevel'];
	securityLabel?: string;
	devModeUntil?: number;
	cacheLevel?: ZoneStats['cacheLevel'];
	ipv6?: boolean;
}

/** A failed poll, as the status line explains it. */
export interface PollFailure {
	kind: FailureKind;
	message: string;
	at: number;
}

/** A line for the status bar and the log. */
export interface MonitorMessage {
	at: number;
	level: 'info' | 'warn' | 'error';
	text: string;
	/** `operator`: the answer to something the operator did (a key, an action), which the status line shows until seen. */
	source?: 'operator';
}

/** Where start-up stands: the console shows a message instead of the dashboard until `ready`. */
export type StartupPhase = {phase: 'connecting'} | {phase: 'ready'} | {phase: 'failed'; message: string};

/**
 * Holds no clock: it changes only when data or the operator's state does. Whatever moves with time
 * (ages, countdowns, STALE) is derived where it is drawn or checked, from a `now` passed in.
 */
export interface MonitorState {
	startup: StartupPhase;
	zones: readonly ZoneState[];
	activeZone: number;
	policy: BudgetPolicy;
	/** Start times of the calls made in the window (v1 an hour, v4 five minutes), ascending (see budget.ts); on v4 GraphQL queries too. */
	ledger: readonly number[];
	/** Start times of the GraphQL queries made in the window (v4; always empty on v1). */
	analyticsLedger: readonly number[];
	/** What one poll of a zone costs on this API (call-cost.ts). */
	pollCost: CallCost;
	serverCallsLeft?: ServerCallsLeft;
	paused: boolean;
	/** The zone being polled, when a poll is in flight. */
	polling?: number;
	/** When the poll in flight started, if the scheduler started it (not the operator's r). */
	pollStartedAt?: number;
	nextPollAt?: number;
	/** Consecutive failed polls, for back-off. */
	failures: number;
	/** Set after E_MAXAPI: nothing polls before this time. */
	rateLimitedUntil?: number;
	/** The last failure, cleared by the next successful poll. */
	failure?: PollFailure;
	messages: RingBuffer<MonitorMessage>;
	demo: boolean;
	/** Which API the backend speaks (the header's badge). */
	api: ApiVersion;
	readOnly: boolean;
	endpointLabel: string;
	/** Access rules (account-wide in v1) this console set or cleared this session, by IP. */
	rules: ReadonlyMap<string, 'ban' | 'wl'>;
	/** Every action of the session, for the Log view (the queue's list). */
	actions: readonly ActionEntry[];
	/** The last drift entry's number (drift.ts): the audit writer writes each entry once, in order. */
	driftSeq?: number;
}

/** Points kept per zone: more than the widest chart needs. */
export const historyCapacity = 512;
/** Messages kept for the status line and the log view. */
export const messageCapacity = 200;
/** Threat scores kept per zone. */
export const scoreCapacity = 1000;

export interface InitialStateOptions {
	zoneNames: readonly string[];
	policy: PolicyLike;
	/** What one poll costs (default v1's: two calls). */
	pollCost?: CallCost;
	demo?: boolean;
	api?: ApiVersion;
	readOnly?: boolean;
	endpointLabel?: string;
}

export function initialZone(name: string): ZoneState {
	return {
		name,
		id: '',
		statsInterval: 120,
		threatRows: [],
		history: RingBuffer.empty<TrafficSample>(historyCapacity),
		scores: new Map(),
	};
}

export function initialState(options: InitialStateOptions): MonitorState {
	return {
		startup: {phase: 'connecting'},
		zones: options.zoneNames.map(name => initialZone(name)),
		activeZone: 0,
		policy: asPolicy(options.policy),
		ledger: [],
		analyticsLedger: [],
		pollCost: options.pollCost ?? pollCost('v1'),
		paused: false,
		failures: 0,
		messages: RingBuffer.empty<MonitorMessage>(messageCapacity),
		demo: options.demo ?? false,
		api: options.api ?? 'v1',
		readOnly: options.readOnly ?? false,
		endpointLabel: options.endpointLabel ?? '',
		rules: new Map(),
		actions: [],
	};
}

/** A minimal observable store: the UI subscribes, the poller (and later the action queue) dispatches. */
export class Store<S, E> {
	#state: S;
	readonly #reducer: (state: S, event: E) => S;
	readonly #listeners = new Set<() => void>();

	constructor(reducer: (state: S, event: E) => S, state: S) {
		this.#reducer = reducer;
		this.#state = state;
	}

	getState = (): S => this.#state;

	dispatch = (event: E): void => {
		const next = this.#reducer(this.#state, event);
		if (next === this.#state) return;
		this.#state = next;
		for (const listener of [...this.#listeners]) listener();
	};

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};
}
