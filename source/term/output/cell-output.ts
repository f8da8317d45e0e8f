/**
 * The output layer between Ink and the terminal. Ink 6 repaints its whole frame on every change
 * (log-update: eraseLines + the full frame, ~2.4 KB at 80x24 for one changed digit) and its
 * `incrementalRendering` is broken in 6.7–6.8 (writes changed lines one row too low; fixed only in
 * Ink 7, which needs Node 22). So Ink writes into a stream of ours; we interpret its bytes into a
 * virtual screen and send the real terminal only the cells that changed.
 */
import {EventEmitter} from 'node:events';
import {type Clock, RealClock, type TimerId} from '../../lib/clock.js';
import {CellGrid} from './cell-grid.js';
import {diffScreens, type TerminalState} from './diff.js';
import {InkTerminal} from './interpreter.js';
import {StyleTable} from './style.js';
import {moveCursor} from './cursor.js';

/** The part of a terminal stream this layer uses; `process.stdout` is one. */
export interface TerminalStream {
	write(chunk: string): boolean;
	columns?: number;
	rows?: number;
	isTTY?: boolean;
	on(event: 'resize', listener: () => void): unknown;
	off(event: 'resize', listener: () => void): unknown;
}

/** Options of {@link createCellOutput}. */
export interface CellOutputOptions {
	/** At most this many writes per second (`--fps`); the latest frame is always drawn eventually. 0 or unset: no cap. */
	fpsCap?: number;
	/** Time source for the fps cap; tests pass a FakeClock. */
	clock?: Clock;
	/** Wrap writes longer than this in synchronized-output markers (DEC mode 2026) to avoid tearing; 0 disables. Default 512. */
	synchronizeAbove?: number;
	/** Drop every colour; background colours become inverse video (`--no-color`, NO_COLOR). */
	monochrome?: boolean;
}

/** Counters of what the layer has done, for the bench and for diagnostics. */
export interface CellOutputStats {
	/** Bytes sent to the real terminal. */
	bytesWritten: number;
	/** Writes made to the real terminal (frames that changed something). */
	framesWritten: number;
	/** Bytes Ink wrote to us: what it would have sent the terminal without this layer. */
	inkBytes: number;
	fullRepaints: number;
	/** Escape sequences we did not understand; each forced a full repaint. */
	unknownSequences: number;
}

/** A running output layer. Pass `stream` to Ink's `render(tree, {stdout: stream})`. */
export interface CellOutput {
	/** The stdout-like stream for Ink: columns/rows/isTTY and 'resize' come from the real terminal. */
	readonly stream: NodeJS.WriteStream;
	readonly bytesWritten: number;
	readonly framesWritten: number;
	readonly stats: Readonly<CellOutputStats>;
	/**
	 * Forgets what the terminal shows (cells, cursor, style, cursor visibility) and repaints the whole
	 * screen at the next write: after something else drew on it (a `wall` message, Ctrl-L), or after a
	 * stop (SIGCONT).
	 */
	repaint(): void;
	/** Writes pending changes now, ignoring the fps cap. */
	flush(): void;
	/** Writes what is pending, restores the default style and the cursor, and detaches from the terminal. */
	dispose(): void;
}

const hideCursor = '\u001B[?25l';
const showCursor = '\u001B[?25h';
const beginSync = '\u001B[?2026h';
const endSync = '\u001B[?2026l';

/**
 * Creates the output layer writing to `real` (usually `process.stdout`, already in the alternate
 * screen). The layer owns the screen: it paints from the top-left, treats Ink's output as the whole
 * screen, and tracks what the terminal shows. Anything else written to `real` must be followed by
 * `repaint()`.
 */
export function createCellOutput(real: TerminalStream, options: CellOutputOptions = {}): CellOutput {
	const clock = options.clock ?? new RealClock();
	const fpsCap = options.fpsCap ?? 0;
	const synchronizeAbove = options.synchronizeAbove ?? 512;
	const size = () => ({cols: Math.max(1, real.columns || 80), rows: Math.max(1, real.rows || 24)});
	const styles = new StyleTable(options.monochrome === true);
	const initial = size();
	const ink = new InkTerminal(styles, initial.cols, initial.rows);
	const shown = new CellGrid(initial.cols, initial.rows);
	const state: TerminalState = {x: -1, y: -1, pen: -1};
	const stats: CellOutputStats = {bytesWritten: 0, framesWritten: 0, inkBytes: 0, fullRepaints: 0, unknownSequences: 0};
	const decoder = new TextDecoder();
	let started = false;
	let cursorShown = true;
	// False after repaint(): the terminal's cursor visibility is unknown, so it is written whichever it is.
	let cursorKnown = true;
	let dirty = false;
	let repaintPending = true;
	let disposed = false;
	let timer: TimerId | undefined;
	let microtaskQueued = false;
	// The fps cap is a token bucket holding at most two frames: on average `fpsCap` writes a second,
	// but a frame that follows another closely (a key pressed just after a poll's frame) is not held
	// back for a whole frame interval.
	const burst = 2;
	let credit = burst;
	let creditAt = Number.NEGATIVE_INFINITY;
	const refill = (): void => {
		const now = clock.now();
		if (fpsCap > 0) credit = Math.min(burst, creditAt === Number.NEGATIVE_INFINITY ? burst : credit + ((now - creditAt) * fpsCap) / 1000);
		creditAt = now;
	};

	const emitter = new InkStream(() => size().cols, () => size().rows, real.isTTY === true, (text) => {
		if (disposed) return;
		stats.inkBytes += Buffer.byteLength(text);
		ink.write(text);
		dirty = true;
		schedule();
	}, decoder);

	const onResize = () => {
		const {cols, rows} = size();
		ink.resize(cols, rows);
		shown.resize(cols, rows);
		repaintPending = true;
		emitter.emit('resize');
		schedule();
	};
	real.on('resize', onResize);

	function schedule(): void {
		if (disposed || timer !== undefined || microtaskQueued) return;
		refill();
		const wait = fpsCap > 0 && credit < 1 ? ((1 - credit) * 1000) / fpsCap : 0;
		if (wait <= 0) {
			// Ink writes a frame in several synchronous writes (hide cursor, bsu, erase+frame, esu):
			// diffing once they are all in keeps each frame one write.
			microtaskQueued = true;
			queueMicrotask(() => {
				microtaskQueued = false;
				if (timer === undefined) flush();
			});
		} else {
			timer = clock.setTimeout(() => {
				timer = undefined;
				flush();
			}, wait);
		}
	}

	function flush(): void {
		if (timer !== undefined) {
			clock.clearTimeout(timer);
			timer = undefined;
		}
		if (disposed || (!dirty && !repaintPending)) return;
		dirty = false;
		stats.unknownSequences = ink.unknownSequences;
		const out: string[] = [];
		if (!started) {
			started = true;
			out.push(hideCursor);
			cursorShown = false;
		}
		if (ink.passThrough) {
			out.push(ink.passThrough);
			ink.passThrough = '';
			// A passed-on sequence might have moved the cursor: trust nothing relative.
			state.x = -1;
			state.y = -1;
		}
		if (repaintPending || ink.needsRepaint) {
			stats.fullRepaints++;
			repaintPending = false;
			ink.needsRepaint = false;
			out.push(styles.transition(state.pen, 0), '\u001B[H\u001B[2J');
			state.x = 0;
			state.y = 0;
			state.pen = 0;
			shown.resize(ink.grid.cols, ink.grid.rows);
			shown.fill(0, shown.cols * shown.rows, 0);
		}
		diffScreens(shown, ink.grid, styles, state, out);
		if (ink.cursorVisible) {
			// Ink shows the cursor only when a component placed it (useCursor) or on exit.
			out.push(moveCursor(state.x, state.y, ink.x, ink.y));
			state.x = ink.x;
			state.y = ink.y;
			if (!cursorShown || !cursorKnown) out.push(showCursor);
			cursorShown = true;
		} else if (cursorShown || !cursorKnown) {
			out.push(hideCursor);
			cursorShown = false;
		}
		cursorKnown = true;
		send(out.join(''));
	}

	function send(text: string): void {
		if (text === '') return;
		const wrapped = synchronizeAbove > 0 && text.length > synchronizeAbove ? beginSync + text + endSync : text;
		real.write(wrapped);
		stats.bytesWritten += Buffer.byteLength(wrapped);
		stats.framesWritten++;
		refill();
		credit -= 1;
	}

	return {
		stream: emitter as unknown as NodeJS.WriteStream,
		get bytesWritten() {
			return stats.bytesWritten;
		},
		get framesWritten() {
			return stats.framesWritten;
		},
		stats,
		repaint() {
			// Stray output may have moved the cursor, set a style or shown the cursor: assume nothing, so
			// the repaint resets the style and states the cursor's visibility again.
			state.x = -1;
			state.y = -1;
			state.pen = -1;
			cursorKnown = false;
			repaintPending = true;
			schedule();
		},
		flush,
		dispose() {
			if (disposed) return;
			flush();
			disposed = true;
			real.off('resize', onResize);
			const restore = (state.pen > 0 ? '\u001B[m' : '') + (cursorShown ? '' : showCursor);
			if (started && restore) {
				real.write(restore);
				stats.bytesWritten += restore.length;
			}
		},
	};
}

/**
 * What Ink sees as stdout. Ink reads `columns`, `rows` and `isTTY` (its fullscreen and synchronized
 * output checks), listens for 'resize' and calls `write(string)`; the cast to NodeJS.WriteStream in
 * createCellOutput is for Ink's option type, which names the whole interface.
 */
class InkStream extends EventEmitter {
	constructor(
		private readonly getColumns: () => number,
		private readonly getRows: () => number,
		readonly isTTY: boolean,
		private readonly receive: (text: string) => void,
		private readonly decoder: TextDecoder,
	) {
		super();
	}

	get columns(): number {
		return this.getColumns();
	}

	get rows(): number {
		return this.getRows();
	}

	write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
		const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, {stream: true});
		if (text !== '') this.receive(text);
		const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
		if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
		return true;
	}
}
