import {describe, expect, it} from 'vitest';
import {Lru} from '../../source/lib/lru.js';

describe('Lru', () => {
	it('computes once per key, holds at most its limit, and drops the entry used longest ago', () => {
		const lru = new Lru<number>(2);
		let computed = 0;
		const get = (key: string) => lru.get(key, () => ++computed);
		expect(get('a')).toBe(1);
		expect(get('b')).toBe(2);
		expect(get('a')).toBe(1);
		// 'b' is now the one used longest ago: 'c' pushes it out, 'a' stays.
		expect(get('c')).toBe(3);
		expect(get('a')).toBe(1);
		expect(get('b')).toBe(4);
		expect(computed).toBe(4);
	});
});
