/**
 * The screen-equality proof: a long seeded session of real Ink frames (numbers ticking, colours
 * changing, wide characters, a chart scrolling, a list growing and shrinking, an overlay opening
 * and closing, resizes) goes through the output layer; after every frame the screen the layer's
 * bytes produce in xterm must equal, cell by cell (character, width, colours, attributes), the
 * screen Ink's own bytes produce in another xterm.
 */
import {describe, expect, it} from 'vitest';
import {seeded, sessionView, type SessionModel} from './fixtures.js';
import {step} from './session-steps.js';
import {InkHarness} from './harness.js';
import {loadInk} from './load-ink.js';

/** What the session must have exercised, recognised in Ink's bytes. */
const features = new Map<string, RegExp>([
	['truecolor', /\u001B\[38;2;/], ['256 colours', /\u001B\[38;5;/], ['background', /\u001B\[4\dm|\u001B\[48;/],
	['inverse', /\u001B\[7m/], ['strikethrough', /\u001B\[9m/], ['wide', /東|🔥/], ['overlay', /╔/], ['chart', /┼|┤/],
]);

describe('output layer: randomized session against Ink\'s own output', () => {
	// More seeds locally: OUTPUT_SESSION_SEEDS=1,2,3 npx vitest run test/term/session.test.ts
	const seeds = (process.env['OUTPUT_SESSION_SEEDS'] ?? '20140601').split(',').map(Number);
	it.each(seeds)('matches Ink cell by cell after every frame of a 400-frame session (seed %i)', async seed => {
		const ink = await loadInk();
		const random = seeded(seed);
		let model: SessionModel = {
			cols: 80, rows: 24, counter: 0, numbers: [1, 22, 333, 4444, 55_555, 6],
			colors: ['green', 'red', 'cyan'], wideText: '東京 status', list: [], chart: [1, 5, 3],
		};
		const harness = new InkHarness(ink, model.cols, model.rows);
		let mineBytes = 0;
		let inkBytes = 0;
		let resizes = 0;
		const seen = new Set<string>();
		for (let frame = 0; frame < 400; frame++) {
			if (frame > 0 && random() < 0.03) {
				model = {...model, cols: 40 + Math.floor(random() * 81), rows: 12 + Math.floor(random() * 29)};
				await harness.resize(model.cols, model.rows);
				resizes++;
			}
			model = step(model, random, frame);
			const bytes = await harness.frame(sessionView(ink, model));
			mineBytes += Buffer.byteLength(bytes.mine);
			inkBytes += Buffer.byteLength(bytes.ink);
			for (const [feature, pattern] of features) if (pattern.test(bytes.ink)) seen.add(feature);
			const difference = harness.difference();
			if (difference) expect.fail(`seed ${seed}, frame ${frame} (${model.cols}x${model.rows}): ${difference}\nmine: ${JSON.stringify(bytes.mine)}`);
		}
		expect(inkBytes).toBeGreaterThan(0);
		expect(resizes).toBeGreaterThan(3);
		expect([...seen].sort()).toEqual([...features.keys()].sort());
		expect(harness.output.stats.unknownSequences).toBe(0);
		// Not the goal (the bench measures that), only a sanity bound: far below Ink's repaints.
		expect(mineBytes * 4).toBeLessThan(inkBytes);
		await harness.dispose();
	}, 60_000);

	it('matches a terminal fed Ink\'s raw bytes when no resize happens (150 frames)', async () => {
		const ink = await loadInk();
		const random = seeded(99);
		let model: SessionModel = {
			cols: 100, rows: 30, counter: 0, numbers: [5, 4, 3, 2, 1],
			colors: ['yellow', 'blue'], wideText: 'ｆｕｌｌ', list: [], chart: [3, 1, 4, 1, 5],
		};
		const harness = new InkHarness(ink, model.cols, model.rows, {rawReference: true});
		for (let frame = 0; frame < 150; frame++) {
			model = step(model, random, frame);
			await harness.frame(sessionView(ink, model));
			const difference = harness.difference();
			if (difference) expect.fail(`frame ${frame}: ${difference}`);
		}
		await harness.dispose();
	}, 30_000);
});
