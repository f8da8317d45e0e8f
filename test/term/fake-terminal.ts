/**
 * Test doubles and a reference terminal for the output layer: a fake TTY stream that records
 * bytes, and @xterm/headless screens to replay them into and compare cell by cell.
 */
import {EventEmitter} from 'node:events';
import xtermHeadless from '@xterm/headless';
import {isWideCodePoint} from '../../source/term/output/width.js';

const {Terminal} = xtermHeadless;
type XTerm = InstanceType<typeof Terminal>;

/** A stand-in for process.stdout: records every write, resizes on demand. */
export class FakeTty extends EventEmitter {
	readonly isTTY = true;
	readonly chunks: string[] = [];
	bytes = 0;

	constructor(public columns: number, public rows: number) {
		super();
	}

	write(chunk: string): boolean {
		this.chunks.push(chunk);
		this.bytes += Buffer.byteLength(chunk);
		return true;
	}

	/** Everything written since the last call. */
	take(): string {
		const text = this.chunks.join('');
		this.chunks.length = 0;
		return text;
	}

	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

const zeroWidth = new RegExp('^[\\p{Mn}\\p{Me}\\p{Cf}\\p{Default_Ignorable_Code_Point}]$', 'v');

function inkWidth(codePoint: number): 0 | 1 | 2 {
	if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint < 0xA0)) return 0;
	if (codePoint >= 0x300 && zeroWidth.test(String.fromCodePoint(codePoint))) return 0;
	return isWideCodePoint(codePoint) ? 2 : 1;
}

/** A headless xterm in the alternate screen, as the console runs. */
export class ReferenceScreen {
	readonly term: XTerm;

	constructor(cols: number, rows: number, options: {convertEol?: boolean} = {}) {
		this.term = new Terminal({cols, rows, allowProposedApi: true, convertEol: options.convertEol ?? false, scrollback: 0});
		// xterm's built-in widths are Unicode 6 (most emoji narrow); Ink measures with string-width. A
		// terminal that disagrees with Ink misdraws Ink's own output too, so both screens use Ink's widths.
		this.term.unicode.register({version: 'ink', wcwidth: inkWidth, charProperties: (codePoint, preceding) => {
			let width = inkWidth(codePoint);
			let join = width === 0 && preceding !== 0;
			if (join) {
				const previousWidth = (preceding >> 1) & 3;
				if (previousWidth === 0) join = false;
				else if (previousWidth > width) width = previousWidth as 1 | 2;
			}
			return (width << 1) | (join ? 1 : 0);
		}});
		this.term.unicode.activeVersion = 'ink';
		this.term.write('\u001B[?1049h\u001B[H');
	}

	/** Writes and waits until xterm has parsed the bytes (its write is asynchronous). */
	async write(data: string): Promise<void> {
		await new Promise<void>(resolve => this.term.write(data, resolve));
	}

	resize(cols: number, rows: number): void {
		this.term.resize(cols, rows);
	}

	/** Every cell as "char|width|fgMode:fg|bgMode:bg|attrs", rows joined. */
	cells(): string[][] {
		const buffer = this.term.buffer.active;
		const cell = buffer.getNullCell();
		const screen: string[][] = [];
		for (let y = 0; y < this.term.rows; y++) {
			const line = buffer.getLine(buffer.viewportY + y);
			const row: string[] = [];
			for (let x = 0; x < this.term.cols; x++) {
				line?.getCell(x, cell);
				const chars = cell.getChars() || ' ';
				const attrs = [cell.isBold(), cell.isDim(), cell.isItalic(), cell.isUnderline(), cell.isInverse(), cell.isStrikethrough(), cell.isOverline()]
					.map(flag => (flag ? '1' : '0')).join('');
				row.push(`${chars}|${cell.getWidth()}|${cell.getFgColorMode()}:${cell.getFgColor()}|${cell.getBgColorMode()}:${cell.getBgColor()}|${attrs}`);
			}
			screen.push(row);
		}
		return screen;
	}

	text(): string[] {
		return this.cells().map(row => row.map(cell => cell.split('|')[1] === '0' ? '' : cell.split('|')[0]).join(''));
	}
}

/** The first cell where screen `actual` differs from `expected`, described; undefined when equal. */
export function screenDifference(actual: ReferenceScreen, expected: ReferenceScreen): string | undefined {
	const a = actual.term;
	const b = expected.term;
	if (a.rows !== b.rows || a.cols !== b.cols) return `size ${a.cols}x${a.rows} vs ${b.cols}x${b.rows}`;
	const bufferA = a.buffer.active;
	const bufferB = b.buffer.active;
	const cellA = bufferA.getNullCell();
	const cellB = bufferB.getNullCell();
	for (let y = 0; y < a.rows; y++) {
		const lineA = bufferA.getLine(bufferA.viewportY + y);
		const lineB = bufferB.getLine(bufferB.viewportY + y);
		for (let x = 0; x < a.cols; x++) {
			lineA?.getCell(x, cellA);
			lineB?.getCell(x, cellB);
			const same = (cellA.getChars() || ' ') === (cellB.getChars() || ' ') && cellA.getWidth() === cellB.getWidth()
				&& cellA.getFgColorMode() === cellB.getFgColorMode() && cellA.getFgColor() === cellB.getFgColor()
				&& cellA.getBgColorMode() === cellB.getBgColorMode() && cellA.getBgColor() === cellB.getBgColor()
				&& cellA.isBold() === cellB.isBold() && cellA.isDim() === cellB.isDim() && cellA.isItalic() === cellB.isItalic()
				&& cellA.isUnderline() === cellB.isUnderline() && cellA.isInverse() === cellB.isInverse()
				&& cellA.isStrikethrough() === cellB.isStrikethrough() && cellA.isOverline() === cellB.isOverline();
			if (!same) return `cell (${x},${y}): got ${actual.cells()[y][x]} want ${expected.cells()[y][x]}`;
		}
	}
	return undefined;
}
