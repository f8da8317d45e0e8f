import {describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {ipv4Key, sortByHits} from '../../source/monitor/reduce.js';

const visitor = (ip: string, hits: number): Visitor => ({ip, hits, classification: 'threat'}) as Visitor;

describe('sortByHits', () => {
	it('orders by hits, most first; ties IPv4 in numeric order, then other addresses as strings', () => {
		const rows = [visitor('10.0.0.9', 5), visitor('2001:db8::2', 5), visitor('10.0.0.10', 5), visitor('9.9.9.9', 7), visitor('2001:db8::1', 5), visitor('1.2.3.4', 1)];
		expect(sortByHits(rows).map(row => row.ip)).toEqual(['9.9.9.9', '10.0.0.9', '10.0.0.10', '2001:db8::1', '2001:db8::2', '1.2.3.4']);
		// The input is left as it was.
		expect(rows[0].ip).toBe('10.0.0.9');
	});

	it('is the same order whatever order the rows arrive in, so the list is stable between polls', () => {
		const rows = Array.from({length: 2000}, (_, index) => visitor(`${(index * 7919) % 223 + 1}.${index % 256}.${(index >> 8) % 256}.${(index * 31) % 256}`, index % 13));
		const once = sortByHits(rows).map(row => row.ip);
		const shuffled = rows.slice().reverse();
		expect(sortByHits(shuffled).map(row => row.ip)).toEqual(once);
		const sorted = sortByHits(rows);
		for (let index = 1; index < sorted.length; index++) {
			const [a, b] = [sorted[index - 1], sorted[index]];
			expect(a.hits > b.hits || (a.hits === b.hits && ipv4Key(a.ip) < ipv4Key(b.ip))).toBe(true);
		}
	});

	it.each([
		['0.0.0.0', 0],
		['1.2.3.4', 0x01020304],
		['255.255.255.255', 0xffffffff],
		['256.1.1.1', -1],
		['1.2.3', -1],
		['1.2.3.4.5', -1],
		['1..2.3', -1],
		['::1', -1],
		['1.2.3.4 ', -1],
		['0001.2.3.4', -1],
	])('ipv4Key(%j) is %d', (ip, key) => {
		expect(ipv4Key(ip)).toBe(key);
	});
});
