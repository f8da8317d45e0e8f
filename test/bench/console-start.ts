/**
 * Figure 5: cold start to first frame, the built console (dist/flarewatch.js: the launcher, which runs
 * the bundle with V8's code cache, see source/tools/build.mjs) vs the sources through tsx's loader
 * (`node --import tsx source/cli.tsx`, the unbundled console), both `--demo` in a pseudo-terminal
 * with NODE_ENV=production. The time runs from spawn to the arrival of the output chunk after which
 * the headless terminal first shows text (the first frame, "Connecting…"), and on to the first
 * frame with threat rows (the demo's emulator started and both calls of the first poll answered).
 * A third figure is the same bundle without its code cache (a copy of dist/ without the cache file):
 * how a start goes when V8 rejects the cache (another Node version, other V8 flags).
 * Runs alternate between the three so that a change in machine load hits all alike.
 */
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {BenchFigure, BenchGroup} from './figures.js';
import {bundle, highlightedRow, median, sleep, TimedPty} from './pty-timing.js';

const runs = 10;
const goalMs = 300;

async function once(args: string[]): Promise<{first: number; data: number}> {
	const console = new TimedPty({args, cols: 100, rows: 30});
	try {
		const firstAt = console.until(screen => screen.trim() !== '', 'the first frame', 20_000);
		const dataAt = console.until(screen => highlightedRow(screen) !== undefined, 'the threat rows', 20_000);
		return {first: (await firstAt) - console.spawnedAt, data: (await dataAt) - console.spawnedAt};
	} finally {
		console.kill();
	}
}

/** dist/ without the code cache, in a temporary directory (the launcher finds the bundle beside itself). */
function copyWithoutCache(): {launcher: string; remove(): void} {
	const directory = mkdtempSync(join(tmpdir(), 'flarewatch-nocache-'));
	for (const file of ['flarewatch.js', 'flarewatch-bundle.js', 'package.json']) copyFileSync(join(dirname(bundle), file), join(directory, file));
	return {launcher: join(directory, 'flarewatch.js'), remove: () => rmSync(directory, {recursive: true, force: true})};
}

export const benchConsoleStart: BenchGroup = async () => {
	const bundled: Array<{first: number; data: number}> = [];
	const unbundled: Array<{first: number; data: number}> = [];
	const uncached: Array<{first: number; data: number}> = [];
	const noCache = copyWithoutCache();
	try {
		for (let run = 0; run < runs; run++) {
			bundled.push(await once([bundle, '--demo']));
			await sleep(100);
			unbundled.push(await once(['--import', 'tsx', 'source/cli.tsx', '--demo']));
			await sleep(100);
			uncached.push(await once([noCache.launcher, '--demo']));
			await sleep(100);
		}
	} finally {
		noCache.remove();
	}
	const bundleFirst = median(bundled.map(run => run.first));
	const sourceFirst = median(unbundled.map(run => run.first));
	const figures: BenchFigure[] = [
		{group: 'console-start', name: `cold start to first frame, bundle (median of ${runs})`, value: bundleFirst, unit: 'ms', comparison: {name: 'unbundled (tsx)', value: sourceFirst}, goal: `<= ${goalMs} ms`, met: bundleFirst <= goalMs},
		{group: 'console-start', name: 'cold start to first frame with threat rows, bundle', value: median(bundled.map(run => run.data)), unit: 'ms', comparison: {name: 'unbundled (tsx)', value: median(unbundled.map(run => run.data))}},
		{group: 'console-start', name: 'cold start to first frame, bundle without its code cache', value: median(uncached.map(run => run.first)), unit: 'ms', comparison: {name: 'with the cache', value: bundleFirst}},
	];
	return figures;
};
