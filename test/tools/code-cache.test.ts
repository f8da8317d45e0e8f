/**
 * The code cache is an optimisation only. The build's cache is one V8 takes on this Node (made by
 * compiling, nothing run), and the launcher starts the same with no cache, a cache from another build,
 * damaged data or a truncated file: each is refused before V8 sees it, and the bundle is compiled from
 * source.
 */
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';

const dist = join(process.cwd(), 'dist');
const directory = mkdtempSync(join(tmpdir(), 'flarewatch-cache-test-'));
for (const file of ['flarewatch.js', 'flarewatch-bundle.js', 'package.json']) copyFileSync(join(dist, file), join(directory, file));
const cacheFile = join(directory, 'flarewatch-bundle.js.cache');
const built = readFileSync(join(dist, 'flarewatch-bundle.js.cache'));

afterAll(() => rmSync(directory, {recursive: true, force: true}));

/** The console's usage through the launcher: every module the console loads, evaluated, nothing drawn. */
function help(): string {
	return execFileSync(process.execPath, [join(directory, 'flarewatch.js'), '--help'], {encoding: 'utf8', env: {PATH: process.env['PATH'] ?? ''}, timeout: 15_000});
}

describe('code cache', () => {
	it('is accepted by V8 on the Node that built it', () => {
		const verdict = execFileSync(process.execPath, ['source/tools/code-cache-child.mjs', 'check', join(dist, 'flarewatch-bundle.js'), join(dist, 'flarewatch-bundle.js.cache')], {encoding: 'utf8', env: {PATH: process.env['PATH'] ?? ''}});
		expect(verdict.trim()).toBe('accepted');
	});

	it('starts the same with the cache, without one, from another build, damaged or truncated', () => {
		writeFileSync(cacheFile, built);
		const expected = help();
		expect(expected).toContain('--demo');
		const firstLine = built.indexOf(10);
		const variants: Array<[string, Buffer | undefined]> = [
			['missing', undefined],
			['another build', Buffer.concat([Buffer.from(`// flarewatch bundle latin1 ${'0'.repeat(64)}\n`), built.subarray(firstLine + 1)])],
			['damaged data', Buffer.from(built.map((byte, index) => (index === built.length - 100 ? byte ^ 0xff : byte)))],
			['truncated', built.subarray(0, built.length >> 1)],
			['empty', Buffer.alloc(0)],
		];
		for (const [name, contents] of variants) {
			rmSync(cacheFile, {force: true});
			if (contents !== undefined) writeFileSync(cacheFile, contents);
			expect(help(), name).toBe(expected);
		}
	});
});
