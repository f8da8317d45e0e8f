/**
 * Targeted cases of the output layer, each checked twice: by the bytes it sends (the point of the
 * layer) and by replaying them into xterm against Ink's own output (that it stays correct).
 */
import {createElement as h} from 'react';
import {beforeAll, describe, expect, it} from 'vitest';
import {FakeClock} from '../../source/lib/clock.js';
import {createCellOutput} from '../../source/term/output/index.js';
import {FakeTty} from './fake-terminal.js';
import {InkHarness} from './harness.js';
import {loadInk, type InkModule} from './load-ink.js';

let ink: InkModule;
beforeAll(async () => {
	ink = await loadInk();
});

function counter(value: number, color = 'green') {
	const {Box, Text} = ink;
	return h(Box, {flexDirection: 'column', borderStyle: 'round', width: 60},
		h(Text, null, 'requests ', h(Text, {bold: true}, String(value)), '  status ', h(Text, {color}, 'online')),
		h(Text, {dimColor: true}, 'q quit  ? help'));
}

async function expectSameScreen(harness: InkHarness): Promise<void> {
	expect(harness.difference()).toBeUndefined();
}

describe('output layer, targeted', () => {
	it('sends zero bytes for a frame identical to the last', async () => {
		const harness = new InkHarness(ink, 80, 24);
		const first = await harness.frame(counter(41));
		expect(first.mine).toContain('requests');
		// Ink itself skips an identical render; an identical full repaint (as after a console.log
		// or a resize to the same width) must cost nothing either.
		const again = await harness.raw(`\u001B[2K\u001B[1A`.repeat(4) + `\u001B[2K\u001B[G${first.ink.replace(/^[\s\S]*?(?=╭)/, '')}`);
		expect(again.ink.length).toBeGreaterThan(100);
		expect(again.mine).toBe('');
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('sends a handful of bytes when one digit changes', async () => {
		const harness = new InkHarness(ink, 80, 24);
		await harness.frame(counter(41));
		const {mine, ink: inkBytes} = await harness.frame(counter(42));
		expect(Buffer.byteLength(mine)).toBeLessThanOrEqual(12);
		expect(inkBytes.length).toBeGreaterThan(200);
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('sends only the restyled word on a style-only change', async () => {
		const harness = new InkHarness(ink, 80, 24);
		await harness.frame(counter(7, 'green'));
		const {mine} = await harness.frame(counter(7, '#ff8800'));
		expect(mine).toContain('online');
		expect(mine).toContain('38;2;255;136;0');
		expect(mine).not.toContain('requests');
		expect(Buffer.byteLength(mine)).toBeLessThan(40);
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('repaints in full, once, on resize', async () => {
		const harness = new InkHarness(ink, 80, 24);
		await harness.frame(counter(1));
		const repaintsBefore = harness.output.stats.fullRepaints;
		await harness.resize(50, 20);
		const {mine} = await harness.frame(counter(2));
		expect(mine.split('\u001B[2J')).toHaveLength(2);
		expect(harness.output.stats.fullRepaints).toBe(repaintsBefore + 1);
		await expectSameScreen(harness);
		const after = await harness.frame(counter(3));
		expect(after.mine).not.toContain('\u001B[2J');
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('leaves no ghosts when content shrinks', async () => {
		const {Box, Text} = ink;
		const harness = new InkHarness(ink, 80, 24);
		const lines = (count: number, width: number) => h(Box, {flexDirection: 'column'},
			...Array.from({length: count}, (_, index) => h(Text, {key: index, backgroundColor: index % 2 ? 'blue' : undefined}, `${index}`.padEnd(width, '#'))));
		await harness.frame(lines(20, 70));
		await harness.frame(lines(3, 10));
		await expectSameScreen(harness);
		expect(harness.mine.text().slice(3).every(row => row.trim() === '')).toBe(true);
		await harness.dispose();
	});

	it('draws wide characters at row boundaries and across shifts', async () => {
		const {Text} = ink;
		const harness = new InkHarness(ink, 20, 10);
		for (const text of ['ab東京cd', 'a東京cd', '東京東京東京東京東京東', 'x東京東京東京東京東京', '🔥🔥 ok', 'abcdefghijklmnopqr東', 'abcdefghijklmnopqrs東', 'ｆｕｌｌ width']) {
			await harness.frame(h(Text, {wrap: 'wrap'}, text));
			await expectSameScreen(harness);
		}
		// A wide character that does not fit in the last column wraps, leaving that column blank.
		await harness.raw('\u001B[5;20H東\u001B[6;1Hx');
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('keeps frames as tall as the terminal correct without clearing the screen or scrollback', async () => {
		const {Box, Text} = ink;
		const harness = new InkHarness(ink, 40, 10);
		const tall = (value: number) => h(Box, {flexDirection: 'column', height: 10}, h(Text, null, `value ${value}`), h(Text, null, 'bottom'));
		await harness.frame(tall(1));
		const second = await harness.frame(tall(2));
		const third = await harness.frame(tall(3));
		expect(third.ink).toContain('\u001B[3J');
		expect(second.mine + third.mine).not.toContain('\u001B[3J');
		expect(Buffer.byteLength(third.mine)).toBeLessThanOrEqual(12);
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('survives frames taller than the terminal (Ink clears and rewrites; the screen scrolls)', async () => {
		const {Box, Text} = ink;
		const harness = new InkHarness(ink, 30, 8);
		const lines = (count: number, label: string) => h(Box, {flexDirection: 'column'}, ...Array.from({length: count}, (_, index) => h(Text, {key: index}, `${label} ${index}`)));
		for (const [count, label] of [[5, 'a'], [11, 'b'], [12, 'c'], [3, 'd'], [7, 'e']] as const) {
			await harness.frame(lines(count, label));
			await expectSameScreen(harness);
		}
		await harness.dispose();
	});

	it('puts the cursor where a component asks (useCursor) and shows it', async () => {
		const {Box, Text, useCursor} = ink;
		const Prompt = ({value}: {value: string}) => {
			const {setCursorPosition} = useCursor();
			setCursorPosition({x: 2 + value.length, y: 1});
			return h(Box, {flexDirection: 'column'}, h(Text, null, 'block IP'), h(Text, null, `> ${value}`));
		};
		const harness = new InkHarness(ink, 40, 10);
		for (const value of ['1', '19', '192.0']) {
			const {mine} = await harness.frame(h(Prompt, {value}));
			await expectSameScreen(harness);
			const [a, b] = [harness.mine.term.buffer.active, harness.reference.term.buffer.active];
			expect([a.cursorX, a.cursorY]).toEqual([b.cursorX, b.cursorY]);
			if (value === '1') expect(mine).toContain('\u001B[?25h');
		}
		await harness.dispose();
	});

	it('handles monochrome frames highlighted by inverse video', async () => {
		const harness = new InkHarness(undefined, 30, 6);
		const frame = (selected: number) => ['alpha', 'beta', 'gamma'].map((word, index) => index === selected ? `\u001B[7m${word.padEnd(10)}\u001B[27m` : word).join('\n') + '\n';
		await harness.raw(frame(0));
		await expectSameScreen(harness);
		const {mine} = await harness.raw('\u001B[2K\u001B[1A'.repeat(3) + '\u001B[2K\u001B[G' + frame(1));
		expect(Buffer.byteLength(mine)).toBeLessThan(50);
		await expectSameScreen(harness);
		await harness.dispose();
	});

	it('falls back to a full repaint on a sequence it does not know', async () => {
		const harness = new InkHarness(undefined, 30, 6);
		await harness.raw('one\ntwo\n');
		const repaints = harness.output.stats.fullRepaints;
		const {mine} = await harness.raw('\u001B[1;1H\u001B[2L');
		expect(harness.output.stats.unknownSequences).toBe(1);
		expect(harness.output.stats.fullRepaints).toBe(repaints + 1);
		expect(mine).toContain('one');
		await harness.dispose();
	});

	it('passes non-screen modes through (bracketed paste, kitty keyboard, title)', async () => {
		const harness = new InkHarness(undefined, 30, 6);
		const {mine} = await harness.raw('\u001B[?2004h\u001B[>1u\u001B]0;flarewatch\u0007hi');
		expect(mine).toContain('\u001B[?2004h');
		expect(mine).toContain('\u001B[>1u');
		expect(mine).toContain('\u001B]0;flarewatch\u0007');
		expect(harness.output.stats.unknownSequences).toBe(0);
		await harness.dispose();
	});

	it('hides the cursor while running and restores it on dispose', async () => {
		const tty = new FakeTty(20, 5);
		const output = createCellOutput(tty);
		output.stream.write('\u001B[31mhello\n');
		output.flush();
		expect(tty.take().startsWith('\u001B[?25l')).toBe(true);
		output.dispose();
		expect(tty.take()).toBe('\u001B[m\u001B[?25h');
	});

	it('caps writes per second (a burst of two, then the rate) and always draws the latest frame', async () => {
		const clock = new FakeClock();
		const tty = new FakeTty(20, 5);
		const output = createCellOutput(tty, {fpsCap: 2, clock});
		for (let value = 0; value < 10; value++) {
			output.stream.write(`\u001B[H${value}`);
			await Promise.resolve();
		}
		// The first frame and one close behind it go at once (a key right after a poll's frame)...
		expect(output.framesWritten).toBe(2);
		// ...then one per 1/fps seconds, the latest frame each time.
		await clock.advance(499);
		expect(output.framesWritten).toBe(2);
		await clock.advance(1);
		expect(output.framesWritten).toBe(3);
		expect(tty.take().endsWith('9')).toBe(true);
		await clock.advance(5_000);
		expect(output.framesWritten).toBe(3);
		// Over a long run of frames, no more than fps a second (plus the burst).
		for (let second = 0; second < 10; second++) {
			for (let tick = 0; tick < 20; tick++) {
				output.stream.write(`\u001B[H${second}${tick}`);
				await clock.advance(50);
			}
		}
		expect(output.framesWritten - 3).toBeLessThanOrEqual(10 * 2 + 2);
		expect(output.framesWritten - 3).toBeGreaterThanOrEqual(10 * 2 - 1);
		output.dispose();
	});
});
