/**
 * The terminal's input, filtered before Ink sees it. Some keys belong to the terminal, not to the app:
 * Ctrl-L (redraw the screen) and Ctrl-Z (suspend). In raw mode the kernel turns neither into anything,
 * so they arrive as bytes 0x0c and 0x1a; taken out here, they work the same in every mode (dashboard,
 * dialogs, palette, forms) and can never be typed into a field as `l` or `z` with ctrl.
 *
 * Ink 6.8 reads stdin through the 'readable' event and `stdin.read()` (build/components/App.js
 * handleReadable), after `setEncoding('utf8')`, `ref()` and `setRawMode(true)`; it reads `isTTY` to
 * decide whether raw mode is supported. {@link TerminalInput} is a Readable offering exactly that,
 * fed from the real stdin through {@link PasteParser} and {@link splitControlKeys}.
 *
 * Bracketed paste (the screen turns it on, screen.ts): the terminal wraps pasted text in `ESC[200~` …
 * `ESC[201~`. Without it every pasted character is a key, and a `y` in a paste would answer a
 * confirmation. The filter takes a paste out whole and hands its text to a callback, never to Ink.
 */
import {Readable} from 'node:stream';

/** A key the terminal layer handles itself. */
export type ControlKey = 'redraw' | 'suspend';

/** A piece of input in arrival order: bytes for the app, a key for the terminal layer, or pasted text. */
export type InputPiece = {kind: 'data'; data: Buffer} | {kind: 'key'; key: ControlKey} | {kind: 'paste'; text: string};

/** What {@link PasteParser} yields: bytes typed (for the next split), or a whole paste's text. */
export type PastePiece = Extract<InputPiece, {kind: 'data'} | {kind: 'paste'}>;

/** Ctrl-L and Ctrl-Z as raw mode delivers them. */
const controlKeys: ReadonlyMap<number, ControlKey> = new Map([
	[0x0C, 'redraw'],
	[0x1A, 'suspend'],
]);

/**
 * Splits a chunk of terminal input into the bytes for the app and the control keys, keeping their
 * order. Byte-wise is safe: UTF-8 continuation bytes are all ≥ 0x80, and no key sequence the console
 * enables (no mouse, no kitty protocol) carries these two C0 bytes inside it. A chunk without them
 * comes back whole, unsplit.
 */
export function splitControlKeys(chunk: Buffer): Array<Exclude<InputPiece, {kind: 'paste'}>> {
	const pieces: Array<Exclude<InputPiece, {kind: 'paste'}>> = [];
	let start = 0;
	for (let index = 0; index < chunk.length; index++) {
		const key = controlKeys.get(chunk[index]);
		if (key === undefined) continue;
		if (index > start) pieces.push({kind: 'data', data: chunk.subarray(start, index)});
		pieces.push({kind: 'key', key});
		start = index + 1;
	}
	if (start < chunk.length) pieces.push({kind: 'data', data: start === 0 ? chunk : chunk.subarray(start)});
	return pieces;
}

/** The markers a terminal in bracketed-paste mode puts around pasted text. */
export const pasteStartMarker = '\u001b[200~';
export const pasteEndMarker = '\u001b[201~';
const startBytes = Buffer.from(pasteStartMarker);
const endBytes = Buffer.from(pasteEndMarker);
const markerLength = startBytes.length;

/** The most of one paste kept (the rest is dropped): no text field takes more than a few hundred characters. */
export const maxPasteBytes = 64 * 1024;

/** Is `bytes` from `at` on the marker, a proper beginning of one (the chunk ended inside it), or neither? */
function markerAt(bytes: Buffer, at: number): 'start' | 'end' | 'partial' | undefined {
	const available = bytes.length - at;
	for (const [marker, name] of [
		[startBytes, 'start'],
		[endBytes, 'end'],
	] as const) {
		const length = Math.min(available, markerLength);
		if (bytes.compare(marker, 0, length, at, at + length) !== 0) continue;
		return length === markerLength ? name : 'partial';
	}
	return undefined;
}

/**
 * Takes pastes out of terminal input, chunk by chunk: a marker or a paste may be split anywhere across
 * chunks (a long paste over SSH arrives in many). Markers nested inside a paste (a terminal that does
 * not filter them out of the pasted text) are counted, so the paste ends at its own end marker; the
 * markers themselves are not part of the text. An end marker with no paste open (its start was lost, or
 * the paste was closed by {@link flush}) makes the bytes before it in the chunk a paste too: a person
 * typing never sends one, so those bytes were pasted.
 */
export class PasteParser {
	/** Depth of open start markers: 0 outside a paste. */
	#depth = 0;
	#parts: Buffer[] = [];
	#size = 0;
	/** The end of the last chunk when it may be the beginning of a marker; decided by the next chunk or {@link flush}. */
	#held: Buffer | undefined;

	/** True while a paste is being read (its end marker not yet seen). */
	get open(): boolean {
		return this.#depth > 0;
	}

	/** True outside a paste when the last chunk ended in what may be the start of a marker (or a lone Esc). */
	get holding(): boolean {
		return this.#depth === 0 && this.#held !== undefined;
	}

	push(chunk: Buffer): PastePiece[] {
		const bytes = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
		this.#held = undefined;
		const pieces: PastePiece[] = [];
		let start = 0;
		let index = bytes.indexOf(0x1B);
		while (index >= 0) {
			const marker = markerAt(bytes, index);
			if (marker === 'partial') {
				this.#held = Buffer.from(bytes.subarray(index));
				this.#segment(bytes.subarray(start, index), pieces, false);
				return pieces;
			}
			if (marker === undefined) {
				index = bytes.indexOf(0x1B, index + 1);
				continue;
			}
			this.#segment(bytes.subarray(start, index), pieces, marker === 'end' && this.#depth === 0);
			if (marker === 'start') {
				this.#depth++;
			} else if (this.#depth > 0 && --this.#depth === 0) {
				pieces.push(this.#take());
			}
			start = index + markerLength;
			index = bytes.indexOf(0x1B, start);
		}
		this.#segment(start === 0 ? bytes : bytes.subarray(start), pieces, false);
		return pieces;
	}

	/**
	 * Ends the wait for more: held bytes outside a paste go out as typed (a lone Esc was a key), and a
	 * paste whose end never came is closed with what it has, as a paste still.
	 */
	flush(): PastePiece[] {
		const held = this.#held;
		this.#held = undefined;
		if (this.#depth > 0) {
			if (held) this.#append(held);
			this.#depth = 0;
			return [this.#take()];
		}
		return held ? [{kind: 'data', data: held}] : [];
	}

	/** Bytes between markers: paste text while one is open (or `pasted`), else typed bytes. */
	#segment(bytes: Buffer, pieces: PastePiece[], pasted: boolean): void {
		if (bytes.length === 0) return;
		if (this.#depth > 0) this.#append(bytes);
		else if (pasted) pieces.push({kind: 'paste', text: bytes.toString('utf8')});
		else pieces.push({kind: 'data', data: bytes});
	}

	#append(bytes: Buffer): void {
		const room = maxPasteBytes - this.#size;
		if (room <= 0) return;
		// Copied: the source may reuse its buffer for the next chunk.
		const kept = Buffer.from(bytes.subarray(0, room));
		this.#parts.push(kept);
		this.#size += kept.length;
	}

	#take(): PastePiece {
		const text = Buffer.concat(this.#parts).toString('utf8');
		this.#parts = [];
		this.#size = 0;
		return {kind: 'paste', text};
	}
}

/** Hands pastes from the terminal layer to whoever listens (the App); `subscribe` returns the unsubscribe. */
export class PasteChannel {
	readonly #listeners = new Set<(text: string) => void>();

	emit(text: string): void {
		for (const listener of [...this.#listeners]) listener(text);
	}

	subscribe(listener: (text: string) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}
}

/** The slice of a TTY read stream the filter reads from and forwards to; `process.stdin` is one. */
export interface InputSource {
	readonly isTTY?: boolean;
	readonly isRaw?: boolean;
	setRawMode?(mode: boolean): unknown;
	ref?(): unknown;
	unref?(): unknown;
	pause(): unknown;
	resume(): unknown;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

/** What the terminal layer does on its keys, and with a paste. */
export interface ControlKeyHandlers {
	onRedraw(): void;
	onSuspend(): void;
	/** A bracketed paste's text, as the terminal sent it (control bytes and all). Without it a paste is dropped. */
	onPaste?(text: string): void;
}

/** Timing of {@link TerminalInput}; tests shorten it. */
export interface TerminalInputOptions {
	/**
	 * How long a chunk's trailing `ESC`, `ESC[`, `ESC[20`… waits for the rest of a paste marker before
	 * going to the app as typed (default 25 ms): an Esc key press comes that much later.
	 */
	markerWaitMs?: number;
	/**
	 * A paste whose end marker has not come after this long without input is closed with what it has,
	 * still as a paste (default 2 s): a lost end marker must not swallow the keyboard for good.
	 */
	pasteIdleMs?: number;
}

/**
 * The stdin handed to Ink: the source's bytes without pastes and control keys. The keys call their
 * handlers in order with the rest (keys typed before a Ctrl-Z are already queued for the app when the
 * process stops); a paste waits until Ink has read the bytes before it, so `:` then a paste in one
 * chunk opens the palette first.
 */
export class TerminalInput extends Readable {
	readonly #source: InputSource;
	readonly #handlers: ControlKeyHandlers;
	readonly #paste = new PasteParser();
	readonly #markerWaitMs: number;
	readonly #pasteIdleMs: number;
	#timer: NodeJS.Timeout | undefined;
	/** Pieces not delivered yet: those after a paste that waits for Ink to read what came before it. */
	#queue: InputPiece[] = [];
	#waiting = false;
	#deferred = false;
	#attached = false;
	#disposed = false;

	constructor(source: InputSource, handlers: ControlKeyHandlers, options: TerminalInputOptions = {}) {
		super();
		this.#source = source;
		this.#handlers = handlers;
		this.#markerWaitMs = options.markerWaitMs ?? 25;
		this.#pasteIdleMs = options.pasteIdleMs ?? 2000;
	}

	/** Ink's test for raw-mode support. */
	get isTTY(): boolean {
		return this.#source.isTTY === true;
	}

	get isRaw(): boolean {
		return this.#source.isRaw === true;
	}

	/** Raw mode is the terminal's, so it goes to the source. */
	setRawMode(mode: boolean): this {
		this.#source.setRawMode?.(mode);
		return this;
	}

	/** Ink refs stdin while it reads keys and unrefs it after, so the process can end: the source's handle. */
	ref(): this {
		this.#source.ref?.();
		return this;
	}

	unref(): this {
		this.#source.unref?.();
		return this;
	}

	/** Starts (or, after backpressure, resumes) reading the source once Ink asks for data. */
	override _read(): void {
		if (this.#disposed) return;
		if (!this.#attached) {
			this.#attached = true;
			this.#source.on('data', this.#received);
		}
		this.#source.resume();
	}

	/** Stops reading the source and ends this stream; the source is left paused. Safe to call twice. */
	dispose(): void {
		if (this.#disposed) return;
		this.#disposed = true;
		clearTimeout(this.#timer);
		this.#queue = [];
		if (this.#attached) this.#source.off('data', this.#received);
		this.#attached = false;
		this.#source.pause();
		this.push(null);
	}

	readonly #received = (chunk: Buffer | string): void => {
		if (this.#disposed) return;
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		this.#enqueue(this.#paste.push(bytes));
		this.#arm();
	};

	/** Waits for the rest of a marker, or of a paste, only as long as the options say. */
	#arm(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.#disposed || (!this.#paste.open && !this.#paste.holding)) return;
		this.#timer = setTimeout(
			() => {
				this.#timer = undefined;
				if (!this.#disposed) this.#enqueue(this.#paste.flush());
			},
			this.#paste.open ? this.#pasteIdleMs : this.#markerWaitMs,
		);
		// A pending wait never keeps the process alive by itself.
		this.#timer.unref?.();
	}

	#enqueue(pieces: PastePiece[]): void {
		for (const piece of pieces) {
			if (piece.kind === 'paste') this.#queue.push(piece);
			else this.#queue.push(...splitControlKeys(piece.data));
		}
		this.#drain();
	}

	#drain(): void {
		while (this.#queue.length > 0 && !this.#waiting && !this.#disposed) {
			const piece = this.#queue[0];
			if (piece.kind === 'paste' && this.readableLength > 0 && !this.#deferred) {
				// Ink reads on 'readable', emitted on the next tick: after it, the paste. Once only, so a
				// reader that stopped reading cannot hold pastes back for ever.
				this.#waiting = true;
				this.#deferred = true;
				setImmediate(() => {
					this.#waiting = false;
					this.#drain();
				});
				return;
			}
			this.#queue.shift();
			this.#deferred = false;
			this.#deliver(piece);
		}
	}

	#deliver(piece: InputPiece): void {
		if (piece.kind === 'data') {
			if (!this.push(piece.data)) this.#source.pause();
		} else if (piece.kind === 'paste') {
			this.#handlers.onPaste?.(piece.text);
		} else if (piece.key === 'redraw') {
			this.#handlers.onRedraw();
		} else {
			this.#handlers.onSuspend();
		}
		// A handler may end the console (a failed suspend): nothing more is for the app then, as #drain checks.
	}
}
