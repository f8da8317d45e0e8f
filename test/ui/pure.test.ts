import {describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {RingBuffer} from '../../source/lib/ring-buffer.js';
import {plotLines} from '../../source/ui/chart.js';
import {keyToCommand, type Command, type KeyPress} from '../../source/ui/keymap.js';
import {computeLayout} from '../../source/ui/layout.js';
import {sanitize} from '../../source/ui/sanitize.js';
import {applyUiCommand, initialUiState, selectionIndex, visibleWindow} from '../../source/ui/ui-state.js';

describe('keymap', () => {
	const cases: Array<[string, KeyPress, 'normal' | 'filter' | 'help' | 'form', Command | undefined]> = [
		['q', {}, 'normal', {type: 'quit'}],
		['c', {ctrl: true}, 'normal', {type: 'quit'}],
		['c', {ctrl: true}, 'filter', {type: 'quit'}],
		['c', {ctrl: true}, 'help', {type: 'quit'}],
		['j', {}, 'normal', {type: 'move', by: 1}],
		['k', {}, 'normal', {type: 'move', by: -1}],
		['', {downArrow: true}, 'normal', {type: 'move', by: 1}],
		['', {upArrow: true}, 'normal', {type: 'move', by: -1}],
		['', {pageDown: true}, 'normal', {type: 'page', by: 1}],
		['G', {}, 'normal', {type: 'action', action: 'snapshot'}],
		['', {end: true}, 'normal', {type: 'jump', to: 'last'}],
		['f', {}, 'normal', {type: 'cycle-class'}],
		['/', {}, 'normal', {type: 'start-text-filter'}],
		['?', {}, 'normal', {type: 'toggle-help'}],
		['', {escape: true}, 'normal', {type: 'close-overlay'}],
		['', {tab: true}, 'normal', {type: 'next-view', by: 1}],
		['', {tab: true, shift: true}, 'normal', {type: 'next-view', by: -1}],
		['z', {}, 'normal', {type: 'next-zone'}],
		['r', {}, 'normal', {type: 'refresh'}],
		['p', {}, 'normal', {type: 'toggle-pause'}],
		['x', {}, 'normal', {type: 'action', action: 'clear-rule'}],
		['X', {}, 'normal', undefined],
		['q', {}, 'filter', {type: 'filter-input', text: 'q'}],
		['', {escape: true}, 'filter', {type: 'filter-cancel'}],
		['', {return: true}, 'filter', {type: 'filter-accept'}],
		['', {backspace: true}, 'filter', {type: 'filter-backspace'}],
		['', {escape: true}, 'help', {type: 'close-overlay'}],
		['?', {}, 'help', {type: 'close-overlay'}],
		['j', {}, 'help', undefined],
		// In a form, ← and → move a choice back and on (the record type, proxied).
		['', {leftArrow: true}, 'form', {type: 'form-input', input: {type: 'switch', by: -1}}],
		['', {rightArrow: true}, 'form', {type: 'form-input', input: {type: 'switch', by: 1}}],
	];
	it.each(cases)('%j %j in %s', (input, key, mode, expected) => {
		expect(keyToCommand(input, key, mode)).toEqual(expected);
	});
});

describe('layout', () => {
	it.each([
		[60, 20],
		[80, 24],
		[100, 30],
		[120, 40],
		[200, 60],
		[40, 10],
	])('%ix%i: the frame is at most rows − 1 and the parts add up', (columns, rows) => {
		const layout = computeLayout({columns, rows});
		expect(layout.height).toBeLessThanOrEqual(rows - 1);
		expect(layout.header.height + layout.body.height + layout.status.height).toBe(layout.height);
		expect(layout.traffic.height + layout.threats.height).toBeLessThanOrEqual(layout.body.height);
		expect(layout.stats.width + (layout.stats.visible ? 1 : 0) + layout.threats.width).toBeLessThanOrEqual(columns);
	});

	it('shows the stats table from 80x24, and a usable threat list at 60x20', () => {
		expect(computeLayout({columns: 80, rows: 24}).stats.visible).toBe(true);
		const small = computeLayout({columns: 60, rows: 20});
		expect(small.threats.visibleRows).toBeGreaterThanOrEqual(8);
	});
});

describe('sanitize', () => {
	it.each([
		['plain', 'plain'],
		['a\u001b[31mred\u001b[0m', 'ared'],
		['title\u001b]0;owned\u0007!', 'title!'],
		['clip\u001b]52;c;ZXZpbA==\u001b\\x', 'clipx'],
		['bell\u0007 and nul\u0000', 'bell? and nul?'],
		['c1\u009b2Jx', 'c1x'],
		['rtl\u202eevil', 'rtl?evil'],
		['line\nbreak\r', 'line?break?'],
		['ünïcødé 中文', 'ünïcødé 中文'],
	])('%j → %j', (input, expected) => {
		expect(sanitize(input)).toBe(expected);
	});
});

describe('ring buffer', () => {
	it('keeps the newest items and never grows past its capacity', () => {
		let ring = RingBuffer.empty<number>(3);
		for (let i = 1; i <= 10; i++) ring = ring.push(i);
		expect(ring.toArray()).toEqual([8, 9, 10]);
		expect(ring.latest(2)).toEqual([9, 10]);
		expect(ring.last()).toBe(10);
		expect(ring.length).toBe(3);
	});
});

describe('charts', () => {
	it('fits the width and height it is given', () => {
		const values = Array.from({length: 500}, (_, i) => (i * 37) % 101);
		const lines = plotLines([values], {height: 6, width: 50});
		expect(lines).toHaveLength(6);
		for (const line of lines) expect(line.replace(/\u001b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(50);
	});
});

describe('ui state', () => {
	const rows: Visitor[] = ['a', 'b', 'c', 'd', 'e'].map((ip, i) => ({ip, classification: 'threat', hits: 10 - i}));

	it('keeps the highlight on its IP when the rows reorder, and falls back to the index when it leaves', () => {
		let ui = applyUiCommand(initialUiState, {type: 'move', by: 2}, rows, 3);
		expect(ui.selectedIp).toBe('c');
		const reordered = [rows[2], rows[0], rows[1], rows[3], rows[4]];
		expect(selectionIndex(ui, reordered)).toBe(0);
		expect(selectionIndex(ui, rows.filter(row => row.ip !== 'c'))).toBe(2);
		ui = applyUiCommand(ui, {type: 'jump', to: 'last'}, rows, 3);
		expect(ui.selectedIp).toBe('e');
		ui = applyUiCommand(ui, {type: 'move', by: 5}, rows, 3);
		expect(ui.selectedIp).toBe('e');
	});

	it('windows the rows around the highlight', () => {
		expect(visibleWindow(0, 50_000, 10)).toEqual({start: 0, end: 10});
		expect(visibleWindow(25_000, 50_000, 10)).toEqual({start: 24_995, end: 25_005});
		expect(visibleWindow(49_999, 50_000, 10)).toEqual({start: 49_990, end: 50_000});
	});

	it('caps and cleans a pasted filter', () => {
		const ui = applyUiCommand({...initialUiState, editingFilter: true}, {type: 'filter-input', text: `1.2\u001b[2J${'x'.repeat(500)}`}, rows, 3);
		expect(ui.textFilter.length).toBeLessThanOrEqual(64);
		expect(ui.textFilter).not.toContain('\u001b');
	});
});

describe('one unsafe-character list for panes and messages', () => {
	it('replaces line separators and bidi marks in panes as inert does in messages', async () => {
		const {sanitize} = await import('../../source/ui/sanitize.js');
		const {inert} = await import('../../source/lib/format.js');
		const hostile = 'zone\u2028name\u200e\u200f\u202e.com';
		expect(sanitize(hostile)).toBe('zone?name???.com');
		expect(inert(hostile, '?')).toBe('zone?name???.com');
	});
});
