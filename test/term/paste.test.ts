/**
 * Bracketed paste in the input filter: the parser that takes `ESC[200~ … ESC[201~` out of the input
 * (markers split across chunks, nested and stray markers, escape sequences and line breaks inside), the
 * stream Ink reads (a paste never reaches it, in order with the keys around it), and the screen turning
 * the mode on and off with the terminal.
 */
import {EventEmitter} from 'node:events';
import {createElement as h} from 'react';
import {describe, expect, it} from 'vitest';
import {maxPasteBytes, PasteChannel, PasteParser, TerminalInput, type PastePiece} from '../../source/term/input.js';
import {AlternateScreen, bracketedPasteOff, bracketedPasteOn, enterAlternateScreen, leaveAlternateScreen, showCursor} from '../../source/term/screen.js';
import {FakeTty} from './fake-terminal.js';
import {loadInk} from './load-ink.js';

const start = '\u001B[200~';
const end = '\u001B[201~';

/** Pieces as strings, typed bytes next to each other joined (how they were cut does not matter to Ink). */
function describe_(pieces: PastePiece[]): string[] {
	const out: string[] = [];
	for (const piece of pieces) {
		const text = piece.kind === 'data' ? piece.data.toString('utf8') : `[paste:${piece.text}]`;
		if (piece.kind === 'data' && out.length > 0 && !out.at(-1)?.startsWith('[paste:')) out[out.length - 1] += text;
		else out.push(text);
	}
	return out;
}

function parse(...chunks: Array<string | Buffer>): {pieces: string[]; parser: PasteParser} {
	const parser = new PasteParser();
	const pieces: PastePiece[] = [];
	for (const chunk of chunks) pieces.push(...parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
	return {pieces: describe_(pieces), parser};
}

describe('PasteParser', () => {
	it('takes a paste out whole, typed bytes around it left as they are, the same buffer when there is none', () => {
		expect(parse(`a${start}Ly${end}b`).pieces).toEqual(['a', '[paste:Ly]', 'b']);
		expect(parse(`${start}${end}`).pieces).toEqual(['[paste:]']);
		const typed = Buffer.from('jk\u001B[A:sec high\r\u001B[20~€');
		const pieces = new PasteParser().push(typed);
		expect(pieces).toHaveLength(1);
		expect(pieces[0].kind === 'data' && pieces[0].data === typed).toBe(true);
	});

	it('keeps escape sequences, line breaks and control keys inside a paste as its text, never as keys', () => {
		const inside = '\u001B[31mred\u001B[0m\r\n\u001B[A:ban 1.2.3.4\ry\u001B\u0003\u001A\f\t';
		expect(parse(`${start}${inside}${end}`).pieces).toEqual([`[paste:${inside}]`]);
	});

	it('finds the markers split across chunks at every byte, and across three chunks', () => {
		const whole = Buffer.from(`x${start}hé\r\nworld${end}y`);
		for (let cut = 0; cut <= whole.length; cut++) {
			expect(parse(whole.subarray(0, cut), whole.subarray(cut)).pieces, `cut at ${cut}`).toEqual(['x', '[paste:hé\r\nworld]', 'y']);
			for (let second = cut; second <= whole.length; second += 3) {
				expect(parse(whole.subarray(0, cut), whole.subarray(cut, second), whole.subarray(second)).pieces, `cuts at ${cut}, ${second}`).toEqual(['x', '[paste:hé\r\nworld]', 'y']);
			}
		}
	});

	it('counts nested markers, so a paste ends at its own end marker; the markers are not text', () => {
		expect(parse(`${start}a${start}b${end}c${end}d`).pieces).toEqual(['[paste:abc]', 'd']);
	});

	it('makes the bytes before a stray end marker a paste: its start was lost, a person never types one', () => {
		expect(parse(`Ly${end}j`).pieces).toEqual(['[paste:Ly]', 'j']);
		expect(parse(`${start}a${end}${end}b`).pieces).toEqual(['[paste:a]', 'b']);
	});

	it('holds a trailing Esc or marker beginning until the next chunk or flush(); F9 (ESC[20~) is no marker', () => {
		const lone = parse('\u001B');
		expect(lone.pieces).toEqual([]);
		expect(lone.parser.holding).toBe(true);
		expect(describe_(lone.parser.flush())).toEqual(['\u001B']);
		expect(lone.parser.holding).toBe(false);
		expect(parse('\u001B', '[A').pieces).toEqual(['\u001B[A']);
		expect(parse('j\u001B[20', '0~p', end).pieces).toEqual(['j', '[paste:p]']);
		const f9 = parse('\u001B[20~');
		expect(f9.pieces).toEqual(['\u001B[20~']);
		expect(f9.parser.holding).toBe(false);
	});

	it('closes a paste whose end never came on flush(), as a paste; what follows is typed again', () => {
		const {pieces, parser} = parse(`${start}abc`, '\u001B[20');
		expect(pieces).toEqual([]);
		expect(parser.open).toBe(true);
		expect(parser.holding).toBe(false);
		expect(describe_(parser.flush())).toEqual(['[paste:abc\u001B[20]']);
		expect(parser.open).toBe(false);
		expect(describe_(parser.push(Buffer.from('j')))).toEqual(['j']);
	});

	it('keeps at most maxPasteBytes of one paste', () => {
		const parser = new PasteParser();
		const pieces: PastePiece[] = [...parser.push(Buffer.from(start)), ...parser.push(Buffer.alloc(maxPasteBytes, 'a')), ...parser.push(Buffer.from(`bbb${end}`))];
		expect(pieces).toHaveLength(1);
		expect(pieces[0].kind === 'paste' && pieces[0].text.length).toBe(maxPasteBytes);
		expect(pieces[0].kind === 'paste' && pieces[0].text.includes('b')).toBe(false);
	});
});

describe('PasteChannel', () => {
	it('hands each paste to the listeners subscribed at the time', () => {
		const channel = new PasteChannel();
		const heard: string[] = [];
		channel.emit('before');
		const unsubscribe = channel.subscribe(text => heard.push(text));
		channel.emit('one');
		unsubscribe();
		channel.emit('after');
		expect(heard).toEqual(['one']);
	});
});

/** A stand-in for process.stdin: emits 'data' while resumed. */
class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	isRaw = false;
	setRawMode(mode: boolean): this {
		this.isRaw = mode;
		return this;
	}
	ref(): this {
		return this;
	}
	unref(): this {
		return this;
	}
	pause(): this {
		return this;
	}
	resume(): this {
		return this;
	}
	type(text: string | Buffer): void {
		this.emit('data', typeof text === 'string' ? Buffer.from(text) : text);
	}
}

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** The filter read as Ink 6.8 reads it; `events` is the order of what the reader and the handlers got. */
async function filter(options: {markerWaitMs?: number; pasteIdleMs?: number} = {}) {
	const stdin = new FakeStdin();
	const events: string[] = [];
	const input = new TerminalInput(stdin, {onRedraw: () => events.push('<redraw>'), onSuspend: () => events.push('<suspend>'), onPaste: text => events.push(`[paste:${text}]`)}, options);
	input.setEncoding('utf8');
	input.on('readable', () => {
		let chunk: unknown;
		while ((chunk = input.read()) !== null) events.push(String(chunk));
	});
	await tick();
	return {stdin, input, events};
}

describe('TerminalInput with bracketed paste', () => {
	it('gives a paste to onPaste and none of it to the reader, after the keys before it and before those after', async () => {
		const {stdin, input, events} = await filter();
		stdin.type(`:${start}ban 1.2.3.4\ry\u001A${end}j\f`);
		for (let i = 0; i < 5; i++) await tick();
		// Ctrl-Z and Ctrl-L inside a paste are text; the Ctrl-L after it is a key again.
		expect(events).toEqual([':', '[paste:ban 1.2.3.4\ry\u001A]', '<redraw>', 'j']);
		input.dispose();
	});

	it('puts a paste together from chunks split inside its markers', async () => {
		const {stdin, input, events} = await filter();
		stdin.type('\u001B[20');
		stdin.type(`0~Ly\u001B[2`);
		stdin.type('01~');
		for (let i = 0; i < 3; i++) await tick();
		expect(events).toEqual(['[paste:Ly]']);
		input.dispose();
	});

	it('lets a lone Esc through after markerWaitMs, and closes a paste without an end after pasteIdleMs', async () => {
		const {stdin, input, events} = await filter({markerWaitMs: 5, pasteIdleMs: 40});
		stdin.type('\u001B');
		await tick();
		expect(events).toEqual([]);
		await sleep(30);
		expect(events).toEqual(['\u001B']);
		stdin.type(`${start}Ly`);
		await sleep(15);
		stdin.type('y');
		await sleep(15);
		expect(events).toEqual(['\u001B']);
		await sleep(60);
		expect(events).toEqual(['\u001B', '[paste:Lyy]']);
		stdin.type('j');
		await tick();
		expect(events.at(-1)).toBe('j');
		input.dispose();
	});
});

describe('Ink 6.8 behind the filter', () => {
	it('never sees a pasted key: useInput gets the keys around a paste, onPaste its text', async () => {
		const ink = await loadInk();
		const stdin = new FakeStdin();
		const keys: string[] = [];
		const pastes: string[] = [];
		const input = new TerminalInput(stdin, {onRedraw: () => {}, onSuspend: () => {}, onPaste: text => pastes.push(text)});
		function Keys() {
			ink.useInput((typed, key) => {
				keys.push(`${key.return ? '⏎' : ''}${typed}`);
			});
			return h(ink.Text, null, 'keys');
		}
		const instance = ink.render(h(Keys), {stdout: new FakeTty(40, 5) as unknown as NodeJS.WriteStream, stdin: input as unknown as NodeJS.ReadStream, patchConsole: false, exitOnCtrlC: false});
		const deadline = Date.now() + 5_000;
		while (stdin.listenerCount('data') === 0 && Date.now() < deadline) await tick();
		stdin.type(`:${start}L\u001B[Ay\r${end}`);
		stdin.type('j');
		while (keys.length < 2 && Date.now() < deadline) await sleep(5);
		await sleep(20);
		expect(keys).toEqual([':', 'j']);
		expect(pastes).toEqual(['L\u001B[Ay\r']);
		instance.unmount();
		input.dispose();
	});
});

describe('alternate screen with bracketed paste', () => {
	it('turns it on with the screen and after resume, off on leave (last) and on suspend', () => {
		const stdout = new FakeTty(80, 24);
		const screen = new AlternateScreen(stdout, {isTTY: true, setRawMode: () => {}}, {bracketedPaste: true});
		screen.enter();
		expect(stdout.take().endsWith(bracketedPasteOn)).toBe(true);
		screen.suspend();
		expect(stdout.take()).toBe(`\u001B[m${showCursor}${leaveAlternateScreen}${bracketedPasteOff}`);
		screen.resume();
		expect(stdout.take()).toBe(enterAlternateScreen + bracketedPasteOn);
		screen.leave();
		expect(stdout.take()).toBe(showCursor + leaveAlternateScreen + bracketedPasteOff);
		screen.leave();
		expect(stdout.take()).toBe('');
	});

	it('turns it off on every way out the guard hears (signal, crash, exit)', () => {
		for (const event of ['SIGTERM', 'SIGHUP', 'uncaughtException', 'exit']) {
			const stdout = new FakeTty(80, 24);
			const signals = new EventEmitter();
			const screen = new AlternateScreen(stdout, undefined, {bracketedPaste: true});
			screen.enter();
			screen.guard(signals, () => {});
			signals.emit(event, new Error('boom'));
			expect(stdout.take().endsWith(bracketedPasteOff), event).toBe(true);
			screen.unguard();
		}
	});

	it('leaves the mode alone unless asked (Ink would read the markers as keys)', () => {
		const stdout = new FakeTty(80, 24);
		const screen = new AlternateScreen(stdout);
		screen.enter();
		screen.suspend();
		screen.resume();
		screen.leave();
		expect(stdout.take()).not.toContain('2004');
	});
});
