/**
 * The monitor against the emulator's API v4 face over loopback HTTP, on a fake clock that drives both:
 * 30 simulated minutes of polling, counted by the emulator by route (what the server saw, not what the
 * monitor believes it spent): within 1,200 calls and 300 GraphQL queries in every 5 minutes, the zone
 * polled every 10 s, its rules listed every 2 minutes. (One zone: the emulator's GraphQL answers take
 * some 30 ms of real time each; the fake-clock tests take two and six zones.)
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {Secret} from '../../source/lib/secret.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {selectHeader} from '../../source/monitor/select.js';
import {V4Backend} from '../../source/v4/backend.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

async function setup(): Promise<{clock: FakeClock; emulator: EmulatorHandle; monitor: Monitor; advance: (ms: number) => Promise<void>}> {
	const clock = new FakeClock(Date.UTC(2024, 5, 2, 14, 0, 0));
	const emulator = await startEmulator({port: 0, scenario: 'calm', now: () => clock.now(), quiet: true});
	// As openBackend({api: 'v4', …}) opens it, with the fake clock (for the Ratelimit report's time).
	const backend = new V4Backend({endpoint: emulator.url, token: new Secret(emulator.token), now: () => clock.now()});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], visitorQuery: {hours: 1}});
	cleanup.push(() => emulator.close(), () => backend.close(), () => monitor.stop());
	// Real HTTP needs real time to answer: let each request finish before the fake clock moves on.
	const settle = async () => {
		await flushMicrotasks();
		while (monitor.poller.busy) await new Promise(resolve => setTimeout(resolve, 2));
		await flushMicrotasks();
	};
	return {clock, emulator, monitor, advance: ms => clock.advance(ms, settle)};
}

const graphqlRoute = 'POST /graphql';

describe('monitor on the emulator, API v4', () => {
	it('polls for 30 minutes within both limits in every 5 minutes, every 10 s, and lists the rules every 2 minutes', async () => {
		const {clock, emulator, monitor, advance} = await setup();
		const count = () => {
			const v4 = emulator.state().accounts[0].calls.v4;
			const graphql = v4.byRoute[graphqlRoute] ?? 0;
			return {calls: v4.total, graphql, byRoute: v4.byRoute};
		};
		await monitor.start();
		await advance(0);
		// Samples every 10 s: the worst 5 minutes are looked for between them.
		const samples = [count()];
		for (let step = 1; step <= 180; step++) {
			await advance(10_000);
			samples.push(count());
		}
		const last = samples.at(-1)!;
		const windowSteps = 30;
		let worstCalls = 0;
		let worstGraphql = 0;
		for (let end = 0; end < samples.length; end++) {
			// From the sample before the window, so that a call at its very start is counted too (an over-estimate by a step).
			const before = end > windowSteps ? samples[end - windowSteps - 1] : {calls: 0, graphql: 0};
			worstCalls = Math.max(worstCalls, samples[end].calls - before.calls);
			worstGraphql = Math.max(worstGraphql, samples[end].graphql - before.graphql);
		}
		// The polling shares: 1,200 − 120 calls and 300 − 30 queries; far below them, since the 10 s floor sets the pace.
		expect(worstCalls).toBeLessThanOrEqual(1080);
		expect(worstGraphql).toBeLessThanOrEqual(270);
		// A poll every 10 s (the floor, far inside the budget): 181 in 30 minutes, each a settings call and two GraphQL queries.
		const settings = last.byRoute['GET /zones/:zone_id/settings'] ?? 0;
		expect(settings).toBe(181);
		expect(last.graphql).toBe(2 * settings);
		// The zone lookup, and the rules at start and every 2 minutes: 16 listings of the zone's and the account's pages.
		expect(last.byRoute['GET /zones']).toBe(1);
		const zoneListings = last.byRoute['GET /zones/:zone_id/firewall/access_rules/rules'] ?? 0;
		const accountListings = last.byRoute['GET /accounts/:account_id/firewall/access_rules/rules'] ?? 0;
		expect(zoneListings).toBeGreaterThanOrEqual(16);
		expect(accountListings).toBeGreaterThanOrEqual(16);
		expect(last.calls).toBe(settings + last.graphql + 1 + zoneListings + accountListings);
		// Well inside the limits: an attack console that leaves the account's calls to the dashboard and other tools.
		expect(worstCalls).toBeLessThanOrEqual(120);
		expect(worstGraphql).toBeLessThanOrEqual(62);
		// Nothing refused, nothing failed.
		expect(last.byRoute['(no route)']).toBeUndefined();
		const state = monitor.getState();
		expect(state.failure).toBeUndefined();
		expect(state.zones[0].rules).toMatchObject({loading: false});
		expect(state.zones[0].rules?.error).toBeUndefined();
		// The monitor's count of the last 5 minutes is what the emulator saw in them.
		const fiveMinutesAgo = samples[samples.length - 1 - windowSteps];
		expect(state.ledger.length).toBe(last.calls - fiveMinutesAgo.calls);
		expect(state.analyticsLedger.length).toBe(last.graphql - fiveMinutesAgo.graphql);
		// The header shows the window's figures, and the server's Ratelimit count agrees with ours.
		const header = selectHeader(state, clock.now());
		expect(header).toMatchObject({perHour: 1200, window: '5 min', analyticsPerWindow: 300});
		expect(header.callsLeft).toBe(1200 - state.ledger.length);
		expect(header.analyticsLeft).toBe(300 - state.analyticsLedger.length);
	}, 60_000);
});
