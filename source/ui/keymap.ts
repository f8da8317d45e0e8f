/**
 * Keys to commands, as a pure function of the key and the mode, so every binding is testable
 * without a terminal and the help overlay is generated from the same table.
 */

/** The subset of Ink's `Key` the console reads. */
export interface KeyPress {
	upArrow?: boolean;
	downArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
	tab?: boolean;
	shift?: boolean;
	backspace?: boolean;
	delete?: boolean;
}

export type Command =
	| {type: 'quit'}
	| {type: 'move'; by: number}
	| {type: 'page'; by: number}
	| {type: 'jump'; to: 'first' | 'last'}
	| {type: 'cycle-class'}
	| {type: 'start-text-filter'}
	| {type: 'filter-input'; text: string}
	| {type: 'filter-backspace'}
	| {type: 'filter-accept'}
	| {type: 'filter-cancel'}
	| {type: 'toggle-help'}
	| {type: 'close-overlay'}
	| {type: 'next-view'; by: number}
	| {type: 'next-zone'}
	| {type: 'refresh'}
	| {type: 'toggle-pause'};

/** What the keyboard is doing: normal keys, typing a filter, or an overlay open. */
export type KeyMode = 'normal' | 'filter' | 'help';

/** One line of the help overlay. */
export interface KeyHelp {
	keys: string;
	description: string;
}

/** Every key, as the help overlay and the README list them. */
export const keyHelp: readonly KeyHelp[] = [
	{keys: 'j / k, ↓ / ↑', description: 'move the highlight in the threat list'},
	{keys: 'PgDn / PgUp', description: 'move a page; g / G first / last row'},
	{keys: 'f', description: 'cycle the class filter: all, threat, crawler, regular'},
	{keys: '/', description: 'filter by text (Enter keeps it, Esc clears it)'},
	{keys: 'Tab / Shift-Tab', description: 'cycle views: Dashboard, DNS, Log'},
	{keys: 'z', description: 'next zone'},
	{keys: 'r', description: 'refresh now (refused if it would use the reserve)'},
	{keys: 'p', description: 'pause / resume polling'},
	{keys: '?', description: 'this help'},
	{keys: 'Esc', description: 'close the overlay, or clear the text filter'},
	{keys: 'q, Ctrl-C', description: 'quit'},
];

export function keyToCommand(input: string, key: KeyPress, mode: KeyMode): Command | undefined {
	// Ctrl-C always quits, whatever is open (Ink's own handler is off: exitOnCtrlC false).
	if (key.ctrl && input === 'c') return {type: 'quit'};
	if (mode === 'filter') {
		if (key.escape) return {type: 'filter-cancel'};
		if (key.return) return {type: 'filter-accept'};
		if (key.backspace || key.delete) return {type: 'filter-backspace'};
		if (key.upArrow) return {type: 'move', by: -1};
		if (key.downArrow) return {type: 'move', by: 1};
		if (key.ctrl || key.tab || input === '') return undefined;
		return {type: 'filter-input', text: input};
	}
	if (mode === 'help') {
		if (key.escape || input === '?') return {type: 'close-overlay'};
		if (input === 'q') return {type: 'quit'};
		return undefined;
	}
	if (key.escape) return {type: 'close-overlay'};
	if (key.tab) return {type: 'next-view', by: key.shift ? -1 : 1};
	if (key.downArrow) return {type: 'move', by: 1};
	if (key.upArrow) return {type: 'move', by: -1};
	if (key.pageDown) return {type: 'page', by: 1};
	if (key.pageUp) return {type: 'page', by: -1};
	if (key.home) return {type: 'jump', to: 'first'};
	if (key.end) return {type: 'jump', to: 'last'};
	if (key.ctrl) return undefined;
	switch (input) {
		case 'q':
			return {type: 'quit'};
		case 'j':
			return {type: 'move', by: 1};
		case 'k':
			return {type: 'move', by: -1};
		case 'g':
			return {type: 'jump', to: 'first'};
		case 'G':
			return {type: 'jump', to: 'last'};
		case 'f':
			return {type: 'cycle-class'};
		case '/':
			return {type: 'start-text-filter'};
		case '?':
			return {type: 'toggle-help'};
		case 'z':
			return {type: 'next-zone'};
		case 'r':
			return {type: 'refresh'};
		case 'p':
			return {type: 'toggle-pause'};
		default:
			return undefined;
	}
}
