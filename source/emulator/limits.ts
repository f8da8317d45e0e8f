/**
 * Call budgets over a sliding window. Counts live in per-second buckets so memory stays bounded
 * (at most one bucket per second of the window) even at thousands of calls per second.
 */
export class SlidingWindow {
	private readonly seconds: number[] = [];
	private readonly counts: number[] = [];
	private head = 0;
	private sum = 0;

	constructor(
		readonly limit: number,
		private readonly windowSeconds = 3600,
	) {}

	private evict(nowSec: number): void {
		const oldest = nowSec - this.windowSeconds;
		while (this.head < this.seconds.length && this.seconds[this.head] <= oldest) {
			this.sum -= this.counts[this.head];
			this.head++;
		}
		// Compact now and then instead of shifting on every eviction.
		if (this.head > 1024 && this.head * 2 > this.seconds.length) {
			this.seconds.splice(0, this.head);
			this.counts.splice(0, this.head);
			this.head = 0;
		}
	}

	/** Calls counted in the window ending now. */
	used(nowSec: number): number {
		this.evict(nowSec);
		return this.sum;
	}

	remaining(nowSec: number): number {
		return Math.max(0, this.limit - this.used(nowSec));
	}

	/** Seconds until the oldest counted call leaves the window (0 when none is counted). */
	resetIn(nowSec: number): number {
		this.evict(nowSec);
		return this.head < this.seconds.length ? Math.max(0, this.seconds[this.head] + this.windowSeconds - nowSec) : 0;
	}

	/** Takes one call from the budget; false (and nothing taken) when the budget is spent. */
	take(nowSec: number): boolean {
		if (this.used(nowSec) >= this.limit) return false;
		const last = this.seconds.length - 1;
		if (last >= this.head && this.seconds[last] === nowSec) {
			this.counts[last]++;
		} else {
			this.seconds.push(nowSec);
			this.counts.push(1);
		}
		this.sum++;
		return true;
	}
}

/** `zone_grab` is allowed once per zone per day (24 hours after the last grab). */
export const zoneGrabIntervalSeconds = 86_400;
/** Spam reports per account per hour. */
export const spamReportsPerHour = 150;
/** Seconds after `fpurge_ts` before another purge is allowed (the documentation's example value). */
export const purgeCooldownSeconds = 20;
/** Dev mode lasts three hours after switching it on. */
export const devModeSeconds = 3 * 3600;
/** API v4's REST limit: calls per user per five minutes. */
export const v4RateLimit = 1200;
export const v4WindowSeconds = 300;
