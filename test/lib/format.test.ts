import {describe, expect, it} from 'vitest';
import {formatBytes, formatCount, formatCountdown, formatKilobytes, formatLocalTime, formatRelative, formatTable, inert} from '../../source/lib/format.js';

describe('format', () => {
	it('bytes with units', () => {
		expect([0, 512, 1536, 10 * 1024 * 1024, 1024 ** 4 * 3].map(formatBytes)).toEqual(['0 B', '512 B', '1.50 KB', '10.0 MB', '3.00 TB']);
		expect(formatKilobytes(1497.6806640625)).toBe('1.46 MB');
		expect(formatCount(1234567)).toBe('1,234,567');
	});

	it('local and relative times', () => {
		const at = new Date(2026, 10, 28, 18, 5, 9).getTime();
		expect(formatLocalTime(at)).toBe('2026-11-28 18:05:09');
		expect(formatRelative(at + 3 * 3600_000 - 19_000, at)).toBe('in 2h 59m');
		expect(formatRelative(at - 200_000, at)).toBe('3m 20s ago');
		expect(formatRelative(at, at)).toBe('just now');
		expect(formatCountdown(10781)).toBe('2:59:41');
	});

	it('aligned tables, inert cells', () => {
		expect(formatTable(['IP', 'Hits'], [['203.0.113.7', '5'], ['10.0.0.1', '12345']], ['left', 'right'])).toEqual(['IP            Hits', '203.0.113.7      5', '10.0.0.1     12345']);
		expect(inert('a\u001b[2Jb\u0007')).toBe('a\uFFFD[2Jb\uFFFD');
		expect(formatTable(undefined, [['\u001b]0;x\u0007']])[0]).not.toContain('\u001b');
	});
});
