/** The shared helpers that keep outside text from driving or misleading a terminal. */
import {describe, expect, it} from 'vitest';
import {hasUnsafeCharacters, inert} from '../../source/lib/format.js';
import {checkAnyRecordContent, checkRecordContent, quote} from '../../source/lib/validate.js';

const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('inert and quote', () => {
	it('neutralise C0, DEL, C1 and bidi controls', () => {
		for (const char of ['\u0000', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', ...bidi]) {
			expect(inert(`a${char}b`), JSON.stringify(char)).toBe('a\uFFFDb');
			expect(quote(`a${char}b`)).toBe('"a?b"');
			expect(hasUnsafeCharacters(`a${char}b`)).toBe(true);
		}
		expect(hasUnsafeCharacters('plain text, ünïcode')).toBe(false);
	});

	it('quote bounds what it shows', () => {
		expect(quote('x'.repeat(100_000)).length).toBeLessThan(50);
		expect(quote('abcdefghij', 4)).toBe('"abcd…"');
	});
});

describe('checkAnyRecordContent', () => {
	it('refuses only what no record type accepts', () => {
		expect(checkAnyRecordContent('x'.repeat(256))).toBeDefined();
		expect(checkAnyRecordContent('1.2.3.4\u001b[2J')).toBeDefined();
		for (const [type, content] of [['A', '203.0.113.7'], ['AAAA', '2001:db8::1'], ['CNAME', 'target.example.org'], ['TXT', 'v=spf1 -all']] as const) {
			expect(checkRecordContent(type, content)).toBeUndefined();
			expect(checkAnyRecordContent(content)).toBeUndefined();
		}
	});
});
