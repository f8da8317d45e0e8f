/**
 * Simulated time: base at start + elapsed real time × speed + whatever tests advanced. Nothing in
 * the emulator runs on timers; every window is computed on demand from this clock.
 */
export class SimClock {
	private readonly startBase: number;
	private offsetMs = 0;

	constructor(
		private readonly base: () => number,
		private readonly speed: number,
	) {
		this.startBase = base();
	}

	/** Simulated epoch milliseconds. */
	nowMs(): number {
		return this.startBase + (this.base() - this.startBase) * this.speed + this.offsetMs;
	}

	/** Simulated epoch seconds (whole). */
	nowSec(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	advance(seconds: number): void {
		this.offsetMs += seconds * 1000;
	}
}
