/**
 * A console in a real pseudo-terminal for the console benchmarks: like test/e2e/pty-console.ts, but
 * every output chunk is timestamped when it arrives (before xterm parses it), so a figure is the time
 * to the bytes that completed a frame, not to when we happened to look. Every child is a session
 * leader (node-pty calls setsid), so it is killed by process group, on every exit path of the bench.
 */
import xtermHeadless from '@xterm/headless';
import * as pty from 'node-pty';
import {consoleEnv} from '../e2e/pty-console.js';
import {killGroup, track, untrack} from './processes.js';

const {Terminal} = xtermHeadless;

export {bundle, demoEmail, demoKey, killGroup, track} from './processes.js';

export interface TimedPtyOptions {
	/** Arguments after the node binary, e.g. [bundle, '--demo']. */
	args: string[];
	cols?: number;
	rows?: number;
	env?: Record<string, string>;
}

/** One pty child whose output is replayed into a headless xterm, chunk by chunk, with arrival times. */
export class TimedPty {
	readonly term: InstanceType<typeof Terminal>;
	readonly child: pty.IPty;
	readonly spawnedAt: number;
	/** Arrival time (performance.now) of the chunk most recently handed to xterm. */
	#waiters: Array<{test: (screen: string) => boolean; resolve: (at: number) => void}> = [];
	#parsing: Promise<void> = Promise.resolve();
	exited = false;

	constructor(options: TimedPtyOptions) {
		const cols = options.cols ?? 100;
		const rows = options.rows ?? 30;
		this.term = new Terminal({cols, rows, allowProposedApi: true});
		this.spawnedAt = performance.now();
		this.child = pty.spawn(process.execPath, options.args, {name: 'xterm-256color', cols, rows, cwd: process.cwd(), env: options.env ?? consoleEnv()});
		track(this.child.pid);
		this.child.onData(data => {
			const at = performance.now();
			// Chunks are parsed in order; each waiter is checked against the screen right after the chunk that arrived at `at`.
			this.#parsing = this.#parsing.then(
				() =>
					new Promise<void>(resolve => {
						this.term.write(data, () => {
							this.#check(at);
							resolve();
						});
					}),
			);
		});
		this.child.onExit(() => {
			this.exited = true;
			untrack(this.child.pid);
		});
	}

	get pid(): number {
		return this.child.pid;
	}

	screen(): string {
		const buffer = this.term.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true, 0, this.term.cols) ?? '');
		return lines.join('\n');
	}

	/**
	 * Resolves with the arrival time of the chunk after which `test` first holds for the screen. The
	 * test is checked against later chunks only, so call it before writing the key that causes it.
	 */
	until(test: (screen: string) => boolean, what: string, timeoutMs = 10_000): Promise<number> {
		return new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter(waiter => waiter.resolve !== done);
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${this.screen()}`));
			}, timeoutMs);
			const done = (at: number) => {
				clearTimeout(timer);
				resolve(at);
			};
			this.#waiters.push({test, resolve: done});
		});
	}

	/** Everything received so far is parsed. */
	settled(): Promise<void> {
		return this.#parsing;
	}

	press(keys: string): number {
		const at = performance.now();
		this.child.write(keys);
		return at;
	}

	kill(): void {
		killGroup(this.child.pid);
	}

	#check(at: number): void {
		if (this.#waiters.length === 0) return;
		const screen = this.screen();
		for (const waiter of [...this.#waiters]) {
			if (waiter.test(screen)) {
				this.#waiters = this.#waiters.filter(other => other !== waiter);
				waiter.resolve(at);
			}
		}
	}
}

/** The screen shows the dashboard with data: a highlighted threat-table row. */
export function highlightedRow(screen: string): string | undefined {
	return /› ([0-9a-f:.]+)/i.exec(screen)?.[1];
}

export function percentile(samples: readonly number[], p: number): number {
	const sorted = [...samples].sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(samples: readonly number[]): number {
	return percentile(samples, 50);
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
