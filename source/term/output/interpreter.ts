/**
 * A small terminal that understands the escape subset Ink 6 writes (log-update's eraseLines, the
 * clearTerminal of a full-height frame, cursor hide/show and moves, synchronized-output markers, SGR)
 * and keeps the screen Ink meant to draw. Anything else is reported as unknown so the writer can
 * fall back to a full repaint instead of trusting a screen it may have got wrong.
 */
import {CellGrid} from './cell-grid.js';
import {StyleTable} from './style.js';
import {clusterWidth, clusters, isPlainNarrow} from './width.js';

/** Modes that do not touch the screen's cells, passed on to the real terminal as they are. */
const passThroughPrivateModes = new Set(['1', '1000', '1002', '1003', '1004', '1006', '1015', '2004', '12', '7']);

export class InkTerminal {
	readonly grid: CellGrid;
	x = 0;
	y = 0;
	/** After writing the last column: the next printable character wraps first. */
	private pendingWrap = false;
	pen = 0;
	/** The style cells get from the pen: the pen itself, or without colours in monochrome (StyleTable.shown). */
	private cellPen = 0;
	/** Starts hidden: the layer hides the real cursor first thing, and Ink hides it on its first frame anyway. */
	cursorVisible = false;
	/** Set when something was not understood or the screen was replaced: repaint everything. */
	needsRepaint = false;
	unknownSequences = 0;
	/** Sequences for the real terminal that are not screen content (mouse, paste, kitty keyboard, title). */
	passThrough = '';
	private saved = {x: 0, y: 0, pen: 0};
	/** The last token was `ESC[2K`: with `ESC[G` next, it ends Ink's eraseLines. */
	private erasedLine = false;
	private carry = '';

	constructor(readonly styles: StyleTable, cols: number, rows: number) {
		this.grid = new CellGrid(cols, rows);
	}

	resize(cols: number, rows: number): void {
		// Like xterm and most terminals when the screen loses rows: lines below the cursor go first,
		// then lines at the top, so the cursor stays on its line. Ink's next eraseLines counts up from
		// the cursor, so this keeps its frame where it expects it.
		const lost = this.y + 1 - rows;
		if (lost > 0) {
			this.grid.scrollUp(lost, 0);
			this.y -= lost;
			this.saved.y = Math.max(0, this.saved.y - lost);
		}
		this.grid.resize(cols, rows);
		this.x = Math.min(this.x, cols - 1);
		this.y = Math.min(this.y, rows - 1);
		this.pendingWrap = false;
	}

	write(input: string): void {
		const text = this.carry + input;
		this.carry = '';
		const length = text.length;
		let index = 0;
		while (index < length) {
			const code = text.charCodeAt(index);
			if (code >= 0x20 && code < 0x7F) {
				index = this.printAscii(text, index);
			} else if (code === 0x1B) {
				const next = this.escape(text, index);
				if (next < 0) {
					this.carry = text.slice(index);
					return;
				}
				index = next;
			} else if (code < 0x20 || code === 0x7F) {
				this.control(code);
				index++;
			} else if (isPlainNarrow(code)) {
				this.print(text[index], 1);
				index++;
			} else {
				// The slow path (grapheme segmentation) only for what may be wide or combine: it ends
				// where plain text resumes, since ASCII and box drawing never extend a cluster.
				let end = index + 1;
				while (end < length) {
					const c = text.charCodeAt(end);
					if (c < 0x7F || isPlainNarrow(c)) break;
					end++;
				}
				for (const cluster of clusters(text.slice(index, end))) this.print(cluster, clusterWidth(cluster));
				index = end;
			}
		}
	}

	/** The hot path (most of a frame): a run of printable ASCII, written straight into the grid. */
	private printAscii(text: string, start: number): number {
		const {grid} = this;
		this.erasedLine = false;
		const {cols} = grid;
		let index = start;
		for (; index < text.length; index++) {
			const code = text.charCodeAt(index);
			if (code < 0x20 || code >= 0x7F) break;
			if (this.pendingWrap) this.wrap();
			const cell = this.y * cols + this.x;
			if (grid.widths[cell] !== 1) {
				grid.put(this.x, this.y, text[index], 1, this.cellPen);
			} else {
				grid.chars[cell] = text[index];
				grid.styles[cell] = this.cellPen;
			}
			if (this.x === cols - 1) this.pendingWrap = true;
			else this.x++;
		}
		return index;
	}

	private print(cluster: string, width: number): void {
		const {grid} = this;
		this.erasedLine = false;
		if (width === 0) {
			grid.appendToPrevious(this.pendingWrap ? grid.cols : this.x, this.y, cluster);
			return;
		}
		if (this.pendingWrap) this.wrap();
		if (width === 2 && this.x === grid.cols - 1) {
			// A wide character does not fit in the last column: terminals leave it blank and wrap.
			grid.eraseInRow(this.y, this.x, grid.cols, this.styles.eraseStyle(this.pen));
			this.wrap();
		}
		grid.put(this.x, this.y, cluster, width, this.cellPen);
		this.x += width;
		if (this.x >= grid.cols) {
			this.x = grid.cols - 1;
			this.pendingWrap = true;
		}
	}

	private wrap(): void {
		this.x = 0;
		this.pendingWrap = false;
		this.lineFeed();
	}

	private lineFeed(): void {
		if (this.y === this.grid.rows - 1) this.grid.scrollUp(1, this.styles.eraseStyle(this.pen));
		else this.y++;
	}

	private control(code: number): void {
		this.erasedLine = false;
		if (code === 0x0A) {
			// Ink writes bare "\n" and relies on the tty's ONLCR to return the carriage.
			this.lineFeed();
			this.x = 0;
		} else if (code === 0x0D) {
			this.x = 0;
		} else if (code === 0x08) {
			if (this.x > 0) this.x--;
		} else if (code === 0x09) {
			this.x = Math.min(this.grid.cols - 1, (Math.floor(this.x / 8) + 1) * 8);
		} else {
			return; // BEL and other controls: no effect on the screen.
		}
		this.pendingWrap = false;
	}

	/** Handles the escape sequence at `start`; returns the index after it, or -1 if it is incomplete. */
	private escape(text: string, start: number): number {
		if (start + 1 >= text.length) return -1;
		const kind = text[start + 1];
		if (kind === '[') {
			let end = start + 2;
			while (end < text.length) {
				const c = text.charCodeAt(end);
				if (c >= 0x40 && c <= 0x7E) break;
				end++;
			}
			if (end >= text.length) return -1;
			this.csi(text.slice(start + 2, end), text[end], text.slice(start, end + 1));
			return end + 1;
		}
		if (kind === ']') {
			const bell = text.indexOf('\u0007', start);
			const st = text.indexOf('\u001B\\', start);
			const end = bell === -1 ? st : st === -1 ? bell : Math.min(bell, st);
			if (end === -1) return -1;
			const after = end === bell ? end + 1 : end + 2;
			const body = text.slice(start + 2, end);
			// Window titles are not cells; anything else (hyperlinks) we cannot keep per cell: repaint.
			if (/^[012];/.test(body)) this.passThrough += text.slice(start, after);
			else this.unknown();
			return after;
		}
		if (kind === '7') this.saved = {x: this.x, y: this.y, pen: this.pen};
		else if (kind === '8') {
			({x: this.x, y: this.y, pen: this.pen} = this.saved);
			this.cellPen = this.styles.shown(this.pen);
		}
		else if (kind === '=' || kind === '>') this.passThrough += text.slice(start, start + 2);
		else if (kind === '(' || kind === ')') return Math.min(text.length, start + 3);
		else this.unknown();
		return start + 2;
	}

	private csi(body: string, final: string, raw: string): void {
		const marker = body.length > 0 && '?<>='.includes(body[0]) ? body[0] : '';
		const parameters = marker ? body.slice(1) : body;
		if (marker === '?') {
			this.privateMode(parameters, final, raw);
			return;
		}
		if (marker !== '') {
			// Kitty keyboard protocol (`CSI > flags u`, `CSI < u`, `CSI ? u`) and other queries.
			this.passThrough += raw;
			return;
		}
		if (final === 'm') {
			const result = this.styles.applySgr(this.pen, parameters);
			this.pen = result.id;
			this.cellPen = this.styles.shown(result.id);
			if (result.unknown) this.unknown();
			return;
		}
		const erasedLineBefore = this.erasedLine;
		this.erasedLine = final === 'K' && parameters === '2';
		if (final === 'G' && parameters === '' && erasedLineBefore) {
			// The end of log-update's eraseLines(n) (`ESC[2K` (`ESC[1A` `ESC[2K`)… `ESC[G`): Ink's previous
			// output is gone. In the alternate screen Ink's output is the whole screen, so clear all of
			// it: this also drops the rows Ink fails to erase when its lines wrapped after a resize
			// (vadimdemedes/ink#304, #828), which would otherwise stay on screen as ghosts.
			this.grid.fill(0, this.grid.cols * this.grid.rows, this.styles.eraseStyle(this.pen));
			this.x = 0;
			this.y = 0;
			this.pendingWrap = false;
			return;
		}
		const numbers = parameters === '' ? [] : parameters.split(';').map(Number);
		const n = Math.max(1, numbers[0] || 1);
		const {grid} = this;
		const erase = this.styles.eraseStyle(this.pen);
		this.pendingWrap = false;
		switch (final) {
			case 'A': this.y = Math.max(0, this.y - n); break;
			case 'B': this.y = Math.min(grid.rows - 1, this.y + n); break;
			case 'C': this.x = Math.min(grid.cols - 1, this.x + n); break;
			case 'D': this.x = Math.max(0, this.x - n); break;
			case 'E': this.y = Math.min(grid.rows - 1, this.y + n); this.x = 0; break;
			case 'F': this.y = Math.max(0, this.y - n); this.x = 0; break;
			case 'G': case '`': this.x = Math.min(grid.cols - 1, n - 1); break;
			case 'd': this.y = Math.min(grid.rows - 1, n - 1); break;
			case 'H': case 'f':
				this.y = Math.min(grid.rows - 1, n - 1);
				this.x = Math.min(grid.cols - 1, Math.max(1, numbers[1] || 1) - 1);
				break;
			case 'K': this.eraseLine(numbers[0] || 0, erase); break;
			case 'J': this.eraseDisplay(numbers[0] || 0, erase); break;
			case 'X': grid.eraseInRow(this.y, this.x, Math.min(grid.cols, this.x + n), erase); break;
			case 'S': grid.scrollUp(n, erase); break;
			default: this.unknown();
		}
	}

	private privateMode(parameters: string, final: string, raw: string): void {
		if (final !== 'h' && final !== 'l') {
			this.passThrough += raw;
			return;
		}
		for (const mode of parameters.split(';')) {
			if (mode === '25') this.cursorVisible = final === 'h';
			else if (mode === '2026') continue; // Synchronized output: we send whole diffs in one write.
			else if (mode === '1049' || mode === '1047' || mode === '47') {
				// The app switched screens through Ink's stream: the real screen is new, repaint it.
				this.passThrough += `\u001B[?${mode}${final}`;
				this.grid.fill(0, this.grid.cols * this.grid.rows, 0);
				this.needsRepaint = true;
			} else if (passThroughPrivateModes.has(mode)) this.passThrough += `\u001B[?${mode}${final}`;
			else this.unknown();
		}
	}

	private eraseLine(mode: number, style: number): void {
		const {grid} = this;
		if (mode === 0) grid.eraseInRow(this.y, this.x, grid.cols, style);
		else if (mode === 1) grid.eraseInRow(this.y, 0, this.x + 1, style);
		else grid.eraseInRow(this.y, 0, grid.cols, style);
	}

	private eraseDisplay(mode: number, style: number): void {
		const {grid} = this;
		const here = this.y * grid.cols + this.x;
		if (mode === 0) {
			grid.eraseInRow(this.y, this.x, grid.cols, style);
			grid.fill((this.y + 1) * grid.cols, grid.cols * grid.rows, style);
		} else if (mode === 1) {
			grid.fill(0, this.y * grid.cols, style);
			grid.eraseInRow(this.y, 0, Math.min(grid.cols, here - this.y * grid.cols + 1), style);
		} else if (mode === 2) {
			grid.fill(0, grid.cols * grid.rows, style);
		}
		// Mode 3 erases only the scrollback, which this layer never sends: nothing to do.
	}

	private unknown(): void {
		this.unknownSequences++;
		this.needsRepaint = true;
	}
}
