/**
 * Terminal repair, without a terminal: the input filter that takes Ctrl-L and Ctrl-Z out before Ink
 * (pure split, the stream Ink reads, and real Ink 6.8 reading through it), the output layer's repaint
 * after stray output, and the alternate screen's suspend/resume.
 */
import {EventEmitter} from 'node:events';
import {createElement as h, useState} from 'react';
import {beforeAll, describe, expect, it} from 'vitest';
import {splitControlKeys, TerminalInput, type ControlKeyHandlers, type InputPiece} from '../../source/term/input.js';
import {AlternateScreen, enterAlternateScreen, leaveAlternateScreen, showCursor} from '../../source/term/screen.js';
import {FakeTty} from './fake-terminal.js';
import {InkHarness} from './harness.js';
import {loadInk, type InkModule} from './load-ink.js';

let ink: InkModule;
beforeAll(async () => {
	ink = await loadInk();
});

/** Pieces as short strings: data as its text, keys as <redraw> / <suspend>, a paste as [paste:text]. */
function describePieces(pieces: InputPiece[]): string[] {
	return pieces.map(piece => (piece.kind === 'data' ? piece.data.toString('utf8') : piece.kind === 'paste' ? `[paste:${piece.text}]` : `<${piece.key}>`));
}

describe('splitControlKeys', () => {
	it('returns a chunk without Ctrl-L or Ctrl-Z whole, the same buffer', () => {
		const chunk = Buffer.from('jk\u001B[A:sec high\r€');
		const pieces = splitControlKeys(chunk);
		expect(pieces).toHaveLength(1);
		expect(pieces[0]).toEqual({kind: 'data', data: chunk});
		expect(pieces[0].kind === 'data' && pieces[0].data === chunk).toBe(true);
	});

	it('takes Ctrl-L (0x0c) and Ctrl-Z (0x1a) out, in order with the bytes around them', () => {
		expect(describePieces(splitControlKeys(Buffer.from('a\fb\u001Ac')))).toEqual(['a', '<redraw>', 'b', '<suspend>', 'c']);
		expect(describePieces(splitControlKeys(Buffer.from('\f')))).toEqual(['<redraw>']);
		expect(describePieces(splitControlKeys(Buffer.from('\u001A\f\f')))).toEqual(['<suspend>', '<redraw>', '<redraw>']);
		expect(describePieces(splitControlKeys(Buffer.from('x\f')))).toEqual(['x', '<redraw>']);
		expect(splitControlKeys(Buffer.alloc(0))).toEqual([]);
	});

	it('leaves every other control byte, escape sequences and multi-byte characters alone', () => {
		const others = Buffer.from([0x03, 0x0B, 0x0D, 0x1B, 0x19, 0x1B, 0x5B, 0x42, 0x7F]);
		expect(splitControlKeys(others)).toEqual([{kind: 'data', data: others}]);
		// UTF-8 continuation bytes are ≥ 0x80: a character next to a control key survives intact.
		expect(describePieces(splitControlKeys(Buffer.from('é\f日本\u001A🙂')))).toEqual(['é', '<redraw>', '日本', '<suspend>', '🙂']);
	});
});

/** A stand-in for process.stdin: emits 'data' while resumed, records what is forwarded to it. */
class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	isRaw = false;
	paused = true;
	refs = 0;
	setRawMode(mode: boolean): this {
		this.isRaw = mode;
		return this;
	}
	ref(): this {
		this.refs++;
		return this;
	}
	unref(): this {
		this.refs--;
		return this;
	}
	pause(): this {
		this.paused = true;
		return this;
	}
	resume(): this {
		this.paused = false;
		return this;
	}
	type(text: string | Buffer): void {
		this.emit('data', typeof text === 'string' ? Buffer.from(text) : text);
	}
}

function tick(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}

/** Reads `stream` the way Ink 6.8's App does: utf8, on 'readable', read() until null. */
function readLikeInk(stream: TerminalInput): string[] {
	const received: string[] = [];
	stream.setEncoding('utf8');
	stream.on('readable', () => {
		let chunk: unknown;
		while ((chunk = stream.read()) !== null) received.push(String(chunk));
	});
	return received;
}

describe('TerminalInput', () => {
	it('gives the reader the bytes without the control keys and calls the handlers, the bytes before a key already queued', async () => {
		const stdin = new FakeStdin();
		const calls: string[] = [];
		const handlers: ControlKeyHandlers = {
			// What the reader has not read yet when the key is handled: the bytes typed before it.
			onRedraw: () => calls.push(`redraw after ${input.readableLength} B`),
			onSuspend: () => calls.push(`suspend after ${input.readableLength} B`),
		};
		const input = new TerminalInput(stdin, handlers);
		const received = readLikeInk(input);
		await tick();
		expect(stdin.listenerCount('data')).toBe(1);
		expect(stdin.paused).toBe(false);
		stdin.type(':se\fc\u001Ax');
		await tick();
		expect(received.join('')).toBe(':secx');
		expect(calls).toEqual(['redraw after 3 B', 'suspend after 4 B']);
	});

	it('decodes a character split across chunks, and forwards isTTY, raw mode and ref/unref to the terminal', async () => {
		const stdin = new FakeStdin();
		const input = new TerminalInput(stdin, {onRedraw: () => {}, onSuspend: () => {}});
		const received = readLikeInk(input);
		await tick();
		const euro = Buffer.from('€');
		stdin.type(euro.subarray(0, 1));
		stdin.type(Buffer.concat([euro.subarray(1), Buffer.from('\f')]));
		await tick();
		expect(received.join('')).toBe('€');
		expect(input.isTTY).toBe(true);
		input.setRawMode(true);
		expect(stdin.isRaw).toBe(true);
		expect(input.isRaw).toBe(true);
		input.ref();
		input.unref();
		input.unref();
		expect(stdin.refs).toBe(-1);
	});

	it('after dispose, stops listening, leaves the terminal paused and calls no handler', async () => {
		const stdin = new FakeStdin();
		let redraws = 0;
		const input = new TerminalInput(stdin, {onRedraw: () => redraws++, onSuspend: () => {}});
		readLikeInk(input);
		await tick();
		input.dispose();
		input.dispose();
		expect(stdin.listenerCount('data')).toBe(0);
		expect(stdin.paused).toBe(true);
		stdin.type('\f');
		expect(redraws).toBe(0);
	});

	it('feeds Ink 6.8: keys reach useInput, Ctrl-L and Ctrl-Z never do (not even as ctrl+l in a text field)', async () => {
		const stdin = new FakeStdin();
		const keys: string[] = [];
		const handled: string[] = [];
		const input = new TerminalInput(stdin, {onRedraw: () => handled.push('redraw'), onSuspend: () => handled.push('suspend')});
		function Field() {
			const [text, setText] = useState('');
			ink.useInput((typed, key) => {
				keys.push(`${key.ctrl ? 'ctrl+' : ''}${typed}`);
				setText(current => current + typed);
			});
			return h(ink.Text, null, `:${text}`);
		}
		const tty = new FakeTty(40, 5);
		const instance = ink.render(h(Field), {stdout: tty as unknown as NodeJS.WriteStream, stdin: input as unknown as NodeJS.ReadStream, patchConsole: false, exitOnCtrlC: false});
		const deadline = Date.now() + 5_000;
		while (stdin.listenerCount('data') === 0 && Date.now() < deadline) await tick();
		expect(stdin.isRaw).toBe(true);
		// One key at a time, as typed: Ink hands whatever it reads at once to useInput as one input.
		for (const [index, typed] of ['s', 'e\f', '\u001Ac'].entries()) {
			stdin.type(typed);
			while (keys.length <= index && Date.now() < deadline) await tick();
		}
		expect(keys).toEqual(['s', 'e', 'c']);
		expect(handled).toEqual(['redraw', 'suspend']);
		instance.unmount();
		input.dispose();
		expect(stdin.isRaw).toBe(false);
	});
});

describe('output layer repaint() after stray output', () => {
	it('resets the style, clears, redraws every cell and states the cursor visibility again', async () => {
		const harness = new InkHarness(undefined, 30, 6);
		await harness.raw('\u001B[1mtitle\u001B[22m\nalpha \u001B[31mred\u001B[39m\nbeta\n');
		expect(harness.difference()).toBeUndefined();
		// A `wall` message: a colour left on, the cursor moved and shown, rows scrolled.
		await harness.mine.write('\u001B[5;3H\u001B[32;44m\u001B[?25hBroadcast message from root\r\n\n\n');
		expect(harness.difference()).toBeDefined();
		harness.output.repaint();
		const {mine} = await harness.raw('');
		expect(mine.startsWith('\u001B[m')).toBe(true);
		expect(mine).toContain('\u001B[H\u001B[2J');
		expect(mine).toContain('\u001B[?25l');
		// Written on top of whatever the junk left: the screen is Ink's again, cell by cell, styles too.
		expect(harness.difference()).toBeUndefined();
		expect(harness.output.stats.fullRepaints).toBe(2);
		await harness.dispose();
	});
});

describe('alternate screen suspend', () => {
	it('suspend() gives the terminal back (style reset, cursor shown, normal screen, cooked) and resume() takes it again', () => {
		const stdout = new FakeTty(80, 24);
		const modes: boolean[] = [];
		const screen = new AlternateScreen(stdout, {isTTY: true, setRawMode: mode => modes.push(mode)});
		screen.suspend();
		expect(stdout.take()).toBe('');
		screen.enter();
		stdout.take();
		screen.suspend();
		expect(stdout.take()).toBe(`\u001B[m${showCursor}${leaveAlternateScreen}`);
		expect(modes.at(-1)).toBe(false);
		expect(screen.active).toBe(true);
		screen.resume();
		expect(stdout.take()).toBe(enterAlternateScreen);
		expect(modes.at(-1)).toBe(true);
		screen.leave();
		expect(stdout.take()).toBe(showCursor + leaveAlternateScreen);
		expect(modes.at(-1)).toBe(false);
	});
});
