/**
 * Figure 3: CPU while idle. Two consoles sit untouched for 60 s in pseudo-terminals, side by side:
 * `--demo` (the emulator runs inside the console's process) and a console pointed at an emulator in
 * a separate process, so the console's own cost is isolated. CPU is utime+stime from /proc/PID/stat,
 * read after start-up has settled and again 60 s later; both are idle, so running them together
 * does not change the CPU time either one uses.
 */
import {spawn} from 'node:child_process';
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import type {BenchFigure, BenchGroup} from './figures.js';
import {consoleEnv} from '../e2e/pty-console.js';
import {listeningUrl} from '../listening.js';
import {bundle, demoEmail, demoKey, highlightedRow, killGroup, sleep, TimedPty, track} from './pty-timing.js';

const windowMs = 60_000;
const goalPercent = 1;
const rssGoalMB = 100;

function ticksPerSecond(): number {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
	} catch {
		return 100;
	}
}

/** utime + stime of one process, in clock ticks (fields 14 and 15; the name in field 2 may hold spaces). */
function cpuTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]);
}

function rssMB(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function startEmulatorProcess(): Promise<{url: string; pid: number}> {
	const child = spawn(process.execPath, [bundle, 'emulator', '--port', '0', '--scenario', 'attack'], {stdio: ['ignore', 'pipe', 'ignore'], detached: true, env: {...process.env, NODE_ENV: 'production'}});
	if (child.pid === undefined) throw new Error('the emulator did not start');
	track(child.pid);
	const pid = child.pid;
	const url = await listeningUrl(child, 'the emulator', 15_000);
	return {url, pid};
}

export const benchConsoleIdle: BenchGroup = async () => {
	const emulator = await startEmulatorProcess();
	const demo = new TimedPty({args: [bundle, '--demo'], cols: 100, rows: 30});
	const remote = new TimedPty({
		args: [bundle, '--endpoint', emulator.url, '--email', demoEmail, '--zone', 'example.com'],
		cols: 100,
		rows: 30,
		env: consoleEnv({CF_API_KEY: demoKey}),
	});
	try {
		await Promise.all([demo.until(screen => highlightedRow(screen) !== undefined, 'the demo dashboard', 15_000), remote.until(screen => highlightedRow(screen) !== undefined, 'the dashboard on the separate emulator', 15_000)]);
		// Start-up (module compilation, first polls of each zone) is not idle.
		await sleep(3000);
		const pids = [demo.pid, remote.pid, emulator.pid];
		const before = pids.map(cpuTicks);
		const startedAt = performance.now();
		await sleep(windowMs);
		const after = pids.map(cpuTicks);
		const seconds = (performance.now() - startedAt) / 1000;
		const rss = [rssMB(demo.pid), rssMB(remote.pid)];
		const percent = pids.map((_, index) => ((after[index] - before[index]) / ticksPerSecond() / seconds) * 100);
		const figures: BenchFigure[] = [
			{group: 'console-idle', name: 'CPU idle 60 s, --demo (console + in-process emulator)', value: percent[0], unit: '% core', goal: `<= ${goalPercent} %`, met: percent[0] <= goalPercent},
			{group: 'console-idle', name: 'CPU idle 60 s, console alone (emulator in another process)', value: percent[1], unit: '% core', goal: `<= ${goalPercent} %`, met: percent[1] <= goalPercent},
			{group: 'console-idle', name: 'CPU idle 60 s, the separate emulator answering it', value: percent[2], unit: '% core'},
			// The shipped bundle's RSS, beside figure 4's (which runs the sources through tsx).
			{group: 'console-idle', name: 'RSS of the built console alone after 60 s idle', value: rss[1], unit: 'MB', goal: `<= ${rssGoalMB} MB`, met: rss[1] <= rssGoalMB},
		];
		return figures;
	} finally {
		demo.kill();
		remote.kill();
		killGroup(emulator.pid);
	}
};
