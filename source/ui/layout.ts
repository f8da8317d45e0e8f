/**
 * Sizes, computed once from the terminal size and handed down (the panes never measure). The frame
 * is at most rows − 1 tall: a frame as tall as the terminal makes Ink 6 clear the screen and the
 * scrollback on every render (docs/ink-facts.md).
 */

/** The terminal size. */
export interface TerminalSize {
	columns: number;
	rows: number;
}

/** Where everything goes; heights are in rows, widths in columns. */
export interface Layout {
	width: number;
	/** Total frame height, ≤ rows − 1. */
	height: number;
	header: {height: number};
	traffic: {height: number; chartHeight: number; sideBySide: boolean; chartWidth: number};
	/** The stats table beside the threat list, or hidden when the terminal is too narrow. */
	stats: {visible: boolean; width: number; height: number};
	/** `headerRows`: the column titles, plus a line for the filter and range when too narrow for one. */
	threats: {width: number; height: number; headerRows: number; visibleRows: number};
	/** Everything between header and status line (overlays and other views take this space). */
	body: {height: number};
	status: {height: number};
}

/** The smallest screen the layout promises to fill sensibly. */
export const minimumSize: TerminalSize = {columns: 60, rows: 20};

export const statsWidth = 38;
const headerHeight = 2;
const statusHeight = 1;

/** Below 72 columns the filter and range get a line of their own above the column titles. */
export function threatHeaderRows(width: number): number {
	return width >= 72 ? 1 : 2;
}

export function computeLayout(size: TerminalSize): Layout {
	const width = Math.max(20, size.columns);
	const height = Math.max(6, size.rows - 1);
	const body = Math.max(1, height - headerHeight - statusHeight);
	// Charts get about a third of the body: at least 2 rows of plot (plus a title), at most 12.
	let chartHeight = Math.max(2, Math.min(12, Math.floor(body / 3) - 1));
	const sideBySide = width >= 56;
	// Stacked charts on a tiny screen: leave at least three rows for the threat list.
	if (!sideBySide && (chartHeight + 1) * 2 > body - 3) chartHeight = Math.max(1, Math.floor((body - 3) / 2) - 1);
	const trafficHeight = Math.min(body, sideBySide ? chartHeight + 1 : (chartHeight + 1) * 2);
	const below = Math.max(0, body - trafficHeight);
	const statsVisible = width >= 76 && below >= 13;
	const threatsWidth = statsVisible ? width - statsWidth - 1 : width;
	return {
		width,
		height: headerHeight + body + statusHeight,
		header: {height: headerHeight},
		traffic: {height: trafficHeight, chartHeight, sideBySide, chartWidth: sideBySide ? Math.floor((width - 1) / 2) : width},
		stats: {visible: statsVisible, width: statsVisible ? statsWidth : 0, height: statsVisible ? below : 0},
		threats: {width: threatsWidth, height: below, headerRows: threatHeaderRows(threatsWidth), visibleRows: Math.max(0, below - threatHeaderRows(threatsWidth))},
		body: {height: body},
		status: {height: statusHeight},
	};
}
