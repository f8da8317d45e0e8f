/**
 * Figure 7: budget use over a simulated hour, for 1 and 3 zones. The monitor and a V1Backend poll
 * the in-process emulator on a FakeClock (no UI); the emulator counts every call the account made
 * (`state().accounts[].calls.total`), so the figure is what the server saw, not what the monitor
 * believes it spent. Two hours are simulated: the first includes start-up (zone_check, first polls
 * of every zone), the second is the steady state; the worst 60-minute window is taken from per-minute
 * samples of the emulator's count.
 *
 * Figure 7b, API v4: the same with a V4Backend on the demo token, at the console's v4 defaults (the
 * API's limits: 1,200 REST calls and 300 GraphQL queries per rolling 5 minutes, a tenth of each kept
 * for the operator; a zone at most every 10 s). The emulator counts v4's calls by route
 * (`calls.v4.byRoute`): GraphQL is `POST /graphql`, REST every other route. 30 minutes are simulated
 * from start-up, sampled every 30 s; the worst 5-minute window of each is set against its limit, and
 * the time between two polls of a zone (its settings read: one per poll) against v1's. With 6 zones
 * the GraphQL share, not the 10 s, sets the pace (two queries a poll).
 */
import type {BenchFigure, BenchGroup} from './figures.js';
import {startInProcess} from './console-harness.js';

const budget = 300;
const reserve = 30;

async function measure(zones: string[]): Promise<{firstHour: number; secondHour: number; worstWindow: number}> {
	const app = await startInProcess({scenario: 'attack', zones});
	try {
		const total = () => app.emulator.calls();
		await app.monitor.start();
		const perMinute = [await total()];
		for (let minute = 1; minute <= 120; minute++) {
			await app.advance(60_000);
			perMinute.push(await total());
		}
		let worstWindow = 0;
		for (let end = 60; end < perMinute.length; end++) worstWindow = Math.max(worstWindow, perMinute[end] - perMinute[end - 60]);
		// The count at minute 0 already holds zone_check, which belongs to the first hour.
		return {firstHour: perMinute[60], secondHour: perMinute[120] - perMinute[60], worstWindow: Math.max(worstWindow, perMinute[60])};
	} finally {
		await app.close();
	}
}

const v4Limits = {rest: 1200, graphql: 300, windowSamples: 10, sampleMs: 30_000};

interface V4Pace {
	/** Worst 5-minute windows. */
	rest: number;
	graphql: number;
	/** Polls of each zone (settings reads) over the whole run, per zone. */
	pollsPerZone: number;
	minutes: number;
}

async function measureV4(zones: string[], minutes = 30): Promise<V4Pace> {
	const steps = (minutes * 60_000) / v4Limits.sampleMs;
	const app = await startInProcess({scenario: 'attack', zones, api: 'v4'});
	try {
		const sample = async () => {
			const routes = await app.emulator.v4Routes();
			const graphql = routes['POST /graphql'] ?? 0;
			const all = Object.values(routes).reduce((sum, count) => sum + count, 0);
			return {rest: all - graphql, graphql, settings: routes['GET /zones/:zone_id/settings'] ?? 0};
		};
		// Start-up's zone lookups are in the first window: the count starts at zero.
		const samples = [{rest: 0, graphql: 0, settings: 0}];
		await app.monitor.start();
		samples.push(await sample());
		for (let step = 1; step <= steps; step++) {
			await app.advance(v4Limits.sampleMs);
			samples.push(await sample());
		}
		let rest = 0;
		let graphql = 0;
		for (let end = 1; end < samples.length; end++) {
			const start = Math.max(0, end - v4Limits.windowSamples);
			rest = Math.max(rest, samples[end].rest - samples[start].rest);
			graphql = Math.max(graphql, samples[end].graphql - samples[start].graphql);
		}
		const last = samples.at(-1)!;
		return {rest, graphql, pollsPerZone: last.settings / zones.length, minutes};
	} finally {
		await app.close();
	}
}

export const benchConsoleBudget: BenchGroup = async () => {
	const figures: BenchFigure[] = [];
	for (const zones of [['example.com'], ['example.com', 'example.net', 'example.info']]) {
		const result = await measure(zones);
		const label = `${zones.length} zone${zones.length > 1 ? 's' : ''}`;
		const limit = budget - reserve;
		// v1: two calls a poll (stats, zone_ips); the second hour is the steady state.
		const v1PollSeconds = 3600 / (result.secondHour / 2 / zones.length);
		const v4 = await measureV4(zones);
		const v4PollSeconds = (v4.minutes * 60) / v4.pollsPerZone;
		const restLimit = v4Limits.rest - Math.ceil(v4Limits.rest * 0.1);
		const graphqlLimit = v4Limits.graphql - Math.ceil(v4Limits.graphql * 0.1);
		figures.push(
			{group: 'console-budget', name: `calls in the first simulated hour, ${label}`, value: result.firstHour, unit: 'calls', comparison: {name: 'budget', value: budget}, goal: `<= ${limit} (budget ${budget} - reserve ${reserve})`, met: result.firstHour <= limit},
			{group: 'console-budget', name: `calls in the second hour, ${label}`, value: result.secondHour, unit: 'calls', goal: `<= ${limit}`, met: result.secondHour <= limit},
			{group: 'console-budget', name: `worst 60-minute window (per-minute samples), ${label}`, value: result.worstWindow, unit: 'calls', goal: `<= ${limit}`, met: result.worstWindow <= limit},
			{group: 'console-budget', name: `v4: REST calls, worst 5-minute window of ${v4.minutes} simulated minutes, ${label}`, value: v4.rest, unit: 'calls', comparison: {name: 'v4 limit', value: v4Limits.rest}, goal: `<= ${restLimit} (${v4Limits.rest} - reserve)`, met: v4.rest <= restLimit},
			{group: 'console-budget', name: `v4: GraphQL queries, worst 5-minute window, ${label}`, value: v4.graphql, unit: 'queries', comparison: {name: 'v4 limit', value: v4Limits.graphql}, goal: `<= ${graphqlLimit} (${v4Limits.graphql} - reserve)`, met: v4.graphql <= graphqlLimit},
			{group: 'console-budget', name: `v4: seconds between two polls of a zone, ${label}`, value: v4PollSeconds, unit: 's', comparison: {name: 'v1', value: v1PollSeconds}},
		);
	}
	// Six zones: 10 s a zone would be 360 queries in 5 minutes, past GraphQL's share: the budget paces.
	const six = ['example.com', 'example.net', 'example.info', 'example.biz', 'example.dev', 'example.app'];
	// 15 minutes: three windows' worth, as each GraphQL query costs the emulator an hour of its traffic model.
	const v4 = await measureV4(six, 15);
	const graphqlLimit = v4Limits.graphql - Math.ceil(v4Limits.graphql * 0.1);
	figures.push(
		{group: 'console-budget', name: 'v4: GraphQL queries, worst 5-minute window of 15 simulated minutes, 6 zones', value: v4.graphql, unit: 'queries', comparison: {name: 'v4 limit', value: v4Limits.graphql}, goal: `<= ${graphqlLimit} (${v4Limits.graphql} - reserve)`, met: v4.graphql <= graphqlLimit},
		{group: 'console-budget', name: 'v4: REST calls, worst 5-minute window, 6 zones', value: v4.rest, unit: 'calls', comparison: {name: 'v4 limit', value: v4Limits.rest}},
		{group: 'console-budget', name: 'v4: seconds between two polls of a zone, 6 zones', value: (v4.minutes * 60) / v4.pollsPerZone, unit: 's'},
	);
	return figures;
};
