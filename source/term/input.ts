/**
 * The terminal's input, filtered before Ink sees it. Some keys belong to the terminal, not to the app:
 * Ctrl-L (redraw the screen) and Ctrl-Z (suspend). In raw mode the kernel turns neither into anything,
 * so they arrive as bytes 0x0c and 0x1a; taken out here, they work the same in every mode (dashboard,
 * dialogs, palette, forms) and can never be typed into a field as `l` or `z` with ctrl.
 *
 * Ink 6.8 reads stdin through the 'readable' event and `stdin.read()` (build/components/App.js
 * handleReadable), after `setEncoding('utf8')`, `ref()` and `setRawMode(true)`; it reads `isTTY` to
 * decide whether raw mode is supported. {@link TerminalInput} is a Readable offering exactly that,
 * fed from the real stdin through {@link splitControlKeys}.
 */
import {Readable} from 'node:stream';

/** A key the terminal layer handles itself. */
export type ControlKey = 'redraw' | 'suspend';

/** A piece of input in arrival order: bytes for the app, or a key for the terminal layer. */
export type InputPiece = {kind: 'data'; data: Buffer} | {kind: 'key'; key: ControlKey};

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
export function splitControlKeys(chunk: Buffer): InputPiece[] {
	const pieces: InputPiece[] = [];
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

/** What the terminal layer does on its keys. */
export interface ControlKeyHandlers {
	onRedraw(): void;
	onSuspend(): void;
}

/**
 * The stdin handed to Ink: the source's bytes without the control keys, which call their handlers
 * instead, in order with the rest (keys typed before a Ctrl-Z are already queued for the app when the
 * process stops). A later stage (bracketed paste) belongs here too, as another split of the chunk.
 */
export class TerminalInput extends Readable {
	readonly #source: InputSource;
	readonly #handlers: ControlKeyHandlers;
	#attached = false;
	#disposed = false;

	constructor(source: InputSource, handlers: ControlKeyHandlers) {
		super();
		this.#source = source;
		this.#handlers = handlers;
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
		if (this.#attached) this.#source.off('data', this.#received);
		this.#attached = false;
		this.#source.pause();
		this.push(null);
	}

	readonly #received = (chunk: Buffer | string): void => {
		if (this.#disposed) return;
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		for (const piece of splitControlKeys(bytes)) {
			if (piece.kind === 'data') {
				if (!this.push(piece.data)) this.#source.pause();
			} else if (piece.key === 'redraw') {
				this.#handlers.onRedraw();
			} else {
				this.#handlers.onSuspend();
			}
			// A handler may end the console (a failed suspend): nothing more is for the app then.
			if (this.#disposed) return;
		}
	};
}
