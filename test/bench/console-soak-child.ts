/**
 * Figure 4, the child (bundled and run by console-soak.ts with --expose-gc, production React): 24
 * simulated hours of the demo's polling on a FakeClock — monitor and V1Backend against the built
 * emulator (`attack`) in its own process, its clock moved along, with the real App rendered into a
 * null 100x30 terminal (the size the pty figures use). After every simulated hour: gc(), then
 * heapUsed and RSS of this process: the console's alone.
 */
import {getHeapSpaceStatistics} from 'node:v8';
import {startInProcess} from './console-harness.js';

const hours = Number(process.env.FLAREWATCH_SOAK_HOURS ?? 24);
// The store changes only with the polls; the status line re-reads the clock every 10 simulated
// seconds (ui/status-clock.ts). React renders every change (where state could leak); Ink's frame
// throttle (real time) is set to 5 fps so that Ink's output pass, the costliest part of a frame and
// stateless between frames, does not turn a simulated day into ten real minutes.
const maxFps = 5;
const gc = (globalThis as {gc?: () => void}).gc;
if (!gc) throw new Error('run with --expose-gc');

function sample(hour: number, startedAt: number) {
	gc?.();
	gc?.();
	const memory = process.memoryUsage();
	// V8's heap also holds compiled code, which grows for hours as more functions get optimised; the
	// data heap (every space but the code spaces) is where a leak would show.
	const codeBytes = getHeapSpaceStatistics().filter(space => space.space_name.startsWith('code')).reduce((sum, space) => sum + space.space_used_size, 0);
	return {hour, dataHeapMB: (memory.heapUsed - codeBytes) / 2 ** 20, codeMB: codeBytes / 2 ** 20, heapMB: memory.heapUsed / 2 ** 20, heapTotalMB: memory.heapTotal / 2 ** 20, externalMB: memory.external / 2 ** 20, rssMB: memory.rss / 2 ** 20, realSeconds: (performance.now() - startedAt) / 1000};
}

const startedAt = performance.now();
const app = await startInProcess({scenario: 'attack', render: {columns: 100, rows: 30, maxFps}, emulator: 'separate'});
await app.monitor.start();
const samples = [sample(0, startedAt)];
for (let hour = 1; hour <= hours; hour++) {
	// A minute at a time: each step fires the status line's clock and the polls that fall due.
	for (let minute = 0; minute < 60; minute++) await app.advance(60_000);
	samples.push(sample(hour, startedAt));
	const last = samples.at(-1);
	process.stderr.write(`soak: hour ${hour}: heap ${last?.heapMB.toFixed(1)} MB (data ${last?.dataHeapMB.toFixed(1)}, code ${last?.codeMB.toFixed(1)}) of ${last?.heapTotalMB.toFixed(1)}, external ${last?.externalMB.toFixed(1)} MB, RSS ${last?.rssMB.toFixed(1)} MB\n`);
}
const calls = await app.emulator.calls();
const bytes = app.terminal?.bytes ?? 0;
const writes = app.terminal?.writes ?? 0;
await app.close();
process.stdout.write(`RESULT ${JSON.stringify({samples, calls, bytes, writes})}\n`);
process.exit(0);
