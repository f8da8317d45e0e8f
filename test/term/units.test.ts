/**
 * The output layer's small parts, table-driven: cursor moves, SGR transitions, widths, the
 * interpreter on sequences Ink emits, and the cost of a frame.
 */
import {describe, expect, it} from 'vitest';
import {moveCursor} from '../../source/term/output/cursor.js';
import {createCellOutput} from '../../source/term/output/index.js';
import {CellGrid} from '../../source/term/output/cell-grid.js';
import {diffScreens} from '../../source/term/output/diff.js';
import {InkTerminal} from '../../source/term/output/interpreter.js';
import {StyleTable} from '../../source/term/output/style.js';
import {clusterWidth} from '../../source/term/output/width.js';
import {seeded} from './fixtures.js';

// Type-level check: the real process.stdout is a TerminalStream.
export const acceptsProcessStdout: (stream: NodeJS.WriteStream) => unknown = createCellOutput;

describe('moveCursor picks the shortest move', () => {
	it.each([
		['same place', [5, 3, 5, 3], ''],
		['one left', [5, 3, 4, 3], '\b'],
		['to column 0', [40, 3, 0, 3], '\r'],
		['next line start', [40, 3, 0, 4], '\r\n'],
		['one right', [5, 3, 6, 3], '\u001B[C'],
		['near the start of the row', [70, 3, 2, 3], '\u001B[3G'],
		['one down, one column in', [40, 3, 1, 4], '\r\n\u001B[C'],
		['up one, same column', [7, 3, 7, 2], '\u001B[A'],
		['unknown position', [-1, -1, 9, 19], '\u001B[20;10H'],
		['unknown column, same row', [-1, 3, 30, 3], '\u001B[31G'],
		['far jump', [3, 1, 70, 30], '\u001B[31;71H'],
	] as const)('%s', (_name, [fromX, fromY, toX, toY], expected) => {
		expect(moveCursor(fromX, fromY, toX, toY)).toBe(expected);
	});
});

describe('StyleTable', () => {
	const styles = new StyleTable();
	const style = (parameters: string) => styles.applySgr(0, parameters).id;

	it.each([
		['nothing to do', '1;31', '1;31', ''],
		['add bold', '31', '1;31', '\u001B[1m'],
		['drop bold keeping dim (reset is shorter than 22;2)', '1;2', '2', '\u001B[0;2m'],
		['colour change', '32', '33', '\u001B[33m'],
		['to default', '1;4;7;38;2;1;2;3', '', '\u001B[m'],
		['truecolor', '', '38;2;255;136;0', '\u001B[38;2;255;136;0m'],
		['256 background', '', '48;5;236', '\u001B[48;5;236m'],
		['bright colours stay bright', '', '91;104', '\u001B[91;104m'],
	])('%s', (_name, from, to, expected) => {
		const sequence = styles.transition(style(from), style(to));
		expect(sequence).toBe(expected);
		// Whatever was chosen, applying it must land on the target style.
		expect(styles.applySgr(style(from), sequence.slice(2, -1)).id === style(to) || sequence === '').toBe(true);
	});

	it('flags what it does not understand', () => {
		expect(styles.applySgr(0, '38;9').unknown).toBe(true);
		expect(styles.applySgr(0, '1;3;53').unknown).toBe(false);
	});
});

describe('clusterWidth', () => {
	it.each([['a', 1], ['東', 2], ['🔥', 2], ['é', 1], ['e\u0301', 1], ['👍🏽', 2], ['\u200D', 0], ['│', 1], ['ｆ', 2]] as const)('%s is %i wide', (cluster, width) => {
		expect(clusterWidth(cluster)).toBe(width);
	});
});

describe('InkTerminal', () => {
	it('follows log-update: erase the previous lines, then write the frame', () => {
		const terminal = new InkTerminal(new StyleTable(), 10, 5);
		terminal.write('aaa\nbbb\n');
		terminal.write('\u001B[2K\u001B[1A\u001B[2K\u001B[1A\u001B[2K\u001B[Gc\n');
		expect([0, 1, 2].map(row => terminal.grid.rowText(row).trimEnd())).toEqual(['c', '', '']);
		expect(terminal.y).toBe(1);
	});

	it('wraps at the last column and scrolls at the bottom', () => {
		const terminal = new InkTerminal(new StyleTable(), 4, 2);
		terminal.write('abcdefgh\nij');
		expect([terminal.grid.rowText(0), terminal.grid.rowText(1)]).toEqual(['efgh', 'ij  ']);
	});

	it('keeps input split in the middle of an escape sequence', () => {
		const terminal = new InkTerminal(new StyleTable(), 10, 2);
		terminal.write('\u001B[3');
		terminal.write('1mred');
		expect(terminal.grid.rowText(0)).toBe('red       ');
		expect(terminal.styles.get(terminal.grid.styles[0]).fg).not.toBe(0);
	});
});

describe('frame cost', () => {
	it('diffs a 120x40 screen where every cell changed in well under a few milliseconds', () => {
		const styles = new StyleTable();
		const random = seeded(7);
		const ids = ['', '1', '31', '38;5;208', '7', '48;2;1;2;3'].map(parameters => styles.applySgr(0, parameters).id);
		const screens = [0, 1].map(() => {
			const grid = new CellGrid(120, 40);
			for (let index = 0; index < 120 * 40; index++) {
				grid.chars[index] = String.fromCharCode(33 + Math.floor(random() * 90));
				grid.styles[index] = ids[Math.floor(random() * ids.length)];
			}
			return grid;
		});
		const shown = new CellGrid(120, 40);
		const rounds = 200;
		const start = performance.now();
		for (let round = 0; round < rounds; round++) diffScreens(shown, screens[round % 2], styles, {x: -1, y: -1, pen: -1}, []);
		const perFrame = (performance.now() - start) / rounds;
		expect(perFrame).toBeLessThan(5);
	});
});
