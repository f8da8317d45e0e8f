/**
 * Event-loop lag of the built console, measured inside its own process without changing it: loaded
 * with `node --import test/bench/lag-probe.mjs dist/flarewatch.js ...` (console-lockdown.ts), it
 * runs perf_hooks' monitorEventLoopDelay beside the console. Each SIGUSR2 appends one JSON line to
 * the file named by FLAREWATCH_BENCH_LAG_FILE (the window since the last one) and starts a new
 * window. The histogram's timer and the signal handle are unref'd: the probe never keeps the process
 * alive, and the console's own signals (SIGINT, SIGTERM, SIGHUP) are left to it.
 *
 * The histogram holds the intervals between the probe timer's firings (due every `resolution` ms);
 * lag is the interval minus the resolution: how late the timer ran. A stall of S ms shows as a lag
 * of S - resolution to S ms. Beside the lag, each window says what may explain it: the process's
 * RSS and CPU share, its garbage collections, and its longest late tick split into time running and
 * time waiting for a core (the console's own work, or the machine's load keeping it off one).
 */
import {appendFileSync, readFileSync} from 'node:fs';
import {constants, monitorEventLoopDelay, performance, PerformanceObserver} from 'node:perf_hooks';

const resolution = 10;
const file = process.env.FLAREWATCH_BENCH_LAG_FILE;
const histogram = monitorEventLoopDelay({resolution});
histogram.enable();
let startedAt = performance.now();
let cpuAtStart = process.cpuUsage();
// Garbage collections in the window: a long lag beside a long pause is V8's, not the console's code.
let gc = {count: 0, totalMs: 0, maxMs: 0, majorMaxMs: 0};
const major = constants.NODE_PERFORMANCE_GC_MAJOR;
new PerformanceObserver(list => {
	for (const entry of list.getEntries()) {
		gc.count++;
		gc.totalMs += entry.duration;
		gc.maxMs = Math.max(gc.maxMs, entry.duration);
		if (entry.detail?.kind === major) gc.majorMaxMs = Math.max(gc.majorMaxMs, entry.duration);
	}
}).observe({entryTypes: ['gc']});

const lagMs = nanoseconds => Math.max(0, nanoseconds / 1e6 - resolution);

// The window's longest late tick of a timer like the histogram's, split by where the main thread
// spent it (Linux's /proc/self/schedstat: the thread group leader, the thread running JavaScript):
// running (the console's code, or V8), waiting for a core (the machine's load), or neither (blocked
// in the kernel, e.g. on a synchronous file write).
function schedstat() {
	try {
		const [running, waiting] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
		return {running: running / 1e6, waiting: waiting / 1e6};
	} catch {
		return {running: Number.NaN, waiting: Number.NaN};
	}
}
let longest = {lateMs: 0, intervalMs: 0, runningMs: 0, waitingForCpuMs: 0};
let lastTick = performance.now();
let lastSched = schedstat();
setInterval(() => {
	const now = performance.now();
	const sched = schedstat();
	const late = now - lastTick - resolution;
	if (late > longest.lateMs) longest = {lateMs: late, intervalMs: now - lastTick, runningMs: sched.running - lastSched.running, waitingForCpuMs: sched.waiting - lastSched.waiting};
	lastTick = now;
	lastSched = sched;
}, resolution).unref();

if (file) {
	process.on('SIGUSR2', () => {
		const now = performance.now();
		const cpu = process.cpuUsage(cpuAtStart);
		const window = {
			windowMs: now - startedAt,
			samples: histogram.count,
			resolutionMs: resolution,
			p50Ms: lagMs(histogram.percentile(50)),
			p99Ms: lagMs(histogram.percentile(99)),
			maxMs: lagMs(histogram.max),
			meanMs: lagMs(histogram.mean),
			rssMB: process.memoryUsage().rss / 2 ** 20,
			// CPU time (user + system) as a share of one core: a long lag with a low share is the machine's, not the console's.
			cpuPercent: ((cpu.user + cpu.system) / 1000 / (now - startedAt)) * 100,
			gc,
			longest,
		};
		appendFileSync(file, `${JSON.stringify(window)}\n`);
		histogram.reset();
		startedAt = now;
		cpuAtStart = process.cpuUsage();
		gc = {count: 0, totalMs: 0, maxMs: 0, majorMaxMs: 0};
		longest = {lateMs: 0, intervalMs: 0, runningMs: 0, waitingForCpuMs: 0};
	});
}
