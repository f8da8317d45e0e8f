/**
 * Time, injected. Everything that waits or reads the time takes a Clock, so tests can run an hour of
 * polling or a three-hour dev-mode countdown in milliseconds with a FakeClock.
 */
export type TimerId = number;

export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Calls `callback` once, `delayMs` from now. */
	setTimeout(callback: () => void, delayMs: number): TimerId;
	clearTimeout(id: TimerId): void;
}

/** The wall clock, backed by Node's timers. */
export class RealClock implements Clock {
	private readonly timers = new Map<TimerId, NodeJS.Timeout>();
	private nextId = 1;

	now(): number {
		return Date.now();
	}

	setTimeout(callback: () => void, delayMs: number): TimerId {
		const id = this.nextId++;
		const handle = setTimeout(() => {
			this.timers.delete(id);
			callback();
		}, Math.max(0, delayMs));
		this.timers.set(id, handle);
		return id;
	}

	clearTimeout(id: TimerId): void {
		const handle = this.timers.get(id);
		if (handle) {
			clearTimeout(handle);
			this.timers.delete(id);
		}
	}
}

interface PendingTimer {
	id: TimerId;
	at: number;
	callback: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer that falls due, in order,
 * including timers scheduled by the callbacks themselves, and awaits microtasks between them so that
 * promise chains started by a timer settle before the next one fires.
 */
export class FakeClock implements Clock {
	private current: number;
	private pending: PendingTimer[] = [];
	private nextId = 1;

	constructor(startMs = Date.UTC(2014, 5, 1, 12, 0, 0)) {
		this.current = startMs;
	}

	now(): number {
		return this.current;
	}

	setTimeout(callback: () => void, delayMs: number): TimerId {
		const id = this.nextId++;
		this.pending.push({id, at: this.current + Math.max(0, delayMs), callback});
		return id;
	}

	clearTimeout(id: TimerId): void {
		this.pending = this.pending.filter(timer => timer.id !== id);
	}

	/** How many timers are waiting. */
	get pendingCount(): number {
		return this.pending.length;
	}

	/** Moves time forward by `ms`, firing due timers in order. */
	async advance(ms: number, settle: () => Promise<void> = flushMicrotasks): Promise<void> {
		const target = this.current + ms;
		for (;;) {
			await settle();
			const due = this.nextDue(target);
			if (!due) break;
			this.pending = this.pending.filter(timer => timer.id !== due.id);
			this.current = Math.max(this.current, due.at);
			due.callback();
		}
		this.current = target;
		await settle();
	}

	private nextDue(limit: number): PendingTimer | undefined {
		let best: PendingTimer | undefined;
		for (const timer of this.pending) {
			if (timer.at <= limit && (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id))) {
				best = timer;
			}
		}
		return best;
	}
}

/** Lets pending promise callbacks run (a macrotask turn, so I/O-free chains settle). */
export async function flushMicrotasks(): Promise<void> {
	for (let i = 0; i < 5; i++) await Promise.resolve();
	await new Promise<void>(resolve => setImmediate(resolve));
}
