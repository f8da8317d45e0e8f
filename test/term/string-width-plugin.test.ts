/**
 * The bundle's string-width (source/tools/string-width-plugin.mjs builds its emoji expression on first
 * use and widens its fast path) must measure every string as the package does, and width.ts's plain
 * narrow ranges must agree with both.
 */
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {build} from 'esbuild';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {stringWidthPlugin} from '../../source/tools/string-width-plugin.mjs';
import {clusterWidth, isPlainNarrow} from '../../source/term/output/width.js';
import {seeded} from './fixtures.js';

async function bundledStringWidth(): Promise<(text: string) => number> {
	const directory = join(process.cwd(), 'node_modules', '.cache', 'flarewatch-test');
	mkdirSync(directory, {recursive: true});
	const outfile = join(directory, `string-width-${process.pid}.mjs`);
	const entry = createRequire(import.meta.url).resolve('string-width');
	await build({entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', plugins: [stringWidthPlugin()], logLevel: 'error'});
	return ((await import(outfile)) as {default: (text: string) => number}).default;
}

const samples = ['a', ' ', 'é', '·', '…', '—', '–', '‘', '’', '“', '”', '•', '‣', '│', '┼', '█', '\u00AD', '\u200B', '\u200D', '東', '🔥', '👍🏽', '🇩🇪', 'e\u0301', '\u2028', '\u2029', '\u202E', '\u0000', '\u001B[31m', 'ｆ', '\uFE0F', '❤️'];

describe('string-width as the bundle builds it', () => {
	it('measures 20,000 random strings of ASCII, punctuation, box drawing, emoji and marks as the package does', async () => {
		const bundled = await bundledStringWidth();
		const random = seeded(2026);
		for (let round = 0; round < 20_000; round++) {
			const text = Array.from({length: 1 + Math.floor(random() * 6)}, () => samples[Math.floor(random() * samples.length)]).join('');
			expect(bundled(text), JSON.stringify(text)).toBe(stringWidth(text));
		}
		for (let code = 0x2000; code < 0x2070; code++) expect(bundled(String.fromCharCode(code))).toBe(stringWidth(String.fromCharCode(code)));
	});

	it('agrees with width.ts on every code unit width.ts calls plain narrow', () => {
		for (let code = 0xA0; code < 0x2600; code++) {
			if (!isPlainNarrow(code)) continue;
			const char = String.fromCharCode(code);
			expect(stringWidth(char), `U+${code.toString(16)}`).toBe(1);
			expect(clusterWidth(char), `U+${code.toString(16)}`).toBe(1);
		}
	});
});
