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
 * of S - resolution to S ms.
 */
import {appendFileSync} from 'node:fs';
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';

const resolution = 10;
const file = process.env.FLAREWATCH_BENCH_LAG_FILE;
const histogram = monitorEventLoopDelay({resolution});
histogram.enable();
let startedAt = performance.now();
let cpuAtStart = process.cpuUsage();

const lagMs = nanoseconds => Math.max(0, nanoseconds / 1e6 - resolution);

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
		};
		appendFileSync(file, `${JSON.stringify(window)}\n`);
		histogram.reset();
		startedAt = now;
		cpuAtStart = process.cpuUsage();
	});
}
