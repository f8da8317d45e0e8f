/**
 * Figure 2: keypress to frame, on v1 (`--demo`) and on v4 (`--demo --api v4`, which polls a zone every
 * 10 s rather than every 27, so more keys meet a frame in flight; and the console alone on v4, against
 * `flarewatch emulator` in its own process with the demo token). The built console runs in a real
 * pseudo-terminal; `j` and `k` move the highlight down and up the threat table. A sample is the time from writing the key to
 * the arrival of the pty output chunk after which the headless terminal shows the highlight on another
 * IP. The demo keeps polling meanwhile, so some keys meet a frame already in flight, as in real use.
 */
import {spawn} from 'node:child_process';
import os from 'node:os';
import {consoleEnv} from '../e2e/pty-console.js';
import {listeningUrl} from '../listening.js';
import type {BenchFigure, BenchGroup} from './figures.js';
import {demoToken} from './processes.js';
import {bundle, highlightedRow, killGroup, percentile, sleep, TimedPty, track} from './pty-timing.js';

const samples = 200;
const goalMs = 30;

export const benchConsoleKeys: BenchGroup = async () => {
	// Latency figures depend on what else the machine runs; the load is printed beside them.
	const load = os.loadavg()[0];
	const v1 = await keyTimes();
	const v4Load = os.loadavg()[0];
	const v4Demo = await keyTimes(['--demo', '--api', 'v4']);
	// The demo's emulator answers GraphQL in the console's own process (an hour of its traffic model per
	// query): a console on a real account does not carry that, so it is measured apart too.
	const emulator = await separateEmulator();
	let v4Alone: number[];
	try {
		v4Alone = await keyTimes(['--endpoint', emulator.url, '--api', 'v4', '--zone', 'example.com,example.net'], consoleEnv({CF_API_TOKEN: demoToken}));
	} finally {
		emulator.close();
	}
	return [
		{group: 'console-keys', name: `machine load average (1 min) at start, ${os.cpus().length} cpus`, value: load, unit: ''},
		...figures(v1),
		{group: 'console-keys', name: 'v4: machine load average (1 min) at its start', value: v4Load, unit: ''},
		...figures(v4Demo, 'v4 --demo: ', v1),
		...figures(v4Alone, 'v4, emulator in its own process: ', v1),
	];
};

/** `flarewatch emulator` (attack) in its own process group. */
async function separateEmulator(): Promise<{url: string; close(): void}> {
	const child = spawn(process.execPath, [bundle, 'emulator', '--port', '0', '--scenario', 'attack'], {stdio: ['ignore', 'pipe', 'ignore'], detached: true, env: {...process.env, NODE_ENV: 'production'}});
	if (child.pid === undefined) throw new Error('the emulator did not start');
	const pid = child.pid;
	track(pid);
	const url = await listeningUrl(child, 'the emulator', 15_000);
	return {url, close: () => killGroup(pid)};
}

/** `samples` key presses on the console run with `args` (v1's demo by default), each timed to the frame that shows it. */
async function keyTimes(args: string[] = ['--demo'], env?: Record<string, string>): Promise<number[]> {
	const console = new TimedPty({args: [bundle, ...args], cols: 100, rows: 30, ...(env ? {env} : {})});
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
		return times;
	} finally {
		console.kill();
	}
}

/** p50 and p99; with `beside`, v1's of the same run as the comparison. */
function figures(times: number[], prefix = '', beside?: number[]): BenchFigure[] {
	const p50 = percentile(times, 50);
	const p99 = percentile(times, 99);
	return [
		{group: 'console-keys', name: `${prefix}keypress to frame p50 (j/k, ${times.length} keys, pty)`, value: p50, unit: 'ms', ...(beside ? {comparison: {name: 'v1', value: percentile(beside, 50)}} : {})},
		{group: 'console-keys', name: `${prefix}keypress to frame p99`, value: p99, unit: 'ms', ...(beside ? {comparison: {name: 'v1', value: percentile(beside, 99)}} : {}), goal: `p99 <= ${goalMs} ms`, met: p99 <= goalMs},
		{group: 'console-keys', name: `${prefix}keypress to frame max`, value: Math.max(...times), unit: 'ms'},
	];
}
