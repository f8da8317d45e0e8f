/**
 * The API call budget, as pure functions over ledgers of call times. Each API allows so many calls per
 * window per account (its `capabilities.limits`): v1 300 an hour; v4 1,200 per five minutes, where a
 * GraphQL query counts among those calls and again among its own 300 per five minutes. The console
 * spends `calls − reserve` of a window on polling, evenly, and keeps `reserve` for the operator's
 * actions so that a ban or a lockdown is never refused for budget; on v4 polling also leaves a tenth
 * of the GraphQL queries for the operator (the `i` key's details are one query each).
 *
 * The window is treated as sliding: a call made at `t` counts until `t + window`. That is the
 * conservative reading (a fixed window can never be stricter), and it needs no knowledge of when the
 * server's window starts.
 */
import type {ApiLimits} from '../backend.js';
import {FlarewatchError} from '../errors.js';

export const hourMs = 3_600_000;

/** What a request is to the API's limits: a REST call, or a GraphQL query (which counts as a call too). */
export type CallKind = 'rest' | 'graphql';

/** How the budget of a window is split. */
export interface BudgetPolicy {
	/** The window calls are counted in, ms: an hour on v1, five minutes on v4. */
	windowMs: number;
	/** Calls per window for the whole account, every zone together (`--budget`); on v4 GraphQL queries count here too. */
	calls: number;
	/** Calls per window kept back for operator actions (`--reserve`). */
	reserve: number;
	/** GraphQL queries per window, also counted apart (v4), and how many of them polling leaves to the operator. */
	analytics?: {calls: number; reserve: number};
	/**
	 * Least time between two polls of one zone, or 0. On v4 the budget would allow a poll every second
	 * or two, but its analytics move by the minute and the account's calls are shared with the dashboard
	 * and other tools: polling faster would only spend them.
	 */
	minZoneIntervalMs: number;
}

/** v1's policy as it was written before there was a second API: calls per hour. */
export interface HourlyPolicy {
	perHour: number;
	reserve: number;
}

/** Either form; the functions below take both. */
export type PolicyLike = BudgetPolicy | HourlyPolicy;

export function asPolicy(policy: PolicyLike): BudgetPolicy {
	return 'perHour' in policy ? {windowMs: hourMs, calls: policy.perHour, reserve: policy.reserve, minZoneIntervalMs: 0} : policy;
}

/**
 * What the operator asked for: `--budget` and `--reserve`, in calls per the API's window (an hour on
 * v1, five minutes on v4); undefined takes the API's default. `perHour` is `calls`' old name, from when
 * v1's hour was the only window.
 */
export interface BudgetFlags {
	calls?: number;
	perHour?: number;
	reserve?: number;
}

/** The default reserve: a tenth of the API's calls per window (v1 30 an hour, v4 120 per five minutes). */
export const reserveShare = 0.1;
/** Least time between two polls of a zone on an API whose analytics come from GraphQL (v4). */
export const analyticsZoneIntervalMs = 10_000;

/** The policy for an API's limits and the operator's flags; a reserve that leaves nothing for polling is a usage error. */
export function budgetPolicy(limits: ApiLimits, flags: BudgetFlags = {}): BudgetPolicy {
	const calls = flags.calls ?? flags.perHour ?? limits.calls;
	const reserve = flags.reserve ?? Math.ceil(limits.calls * reserveShare);
	if (reserve >= calls) {
		throw new FlarewatchError(
			'usage',
			flags.reserve === undefined
				? `--budget (${calls}) must be more than the ${reserve} calls kept for your actions by default, or nothing is left for polling; give a smaller --reserve too.`
				: `--reserve (${reserve}) must be less than --budget (${calls}), or nothing is left for polling.`,
		);
	}
	const analytics = limits.analyticsCalls === undefined ? undefined : {calls: limits.analyticsCalls, reserve: Math.ceil(limits.analyticsCalls * reserveShare)};
	return {windowMs: limits.windowSeconds * 1000, calls, reserve, ...(analytics ? {analytics} : {}), minZoneIntervalMs: analytics ? analyticsZoneIntervalMs : 0};
}

/** The window as the meter says it: "hour", "5 min". */
export function windowLabel(policy: PolicyLike): string {
	const ms = asPolicy(policy).windowMs;
	if (ms === hourMs) return 'hour';
	return ms % hourMs === 0 ? `${ms / hourMs} h` : `${Math.round(ms / 60_000)} min`;
}

/** The window in a sentence: "this hour" (v1), "in this 5-minute window" (v4), for messages such as "no API calls are left …". */
export function windowPhrase(policy: PolicyLike): string {
	const label = windowLabel(policy);
	return label === 'hour' ? 'this hour' : `in this ${label.replace(' min', '-minute')} window`;
}

/** The server's own count (v1's `calls_left`, v4's `Ratelimit: r=`). */
export interface ServerCallsLeft {
	callsLeft: number;
	/** When it was reported, epoch ms. */
	at: number;
}

/**
 * How long a server report is trusted: 15 minutes, or the window if shorter. After that its window has
 * probably moved on, and the next poll brings a fresh one.
 */
export const serverReportTtlMs = 15 * 60_000;

export function reportTtlMs(policy: PolicyLike): number {
	return Math.min(serverReportTtlMs, asPolicy(policy).windowMs);
}

/** Calls available to polling per window. */
export function pollShare(policy: PolicyLike): number {
	const {calls, reserve} = asPolicy(policy);
	return Math.max(0, calls - reserve);
}

/** GraphQL queries available to polling per window; undefined when the API does not count them apart. */
export function analyticsPollShare(policy: PolicyLike): number | undefined {
	const analytics = asPolicy(policy).analytics;
	return analytics && Math.max(0, analytics.calls - analytics.reserve);
}

/** Times of the calls made within the window before `now` (ledger entries are ascending). */
export function callsInWindow(ledger: readonly number[], now: number, windowMs = hourMs): readonly number[] {
	const from = now - windowMs;
	let first = 0;
	while (first < ledger.length && ledger[first] <= from) first++;
	return first === 0 ? ledger : ledger.slice(first);
}

/** The ledger with `count` calls at `at` added, and calls older than the window dropped: it stays bounded. */
export function recordCall(ledger: readonly number[], at: number, windowMs = hourMs, count = 1): readonly number[] {
	const kept = callsInWindow(ledger, at, windowMs).slice();
	for (let i = 0; i < count; i++) kept.push(at);
	// Calls are recorded as they start, in order; keep it sorted even if a caller's clock stepped back.
	if (kept.length > count && kept[kept.length - count - 1] > at) kept.sort((a, b) => a - b);
	return kept;
}

/**
 * Calls left in the account's window, as best known: our own count, or the server's report minus the
 * calls made since, whichever is lower (another client may share the account, and the server's limit
 * may differ from `--budget`).
 */
export function callsLeft(policy: PolicyLike, ledger: readonly number[], now: number, server?: ServerCallsLeft): number {
	const resolved = asPolicy(policy);
	const local = resolved.calls - callsInWindow(ledger, now, resolved.windowMs).length;
	if (!server || now - server.at > reportTtlMs(resolved)) return Math.max(0, local);
	const since = ledger.filter(at => at > server.at).length;
	return Math.max(0, Math.min(local, server.callsLeft - since));
}

/** GraphQL queries left in the window by our own count (the server reports none); undefined when not counted apart. */
export function analyticsLeft(policy: PolicyLike, analyticsLedger: readonly number[], now: number): number | undefined {
	const resolved = asPolicy(policy);
	if (!resolved.analytics) return undefined;
	return Math.max(0, resolved.analytics.calls - callsInWindow(analyticsLedger, now, resolved.windowMs).length);
}

/**
 * The next time after `now` when `callsLeft` can change with no call made: the oldest call in the
 * window leaves it, or the server's report grows too old to trust. Undefined when neither can happen.
 */
export function callsLeftChangesAt(ledger: readonly number[], now: number, server?: ServerCallsLeft, windowMs = hourMs): number | undefined {
	const oldest = callsInWindow(ledger, now, windowMs)[0];
	let at = oldest === undefined ? undefined : oldest + windowMs;
	const reportExpires = server ? server.at + Math.min(serverReportTtlMs, windowMs) + 1 : undefined;
	if (reportExpires !== undefined && reportExpires > now && (at === undefined || reportExpires < at)) at = reportExpires;
	return at;
}

/** True when `needed` more calls now would leave fewer than `reserve` calls in the window. */
export function wouldEatReserve(policy: PolicyLike, ledger: readonly number[], now: number, needed: number, server?: ServerCallsLeft): boolean {
	return callsLeft(policy, ledger, now, server) - needed < asPolicy(policy).reserve;
}

/** True when `needed` more GraphQL queries now would leave fewer than the operator's share of them. */
export function wouldEatAnalyticsReserve(policy: PolicyLike, analyticsLedger: readonly number[], now: number, needed: number): boolean {
	const left = analyticsLeft(policy, analyticsLedger, now);
	return left !== undefined && left - needed < (asPolicy(policy).analytics?.reserve ?? 0);
}

/** The even spacing between two polls of `callsPerPoll` calls (and `analyticsPerPoll` GraphQL queries) each. */
export function pollSpacingMs(policy: PolicyLike, callsPerPoll: number, analyticsPerPoll = 0): number {
	const resolved = asPolicy(policy);
	const share = pollShare(resolved);
	if (share <= 0) return Number.POSITIVE_INFINITY;
	let spacing = (callsPerPoll * resolved.windowMs) / share;
	const analyticsShare = analyticsPollShare(resolved);
	if (analyticsShare !== undefined && analyticsPerPoll > 0) {
		if (analyticsShare <= 0) return Number.POSITIVE_INFINITY;
		spacing = Math.max(spacing, (analyticsPerPoll * resolved.windowMs) / analyticsShare);
	}
	return spacing;
}

/** The earliest time at or after `now` when `needed` more entries fit `share` in the sliding window, or Infinity when never. */
function freeAt(share: number, windowMs: number, ledger: readonly number[], now: number, needed: number): number {
	if (needed <= 0) return now;
	if (needed > share) return Number.POSITIVE_INFINITY;
	const recent = callsInWindow(ledger, now, windowMs);
	const excess = recent.length + needed - share;
	if (excess <= 0) return now;
	// The `excess` oldest calls must leave the window first.
	return recent[excess - 1] + windowMs + 1;
}

/**
 * The earliest time at or after `now` when `needed` calls fit in the polling share of the sliding
 * window (our own ledger only), or Infinity when they never can.
 */
export function ledgerFreeAt(policy: PolicyLike, ledger: readonly number[], now: number, needed: number): number {
	const resolved = asPolicy(policy);
	return freeAt(pollShare(resolved), resolved.windowMs, ledger, now, needed);
}

/** As ledgerFreeAt, for GraphQL queries in their polling share; `now` when they are not counted apart. */
export function analyticsFreeAt(policy: PolicyLike, analyticsLedger: readonly number[], now: number, needed: number): number {
	const resolved = asPolicy(policy);
	const share = analyticsPollShare(resolved);
	return share === undefined ? now : freeAt(share, resolved.windowMs, analyticsLedger, now, needed);
}

/**
 * When the next poll may start: evenly spaced after the last one (and no closer than `minSpacingMs`),
 * never beyond the polling shares of the sliding window, and stretched when the server reports fewer
 * calls left than we would spend.
 */
export function nextPollAt(options: {
	policy: PolicyLike;
	ledger: readonly number[];
	now: number;
	callsPerPoll: number;
	lastPollAt?: number;
	server?: ServerCallsLeft;
	/** GraphQL queries made in the window, and per poll (v4). */
	analyticsLedger?: readonly number[];
	analyticsPerPoll?: number;
	/** Least spacing whatever the budget allows (v4: a zone at most every 10 s, the zones taking turns). */
	minSpacingMs?: number;
}): number {
	const {ledger, now, callsPerPoll, lastPollAt, server} = options;
	const policy = asPolicy(options.policy);
	const analyticsPerPoll = options.analyticsPerPoll ?? 0;
	let spacing = Math.max(pollSpacingMs(policy, callsPerPoll, analyticsPerPoll), options.minSpacingMs ?? 0);
	if (!Number.isFinite(spacing)) return Number.POSITIVE_INFINITY;
	let at = Math.max(now, ledgerFreeAt(policy, ledger, now, callsPerPoll), analyticsFreeAt(policy, options.analyticsLedger ?? [], now, analyticsPerPoll));
	const ttl = reportTtlMs(policy);
	if (server && now - server.at <= ttl) {
		const known = callsLeft(policy, ledger, now, server);
		// Calls the server counted that we did not make (another client on the account, or a lower limit),
		// as of its report: our calls that have left the window since then have left its count too.
		const oursThen = callsInWindow(ledger, server.at, policy.windowMs).filter(at => at <= server.at).length;
		const shortfall = policy.calls - server.callsLeft - oursThen;
		if (shortfall > 0) {
			const share = pollShare(policy) - shortfall;
			if (known - policy.reserve < callsPerPoll || share < callsPerPoll) {
				// Nearly spent: wait until the report is stale; one poll then brings a fresh count.
				at = Math.max(at, server.at + ttl);
			} else {
				spacing = Math.max(spacing, (callsPerPoll * policy.windowMs) / share);
			}
		}
	}
	if (lastPollAt !== undefined) at = Math.max(at, lastPollAt + spacing);
	return at;
}
