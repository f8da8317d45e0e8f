import {describe, expect, it} from 'vitest';
import {sameProps, sameValue} from '../../source/ui/same-props.js';

describe('sameValue (pane props equality)', () => {
	it('holds view models built afresh with the same content equal', () => {
		const build = () => ({rows: [{ip: '192.0.2.1', hits: 4, geo: undefined}], scores: new Map([['192.0.2.1', {kind: 'threat', score: 9}]]), width: 80, label: 'all'});
		expect(sameProps(build(), build())).toBe(true);
	});

	it('tells apart any change a pane would show: a number, a string, an array length, a Map entry, a key', () => {
		const base = {rows: [{ip: '192.0.2.1', hits: 4}], scores: new Map([['a', 1]]), width: 80};
		expect(sameValue(base, {...base, width: 81})).toBe(false);
		expect(sameValue(base, {...base, rows: [{ip: '192.0.2.2', hits: 4}]})).toBe(false);
		expect(sameValue(base, {...base, rows: [...base.rows, {ip: '192.0.2.3', hits: 1}]})).toBe(false);
		expect(sameValue(base, {...base, scores: new Map([['a', 2]])})).toBe(false);
		expect(sameValue(base, {...base, scores: new Map([['b', 1]])})).toBe(false);
		expect(sameValue({a: 1, b: undefined}, {a: 1, c: undefined})).toBe(false);
		expect(sameValue([1, 2], {0: 1, 1: 2, length: 2})).toBe(false);
	});

	it('compares functions and class instances by identity, and gives up (not equal) past its depth', () => {
		const handler = () => {};
		expect(sameValue({onQuit: handler}, {onQuit: handler})).toBe(true);
		expect(sameValue({onQuit: handler}, {onQuit: () => {}})).toBe(false);
		expect(sameValue({at: new Date(5)}, {at: new Date(5)})).toBe(false);
		const deep = (): unknown => ({a: {b: {c: {d: {e: {f: {g: {h: {i: 1}}}}}}}}});
		expect(sameValue(deep(), deep())).toBe(false);
	});
});
