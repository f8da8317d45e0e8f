/**
 * A drop-in replacement for Ink 6.8's `Output` (ink/build/output.js), which the bundle uses in its
 * place (source/tools/ink-output-plugin.mjs). Same interface, the same frame string, a fraction of
 * the cost.
 *
 * Why: profiling the console in a pty showed Ink's Output.get taking about 15 ms of every frame (over
 * half of all the time the console spent): each frame makes a new Output with empty caches, so every
 * line on screen is tokenized again with Intl.Segmenter, every line inside a clipped box is cut again
 * with slice-ansi, and every row is serialized by diffing style arrays character by character.
 * Here the algorithm is Ink's, step for step, with its quirks (a glyph written past the frame's width
 * lengthens its row; a line whose row is off the frame does not advance to the next row), but the
 * costly answers are remembered across frames, since most lines do not change between two frames:
 * - a line's glyphs (Ink's own tokenizer and widths), shared between lines;
 * - slice-ansi's cut of a line, made only when the line crosses a clip edge;
 * - the codes written between two styles (Ink's own diffAnsiCodes), looked up only where the style changes.
 * test/term/ink-output.test.ts holds it to Ink's exact output, string for string.
 */
import {ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, tokenize, type AnsiCode} from '@alcalzone/ansi-tokenize';
import stringWidth from 'string-width';
import sliceAnsi from 'slice-ansi';
import {Lru} from '../lib/lru.js';
import widestLine from './widest-line.js';

/** Ink's OutputTransformer: applied to each line of a Text's output (colours, bold, inverse…). */
export type OutputTransformer = (line: string, index: number) => string;

interface Clip {
	x1: number | undefined;
	x2: number | undefined;
	y1: number | undefined;
	y2: number | undefined;
}

/** A style: Ink's reduced SGR codes for a character (no code twice), and a key naming them. */
interface Style {
	readonly codes: AnsiCode[];
	readonly key: string;
}

interface Glyph {
	/** The grapheme; '' for the right half of a wide character. */
	readonly value: string;
	readonly style: Style;
}

type Operation = {type: 'write'; x: number; y: number; text: string; transformers: readonly OutputTransformer[]} | {type: 'clip'; clip: Clip} | {type: 'unclip'};

const plain: Style = {codes: [], key: ''};
const space: Glyph = {value: ' ', style: plain};

/** Unstyled printable ASCII: one shared glyph per character. */
const asciiGlyphs: Glyph[] = [];
for (let code = 0x20; code < 0x7f; code++) asciiGlyphs[code] = {value: String.fromCharCode(code), style: plain};

/** Styles and glyphs are shared, so remembered lines cost little memory (limits: see lib/lru.ts). */
const styles = new Lru<Style>(1024);
const glyphs = new Lru<Glyph>(4096);

function styleOf(codes: AnsiCode[]): Style {
	let key = '';
	for (const code of codes) key += `${code.code}\u0000`;
	return styles.get(key, () => ({codes, key}));
}

function glyph(value: string, style: Style): Glyph {
	return glyphs.get(`${style.key}\u0001${value}`, () => ({value, style}));
}

const plainAscii = /^[\u0020-\u007E]*$/;

/** A line's glyphs, laid out as Ink lays them: a wide character is followed by an empty right half. */
function parseLine(line: string): Glyph[] {
	if (plainAscii.test(line)) {
		const parsed = new Array<Glyph>(line.length);
		for (let index = 0; index < line.length; index++) parsed[index] = asciiGlyphs[line.charCodeAt(index)];
		return parsed;
	}
	const parsed: Glyph[] = [];
	for (const char of styledCharsFromTokens(tokenize(line))) {
		const style = styleOf(char.styles);
		const width = Math.max(1, stringWidth(char.value));
		parsed.push(glyph(char.value, style));
		for (let half = 1; half < width; half++) parsed.push(glyph('', style));
	}
	return parsed;
}

const lines = new Lru<Glyph[]>(1024);
const cuts = new Lru<string>(512);
const changes = new Lru<string>(1024);

/** slice-ansi's cut of a line, in columns, as Ink clips. */
function cut(line: string, from: number, to: number): string {
	return cuts.get(`${from}:${to}:${line}`, () => sliceAnsi(line, from, to));
}

/** The codes Ink writes between two styles (diffAnsiCodes; to the plain style at a row's end). */
function change(from: Style, to: Style): string {
	return changes.get(`${from.key}\u0001${to.key}`, () => ansiCodesToString(diffAnsiCodes(from.codes, to.codes)));
}

/** A row as Ink's styledCharsToString writes it, then trimmed at the end as Ink trims it. */
function serializeRow(row: ReadonlyArray<Glyph | undefined>): string {
	let text = '';
	let previous: Glyph | undefined;
	for (let column = 0; column < row.length; column++) {
		const current = row[column];
		if (current === undefined) continue;
		if (previous === undefined) text += change(plain, current.style);
		else if (current.style !== previous.style) text += change(previous.style, current.style);
		text += current.value;
		previous = current;
	}
	if (previous !== undefined) text += change(previous.style, plain);
	return text.trimEnd();
}

/**
 * The last frame's rows and their text: a row whose glyphs are the very same as last frame's (most
 * rows, on a tick or a key) is not serialized again.
 */
let lastRows: Array<ReadonlyArray<Glyph | undefined>> = [];
let lastTexts: string[] = [];

function sameRow(a: ReadonlyArray<Glyph | undefined>, b: ReadonlyArray<Glyph | undefined>): boolean {
	if (a.length !== b.length) return false;
	for (let column = 0; column < a.length; column++) if (a[column] !== b[column]) return false;
	return true;
}

export default class Output {
	width: number;
	height: number;
	private readonly operations: Operation[] = [];

	constructor(options: {width: number; height: number}) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: {transformers: readonly OutputTransformer[]}): void {
		if (!text) return;
		this.operations.push({type: 'write', x, y, text, transformers: options.transformers});
	}

	clip(clip: Clip): void {
		this.operations.push({type: 'clip', clip});
	}

	unclip(): void {
		this.operations.push({type: 'unclip'});
	}

	get(): {output: string; height: number} {
		const width = Math.max(0, this.width);
		// Rows may grow past the width; a column skipped on the way is a hole, which Ink leaves out.
		const rows: Array<Array<Glyph | undefined>> = [];
		for (let y = 0; y < this.height; y++) rows.push(new Array<Glyph>(width).fill(space));
		const clips: Clip[] = [];
		for (const operation of this.operations) {
			if (operation.type === 'clip') clips.push(operation.clip);
			else if (operation.type === 'unclip') clips.pop();
			else this.#draw(rows, operation, clips.at(-1));
		}
		const texts = rows.map((row, y) => {
			const previous = lastRows[y];
			return previous !== undefined && sameRow(previous, row) ? lastTexts[y] : serializeRow(row);
		});
		lastRows = rows;
		lastTexts = texts;
		return {output: texts.join('\n'), height: rows.length};
	}

	/** Ink's algorithm (ink/build/output.js) step for step; only parsing and cutting are remembered. */
	#draw(rows: Array<Array<Glyph | undefined>>, operation: Extract<Operation, {type: 'write'}>, clip: Clip | undefined): void {
		let {x, y} = operation;
		const text = operation.text;
		let textLines = text.split('\n');
		if (clip) {
			const horizontal = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const vertical = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (horizontal && (x + widestLine(text) < clip.x1! || x > clip.x2!)) return;
			if (vertical && (y + textLines.length < clip.y1! || y > clip.y2!)) return;
			if (horizontal) {
				const left = x;
				textLines = textLines.map(line => {
					const from = left < clip.x1! ? clip.x1! - left : 0;
					const width = widestLine(line);
					const to = left + width > clip.x2! ? clip.x2! - left : width;
					return from === 0 && to === width ? line : cut(line, from, to);
				});
				if (x < clip.x1!) x = clip.x1!;
			}
			if (vertical) {
				const from = y < clip.y1! ? clip.y1! - y : 0;
				const height = textLines.length;
				const to = y + height > clip.y2! ? clip.y2! - y : height;
				textLines = textLines.slice(from, to);
				if (y < clip.y1!) y = clip.y1!;
			}
		}
		let offsetY = 0;
		for (let index = 0; index < textLines.length; index++) {
			// As in Ink, a line with no row to land on does not advance to the next row.
			const row = rows[y + offsetY];
			if (row === undefined) continue;
			let line = textLines[index];
			for (const transformer of operation.transformers) line = transformer(line, index);
			let column = x;
			for (const parsed of lines.get(line, () => parseLine(line))) {
				row[column] = parsed;
				column++;
			}
			offsetY++;
		}
	}
}
