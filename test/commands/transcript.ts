import {expect} from 'vitest';

/** Everything the in-process command runs of a test file printed, for the key scan. */
export const transcript: string[] = [];

/** Asserts that no output so far holds `key`, in plain or URL-encoded form. */
export function expectKeyNeverPrinted(key: string): void {
	expect(transcript.length).toBeGreaterThan(0);
	const all = transcript.join('\n');
	expect(all.includes(key)).toBe(false);
	expect(all.includes(encodeURIComponent(key))).toBe(false);
}
