/**
 * Figure 6: `flood` (50,000 IPs), poll to frame, on v1 and on v4. Runs console-flood-child.ts in a child with
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
	// API v4: GraphQL returns the top client IPs only (at most one query's rows), with country and network.
	const v4 = await runChild<{samples: number[]; requestMs: number[]; rows: number}>('test/bench/console-flood-child.ts', [], 240_000, {FLAREWATCH_BENCH_API: 'v4'});
	const v4Median = median(v4.samples);
	const v4Worst = percentile(v4.samples, 100);
	figures.push(
		{group: 'console-flood', name: `v4: flood poll to frame, median (${v4.rows} rows, ${v4.samples.length} polls)`, value: v4Median, unit: 'ms', comparison: {name: 'v1', value: p50}, goal: `<= ${goalMs} ms`, met: v4Median <= goalMs},
		{group: 'console-flood', name: 'v4: flood poll to frame, worst', value: v4Worst, unit: 'ms', comparison: {name: 'v1', value: worst}, goal: `<= ${goalMs} ms`, met: v4Worst <= goalMs},
		{group: 'console-flood', name: 'v4: flood visitors query (request to decoded rows), median', value: median(v4.requestMs), unit: 'ms', comparison: {name: 'v1 zone_ips', value: median(result.requestMs)}},
	);
	return figures;
};
