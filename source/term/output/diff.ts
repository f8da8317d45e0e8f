/**
 * Turns the difference between the screen the terminal shows and the screen Ink wants into bytes:
 * per row, the changed runs, reached by the cheapest cursor move (or by rewriting a few unchanged
 * cells when that is shorter), with the fewest SGR changes, and a trailing "erase to end of line"
 * where cells became blank. O(cells) per frame; nothing is allocated per unchanged row.
 */
import type {CellGrid} from './cell-grid.js';
import {moveCursor} from './cursor.js';
import type {StyleTable} from './style.js';
import {isPlainNarrow} from './width.js';

/** What we know of the real terminal: cursor (-1 = unknown) and current SGR style (-1 = unknown). */
export interface TerminalState {
	x: number;
	y: number;
	pen: number;
}

const eraseToEnd = '\u001B[K';

function cellBytes(cluster: string): number {
	return cluster.length === 1 && cluster.charCodeAt(0) < 0x80 ? 1 : Buffer.byteLength(cluster);
}

/** A cell every terminal draws one column wide: ASCII, Latin-1, box drawing (borders, charts). */
function surelyNarrow(cluster: string): boolean {
	if (cluster.length !== 1) return false;
	const code = cluster.charCodeAt(0);
	return code < 0x7F || isPlainNarrow(code);
}

/**
 * Appends to `out` what turns `shown` into `wanted`, updates `shown` to match and `state` to where
 * the terminal is left. Both grids have the same size.
 */
export function diffScreens(shown: CellGrid, wanted: CellGrid, styles: StyleTable, state: TerminalState, out: string[]): void {
	const {cols, rows} = wanted;
	const wc = wanted.chars;
	const ww = wanted.widths;
	const ws = wanted.styles;
	const sc = shown.chars;
	const sw = shown.widths;
	const ss = shown.styles;
	const changed = (index: number): boolean => wc[index] !== sc[index] || ws[index] !== ss[index] || ww[index] !== sw[index];

	for (let y = 0; y < rows; y++) {
		const start = y * cols;
		let first = -1;
		for (let x = 0; x < cols; x++) {
			if (changed(start + x)) {
				first = x;
				break;
			}
		}
		if (first === -1) continue;
		// Cells from `tail` on are all plain blanks in the wanted screen.
		let tail = cols;
		while (tail > 0 && wc[start + tail - 1] === ' ' && ws[start + tail - 1] === 0) tail--;

		let x = first;
		// A run never starts on the right half of a wide character.
		if (ww[start + x] === 0 && x > 0) x--;
		while (x < cols) {
			if (x >= tail) {
				emitTail(x, y, start, cols, changed, styles, state, out);
				break;
			}
			// Reach x: by a cursor move, or by rewriting the unchanged cells between (if shorter).
			if (state.y !== y || state.x !== x) {
				const move = moveCursor(state.x, state.y, x, y);
				const through = state.y === y && state.x >= 0 && state.x < x ? rewriteCost(state.x, x, start, wanted, styles, state.pen, move.length) : Infinity;
				if (through <= move.length) {
					for (let cx = state.x; cx < x; cx++) writeCell(cx, y, start, wanted, styles, state, out);
				} else {
					out.push(move);
					state.x = x;
					state.y = y;
				}
			}
			// Write the run of changed cells.
			do {
				if (ww[start + x] !== 0) writeCell(x, y, start, wanted, styles, state, out);
				x++;
			} while (x < tail && (changed(start + x) || ww[start + x] === 0));
			// Find the next changed cell in this row.
			while (x < cols && !changed(start + x)) x++;
			if (x < cols && ww[start + x] === 0) x--;
		}
		shown.copyRow(wanted, y);
	}
}

function writeCell(x: number, y: number, start: number, wanted: CellGrid, styles: StyleTable, state: TerminalState, out: string[]): void {
	const index = start + x;
	const style = wanted.styles[index];
	if (state.pen !== style) {
		out.push(styles.transition(state.pen, style));
		state.pen = style;
	}
	const cluster = wanted.chars[index];
	out.push(cluster);
	const width = wanted.widths[index];
	state.y = y;
	// After a wide or composed cluster the terminal's idea of its width may differ from ours (emoji
	// especially): stop trusting the column, so the next move is absolute. After the last column the
	// cursor is in the "pending wrap" state, where relative moves differ between terminals.
	state.x = x + width >= wanted.cols || !surelyNarrow(cluster) ? -1 : x + width;
}

/** Bytes needed to rewrite the unchanged cells [from, to) as they are, or Infinity if over `limit`. */
function rewriteCost(from: number, to: number, start: number, wanted: CellGrid, styles: StyleTable, pen: number, limit: number): number {
	let cost = 0;
	for (let x = from; x < to; x++) {
		const index = start + x;
		const cluster = wanted.chars[index];
		if (wanted.widths[index] !== 1 || !surelyNarrow(cluster)) return Infinity;
		const style = wanted.styles[index];
		if (style !== pen) {
			cost += styles.transition(pen, style).length;
			pen = style;
		}
		cost += cellBytes(cluster);
		if (cost > limit) return Infinity;
	}
	return cost;
}

/** Blanks the changed cells from x to the end of the row: spaces, or ESC[K when that is shorter. */
function emitTail(x: number, y: number, start: number, cols: number, changed: (index: number) => boolean, styles: StyleTable, state: TerminalState, out: string[]): void {
	let last = cols - 1;
	while (last >= x && !changed(start + last)) last--;
	if (last < x) return;
	const move = moveCursor(state.x, state.y, x, y);
	const reset = styles.transition(state.pen, 0);
	const spaces = last - x + 1;
	out.push(move, reset, spaces <= eraseToEnd.length ? ' '.repeat(spaces) : eraseToEnd);
	state.pen = 0;
	state.y = y;
	state.x = spaces <= eraseToEnd.length ? (x + spaces >= cols ? -1 : x + spaces) : x;
}
