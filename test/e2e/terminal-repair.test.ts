/**
 * Terminal repair in a real pseudo-terminal: stray output written to the console's terminal (a `wall`
 * message) is wiped by Ctrl-L; Ctrl-Z stops the console with the terminal given back and `fg` brings
 * the dashboard back whole; a resize and a quit leave nothing of the console on the normal screen.
 * Every wait has a deadline, never a fixed sleep.
 */
import {closeSync, constants, openSync, readFileSync, readlinkSync, rmSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {bin, consoleEnv, PtyConsole} from './pty-console.js';
import {restoredTerminal} from './reliability-harness.js';

/** The console in a pty, straight or as the job of a shell script (`$0 "$@"` runs it). */
class RepairPty extends PtyConsole {
	readonly #home: string;
	readonly #script: string | undefined;

	constructor(args: string[], options: {cols: number; rows: number; script?: string}) {
		const env = consoleEnv();
		super(args, {cols: options.cols, rows: options.rows}, env, options.script ? {file: '/bin/sh', argv: ['-c', options.script, process.execPath, bin, ...args]} : undefined);
		this.#home = env.HOME;
		this.#script = options.script;
	}

	/** The node process running the console: the pty's own, or the shell's only child. */
	consolePid(): number {
		if (!this.#script) return this.process.pid;
		const children = readFileSync(`/proc/${this.process.pid}/task/${this.process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
		if (children.length !== 1) throw new Error(`expected one child of the shell, found ${children.length}`);
		return Number(children[0]);
	}

	/** Waits until the bytes from offset `from` on match. */
	async waitForRaw(pattern: RegExp, what: string, from = 0, timeoutMs = 15_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(this.raw.slice(from))) {
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the last bytes: ${JSON.stringify(this.raw.slice(-400))}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
		await new Promise<void>(resolve => this.term.write('', resolve));
	}

	/** Every line of the normal screen buffer, scrollback included, right-trimmed. */
	normalScreen(): string[] {
		const buffer = this.term.buffer.normal;
		const lines: string[] = [];
		for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
		return lines;
	}

	dispose(): void {
		if (this.exitCode === undefined) {
			try {
				if (this.#script) process.kill(this.consolePid(), 'SIGKILL');
			} catch {
				// No console child (not started yet, or already gone).
			}
			this.process.kill('SIGKILL');
		}
		if (this.#home.startsWith(join(tmpdir(), 'flarewatch-e2e-'))) rmSync(this.#home, {recursive: true, force: true});
	}
}

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function start(args: string[], options: {cols: number; rows: number; script?: string}): RepairPty {
	const app = new RepairPty(args, options);
	cleanups.push(() => app.dispose());
	return app;
}

const dashboard = (text: string): boolean => /^example\.com\b/.test(text) && /calls left \/ hour/.test(text) && /data \S+ old/.test(text);

/** The frame's rows with every number masked: ages tick, the layout and the words must not move. */
function layout(screen: string): string[] {
	return screen.split('\n').map(row => row.replace(/\d+/g, '#').trimEnd());
}

/** What a `wall` broadcast does: text at the cursor, a colour left on, newlines that scroll the screen. */
const wall = '\r\n\u001B[31mBroadcast message from root@bastion (pts/3):\r\n\r\nThe system is going down for reboot NOW!\r\n\n\n\n\n';

/** Writes to the console's terminal from outside it, as `wall` does: the slave side of its pty. */
function writeToTerminalOf(pid: number, text: string): void {
	const fd = openSync(readlinkSync(`/proc/${pid}/fd/1`), constants.O_WRONLY | constants.O_NOCTTY);
	try {
		writeSync(fd, text);
	} finally {
		closeSync(fd);
	}
}

/** Which dialog button is drawn in inverse video (the focus). */
function focused(app: RepairPty): string | undefined {
	const buffer = app.term.buffer.active;
	const cell = buffer.getNullCell();
	for (let y = 0; y < app.term.rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		const text = line?.translateToString(true) ?? '';
		for (const label of ['Cancel', 'Confirm']) {
			const x = text.indexOf(`${label} (`);
			if (x < 0) continue;
			line?.getCell(x, cell);
			if (cell.isInverse()) return label;
		}
	}
	return undefined;
}

describe('Ctrl-L', () => {
	it('after stray output on the terminal, redraws the exact dashboard; in the palette and a confirmation it is no key', async () => {
		const app = start(['--demo'], {cols: 100, rows: 30});
		await app.waitFor(dashboard, 'the dashboard', 25_000);
		// Paused, nothing polls: only the ages move, and they are masked.
		app.press('p');
		await app.waitFor(text => /paused/i.test(text), 'polling paused');
		const before = layout(await app.waitFor(dashboard, 'the paused dashboard'));

		writeToTerminalOf(app.process.pid, wall);
		const corrupted = await app.waitFor(text => text.includes('going down for reboot'), 'the broadcast on screen');
		expect(layout(corrupted)).not.toEqual(before);
		const repaintStart = app.raw.length;
		app.press('\f');
		await app.waitFor(text => !text.includes('Broadcast') && !text.includes('reboot') && layout(text).join('\n') === before.join('\n'), 'the dashboard redrawn', 10_000);
		expect(app.raw.slice(repaintStart)).toContain('\u001B[H\u001B[2J');
		// The style the broadcast left on (red) was reset: no cell of the header is red now.
		const header = app.term.buffer.active.getLine(app.term.buffer.active.viewportY);
		const cell = app.term.buffer.active.getNullCell();
		header?.getCell(0, cell);
		expect(cell.isFgPalette() && cell.getFgColor() === 1).toBe(false);

		// In the palette: junk again, Ctrl-L in the middle of a word; the word is intact, the screen clean.
		app.press(':se');
		await app.waitFor(text => /:se\b/.test(text), 'the palette with ":se"');
		writeToTerminalOf(app.process.pid, wall);
		await app.waitFor(text => text.includes('going down for reboot'), 'the broadcast over the palette');
		app.press('\f');
		app.press('c');
		const palette = await app.waitFor(text => /:sec\b/.test(text) && !text.includes('reboot'), 'the palette redrawn with ":sec"');
		expect(palette).not.toMatch(/:se\S*l/);
		app.press('\u001B');
		await app.waitFor(text => !/:sec\b/.test(text), 'the palette closed');

		// In a confirmation, Ctrl-L reaching the app would read as `l` and move the focus to Confirm.
		app.press('c');
		await app.waitFor(text => text.includes('Change the cache level?'), 'the confirmation');
		expect(focused(app)).toBe('Cancel');
		const redrawStart = app.raw.length;
		app.press('\f');
		await app.waitForRaw(/\u001B\[H\u001B\[2J[\s\S]*Confirm \(y\)/, 'the confirmation redrawn', redrawStart);
		expect(focused(app)).toBe('Cancel');
		app.press('\u001B');
		await app.waitFor(text => !text.includes('Change the cache level?'), 'the confirmation cancelled');
		expect(app.exitCode).toBeUndefined();
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);
});

describe('Ctrl-Z', () => {
	it('stops the console with the terminal given back; fg brings the dashboard back whole and keys work', async () => {
		// A shell with job control (set -m), as at a prompt: it regains the terminal when the job stops,
		// reports the terminal's modes, waits for a line, then resumes the job with fg (SIGCONT).
		const script = 'set -m; echo BEFORE-CONSOLE; "$0" "$@"; echo "STOPPED:$?"; stty -a; echo STTY-DONE; read answer; fg; echo "EXIT:$?"';
		const app = start(['--demo'], {cols: 100, rows: 30, script});
		await app.waitFor(dashboard, 'the dashboard', 25_000);
		const pid = app.consolePid();

		app.press('\u001A');
		await app.waitForRaw(/STTY-DONE/, 'the shell to see the console stop');
		expect(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0]).toBe('T');
		// 148 = 128 + SIGTSTP: stopped by the signal, not ended.
		expect(app.raw).toContain('STOPPED:148');
		const atStop = app.raw.slice(0, app.raw.indexOf('STOPPED:'));
		expect(restoredTerminal(atStop)).toEqual({enteredAlternateScreen: true, leftAlternateScreen: true, cursorShown: true});
		expect(app.term.buffer.active.type).toBe('normal');
		const stty = app.raw.slice(app.raw.indexOf('STOPPED:'), app.raw.indexOf('STTY-DONE'));
		expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
		expect(stty).toMatch(/(^|\s)echo(\s|$)/);
		// The normal screen holds the shell's lines only, nothing of the console's frame.
		expect(app.normalScreen().join('\n')).not.toMatch(/calls left|example\.com|data \S+ old/);

		const resumeStart = app.raw.length;
		app.press('\r');
		await app.waitFor(text => app.term.buffer.active.type === 'alternate' && dashboard(text), 'the dashboard after fg', 15_000);
		// fg entered the alternate screen anew (xterm clears it), so only a whole repaint shows every row.
		expect(app.raw.slice(resumeStart)).toContain('\u001B[H\u001B[2J');
		expect(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0]).not.toBe('T');
		// Raw mode is back: Tab arrives alone (in cooked mode it would wait for a newline).
		app.press('\t');
		await app.waitFor(text => !/visitors/.test(text), 'the DNS view after Tab');
		app.press('q');
		await app.waitForRaw(/EXIT:0/, 'the console to quit after fg');
		expect(await app.exited).toBe(0);
	}, 60_000);
});

describe('Ctrl-Z without job control', () => {
	it('comes straight back, drawn whole: the kernel discards the stop of an orphaned process group', async () => {
		// Spawned straight into the pty, the console leads its own session: no shell could ever resume it.
		const app = start(['--demo'], {cols: 100, rows: 30});
		await app.waitFor(dashboard, 'the dashboard', 25_000);
		const suspendStart = app.raw.length;
		app.press('\u001A');
		await app.waitForRaw(/\u001B\[\?1049l[\s\S]*\u001B\[\?1049h[\s\S]*\u001B\[H\u001B\[2J/, 'the screen left, entered again and repainted', suspendStart);
		await app.waitFor(text => app.term.buffer.active.type === 'alternate' && dashboard(text), 'the dashboard back');
		app.press('\t');
		await app.waitFor(text => !/visitors/.test(text), 'the DNS view after Tab');
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);
});

describe('resize, then quit', () => {
	it('leaves nothing of the console on the normal screen', async () => {
		const app = start(['--demo'], {cols: 100, rows: 30, script: 'echo BEFORE-CONSOLE; "$0" "$@"; echo "EXIT:$?"'});
		await app.waitFor(dashboard, 'the dashboard', 25_000);
		for (const [cols, rows] of [[70, 20], [120, 36]] as const) {
			app.process.resize(cols, rows);
			app.term.resize(cols, rows);
			await app.waitFor(text => dashboard(text) && text.split('\n').some(row => row.length > 0 && /calls left \/ hour$/.test(row.trimEnd()) && row.trimEnd().length === cols), `the frame at ${cols}x${rows}`);
		}
		app.press('q');
		await app.waitForRaw(/EXIT:0/, 'the console to quit');
		expect(app.term.buffer.active.type).toBe('normal');
		expect(app.normalScreen().filter(line => line.trim() !== '')).toEqual(['BEFORE-CONSOLE', 'EXIT:0']);
	}, 60_000);
});
