/**
 * `--no-color`/NO_COLOR in the output layer: whatever SGR Ink (chalk), borders or charts write, the
 * cells keep their attributes without colours, a background colour becomes inverse video, and no
 * colour code ever reaches the terminal.
 */
import {describe, expect, it} from 'vitest';
import {createCellOutput} from '../../source/term/output/index.js';
import {InkTerminal} from '../../source/term/output/interpreter.js';
import {Attr, StyleTable} from '../../source/term/output/style.js';
import {FakeTty} from './fake-terminal.js';

const colourCodes = /\u001B\[[0-9;]*\b(3\d|4\d|9[0-7]|10[0-7])\b[0-9;]*m/;

describe('monochrome styles', () => {
	it('drop colours, turn a background into inverse, and flip it back inside an inverse highlight', () => {
		const styles = new StyleTable(true);
		const shown = (parameters: string) => styles.get(styles.shown(styles.applySgr(0, parameters).id));
		expect(shown('1;36')).toEqual({flags: Attr.bold, fg: 0, bg: 0});
		expect(shown('1;37;41')).toEqual({flags: Attr.bold | Attr.inverse, fg: 0, bg: 0});
		expect(shown('7;45')).toEqual({flags: 0, fg: 0, bg: 0});
		expect(shown('2;38;5;200')).toEqual({flags: Attr.dim, fg: 0, bg: 0});
		expect(shown('7')).toEqual({flags: Attr.inverse, fg: 0, bg: 0});
	});

	it('end a badge where its background ends (the pen keeps the real style)', () => {
		const terminal = new InkTerminal(new StyleTable(true), 20, 1);
		terminal.write('\u001B[41m STALE \u001B[49m data');
		const {grid} = terminal;
		const styleAt = (x: number) => terminal['styles'].get(grid.styles[x]);
		expect(styleAt(1).flags & Attr.inverse).toBe(Attr.inverse);
		expect(styleAt(8).flags & Attr.inverse).toBe(0);
		expect(grid.chars[8]).toBe('d');
	});

	it.each([true, false])('monochrome %s: colour codes only when not monochrome; inverse and bold kept', monochrome => {
		const tty = new FakeTty(40, 4);
		const output = createCellOutput(tty, {monochrome});
		output.stream.write('\u001B[1m\u001B[36mexample.com\u001B[39m\u001B[22m \u001B[45m\u001B[37m DEMO \u001B[39m\u001B[49m\n\u001B[7m› 10.0.0.1 \u001B[31mthreat\u001B[39m\u001B[27m\n\u001B[38;2;1;2;3mtruecolor\u001B[39m');
		output.flush();
		output.dispose();
		const written = tty.take();
		expect(written).toContain('DEMO');
		if (monochrome) expect(written).not.toMatch(colourCodes);
		else expect(written).toMatch(colourCodes);
		expect(written).toMatch(/\u001B\[[0-9;]*7m/);
		expect(written).toMatch(/\u001B\[[0-9;]*1[;m]/);
	});
});
