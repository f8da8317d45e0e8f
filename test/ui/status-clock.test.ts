import {describe, expect, it} from 'vitest';
import {initialState, type MonitorState} from '../../source/monitor/store.js';
import {reduce} from '../../source/monitor/reduce.js';
import {staleAfter} from '../../source/monitor/scheduler.js';
import {pollQuietMs, selectStatus, statusChangesAt} from '../../source/monitor/select.js';
import {exactStepMs, selectShownStatus, statusClock, statusSeconds, statusStepMs, statusTiming} from '../../source/ui/status-clock.js';

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

describe('the status line follows the clock where it is drawn', () => {
	const t0 = 1_000_000;
	const base = (): MonitorState => initialState({zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, demo: true, readOnly: false, endpointLabel: 'demo'});
	const withData = (at: number): MonitorState => reduce(reduce(base(), {type: 'zones-resolved', zones: [{name: 'example.com', id: '1'}], at}), {type: 'poll-finished', zone: 0, at});

	it('reads ages at whole 10 s of wall time, so its view changes only when its words do', () => {
		const state = {...withData(t0), nextPollAt: t0 + 21_300};
		// 21.3 s → "next poll 30s" until 1,010,000.
		expect(statusClock(selectShownStatus(state, t0))).toEqual({age: 'data 0s old', next: 'next poll 30s'});
		expect(selectShownStatus(state, t0 + 9999)).toEqual(selectShownStatus(state, t0));
		expect(statusClock(selectShownStatus(state, t0 + 10_000))).toEqual({age: 'data 10s old', next: 'next poll 20s'});
		// Above a minute the view holds still for the minute.
		expect(selectShownStatus(state, t0 + 61_000)).toEqual(selectShownStatus(state, t0 + 79_000));
	});

	it('says "polling…" once a scheduled poll has run a second, and at once for one the operator asked for', () => {
		const started = reduce(withData(t0 - 20_000), {type: 'poll-started', zone: 0, at: t0});
		expect(selectStatus(started, t0 + pollQuietMs - 1).polling).toBe(false);
		expect(selectStatus(started, t0 + pollQuietMs).polling).toBe(true);
		expect(statusChangesAt(started, t0)).toBe(t0 + pollQuietMs);
		const asked = reduce(withData(t0 - 20_000), {type: 'poll-started', zone: 0, at: t0, asked: true});
		expect(selectStatus(asked, t0).polling).toBe(true);
	});

	it('runs no timer while nothing on it moves, 10 s steps while all is well, seconds while STALE', () => {
		expect(statusTiming(base(), t0).stepMs).toBeUndefined();
		const calm = {...withData(t0), nextPollAt: t0 + 13_000};
		expect(statusTiming(calm, t0 + 1000).stepMs).toBe(statusStepMs);
		// It wakes when the data turns STALE, with no store event then.
		const turns = staleAfter(calm)!;
		expect(statusTiming(calm, t0 + 1000).wakeAt).toContain(turns);
		expect(selectStatus(calm, turns - 1).stale).toBe(false);
		expect(selectStatus(calm, turns).stale).toBe(true);
		expect(statusTiming(calm, turns).stepMs).toBe(exactStepMs);
		// Paused: the age still moves, STALE does not come.
		const paused = reduce(calm, {type: 'pause', at: t0});
		expect(staleAfter(paused)).toBeUndefined();
		expect(statusTiming(paused, t0 + 1000).stepMs).toBe(statusStepMs);
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
