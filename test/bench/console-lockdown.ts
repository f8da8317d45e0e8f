/**
 * Figure 8: a lockdown under `flood` (50,000 visitor IPs). The built console (dist/flarewatch.js) runs
 * in a real pseudo-terminal against the built emulator in its own process (`flarewatch emulator
 * --scenario flood`, its clock moved past the flood's three-minute build-up before the console
 * starts), so every figure is the shipped console's alone. Once the threat table holds the flood,
 * `L` opens the preview and `y` starts the lockdown.
 *
 * Run 1 measures the whole lockdown: API calls it made (the emulator's count by action, so what the
 * server saw) against the calls left shown before it, wall time from `y` to the summary line on the
 * status line, event-loop lag inside the console (lag-probe.mjs, loaded with `node --import`: the
 * console's code is not touched), keypress to frame (j/k, as console-keys.ts) while the bans go
 * out, and the console's RSS at the end. Runs 2-5 each start a fresh emulator and console (the
 * emulator's hour of calls is spent by run 1), start a lockdown, and end the process one second in,
 * mid-lockdown: `q`, Ctrl-C, SIGTERM, SIGHUP; the figure is the time to the process's exit. Those
 * consoles run without the probe; their RSS, read just before the end, is the probe-free figure.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os, {tmpdir} from 'node:os';
import {join} from 'node:path';
import {consoleEnv} from '../e2e/pty-console.js';
import {listeningUrl} from '../listening.js';
import type {BenchFigure, BenchGroup} from './figures.js';
import {bundle, demoEmail, demoKey, highlightedRow, killGroup, percentile, sleep, TimedPty, track} from './pty-timing.js';

const group = 'console-lockdown';
const zone = 'example.com';
const keyGoalMs = 100;
const quitGoalMs = 1000;
/** A key must draw a frame within 100 ms during a lockdown: no stall of the loop may be longer. */
const lagGoalMs = 100;
/** The idle console's RSS goal (console-idle.ts), for comparison only: a flood is not idle. */
const idleRssGoalMB = 100;
/** The flood's bots join within 180 s of the scenario's start; the emulator's clock is moved past that. */
const floodBuildUpSeconds = 240;
/** Calls an emulator answers as the lockdown's (the rest are the polls that fall due meanwhile). */
const lockdownActions = new Set(['sec_lvl', 'ban']);
const probe = join(process.cwd(), 'test', 'bench', 'lag-probe.mjs');
const doneLine = new RegExp(`Lockdown of ${zone.replace('.', '\\.')} done: `);

interface EmulatorState {
	accounts: Array<{email: string; calls: {total: number; byAction: Record<string, number>}; callsLeft: number}>;
}

interface LagWindow {
	windowMs: number;
	samples: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	meanMs: number;
	rssMB: number;
	cpuPercent: number;
	gc: {count: number; totalMs: number; maxMs: number; majorMaxMs: number};
	longest: {lateMs: number; intervalMs: number; runningMs: number; waitingForCpuMs: number};
}

/** `flarewatch emulator --scenario flood` in its own process group, the flood already built up. */
async function floodEmulator(): Promise<{url: string; pid: number; account(): Promise<EmulatorState['accounts'][number]>}> {
	const child = spawn(process.execPath, [bundle, 'emulator', '--port', '0', '--scenario', 'flood'], {stdio: ['ignore', 'pipe', 'ignore'], detached: true, env: {...process.env, NODE_ENV: 'production'}});
	if (child.pid === undefined) throw new Error('the emulator did not start');
	const pid = child.pid;
	track(pid);
	const url = await listeningUrl(child, 'the flood emulator', 15_000);
	const clock = await fetch(`${url}/__emulator/clock`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({advanceSeconds: floodBuildUpSeconds})});
	if (!clock.ok) throw new Error(`emulator admin clock: HTTP ${clock.status}`);
	return {
		url,
		pid,
		async account() {
			const response = await fetch(`${url}/__emulator/state`);
			if (!response.ok) throw new Error(`emulator admin state: HTTP ${response.status}`);
			const state = (await response.json()) as EmulatorState;
			const account = state.accounts.find(candidate => candidate.email === demoEmail);
			if (!account) throw new Error('the emulator has no demo account');
			return account;
		},
	};
}

/** Rows the threat table lists ("all 1-23/50000"), or 0 before the first poll. */
function listedRows(screen: string): number {
	const match = /\d+-\d+\/([\d,]+)/.exec(screen);
	return match ? Number(match[1].replaceAll(',', '')) : 0;
}

/** The built console on the emulator, one zone, 170x40 (wide enough for the whole summary line). */
function startConsole(url: string, extraEnv: Record<string, string> = {}, nodeFlags: string[] = []): TimedPty {
	return new TimedPty({
		args: [...nodeFlags, bundle, '--endpoint', url, '--email', demoEmail, '--zone', zone],
		cols: 170,
		rows: 40,
		env: consoleEnv({CF_API_KEY: demoKey, ...extraEnv}),
	});
}

/** Waits for the flood in the threat table, lets the start-up settle, opens the preview. */
async function openPreview(console: TimedPty, beforeL?: () => Promise<unknown>): Promise<{header: number; previewLeft: number; previewCalls: number; bans: number; previewMs: number; listed: number}> {
	await console.until(screen => listedRows(screen) >= 40_000 && highlightedRow(screen) !== undefined, 'the flood in the threat table', 30_000);
	await sleep(1500);
	await console.settled();
	const header = Number(/(\d+)\/\d+ calls left/.exec(console.screen())?.[1] ?? Number.NaN);
	const listed = listedRows(console.screen());
	await beforeL?.();
	const shown = console.until(screen => /Lock down \(y\)/.test(screen), 'the lockdown preview', 10_000);
	const pressedAt = console.press('L');
	const previewMs = (await shown) - pressedAt;
	await console.settled();
	const screen = console.screen();
	const costs = /Costs ([\d,]+) API calls? of (\d+) left this hour/.exec(screen);
	const bans = /Ban ([\d,]+) threat IPs?/.exec(screen);
	if (!costs) throw new Error(`no cost line in the preview:\n${screen}`);
	const number = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));
	return {header, previewCalls: number(costs[1]), previewLeft: number(costs[2]), bans: bans ? number(bans[1]) : 0, previewMs, listed};
}

function exited(console: TimedPty): Promise<{at: number; exitCode: number; signal?: number}> {
	return new Promise(resolve => console.child.onExit(({exitCode, signal}) => resolve({at: performance.now(), exitCode, signal})));
}

function rssMB(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Asks the probe for the window since its last report, and returns it. */
async function lagWindow(pid: number, file: string, index: number): Promise<LagWindow> {
	process.kill(pid, 'SIGUSR2');
	for (let wait = 0; wait < 200; wait++) {
		let lines: string[] = [];
		try {
			lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
		} catch {
			// Not written yet.
		}
		if (lines.length > index) return JSON.parse(lines[index]) as LagWindow;
		await sleep(10);
	}
	throw new Error('the lag probe did not answer');
}

const diff = (after: Record<string, number>, before: Record<string, number>) => Object.fromEntries(Object.entries(after).map(([action, count]) => [action, count - (before[action] ?? 0)]).filter(([, count]) => count !== 0)) as Record<string, number>;

/** Run 1: a whole lockdown, with the probe in the console. */
async function wholeLockdown(): Promise<{figures: BenchFigure[]; previewMs: number; listed: number; previewTick: string}> {
	// Latency figures depend on what else the machine runs; the load is printed beside them.
	const load = os.loadavg()[0];
	const emulator = await floodEmulator();
	const directory = mkdtempSync(join(tmpdir(), 'flarewatch-lag-'));
	const lagFile = join(directory, 'lag.jsonl');
	const console = startConsole(emulator.url, {FLAREWATCH_BENCH_LAG_FILE: lagFile}, ['--import', probe]);
	try {
		// The probe's windows: start-up and idle until L; the preview (L, its plan, its frame); the lockdown.
		let startUp: LagWindow | undefined;
		const preview = await openPreview(console, async () => {
			startUp = await lagWindow(console.pid, lagFile, 0);
		});
		if (!startUp) throw new Error('no start-up window');
		const before = await emulator.account();
		const previewWindow = await lagWindow(console.pid, lagFile, 1);
		let finished = false;
		const done = console.until(screen => doneLine.test(screen), 'the lockdown summary', 60_000).then(at => {
			finished = true;
			return at;
		});
		const closed = console.until(screen => !/Lock down \(y\)/.test(screen) && highlightedRow(screen) !== undefined, 'the dashboard after y', 10_000);
		const yAt = console.press('y');
		// The first key waits for the dashboard: a j sent while the dialog is still drawn would time its closing.
		const closedMs = (await closed) - yAt;
		// Keys while the bans go out: j and k, a person's pace (as console-keys.ts).
		const keys: number[] = [];
		for (let i = 0; !finished; i++) {
			const from = highlightedRow(console.screen());
			const moved = console.until(screen => {
				const now = highlightedRow(screen);
				return now !== undefined && now !== from;
			}, `the highlight to leave ${from}`, 5000);
			const pressedAt = console.press(i % 2 === 0 ? 'j' : 'k');
			const movedAt = await moved;
			// A key answered after the summary is not a key during the lockdown.
			if (!finished) keys.push(movedAt - pressedAt);
			await sleep(40 + (i % 7) * 7);
		}
		const doneAt = await done;
		const lag = await lagWindow(console.pid, lagFile, 2);
		const rss = rssMB(console.pid);
		await console.settled();
		const summary = console.screen().split('\n').find(line => doneLine.test(line)) ?? '';
		const after = await emulator.account();
		const calls = diff(after.calls.byAction, before.calls.byAction);
		const lockdownCalls = Object.entries(calls).reduce((sum, [action, count]) => sum + (lockdownActions.has(action) ? count : 0), 0);
		const otherCalls = Object.entries(calls).reduce((sum, [action, count]) => sum + (lockdownActions.has(action) ? 0 : count), 0);
		const callsUsed = Number(/, (\d+) calls\b/.exec(summary)?.[1] ?? Number.NaN);
		const banned = /done: (\d+) banned/.exec(summary)?.[1] ?? '?';
		const notSent = /([\d,]+) not sent/.exec(summary)?.[1] ?? '?';
		const keyP50 = percentile(keys, 50);
		const keyP99 = percentile(keys, 99);
		const keyMax = Math.max(...keys);
		const wall = doneAt - yAt;
		const details = Object.entries(calls)
			.map(([action, count]) => `${action} ${count}`)
			.join(', ');
		process.stderr.write(`bench: lockdown summary: ${summary.slice(summary.search(doneLine)).trim()}\n`);
		const figures: BenchFigure[] = [
			{
				group,
				name: `calls made by the lockdown (${details}; polls meanwhile ${otherCalls}; ${banned} banned, ${notSent} not sent; summary says ${callsUsed} used)`,
				value: lockdownCalls,
				unit: 'calls',
				comparison: {name: `calls left at the start (preview; header ${preview.header}, emulator ${before.callsLeft})`, value: preview.previewLeft},
				goal: `<= ${preview.previewLeft} (calls left at the start)`,
				met: lockdownCalls <= preview.previewLeft,
			},
			{group, name: `lockdown wall time, y to the summary line (${preview.bans} bans planned, preview cost ${preview.previewCalls} calls)`, value: wall, unit: 'ms'},
			{group, name: `event-loop lag p99 during the lockdown (${lag.samples} samples of 10 ms; p50 ${lag.p50Ms.toFixed(1)} ms; start-up and idle before: max ${startUp.maxMs.toFixed(0)} ms)`, value: lag.p99Ms, unit: 'ms', goal: `<= ${lagGoalMs} ms`, met: lag.p99Ms <= lagGoalMs},
			{group, name: `event-loop lag max during the lockdown (the console used ${lag.cpuPercent.toFixed(0)} % of a core; ${lag.gc.count} GCs, longest ${lag.gc.maxMs.toFixed(0)} ms; longest late tick ${lag.longest.lateMs.toFixed(0)} ms: of its ${lag.longest.intervalMs.toFixed(0)} ms, running ${lag.longest.runningMs.toFixed(0)}, waiting for a core ${lag.longest.waitingForCpuMs.toFixed(0)})`, value: lag.maxMs, unit: 'ms', goal: `<= ${lagGoalMs} ms`, met: lag.maxMs <= lagGoalMs},
			{group, name: 'y to the first frame of the dashboard (the lockdown queued)', value: closedMs, unit: 'ms', goal: `<= ${keyGoalMs} ms`, met: closedMs <= keyGoalMs},
			{group, name: `keypress to frame during the lockdown, p50 (j/k, ${keys.length} keys, pty; load average ${load.toFixed(2)} at start)`, value: keyP50, unit: 'ms'},
			{group, name: `keypress to frame during the lockdown, p99 (max ${keyMax.toFixed(1)} ms)`, value: keyP99, unit: 'ms', goal: `p99 <= ${keyGoalMs} ms`, met: keyP99 <= keyGoalMs},
			// No goal of its own: the console holds the flood's 50,000 rows; ≤ 100 MB is the idle goal (console-idle.ts).
			{group, name: `RSS of the console at the end of the lockdown (probe loaded; at L ${startUp.rssMB.toFixed(0)} MB)`, value: rss, unit: 'MB', comparison: {name: 'idle goal (MB)', value: idleRssGoalMB}},
		];
		const tick = previewWindow.longest;
		return {figures, previewMs: preview.previewMs, listed: preview.listed, previewTick: `run 1: longest late tick ${tick.lateMs.toFixed(0)} ms, running ${tick.runningMs.toFixed(0)}, waiting for a core ${tick.waitingForCpuMs.toFixed(0)}`};
	} finally {
		console.kill();
		killGroup(emulator.pid);
		rmSync(directory, {recursive: true, force: true});
	}
}

type Ending = 'q' | 'Ctrl-C' | 'SIGTERM' | 'SIGHUP';

/** Runs 2-5: a lockdown ended one second in; the time from the key or signal to the process's exit. */
async function quitMidLockdown(ending: Ending): Promise<{figure: BenchFigure; rss: number; previewMs: number}> {
	const emulator = await floodEmulator();
	const console = startConsole(emulator.url);
	try {
		const preview = await openPreview(console);
		const end = exited(console);
		console.press('y');
		await sleep(1000);
		await console.settled();
		if (doneLine.test(console.screen())) throw new Error(`the lockdown was done within a second; no quit mid-lockdown to measure`);
		const sent = (await emulator.account()).calls.byAction.ban ?? 0;
		const rss = rssMB(console.pid);
		let endedAt: number;
		if (ending === 'q') endedAt = console.press('q');
		else if (ending === 'Ctrl-C') endedAt = console.press('\x03');
		else {
			endedAt = performance.now();
			process.kill(console.pid, ending);
		}
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<undefined>(resolve => {
			timer = setTimeout(resolve, 10_000, undefined);
		});
		const exit = await Promise.race([end, timeout]);
		clearTimeout(timer);
		if (!exit) throw new Error(`the console did not exit within 10 s of ${ending}`);
		const ms = exit.at - endedAt;
		const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`;
		return {rss, previewMs: preview.previewMs, figure: {group, name: `${ending} mid-lockdown to process exit (${sent} of ${preview.bans} bans sent; exit ${how})`, value: ms, unit: 'ms', goal: `<= ${quitGoalMs} ms`, met: ms <= quitGoalMs}};
	} finally {
		console.kill();
		killGroup(emulator.pid);
	}
}

export const benchConsoleLockdown: BenchGroup = async () => {
	const whole = await wholeLockdown();
	const figures = whole.figures;
	const rss: number[] = [];
	const previews = [whole.previewMs];
	for (const ending of ['q', 'Ctrl-C', 'SIGTERM', 'SIGHUP'] as const) {
		const quit = await quitMidLockdown(ending);
		figures.push(quit.figure);
		rss.push(quit.rss);
		previews.push(quit.previewMs);
	}
	// L plans over every listed IP before the preview draws: one key, so the keys' goal; every run's L counts.
	const worstPreview = Math.max(...previews);
	figures.push({
		group,
		name: `L to the preview's frame, worst of ${previews.length} runs (the plan over ${whole.listed.toLocaleString('en-US')} listed IPs; median ${percentile(previews, 50).toFixed(0)} ms, each: ${previews.map(ms => ms.toFixed(0)).join(', ')}; ${whole.previewTick})`,
		value: worstPreview,
		unit: 'ms',
		goal: `<= ${keyGoalMs} ms`,
		met: worstPreview <= keyGoalMs,
	});
	// The same console without the probe (its ESM loader costs a few MB), a second into a lockdown.
	figures.push({group, name: `RSS of the console without the probe, 1 s into a lockdown (max of ${rss.length} runs)`, value: Math.max(...rss), unit: 'MB', comparison: {name: 'idle goal (MB)', value: idleRssGoalMB}});
	return figures;
};
