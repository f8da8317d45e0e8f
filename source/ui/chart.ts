/**
 * Sparklines with asciichart, cut to a given width and height. Returned as separate lines because
 * `<Text wrap="truncate">` keeps only the first line of a multi-line string (docs/ink-facts.md).
 */
import asciichart from 'asciichart';
import {compactNumber} from './format.js';

export const chartColors = {edge: asciichart.cyan, origin: asciichart.yellow, threat: asciichart.lightred};

/** Columns taken by the value labels. */
const labelWidth = 5;

export interface ChartOptions {
	/** Rows of plot. */
	height: number;
	/** Total columns, labels included. */
	width: number;
	colors?: string[];
}

/** How many points fit in `width` columns beside the labels and the axis. */
export function pointsFor(width: number): number {
	return Math.max(1, width - labelWidth - 2);
}

/** The plot, one string per row; empty when there is nothing to plot. */
export function plotLines(series: ReadonlyArray<readonly number[]>, options: ChartOptions): string[] {
	const points = pointsFor(options.width);
	const cut = series.map(values => values.slice(Math.max(0, values.length - points)));
	if (cut.every(values => values.length === 0) || options.height < 1) return [];
	// A single point draws nothing useful: repeat it so the level shows as a line.
	const drawn = cut.map(values => (values.length === 1 ? [values[0], values[0]] : values.length === 0 ? [0] : values));
	// From zero: these are counts, and a scale starting at zero keeps a small wobble looking small.
	const min = 0;
	let max = 0;
	for (const values of drawn) for (const value of values) if (value > max) max = value;
	// asciichart needs a non-empty range to place rows.
	if (max <= min) max = 1;
	const plot = asciichart.plot(drawn as number[][], {
		height: Math.max(1, options.height - 1),
		min,
		max,
		colors: options.colors,
		format: value => compactNumber(Math.round(value)).padStart(labelWidth).slice(-labelWidth),
	});
	return plot.split('\n').slice(0, options.height).map(mergeColourRuns);
}

/**
 * asciichart colours every symbol on its own (`ESC[36m─ESC[0m` per cell). Ink tokenizes every styled
 * character of the frame on every render, so a chart line of 90 cells cost ~270 escape sequences a
 * render; one run per colour draws the same cells with a few.
 */
export function mergeColourRuns(line: string): string {
	const parts = line.split(/(\u001B\[[0-9;]*m)/);
	let out = '';
	let active = '';
	let resetPending = false;
	for (const part of parts) {
		if (part === '') continue;
		if (part.startsWith('\u001B[')) {
			const isReset = part === '\u001B[0m' || part === '\u001B[m';
			if (isReset) {
				if (active !== '') resetPending = true;
				continue;
			}
			if (resetPending && part === active) {
				resetPending = false;
				continue;
			}
			if (resetPending) out += '\u001B[0m';
			resetPending = false;
			out += part;
			active = part;
			continue;
		}
		if (resetPending) {
			out += '\u001B[0m';
			resetPending = false;
			active = '';
		}
		out += part;
	}
	return resetPending ? `${out}\u001B[0m` : out;
}
