import {describe, expect, it} from 'vitest';
import {initialState, type MonitorState} from '../../source/monitor/store.js';
import {reduce} from '../../source/monitor/reduce.js';
import {clockFace, onlyInvisibleTick, pollQuietMs, statusClock, statusSeconds} from '../../source/ui/visible-clock.js';

describe('the status clock in steps', () => {
	it.each([
		[0, 'down', 0],
		[9, 'down', 0],
		[10, 'down', 10],
		[59, 'down', 50],
		[61, 'down', 60],
		[119, 'down', 60],
		[1, 'up', 10],
		[12, 'up', 20],
		[20, 'up', 20],
		[61, 'up', 120],
	] as const)('%d s rounded %s is %d s', (seconds, round, expected) => {
		expect(statusSeconds(seconds, round)).toBe(expected);
	});

	it('reads as before: data age, next poll, minutes above a minute', () => {
		expect(statusClock({ageSeconds: 7, nextPollSeconds: 12, stale: false, polling: false, paused: false})).toEqual({age: 'data 0s old', next: 'next poll 20s'});
		expect(statusClock({ageSeconds: 75, nextPollSeconds: undefined, stale: false, polling: false, paused: true})).toEqual({age: 'data 1m old', next: 'paused'});
		expect(statusClock({ageSeconds: undefined, nextPollSeconds: 3, stale: false, polling: true, paused: false})).toEqual({age: 'no data yet', next: 'polling…'});
	});
});

describe('a clock tick is a render only when something on screen moves', () => {
	const base = (): MonitorState => initialState({zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, now: 1_000_000, demo: true, readOnly: false, endpointLabel: 'demo'});

	it('skips the ticks inside a 10 s step of wall time, and not the one that crosses it', () => {
		const state = {...base(), nextPollAt: 1_000_000 + 21_300};
		// The status clock reads at whole 10 s (1,000,000 ms is one): 21.3 s → "next poll 30s" until 1,010,000.
		const plusNine = {...state, now: state.now + 9999};
		expect(onlyInvisibleTick(state, plusNine)).toBe(true);
		const crossing = {...state, now: state.now + 10_000};
		expect(clockFace(crossing)).not.toBe(clockFace(state));
		expect(onlyInvisibleTick(state, crossing)).toBe(false);
	});

	it('draws a quick scheduled poll once, when its data arrives, not at each call it spends', () => {
		const before = {...base(), nextPollAt: 1_000_000};
		const started = reduce(reduce(before, {type: 'poll-started', zone: 0, at: 1_000_000}), {type: 'call', at: 1_000_000});
		expect(onlyInvisibleTick(before, started)).toBe(true);
		const secondCall = reduce(reduce({...started, now: 1_000_400}, {type: 'call', at: 1_000_400}), {type: 'calls-left', report: {callsLeft: 290, at: 1_000_400}});
		expect(onlyInvisibleTick(before, secondCall)).toBe(true);
		const finished = reduce({...secondCall, now: 1_000_800}, {type: 'poll-finished', zone: 0, at: 1_000_000, failure: {kind: 'network', message: 'reset', at: 1_000_800}});
		expect(onlyInvisibleTick(before, finished)).toBe(false);
	});

	it('shows "polling…" once a scheduled poll has run a second, and at once for one the operator asked for', () => {
		const before = base();
		const started = reduce(before, {type: 'poll-started', zone: 0, at: 1_000_000});
		expect(onlyInvisibleTick(before, {...started, now: 1_000_000 + pollQuietMs - 1})).toBe(true);
		expect(onlyInvisibleTick(before, {...started, now: 1_000_000 + pollQuietMs})).toBe(false);
		const asked = reduce(before, {type: 'poll-started', zone: 0, at: 1_000_000, asked: true});
		expect(onlyInvisibleTick(before, asked)).toBe(false);
		// Anything else changing during the quiet second is drawn at once.
		expect(onlyInvisibleTick(before, {...started, paused: true})).toBe(false);
	});

	it('never skips a change of anything but the clock', () => {
		const state = base();
		expect(onlyInvisibleTick(state, {...state, paused: !state.paused})).toBe(false);
		expect(onlyInvisibleTick(state, state)).toBe(true);
	});
});

describe('chart lines, one escape run per colour', () => {
	it('merges per-symbol colours and keeps what is drawn', async () => {
		const {mergeColourRuns, plotLines, chartColors} = await import('../../source/ui/chart.js');
		const strip = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '');
		expect(mergeColourRuns('\u001B[36m─\u001B[0m\u001B[36m─\u001B[0m\u001B[33m╮\u001B[0m  ')).toBe('\u001B[36m──\u001B[0m\u001B[33m╮\u001B[0m  ');
		expect(mergeColourRuns('plain')).toBe('plain');
		const lines = plotLines([[1, 5, 2, 8, 3, 9, 9, 9], [0, 1, 0, 2, 1, 1, 1, 1]], {height: 6, width: 30, colors: [chartColors.edge, chartColors.origin]});
		for (const line of lines) {
			// No run closed only to be opened again with the same colour.
			expect(line).not.toMatch(/(\u001B\[\d+m)[^\u001B]*\u001B\[0m\1/);
		}
		expect(lines.map(strip).join('\n')).toMatch(/[╭╮╰╯─│]/);
	});
});

describe('the status clock when something is wrong', () => {
	it('counts every second while the data is STALE or a poll failed', () => {
		expect(statusClock({ageSeconds: 7, nextPollSeconds: 12, stale: true, polling: false, paused: false})).toEqual({age: 'data 7s old', next: 'next poll 12s'});
		expect(statusClock({ageSeconds: 75, nextPollSeconds: 3, stale: false, banner: 'Poll failed: HTTP 500', polling: false, paused: false})).toEqual({age: 'data 1m15s old', next: 'next poll 3s'});
	});
});
