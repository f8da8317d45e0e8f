/**
 * `--json` piped to a terminal is inert: the hostile scenario's C1 controls (U+009B, an 8-bit CSI)
 * and bidi overrides (U+202E) come out as \u009b and \u202e, never as raw characters, and the JSON
 * still reads back to the server's exact text.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain, jsonForTerminal} from '../../source/commands/index.js';
import {hostilePayload} from '../../source/emulator/hostile.js';
import {hasUnsafeCharacters} from '../../source/lib/format.js';
import {captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;

beforeAll(async () => {
	emu = await emulator({scenario: 'hostile'});
});

afterAll(async () => {
	await emu.close();
});

/** Everything `inert` replaces, except the newlines and spaces of JSON's own layout. */
function rawUnsafe(text: string): boolean {
	return hasUnsafeCharacters(text.replace(/[\n ]/g, ''));
}

describe('--json is inert on a terminal', () => {
	it('escapes C1 controls, DEL, separators and bidi marks; JSON.parse gives back the same value', () => {
		const value = {text: `a\u009b6n\u202eb\u200e\u200f\u2028\u2029\u2066\u2069\u007f\u0085${hostilePayload}`};
		const out = jsonForTerminal(value);
		expect(rawUnsafe(out)).toBe(false);
		for (const escape of ['\\u009b', '\\u202e', '\\u200e', '\\u200f', '\\u2028', '\\u2029', '\\u2066', '\\u2069', '\\u007f', '\\u0085', '\\u001b']) expect(out).toContain(escape);
		expect(JSON.parse(out)).toEqual(value);
	});

	it('dns list --json against the hostile scenario prints \\u009b and \\u202e, no raw bytes', async () => {
		const capture = captureIo({CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com', HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent'});
		expect(await commandMain('dns', ['list', '--json'], capture.io), capture.stderr()).toBe(0);
		const out = capture.stdout();
		expect(out).toContain('\\u009b');
		expect(out).toContain('\\u202e');
		expect(out).not.toMatch(/[\u009b\u202e\u001b]/);
		expect(rawUnsafe(out)).toBe(false);
		// Read back, the server's characters are all there: escaped, not lost.
		expect(JSON.stringify(JSON.parse(out))).toContain('\u009b6n\u202e');
	});
});
