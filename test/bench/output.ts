/**
 * Bench group "output": bytes the terminal receives for the demo dashboard, per update and per
 * second while idle, at 80x24 and 120x40: the real console (App, monitor, V1Backend) against the
 * in-process demo emulator (`attack`, two zones) on a fake clock, with dev mode switched on through
 * the keyboard (d, y) so the header counts down every second while the polls (every ~13 s, as the
 * budget spreads them) change the numbers, the charts and the visitors table. Three columns,
 * measured in one run:
 *
 * - flarewatch: what the output layer sends (source/term/output);
 * - Ink default: what Ink 6.8 itself writes for the same frames (its full-frame repaint);
 * - changed-cell minimum: for every maximal run of cells that changed on screen (character or
 *   style), the UTF-8 bytes of its characters plus the shortest cursor move to its start from the
 *   end of the previous run, carried across frames (the cheapest of CUP, CUU/CUD/CUF/CUB, BS, CR,
 *   CR+LF, CHA). No SGR bytes are counted and runs are never merged, so a writer can beat it only by
 *   rewriting a few unchanged cells instead of moving (which this layer does when shorter).
 *
 * The screens are read from @xterm/headless fed with Ink's own bytes, so the minimum does not
 * depend on the layer's interpreter. Also measured: the layer's per-frame CPU time at 120x40.
 *
 * The same on API v4 (a V4Backend on the demo token, the v4 defaults): its dashboard has a RULE and
 * a network column and polls a zone every 10 s, so it changes more often; the flarewatch column is set
 * beside v1's.
 */
import {flushMicrotasks} from '../../source/lib/clock.js';
import {moveCursor} from '../../source/term/output/cursor.js';
import {createCellOutput} from '../../source/term/output/index.js';
import {FakeTty, ReferenceScreen} from '../term/fake-terminal.js';
import {dashboard, type DashboardModel} from '../term/fixtures.js';
import {loadInk, type InkModule} from '../term/load-ink.js';
import {startInProcess} from './console-harness.js';
import type {BenchFigure, BenchGroup} from './figures.js';

const simulatedSeconds = 300;
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

interface Bytes {
	flarewatch: number;
	ink: number;
	minimum: number;
}

interface SizeResult extends Bytes {
	updates: number;
	/** The same three, for the countdown-only seconds and for the poll seconds. */
	ticks: Bytes & {count: number};
	polls: Bytes & {count: number};
}

/**
 * The changed-cell minimum between two screens given as cell keys "char|width|…" (see
 * ReferenceScreen.cells); `cursor` is where the previous frame's last run left the cursor, updated.
 */
export function changedCellMinimum(before: string[][], after: string[][], cursor: {x: number; y: number}): number {
	let bytes = 0;
	let cursorX = cursor.x;
	let cursorY = cursor.y;
	for (let y = 0; y < after.length; y++) {
		let x = 0;
		while (x < after[y].length) {
			if (before[y]?.[x] === after[y][x]) {
				x++;
				continue;
			}
			const start = x;
			while (x < after[y].length && before[y]?.[x] !== after[y][x]) {
				const [chars, width] = after[y][x].split('|');
				if (width !== '0') bytes += Buffer.byteLength(chars);
				x++;
			}
			bytes += moveCursor(cursorX, cursorY, start, y).length;
			cursorX = x >= after[y].length ? -1 : x;
			cursorY = y;
		}
	}
	cursor.x = cursorX;
	cursor.y = cursorY;
	return bytes;
}

async function measureSize(cols: number, rows: number, api: 'v1' | 'v4' = 'v1'): Promise<SizeResult> {
	const tty = new FakeTty(cols, rows);
	const output = createCellOutput(tty);
	const inkScreen = new ReferenceScreen(cols, rows, {convertEol: true});
	let inkChunks: string[] = [];
	const write = output.stream.write.bind(output.stream) as (chunk: string) => boolean;
	Object.assign(output.stream, {write: (chunk: string) => {
		inkChunks.push(chunk);
		return write(chunk);
	}});
	const app = await startInProcess({scenario: 'attack', api, render: {columns: cols, rows, maxFps: 1000, stdout: output.stream as unknown as NodeJS.WriteStream}});
	// Ink draws in real time (its throttle) after the fake clock moved: wait for it, then read.
	const drawn = async () => {
		await flushMicrotasks();
		await sleep(4);
		output.flush();
	};
	await app.monitor.start();
	await app.advance(1000);
	app.keyboard.press('d');
	await drawn();
	app.keyboard.press('y');
	// Dev mode's call, then the polls of both zones, so the dashboard is whole before measuring.
	for (let second = 0; second < 40; second++) await app.advance(1000);
	await drawn();
	await inkScreen.write(inkChunks.join(''));
	inkChunks = [];
	if (!/DEV \d+:\d\d:\d\d/.test(inkScreen.text().join('\n'))) throw new Error(`output bench: no dev-mode countdown on the dashboard:\n${inkScreen.text().join('\n')}`);
	let screen = inkScreen.cells();
	const cursor = {x: -1, y: -1};
	const startBytes = tty.bytes;
	const startCalls = await app.emulator.calls();
	const result: SizeResult = {updates: 0, flarewatch: 0, ink: 0, minimum: 0, ticks: {count: 0, flarewatch: 0, ink: 0, minimum: 0}, polls: {count: 0, flarewatch: 0, ink: 0, minimum: 0}};
	for (let second = 1; second <= simulatedSeconds; second++) {
		const before = tty.bytes;
		const callsBefore = await app.emulator.calls();
		await app.advance(1000);
		await drawn();
		const poll = (await app.emulator.calls()) !== callsBefore;
		const inkBytes = inkChunks.join('');
		inkChunks = [];
		await inkScreen.write(inkBytes);
		const next = inkScreen.cells();
		const minimum = changedCellMinimum(screen, next, cursor);
		const kind = poll ? result.polls : result.ticks;
		kind.count++;
		kind.minimum += minimum;
		kind.ink += Buffer.byteLength(inkBytes);
		kind.flarewatch += tty.bytes - before;
		result.minimum += minimum;
		result.ink += Buffer.byteLength(inkBytes);
		screen = next;
		result.updates++;
	}
	result.flarewatch = tty.bytes - startBytes;
	if ((await app.emulator.calls()) - startCalls < 20) throw new Error('output bench: the console hardly polled during the measurement');
	await app.close();
	output.dispose();
	return result;
}

/** CPU time of the layer per frame at 120x40: interpreting Ink's full frame and diffing it. */
async function measureFrameCost(ink: InkModule): Promise<number> {
	const cols = 120;
	const rows = 40;
	const frames: string[] = [];
	const capture = new FakeTty(cols, rows);
	const output = createCellOutput(capture);
	Object.assign(output.stream, {write: (chunk: string) => (frames.push(chunk), true)});
	const model: DashboardModel = {cols, rows, countdown: 7200, requests: 1, threats: 2, bandwidthMb: 3, chart: [1, 5, 2, 8, 3], visitors: [{ip: '192.0.2.1', hits: 4, country: 'us'}]};
	const instance = ink.render(dashboard(ink, model), {stdout: output.stream, patchConsole: false, exitOnCtrlC: false, maxFps: 1000});
	for (let index = 0; index < 4; index++) {
		await sleep(3);
		instance.rerender(dashboard(ink, {...model, countdown: model.countdown - index, requests: index * 7919}));
	}
	await sleep(3);
	instance.unmount();
	const frameWrites = frames.filter(chunk => chunk.length > 500).slice(-4);
	const target = new FakeTty(cols, rows);
	const measured = createCellOutput(target);
	const iterations = 2000;
	for (let warm = 0; warm < 200; warm++) {
		measured.stream.write(frameWrites[warm % frameWrites.length]);
		measured.flush();
	}
	const start = performance.now();
	for (let index = 0; index < iterations; index++) {
		measured.stream.write(frameWrites[index % frameWrites.length]);
		measured.flush();
	}
	const perFrame = (performance.now() - start) / iterations;
	measured.dispose();
	return perFrame;
}

export const benchOutput: BenchGroup = async () => {
	const ink = await loadInk();
	const figures: BenchFigure[] = [];
	for (const [cols, rows] of [[80, 24], [120, 40]] as const) {
		const size = `${cols}x${rows}`;
		const result = await measureSize(cols, rows);
		const perUpdate = (bytes: number) => bytes / result.updates;
		const perSecond = (bytes: number) => bytes / simulatedSeconds;
		const goal = '<= 2x changed-cell minimum';
		figures.push(
			{group: 'output', name: `bytes/update ${size}`, value: perUpdate(result.flarewatch), unit: 'B', comparison: {name: 'Ink default', value: perUpdate(result.ink)}},
			{group: 'output', name: `bytes/update ${size} vs minimum`, value: perUpdate(result.flarewatch), unit: 'B', comparison: {name: 'changed-cell minimum', value: perUpdate(result.minimum)}, goal, met: result.flarewatch <= 2 * result.minimum},
			{group: 'output', name: `bytes/countdown tick ${size}`, value: result.ticks.flarewatch / result.ticks.count, unit: 'B', comparison: {name: 'changed-cell minimum', value: result.ticks.minimum / result.ticks.count}},
			{group: 'output', name: `bytes/poll ${size}`, value: result.polls.flarewatch / result.polls.count, unit: 'B', comparison: {name: 'changed-cell minimum', value: result.polls.minimum / result.polls.count}},
			{group: 'output', name: `bytes/s idle ${size}`, value: perSecond(result.flarewatch), unit: 'B/s', comparison: {name: 'Ink default', value: perSecond(result.ink)}},
			{group: 'output', name: `bytes/s idle ${size} vs minimum`, value: perSecond(result.flarewatch), unit: 'B/s', comparison: {name: 'changed-cell minimum', value: perSecond(result.minimum)}, goal, met: result.flarewatch <= 2 * result.minimum},
		);
		const v4 = await measureSize(cols, rows, 'v4');
		figures.push(
			{group: 'output', name: `v4: bytes/update ${size}`, value: v4.flarewatch / v4.updates, unit: 'B', comparison: {name: 'v1', value: perUpdate(result.flarewatch)}},
			{group: 'output', name: `v4: bytes/update ${size} vs minimum`, value: v4.flarewatch / v4.updates, unit: 'B', comparison: {name: 'changed-cell minimum', value: v4.minimum / v4.updates}, goal, met: v4.flarewatch <= 2 * v4.minimum},
			{group: 'output', name: `v4: bytes/poll ${size}`, value: v4.polls.flarewatch / v4.polls.count, unit: 'B', comparison: {name: 'v1', value: result.polls.flarewatch / result.polls.count}},
			{group: 'output', name: `v4: seconds with a poll, of ${simulatedSeconds}, ${size}`, value: v4.polls.count, unit: 's', comparison: {name: 'v1', value: result.polls.count}},
			{group: 'output', name: `v4: bytes/update ${size}, Ink default`, value: v4.ink / v4.updates, unit: 'B', comparison: {name: 'v1', value: perUpdate(result.ink)}},
		);
	}
	const frameMs = await measureFrameCost(ink);
	figures.push({group: 'output', name: 'layer CPU per frame 120x40 (interpret + diff)', value: frameMs * 1000, unit: 'µs', goal: '< 1000 µs', met: frameMs < 1});
	return figures;
};
