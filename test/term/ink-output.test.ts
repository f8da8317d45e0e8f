/**
 * The bundle draws with source/term/ink-output.ts in place of Ink's own Output class (and a
 * remembering widest-line, and bounded measure-text and wrap-text). These tests prove it draws the
 * same screen as Ink's:
 * - operation by operation: random writes (styles, colours, wide characters, several lines,
 *   transformers, positions off the edges) and nested clips go to both classes, and the two frame
 *   strings must be equal;
 * - end to end: the randomized session of session.test.ts runs through Ink bundled with
 *   the swap (as dist/flarewatch.js is built) and the output layer, and after every frame the screen
 *   must equal the one plain Ink's own bytes draw.
 */
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import chalk from 'chalk';
import {describe, expect, it} from 'vitest';
import widestLineOriginal from 'widest-line';
import FlarewatchOutput, {type OutputTransformer} from '../../source/term/ink-output.js';
import widestLine from '../../source/term/widest-line.js';
import {measureText, wrapText} from '../../source/term/ink-text-caches.js';
import {screenDifference} from './fake-terminal.js';
import {seeded, sessionView, type SessionModel} from './fixtures.js';
import {InkHarness} from './harness.js';
import {loadBundledInk, loadInk} from './load-ink.js';
import {step} from './session-steps.js';

interface OutputLike {
	write(x: number, y: number, text: string, options: {transformers: OutputTransformer[]}): void;
	clip(clip: {x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined}): void;
	unclip(): void;
	get(): {output: string; height: number};
}
type OutputClass = new (options: {width: number; height: number}) => OutputLike;

/** Ink's own Output, by file (the package's exports do not list it). */
async function inkOutputClass(): Promise<OutputClass> {
	const inkDirectory = dirname(createRequire(import.meta.url).resolve('ink'));
	const module = (await import(pathToFileURL(join(inkDirectory, 'output.js')).href)) as {default: OutputClass};
	return module.default;
}

const pieces = ['a', 'hello', '192.0.2.14', '  ', 'x', '東京', '🔥', 'été', '│', '─┼─', 'ｆｕｌｌ', '—', 'abc def'];
type Style = (text: string) => string;
const styles: Style[] = [
	text => text,
	text => chalk.red(text),
	text => chalk.bold.green(text),
	text => chalk.bgBlue.white(text),
	text => chalk.inverse(text),
	text => chalk.hex('#ff8800').underline(text),
	text => chalk.ansi256(141).italic(text),
	text => chalk.dim.strikethrough(text),
];
const transformers: OutputTransformer[] = [line => chalk.yellow(line), line => chalk.bold(line), (line, index) => (index % 2 === 0 ? chalk.inverse(line) : line)];

type Operation = (output: OutputLike) => void;

function randomOperations(random: () => number, cols: number, rows: number): {operations: Operation[]; clipCount: number} {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const operations: Operation[] = [];
	let depth = 0;
	let clipCount = 0;
	for (let count = 0; count < 40; count++) {
		const roll = random();
		if (roll < 0.12 && depth < 3) {
			depth++;
			clipCount++;
			const x1 = Math.floor(random() * cols);
			const y1 = Math.floor(random() * rows);
			const horizontal = random() < 0.7;
			const vertical = random() < 0.7;
			const clip = {
				x1: horizontal ? x1 : undefined,
				x2: horizontal ? x1 + Math.floor(random() * cols) : undefined,
				y1: vertical ? y1 : undefined,
				y2: vertical ? y1 + Math.floor(random() * rows) : undefined,
			};
			operations.push(output => output.clip(clip));
		} else if (roll < 0.2 && depth > 0) {
			depth--;
			operations.push(output => output.unclip());
		} else {
			const lines = Array.from({length: 1 + Math.floor(random() * 3)}, () => Array.from({length: 1 + Math.floor(random() * 4)}, () => pick(styles)(pick(pieces))).join(''));
			const text = lines.join('\n');
			// Mostly inside the frame, sometimes off its left, top, right or bottom edge.
			const x = Math.floor(random() * (cols + 6)) - 3;
			const y = Math.floor(random() * (rows + 4)) - 2;
			const chosen = random() < 0.4 ? [pick(transformers)] : random() < 0.1 ? [pick(transformers), pick(transformers)] : [];
			operations.push(output => output.write(x, y, text, {transformers: chosen}));
		}
	}
	return {operations, clipCount};
}

describe('Output replacement (source/term/ink-output.ts) against Ink\'s Output', () => {
	it('writes Ink\'s exact frame for 800 random operation lists (styles, wide characters, clips, transformers, edges)', async () => {
		chalk.level = 3;
		const InkOutput = await inkOutputClass();
		const random = seeded(6);
		let withWide = 0;
		let clipped = 0;
		for (let round = 0; round < 800; round++) {
			const cols = 10 + Math.floor(random() * 50);
			const rows = 3 + Math.floor(random() * 10);
			const {operations, clipCount} = randomOperations(random, cols, rows);
			const theirs = new InkOutput({width: cols, height: rows});
			const mine = new FlarewatchOutput({width: cols, height: rows});
			for (const operation of operations) {
				operation(theirs);
				operation(mine);
			}
			const expected = theirs.get();
			const actual = mine.get();
			expect(actual.height).toBe(expected.height);
			if (actual.output !== expected.output) expect.fail(`round ${round} (${cols}x${rows}): the frames differ\nInk:  ${JSON.stringify(expected.output)}\nmine: ${JSON.stringify(actual.output)}`);
			if (/[東京🔥ｆｕｌ]/u.test(expected.output)) withWide++;
			if (clipCount > 0) clipped++;
		}
		// The generator reached what it is for.
		expect(withWide).toBeGreaterThan(400);
		expect(clipped).toBeGreaterThan(400);
	}, 60_000);

	it('keeps a frame identical when the same operations run again (its caches change nothing)', () => {
		chalk.level = 3;
		const random = seeded(11);
		const {operations} = randomOperations(random, 40, 10);
		const frames = [0, 1, 2].map(() => {
			const output = new FlarewatchOutput({width: 40, height: 10});
			for (const operation of operations) operation(output);
			return output.get().output;
		});
		expect(frames[1]).toBe(frames[0]);
		expect(frames[2]).toBe(frames[0]);
		expect(frames[0]).not.toBe('');
	});

	it('measures every text as the widest-line package does, the second time from memory too', () => {
		chalk.level = 3;
		const random = seeded(3);
		for (let round = 0; round < 2000; round++) {
			const text = Array.from({length: 1 + Math.floor(random() * 4)}, () => Array.from({length: Math.floor(random() * 5)}, () => styles[Math.floor(random() * styles.length)](pieces[Math.floor(random() * pieces.length)])).join('')).join('\n');
			expect(widestLine(text)).toBe(widestLineOriginal(text));
			expect(widestLine(text)).toBe(widestLineOriginal(text));
		}
	});

	it('measures and wraps every text as Ink\'s measure-text and wrap-text do, the second time from memory too', async () => {
		chalk.level = 3;
		const inkDirectory = dirname(createRequire(import.meta.url).resolve('ink'));
		const inkMeasure = ((await import(pathToFileURL(join(inkDirectory, 'measure-text.js')).href)) as {default: typeof measureText}).default;
		const inkWrap = ((await import(pathToFileURL(join(inkDirectory, 'wrap-text.js')).href)) as {default: typeof wrapText}).default;
		const random = seeded(8);
		for (let round = 0; round < 1500; round++) {
			const text = Array.from({length: 1 + Math.floor(random() * 3)}, () => Array.from({length: Math.floor(random() * 6)}, () => styles[Math.floor(random() * styles.length)](pieces[Math.floor(random() * pieces.length)])).join(' ')).join('\n');
			const width = 1 + Math.floor(random() * 30);
			const type = ['wrap', 'truncate', 'truncate-middle', 'truncate-start', 'end'][round % 5];
			for (let twice = 0; twice < 2; twice++) {
				expect(measureText(text)).toEqual(inkMeasure(text));
				expect(wrapText(text, width, type)).toBe(inkWrap(text, width, type));
			}
		}
	});

	it('matches plain Ink cell by cell through a 250-frame session, bundled as dist/flarewatch.js is', async () => {
		const plain = await loadInk();
		const bundled = await loadBundledInk();
		expect(bundled.render).not.toBe(plain.render);
		const random = seeded(20_261_128);
		let model: SessionModel = {
			cols: 80, rows: 24, counter: 0, numbers: [1, 22, 333, 4444, 55_555, 6],
			colors: ['green', 'red', 'cyan'], wideText: '東京 status', list: [], chart: [1, 5, 3],
		};
		const reference = new InkHarness(plain, model.cols, model.rows);
		const swapped = new InkHarness(bundled, model.cols, model.rows);
		let resizes = 0;
		for (let frame = 0; frame < 250; frame++) {
			if (frame > 0 && random() < 0.04) {
				model = {...model, cols: 40 + Math.floor(random() * 81), rows: 12 + Math.floor(random() * 29)};
				await reference.resize(model.cols, model.rows);
				await swapped.resize(model.cols, model.rows);
				resizes++;
			}
			model = step(model, random, frame);
			await reference.frame(sessionView(plain, model));
			const bytes = await swapped.frame(sessionView(bundled, model));
			const difference = screenDifference(swapped.mine, reference.reference);
			if (difference) expect.fail(`frame ${frame} (${model.cols}x${model.rows}): ${difference}\nmine: ${JSON.stringify(bytes.mine)}`);
		}
		expect(resizes).toBeGreaterThan(3);
		expect(swapped.output.stats.unknownSequences).toBe(0);
		await reference.dispose();
		await swapped.dispose();
	}, 90_000);
});
