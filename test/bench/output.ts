/**
 * Bench group "output": bytes the terminal receives for the demo dashboard, per update and per
 * second while idle (a dev-mode countdown ticking every second, a poll every 30 s changing numbers,
 * the visitors table and the chart), at 80x24 and 120x40, in three columns measured in one run:
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
 */
import {moveCursor} from '../../source/term/output/cursor.js';
import {createCellOutput} from '../../source/term/output/index.js';
import {FakeTty, ReferenceScreen} from '../term/fake-terminal.js';
import {dashboard, seeded, type DashboardModel} from '../term/fixtures.js';
import {loadInk, type InkModule} from '../term/load-ink.js';
import type {BenchFigure, BenchGroup} from './figures.js';

const simulatedSeconds = 300;
const pollEverySeconds = 30;
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

async function measureSize(ink: InkModule, cols: number, rows: number): Promise<SizeResult> {
	const random = seeded(cols * 1000 + rows);
	const tty = new FakeTty(cols, rows);
	const output = createCellOutput(tty);
	const inkScreen = new ReferenceScreen(cols, rows, {convertEol: true});
	let inkChunks: string[] = [];
	const write = output.stream.write.bind(output.stream) as (chunk: string) => boolean;
	Object.assign(output.stream, {write: (chunk: string) => {
		inkChunks.push(chunk);
		return write(chunk);
	}});
	const model: DashboardModel = {
		cols, rows, countdown: 3 * 3600, requests: 1_204_331, threats: 17, bandwidthMb: 5120.4,
		chart: Array.from({length: 120}, () => Math.round(200 + random() * 100)),
		visitors: Array.from({length: 30}, (_, index) => ({ip: `198.51.100.${index + 10}`, hits: Math.round(random() * 5000), country: ['us', 'cn', 'ru', 'de', 'br'][index % 5]})),
	};
	const instance = ink.render(dashboard(ink, model), {stdout: output.stream, patchConsole: false, exitOnCtrlC: false, maxFps: 1000});
	await sleep(5);
	await inkScreen.write(inkChunks.join(''));
	inkChunks = [];
	let screen = inkScreen.cells();
	const cursor = {x: -1, y: -1};
	const startBytes = tty.bytes;
	const result: SizeResult = {updates: 0, flarewatch: 0, ink: 0, minimum: 0, ticks: {count: 0, flarewatch: 0, ink: 0, minimum: 0}, polls: {count: 0, flarewatch: 0, ink: 0, minimum: 0}};
	for (let second = 1; second <= simulatedSeconds; second++) {
		model.countdown--;
		const poll = second % pollEverySeconds === 0;
		const before = tty.bytes;
		if (poll) {
			model.requests += Math.round(random() * 4000);
			model.threats += random() < 0.5 ? 1 : 0;
			model.bandwidthMb += random() * 30;
			model.chart = [...model.chart.slice(1), Math.round(200 + random() * 100)];
			model.visitors = model.visitors.map(visitor => ({...visitor, hits: visitor.hits + Math.round(random() * 50)})).sort((a, b) => b.hits - a.hits);
		}
		instance.rerender(dashboard(ink, {...model}));
		await sleep(2);
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
	instance.unmount();
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
		const result = await measureSize(ink, cols, rows);
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
	}
	const frameMs = await measureFrameCost(ink);
	figures.push({group: 'output', name: 'layer CPU per frame 120x40 (interpret + diff)', value: frameMs * 1000, unit: 'µs', goal: '< 1000 µs', met: frameMs < 1});
	return figures;
};
