/**
 * Issue 6 in a real terminal: the built console writes through the output layer (term/output), so a
 * clock tick costs the bytes of the cells that changed, not Ink's whole frame; what xterm shows after
 * those small writes equals what a full repaint shows; `--no-color`/NO_COLOR send no colour code at
 * all and keep highlights in inverse video; `--fps` is validated.
 */
import {execFile} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {bin, consoleEnv, PtyConsole} from './pty-console.js';

const ipRow = /\d+\.\d+\.\d+\.\d+\s+(threat|crawler|regular)\s+\S+/;
const devCountdown = /DEV (\d+:\d\d:\d\d)/;

let running: PtyConsole[] = [];
afterEach(() => {
	for (const app of running) app.kill();
	running = [];
});

function start(args: string[], cols: number, rows: number, env = consoleEnv()): PtyConsole {
	const app = new PtyConsole(args, {cols, rows}, env);
	running.push(app);
	return app;
}

async function parsed(app: PtyConsole): Promise<void> {
	await new Promise<void>(resolve => app.term.write('', resolve));
}

/** Every cell as xterm holds it: character and attributes, one string per row. */
function cells(app: PtyConsole): string[] {
	const buffer = app.term.buffer.active;
	const rows: string[] = [];
	const cell = buffer.getNullCell();
	for (let y = 0; y < app.term.rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		let row = '';
		for (let x = 0; x < app.term.cols; x++) {
			line?.getCell(x, cell);
			const attributes = [cell.getFgColorMode(), cell.getFgColor(), cell.getBgColorMode(), cell.getBgColor(), cell.isBold(), cell.isDim(), cell.isInverse(), cell.isUnderline(), cell.isItalic()].map(Number).join('.');
			row += `${cell.getChars() || ' '}{${attributes}}`;
		}
		rows.push(row);
	}
	return rows;
}

/** SGR sequences in `raw` that set or reset a colour (30–39, 40–49, 90–97, 100–107, 38;…, 48;…). */
function colourSequences(raw: string): string[] {
	const found: string[] = [];
	for (const match of raw.matchAll(/\u001b\[([0-9;:]*)m/g)) {
		const codes = match[1].split(/[;:]/).map(Number);
		if (codes.some(code => (code >= 30 && code <= 49) || (code >= 90 && code <= 97) || (code >= 100 && code <= 107))) found.push(JSON.stringify(match[0]));
	}
	return found;
}

/** Dashboard up, polling paused (so only the clock moves), dev mode counting down in the header. */
async function settledWithCountdown(app: PtyConsole): Promise<void> {
	await app.waitFor(text => ipRow.test(text) && /[┤┼]/.test(text) && /data \S+ old/.test(text) && !/polling…/.test(text), 'the dashboard, settled');
	app.press('d');
	await app.waitFor(text => devCountdown.test(text) || /\(y\)/.test(text), 'dev mode on, or its confirmation');
	if (!devCountdown.test(app.screen())) app.press('y');
	await app.waitFor(text => devCountdown.test(text) && !/polling…/.test(text), 'the dev-mode countdown');
	app.press('p');
	await app.waitFor(text => /paused/.test(text), 'polling paused');
}

describe('the output layer in a real terminal', () => {
	it('a countdown tick writes a few dozen bytes, and xterm holds the same screen as a full repaint', async () => {
		const app = start(['--demo'], 80, 24);
		await settledWithCountdown(app);

		// One tick of the countdown, from one value to the next: the bytes the terminal received for it.
		const from = devCountdown.exec(await app.waitFor(text => devCountdown.test(text), 'a countdown'))?.[1];
		await app.waitFor(text => devCountdown.exec(text)?.[1] !== from, 'the countdown to tick');
		// The smallest of three ticks: a poll's figures (calls left, the data's age) may change in the
		// same second as one of them, and those bytes are not the tick's.
		let tickBytes = Number.POSITIVE_INFINITY;
		for (let tick = 0; tick < 3; tick++) {
			const tickStart = app.raw.length;
			const shown = devCountdown.exec(app.screen())?.[1];
			await app.waitFor(text => devCountdown.exec(text)?.[1] !== shown, 'the next tick');
			await parsed(app);
			tickBytes = Math.min(tickBytes, Buffer.byteLength(app.raw.slice(tickStart)));
		}

		// A forced full repaint (SIGCONT: resumed after a stop) rewrites every cell: about Ink's frame size.
		// What xterm held before it, built from small diffs, must equal what it holds after. The countdown
		// may tick in between (then the screens differ for that reason): try again, up to three times.
		let repaintBytes = 0;
		let compared = false;
		for (let attempt = 0; attempt < 3 && !compared; attempt++) {
			await parsed(app);
			const before = cells(app);
			const beforeText = app.screen();
			const repaintStart = app.raw.length;
			process.kill(app.process.pid, 'SIGCONT');
			await app.waitFor(() => app.raw.slice(repaintStart).includes('\u001b[H\u001b[2J'), 'the full repaint');
			await new Promise(resolve => setTimeout(resolve, 100));
			await parsed(app);
			const after = cells(app);
			const written = app.raw.slice(repaintStart);
			// The same text (no tick in between): the screens must be equal, cell by cell, attributes too.
			if (app.screen() !== beforeText) continue;
			repaintBytes = Buffer.byteLength(written);
			expect(after).toEqual(before);
			compared = true;
		}
		expect(compared).toBe(true);
		console.log(`output layer e2e: a countdown tick ${tickBytes} B; a full repaint ${repaintBytes} B`);

		// The changed cells only: a few dozen bytes against a frame of well over a thousand.
		expect(repaintBytes).toBeGreaterThan(1000);
		expect(tickBytes).toBeGreaterThan(0);
		expect(tickBytes).toBeLessThan(80);
		expect(tickBytes * 20).toBeLessThan(repaintBytes);
		expect(app.exitCode).toBeUndefined();
		app.press('q');
		expect(await app.exited).toBe(0);
	});

	for (const [label, args, extra] of [
		['--no-color', ['--demo', '--no-color'], {}],
		['NO_COLOR=1', ['--demo'], {NO_COLOR: '1'}],
	] as const) {
		it(`${label}: no colour code in the output; the highlight and the badges are inverse video`, async () => {
			const app = start([...args], 100, 30, consoleEnv(extra));
			await app.waitFor(text => ipRow.test(text) && /[┤┼]/.test(text) && /DEMO/.test(text), 'the dashboard');
			app.press('j');
			app.press('?');
			await app.waitFor(text => text.includes('Keys (Esc closes)'), 'the help overlay (bordered, coloured otherwise)');
			app.press('\u001b');
			await app.waitFor(text => !text.includes('Keys (Esc closes)') && ipRow.test(text), 'help closed');
			await parsed(app);
			const lines = app.lines();
			const buffer = app.term.buffer.active;
			const inverseAt = (y: number, x: number) => (buffer.getLine(buffer.viewportY + y)?.getCell(x)?.isInverse() ?? 0) !== 0;
			const highlighted = lines.findIndex(line => /› \d/.test(line));
			expect(highlighted).toBeGreaterThanOrEqual(0);
			expect(inverseAt(highlighted, lines[highlighted].indexOf('›') + 2)).toBe(true);
			const badgeRow = lines.findIndex(line => line.includes(' DEMO '));
			expect(inverseAt(badgeRow, lines[badgeRow].indexOf(' DEMO ') + 1)).toBe(true);
			app.press('q');
			expect(await app.exited).toBe(0);
			expect(colourSequences(app.raw)).toEqual([]);
		});
	}

	it('with colours (the default), the same session does send colour codes', async () => {
		const app = start(['--demo'], 100, 30);
		await app.waitFor(text => ipRow.test(text) && /DEMO/.test(text), 'the dashboard');
		app.press('q');
		expect(await app.exited).toBe(0);
		expect(colourSequences(app.raw).length).toBeGreaterThan(0);
	});

	it('--fps outside 1..120 is refused with exit code 2 and says why', async () => {
		for (const value of ['0', '121', 'fast']) {
			const result = await new Promise<{code: number | null; stderr: string}>(resolve => {
				const child = execFile(process.execPath, [bin, '--demo', '--fps', value], {env: consoleEnv()}, (_error, _stdout, stderr) => resolve({code: child.exitCode, stderr}));
			});
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/--fps (must be between 1 and 120|needs a whole number)/);
		}
	});
});
