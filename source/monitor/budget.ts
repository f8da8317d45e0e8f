/**
 * The API call budget, as pure functions over a ledger of call times. The v1 API allowed 300 calls per
 * hour per account; the console spends `perHour − reserve` of them on polling, evenly, and keeps
 * `reserve` for the operator's actions so that a ban or a lockdown is never refused for budget.
 *
 * The window is treated as a sliding hour: a call made at `t` counts until `t + 1 h`. That is the
 * conservative reading (a fixed window can never be stricter), and it needs no knowledge of when the
 * server's window starts.
 */

export const hourMs = 3_600_000;

/** How the hourly budget is split. */
export interface BudgetPolicy {
	/** Calls per hour for the whole account, every zone together (`--budget`). */
	perHour: number;
	/** Calls per hour kept back for operator actions (`--reserve`). */
	reserve: number;
}

/** The server's own count, from the `calls_left` it reported. */
export interface ServerCallsLeft {
	callsLeft: number;
	/** When it was reported, epoch ms. */
	at: number;
}

/**
 * How long a server report is trusted. After that its window has probably moved on, and the next
 * poll brings a fresh one.
 */
export const serverReportTtlMs = 15 * 60_000;

/** Calls available to polling per hour. */
export function pollCallsPerHour(policy: BudgetPolicy): number {
	return Math.max(0, policy.perHour - policy.reserve);
}

/** Times of the calls made within the hour before `now` (ledger entries are ascending). */
export function callsInWindow(ledger: readonly number[], now: number): readonly number[] {
	const from = now - hourMs;
	let first = 0;
	while (first < ledger.length && ledger[first] <= from) first++;
	return first === 0 ? ledger : ledger.slice(first);
}

/** The ledger with a call at `at` added, and calls older than an hour dropped: it stays bounded. */
export function recordCall(ledger: readonly number[], at: number): readonly number[] {
	const kept = callsInWindow(ledger, at).slice();
	kept.push(at);
	// Calls are recorded as they start, in order; keep it sorted even if a caller's clock stepped back.
	if (kept.length > 1 && kept[kept.length - 2] > at) kept.sort((a, b) => a - b);
	return kept;
}

/**
 * Calls left in the account's hour, as best known: our own count, or the server's `calls_left`
 * minus the calls made since it was reported, whichever is lower (another client may share the
 * account, and the server's limit may differ from `--budget`).
 */
export function callsLeft(policy: BudgetPolicy, ledger: readonly number[], now: number, server?: ServerCallsLeft): number {
	const local = policy.perHour - callsInWindow(ledger, now).length;
	if (!server || now - server.at > serverReportTtlMs) return Math.max(0, local);
	const since = ledger.filter(at => at > server.at).length;
	return Math.max(0, Math.min(local, server.callsLeft - since));
}

/**
 * The next time after `now` when `callsLeft` can change with no call made: the oldest call in the
 * window leaves it, or the server's report grows too old to trust. Undefined when neither can happen.
 */
export function callsLeftChangesAt(ledger: readonly number[], now: number, server?: ServerCallsLeft): number | undefined {
	const oldest = callsInWindow(ledger, now)[0];
	let at = oldest === undefined ? undefined : oldest + hourMs;
	const reportExpires = server ? server.at + serverReportTtlMs + 1 : undefined;
	if (reportExpires !== undefined && reportExpires > now && (at === undefined || reportExpires < at)) at = reportExpires;
	return at;
}

/** True when `needed` more calls now would leave fewer than `reserve` calls in the hour. */
export function wouldEatReserve(policy: BudgetPolicy, ledger: readonly number[], now: number, needed: number, server?: ServerCallsLeft): boolean {
	return callsLeft(policy, ledger, now, server) - needed < policy.reserve;
}

/** The even spacing between two polls of `callsPerPoll` calls each. */
export function pollSpacingMs(policy: BudgetPolicy, callsPerPoll: number): number {
	const perHour = pollCallsPerHour(policy);
	if (perHour <= 0) return Number.POSITIVE_INFINITY;
	return (callsPerPoll * hourMs) / perHour;
}

/**
 * The earliest time at or after `now` when `needed` calls fit in the polling share of the sliding
 * hour (our own ledger only), or Infinity when they never can.
 */
export function ledgerFreeAt(policy: BudgetPolicy, ledger: readonly number[], now: number, needed: number): number {
	const share = pollCallsPerHour(policy);
	if (needed > share) return Number.POSITIVE_INFINITY;
	const recent = callsInWindow(ledger, now);
	const excess = recent.length + needed - share;
	if (excess <= 0) return now;
	// The `excess` oldest calls must leave the window first.
	return recent[excess - 1] + hourMs + 1;
}

/**
 * When the next poll may start: evenly spaced after the last one, never beyond the polling share of
 * the sliding hour, and stretched when the server reports fewer calls left than we would spend.
 */
export function nextPollAt(options: {
	policy: BudgetPolicy;
	ledger: readonly number[];
	now: number;
	callsPerPoll: number;
	lastPollAt?: number;
	server?: ServerCallsLeft;
}): number {
	const {policy, ledger, now, callsPerPoll, lastPollAt, server} = options;
	let spacing = pollSpacingMs(policy, callsPerPoll);
	if (!Number.isFinite(spacing)) return Number.POSITIVE_INFINITY;
	let at = Math.max(now, ledgerFreeAt(policy, ledger, now, callsPerPoll));
	if (server && now - server.at <= serverReportTtlMs) {
		const known = callsLeft(policy, ledger, now, server);
		// Calls the server counts that we did not make (another client on the account, or a lower limit).
		const shortfall = policy.perHour - callsInWindow(ledger, now).length - known;
		if (shortfall > 0) {
			const share = pollCallsPerHour(policy) - shortfall;
			if (known - policy.reserve < callsPerPoll || share < callsPerPoll) {
				// Nearly spent: wait until the report is stale; one poll then brings a fresh count.
				at = Math.max(at, server.at + serverReportTtlMs);
			} else {
				spacing = Math.max(spacing, (callsPerPoll * hourMs) / share);
			}
		}
	}
	if (lastPollAt !== undefined) at = Math.max(at, lastPollAt + spacing);
	return at;
}
