/**
 * Figure 6: `flood` (50,000 IPs), poll to frame. Runs console-flood-child.ts in a child with
 * production React, so the figure is the shipped console's, and so the bench's own module graph
 * (tsx, other groups) shares nothing with it.
 */
import type {BenchFigure, BenchGroup} from './figures.js';
import {runChild} from './run-child.js';
import {median, percentile} from './pty-timing.js';

const goalMs = 100;

export const benchConsoleFlood: BenchGroup = async () => {
	const result = await runChild<{samples: number[]; requestMs: number[]; rows: number}>('test/bench/console-flood-child.ts');
	const p50 = median(result.samples);
	const worst = percentile(result.samples, 100);
	const figures: BenchFigure[] = [
		{group: 'console-flood', name: `flood poll to frame, median (${result.rows} rows, ${result.samples.length} polls)`, value: p50, unit: 'ms', goal: `<= ${goalMs} ms`, met: p50 <= goalMs},
		{group: 'console-flood', name: 'flood poll to frame, worst', value: worst, unit: 'ms', goal: `<= ${goalMs} ms`, met: worst <= goalMs},
		// Context, not part of the figure: the zone_ips call itself, with the in-process emulator generating the answer.
		{group: 'console-flood', name: 'flood zone_ips call (request to decoded rows), median', value: median(result.requestMs), unit: 'ms'},
	];
	return figures;
};
