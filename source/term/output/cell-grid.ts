/**
 * A screen of cells as three flat arrays (row-major): the grapheme cluster, its width and its
 * style id. A wide cluster occupies its cell (width 2) and a continuation cell (char '', width 0).
 * Flat typed arrays keep a 120x40 comparison at a few microseconds.
 */
export class CellGrid {
	cols: number;
	rows: number;
	chars: string[];
	widths: Uint8Array;
	styles: Uint32Array;

	constructor(cols: number, rows: number) {
		this.cols = cols;
		this.rows = rows;
		this.chars = new Array<string>(cols * rows).fill(' ');
		this.widths = new Uint8Array(cols * rows).fill(1);
		this.styles = new Uint32Array(cols * rows);
	}

	/** Resizes keeping the top-left content, like a terminal that does not reflow. */
	resize(cols: number, rows: number): void {
		if (cols === this.cols && rows === this.rows) return;
		const old = {cols: this.cols, rows: this.rows, chars: this.chars, widths: this.widths, styles: this.styles};
		this.cols = cols;
		this.rows = rows;
		this.chars = new Array<string>(cols * rows).fill(' ');
		this.widths = new Uint8Array(cols * rows).fill(1);
		this.styles = new Uint32Array(cols * rows);
		const keepCols = Math.min(cols, old.cols);
		for (let y = 0; y < Math.min(rows, old.rows); y++) {
			for (let x = 0; x < keepCols; x++) {
				const from = y * old.cols + x;
				const to = y * cols + x;
				this.chars[to] = old.chars[from];
				this.widths[to] = old.widths[from];
				this.styles[to] = old.styles[from];
			}
			// A wide character cut in half by the new right edge becomes a blank.
			const last = y * cols + keepCols - 1;
			if (keepCols > 0 && this.widths[last] === 2) this.blank(last, this.styles[last]);
		}
	}

	/** Blanks cells [from, to) of the flat array with style `style`. */
	fill(from: number, to: number, style: number): void {
		for (let index = from; index < to; index++) this.blank(index, style);
	}

	/** Blanks the cells of row `y` from column `x0` to `x1` (exclusive), splitting wide characters at the edges. */
	eraseInRow(y: number, x0: number, x1: number, style: number): void {
		const start = y * this.cols;
		if (x0 > 0 && this.widths[start + x0] === 0) this.blank(start + x0 - 1, style);
		if (x1 < this.cols && this.widths[start + x1] === 0) this.blank(start + x1, style);
		this.fill(start + x0, start + x1, style);
	}

	/** Puts one cluster at (x, y); the caller has made sure a wide cluster fits. */
	put(x: number, y: number, cluster: string, width: number, style: number): void {
		const index = y * this.cols + x;
		// Overwriting half of a wide character blanks its other half, as terminals do.
		if (this.widths[index] === 0 && x > 0) this.blank(index - 1, style);
		const end = x + width;
		if (end < this.cols && this.widths[y * this.cols + end] === 0) this.blank(y * this.cols + end, this.styles[y * this.cols + end]);
		this.chars[index] = cluster;
		this.widths[index] = width;
		this.styles[index] = style;
		if (width === 2) {
			this.chars[index + 1] = '';
			this.widths[index + 1] = 0;
			this.styles[index + 1] = style;
		}
	}

	/** Appends a zero-width cluster (a combining mark) to the cell before (x, y). */
	appendToPrevious(x: number, y: number, cluster: string): void {
		let index = y * this.cols + x - 1;
		if (x === 0) return;
		if (this.widths[index] === 0 && index > y * this.cols) index--;
		this.chars[index] += cluster;
	}

	/** Scrolls the whole screen up by `count` lines, blanking the bottom with `style`. */
	scrollUp(count: number, style: number): void {
		const shift = Math.min(count, this.rows) * this.cols;
		const total = this.cols * this.rows;
		this.chars.copyWithin(0, shift);
		this.widths.copyWithin(0, shift);
		this.styles.copyWithin(0, shift);
		this.fill(total - shift, total, style);
	}

	/** Copies row `y` from `other`, which has the same size. */
	copyRow(other: CellGrid, y: number): void {
		const start = y * this.cols;
		for (let index = start; index < start + this.cols; index++) this.chars[index] = other.chars[index];
		this.widths.set(other.widths.subarray(start, start + this.cols), start);
		this.styles.set(other.styles.subarray(start, start + this.cols), start);
	}

	/** The row as plain text (continuation cells skipped), for tests and debugging. */
	rowText(y: number): string {
		return this.chars.slice(y * this.cols, (y + 1) * this.cols).join('');
	}

	private blank(index: number, style: number): void {
		this.chars[index] = ' ';
		this.widths[index] = 1;
		this.styles[index] = style;
	}
}
