/**
 * Figure 5: cold start to first frame, the esbuild bundle vs the sources through tsx's loader
 * (`node --import tsx source/cli.tsx`, the unbundled console), both `--demo` in a pseudo-terminal
 * with NODE_ENV=production. The time runs from spawn to the arrival of the output chunk after which
 * the headless terminal first shows text (the first frame, "Connecting…"), and on to the first
 * frame with threat rows (the demo's emulator started and both calls of the first poll answered).
 * Runs alternate between the two so that a change in machine load hits both alike.
 */
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

export const benchConsoleStart: BenchGroup = async () => {
	const bundled: Array<{first: number; data: number}> = [];
	const unbundled: Array<{first: number; data: number}> = [];
	for (let run = 0; run < runs; run++) {
		bundled.push(await once([bundle, '--demo']));
		await sleep(100);
		unbundled.push(await once(['--import', 'tsx', 'source/cli.tsx', '--demo']));
		await sleep(100);
	}
	const bundleFirst = median(bundled.map(run => run.first));
	const sourceFirst = median(unbundled.map(run => run.first));
	const figures: BenchFigure[] = [
		{group: 'console-start', name: `cold start to first frame, bundle (median of ${runs})`, value: bundleFirst, unit: 'ms', comparison: {name: 'unbundled (tsx)', value: sourceFirst}, goal: `<= ${goalMs} ms`, met: bundleFirst <= goalMs},
		{group: 'console-start', name: 'cold start to first frame with threat rows, bundle', value: median(bundled.map(run => run.data)), unit: 'ms', comparison: {name: 'unbundled (tsx)', value: median(unbundled.map(run => run.data))}},
	];
	return figures;
};
