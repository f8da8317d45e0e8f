/**
 * Figure 4: RSS and post-GC heap across a simulated day of polling. Runs console-soak-child.ts with
 * --expose-gc and production React in its own process, so the bench's heap is not in the figure.
 */
import type {BenchFigure, BenchGroup} from './figures.js';
import {runChild} from './run-child.js';

interface SoakSample {
	hour: number;
	heapMB: number;
	rssMB: number;
	realSeconds: number;
}

/**
 * "Flat": the post-GC heap is a sawtooth (capped histories and buffers fill, then get trimmed, every
 * ~9 simulated hours), so a straight-line slope depends on where the day ends. The test is that the
 * peak of the second half of the day is no higher than the first half's, within this much.
 */
const growthGoalMB = 1;
const rssGoalMB = 100;

export const benchConsoleSoak: BenchGroup = async () => {
	const result = await runChild<{samples: SoakSample[]; calls: number; bytes: number; writes: number}>('test/bench/console-soak-child.ts', ['--expose-gc', '--max-semi-space-size=1'], 480_000);
	const samples = result.samples;
	const hours = samples.at(-1)?.hour ?? 0;
	const steady = samples.filter(sample => sample.hour >= 2);
	const slope = slopeOf(steady.map(sample => [sample.hour, sample.heapMB * 1024]));
	const half = Math.ceil(hours / 2);
	const peak = (from: number, to: number) => Math.max(...samples.filter(sample => sample.hour >= from && sample.hour <= to).map(sample => sample.heapMB));
	const growth = peak(half + 1, hours) - peak(1, half);
	const first = samples[1] ?? samples[0];
	const last = samples.at(-1) ?? first;
	const maxRss = Math.max(...samples.map(sample => sample.rssMB));
	const figures: BenchFigure[] = [
		{group: 'console-soak', name: `post-GC heap after hour 1 (${hours} simulated h, ${result.calls} calls, ${result.writes} frames)`, value: first.heapMB, unit: 'MB'},
		{group: 'console-soak', name: `post-GC heap after hour ${hours} (max ${Math.max(...samples.map(sample => sample.heapMB)).toFixed(1)} MB)`, value: last.heapMB, unit: 'MB'},
		{group: 'console-soak', name: `post-GC heap peak, hours ${half + 1}-${hours} minus hours 1-${half}`, value: growth, unit: 'MB', goal: `<= ${growthGoalMB} MB (flat)`, met: growth <= growthGoalMB},
		{group: 'console-soak', name: 'post-GC heap slope, hours 2 on (least squares, sawtooth)', value: slope, unit: 'KB/h'},
		{group: 'console-soak', name: `RSS max of the console's process (first ${samples[0].rssMB.toFixed(0)} MB, last ${last.rssMB.toFixed(0)} MB; bundled, emulator in its own process)`, value: maxRss, unit: 'MB', goal: `<= ${rssGoalMB} MB`, met: maxRss <= rssGoalMB},
		{group: 'console-soak', name: `real time for the simulated ${hours} h`, value: last.realSeconds, unit: 's'},
	];
	return figures;
};

function slopeOf(points: Array<[number, number]>): number {
	if (points.length < 2) return Number.NaN;
	const n = points.length;
	const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
	const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
	const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
	const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
	return covariance / variance;
}
