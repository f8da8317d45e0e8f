/**
 * Figure 2: keypress to frame. The built console (`--demo`) runs in a real pseudo-terminal; `j` and
 * `k` move the highlight down and up the threat table. A sample is the time from writing the key to
 * the arrival of the pty output chunk after which the headless terminal shows the highlight on another
 * IP. The demo keeps polling meanwhile, so some keys meet a frame already in flight, as in real use.
 */
import os from 'node:os';
import type {BenchFigure, BenchGroup} from './figures.js';
import {bundle, highlightedRow, percentile, sleep, TimedPty} from './pty-timing.js';

const samples = 200;
const goalMs = 30;

export const benchConsoleKeys: BenchGroup = async () => {
	// Latency figures depend on what else the machine runs; the load is printed beside them.
	const load = os.loadavg()[0];
	const console = new TimedPty({args: [bundle, '--demo'], cols: 100, rows: 30});
	try {
		await console.until(screen => highlightedRow(screen) !== undefined, 'the threat table', 15_000);
		// Let the start-up burst (first polls of both zones) pass so the first samples are not all start-up.
		await sleep(1500);
		await console.settled();
		const times: number[] = [];
		for (let i = 0; i < samples; i++) {
			const before = highlightedRow(console.screen());
			const moved = console.until(screen => {
				const now = highlightedRow(screen);
				return now !== undefined && now !== before;
			}, `the highlight to leave ${before}`, 5000);
			// Alternate down and up so the highlight never sticks at the end of the table.
			const pressedAt = console.press(i % 2 === 0 ? 'j' : 'k');
			times.push((await moved) - pressedAt);
			// A person does not type 30 keys a second; a gap also keeps each sample independent of Ink's frame throttle.
			await sleep(40 + (i % 7) * 7);
		}
		return [{group: 'console-keys', name: `machine load average (1 min) at start, ${os.cpus().length} cpus`, value: load, unit: ''}, ...figures(times)];
	} finally {
		console.kill();
	}
};

function figures(times: number[]): BenchFigure[] {
	const p50 = percentile(times, 50);
	const p99 = percentile(times, 99);
	return [
		{group: 'console-keys', name: `keypress to frame p50 (j/k, ${times.length} keys, pty)`, value: p50, unit: 'ms'},
		{group: 'console-keys', name: `keypress to frame p99 (max ${Math.max(...times).toFixed(1)} ms)`, value: p99, unit: 'ms', goal: `p99 <= ${goalMs} ms`, met: p99 <= goalMs},
	];
}
