/**
 * What to poll next, and when: pure functions of the monitor's state. The poller (poller.ts) only
 * carries out these decisions.
 */
import type {FailureKind} from '../errors.js';
import {nextPollAt, pollSpacingMs, type BudgetPolicy} from './budget.js';
import type {MonitorState} from './store.js';
import {isActiveZone} from '../backend.js';

/** One poll of a zone on v1 is `stats` plus `zone_ips` (any API's: `MonitorState.pollCost`). */
export const callsPerPoll = 2;
/** Back-off after repeated failures never waits longer than this. */
export const maxBackoffMs = 5 * 60_000;
/**
 * No answer at all (`network`, `timeout`) is usually an outage that ends without warning: retry at
 * least this often so the console catches up soon after, while still not hammering.
 */
export const maxNetworkBackoffMs = 60_000;
/** After E_MAXAPI with no better knowledge of the server's window, wait this long. */
export const rateLimitPauseMs = 10 * 60_000;

/**
 * The wait after the API refused for its limit: what it said (v4's Retry-After), else 10 minutes, or
 * the window when shorter (v4 blocks for its five minutes).
 */
export function rateLimitWaitMs(policy: Pick<BudgetPolicy, 'windowMs'>, retryAfterSeconds?: number): number {
	if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) return retryAfterSeconds * 1000;
	return Math.min(rateLimitPauseMs, policy.windowMs);
}

export type PollDecision =
	| {kind: 'poll'; zone: number; at: number}
	| {kind: 'idle'; reason: 'starting' | 'paused' | 'in-flight' | 'no-zones' | 'no-budget' | 'gone'};

/**
 * The zone to poll next: every active zone in turn, the one polled longest ago first; the zone on
 * screen goes first among equals (at start, and whenever it is as stale as another).
 */
export function pickZone(state: Pick<MonitorState, 'zones' | 'activeZone'>): number | undefined {
	let best: number | undefined;
	let bestAt = Number.POSITIVE_INFINITY;
	const order = [state.activeZone, ...state.zones.map((_, index) => index).filter(index => index !== state.activeZone)];
	for (const index of order) {
		const zone = state.zones[index];
		if (!zone || !isActiveZone(zone)) continue;
		const at = zone.lastPollAt ?? Number.NEGATIVE_INFINITY;
		if (at < bestAt) {
			best = index;
			bestAt = at;
		}
	}
	return best;
}

/** True for failures where the API did not answer at all. */
export function isNoAnswer(kind: FailureKind): boolean {
	return kind === 'network' || kind === 'timeout';
}

/**
 * The wait after `failures` consecutive failed polls: the normal spacing, doubling, capped at 5 min,
 * or at 60 s when the last failure was no answer at all.
 */
export function backoffMs(failures: number, spacingMs: number, kind?: FailureKind): number {
	if (failures <= 0) return 0;
	const cap = kind !== undefined && isNoAnswer(kind) ? maxNetworkBackoffMs : maxBackoffMs;
	return Math.min(cap, Math.max(spacingMs, 5_000) * 2 ** (failures - 1));
}

/** The time of the most recent poll of any zone (polls share one budget, so they share one pace). */
export function lastPollAt(state: Pick<MonitorState, 'zones'>): number | undefined {
	let last: number | undefined;
	for (const zone of state.zones) {
		if (zone.lastPollAt !== undefined && (last === undefined || zone.lastPollAt > last)) last = zone.lastPollAt;
	}
	return last;
}

function activeZoneCount(state: Pick<MonitorState, 'zones'>): number {
	return Math.max(1, state.zones.filter(zone => isActiveZone(zone)).length);
}

/**
 * The least time between two polls, all zones together: a zone at most every `minZoneIntervalMs`
 * (v4), the zones taking turns. 0 on v1, whose spacing is the budget's alone.
 */
export function minPollSpacingMs(state: Pick<MonitorState, 'zones' | 'policy'>): number {
	return state.policy.minZoneIntervalMs / activeZoneCount(state);
}

/** The spacing polls keep when all is well: even over the polling shares, no closer than minPollSpacingMs. */
export function pollSpacing(state: Pick<MonitorState, 'zones' | 'policy' | 'pollCost'>): number {
	return Math.max(pollSpacingMs(state.policy, state.pollCost.calls, state.pollCost.analytics), minPollSpacingMs(state));
}

/**
 * The next scheduled poll at `now`, or why there is none. `extraCalls`: requests the poll of a zone
 * would make besides its usual cost, if started at a time (the DNS records when due, poller.ts), so
 * that they too fit the polling share.
 */
export function decideNextPoll(state: MonitorState, now: number, extraCalls?: (zone: number, at: number) => number): PollDecision {
	if (state.startup.phase !== 'ready') return {kind: 'idle', reason: 'starting'};
	if (state.paused) return {kind: 'idle', reason: 'paused'};
	if (state.polling !== undefined) return {kind: 'idle', reason: 'in-flight'};
	// HTTP 410 is permanent: nothing more is scheduled; only the operator's r asks again.
	if (state.failure?.kind === 'gone') return {kind: 'idle', reason: 'gone'};
	const zone = pickZone(state);
	if (zone === undefined) return {kind: 'idle', reason: 'no-zones'};
	const spacing = pollSpacing(state);
	const when = (calls: number) =>
		nextPollAt({
			policy: state.policy,
			ledger: state.ledger,
			now,
			callsPerPoll: calls,
			lastPollAt: lastPollAt(state),
			server: state.serverCallsLeft,
			analyticsLedger: state.analyticsLedger,
			analyticsPerPoll: state.pollCost.analytics,
			minSpacingMs: minPollSpacingMs(state),
		});
	let at = when(state.pollCost.calls);
	if (!Number.isFinite(at)) return {kind: 'idle', reason: 'no-budget'};
	const extra = extraCalls?.(zone, at) ?? 0;
	// The even spacing stays the poll's own; only the window's share must hold the extra calls too.
	if (extra > 0) {
		const later = when(state.pollCost.calls + extra);
		if (Number.isFinite(later)) at = later;
	}
	if (state.failure && state.failures > 0) at = Math.max(at, state.failure.at + backoffMs(state.failures, spacing, state.failure.kind));
	if (state.rateLimitedUntil !== undefined) at = Math.max(at, state.rateLimitedUntil);
	return {kind: 'poll', zone, at};
}

/**
 * True when the data on screen cannot be trusted as current: the last poll of the zone failed, or
 * the next poll is overdue by more than a grace period (from `staleAfter` on).
 */
export function isStale(state: MonitorState, now: number, zoneIndex = state.activeZone): boolean {
	const zone = state.zones[zoneIndex];
	if (!zone || zone.lastSuccessAt === undefined) return false;
	if (zone.lastFailure) return true;
	const after = staleAfter(state, zoneIndex);
	return after !== undefined && now >= after;
}

/**
 * The first moment the zone's data turns STALE by age alone, or undefined when it cannot (no data,
 * paused, no polling budget). Nothing in the store changes then: the status line wakes at this time.
 */
export function staleAfter(state: MonitorState, zoneIndex = state.activeZone): number | undefined {
	const zone = state.zones[zoneIndex];
	if (!zone || zone.lastSuccessAt === undefined || state.paused) return undefined;
	const cycle = pollSpacing(state) * activeZoneCount(state);
	// Stale once the age exceeds the grace: 1 ms past it.
	const at = zone.lastSuccessAt + cycle * 2 + 30_000 + 1;
	return Number.isFinite(at) ? at : undefined;
}
