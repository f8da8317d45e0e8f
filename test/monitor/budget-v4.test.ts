/**
 * The budget on API v4, on a fake clock: 1,200 calls per rolling five minutes (GraphQL queries among
 * them) and 300 GraphQL queries apart, a reserve of each kept for the operator, a zone polled at most
 * every 10 s, the header's meter in the window's figures, and v1 unchanged.
 */
import {describe, expect, it} from 'vitest';
import {FakeClock} from '../../source/lib/clock.js';
import {analyticsLeft, budgetPolicy, callsLeft, hourMs, pollSpacingMs, wouldEatAnalyticsReserve} from '../../source/monitor/budget.js';
import {callCost, pollCost, rulesListingExtra} from '../../source/monitor/call-cost.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {selectHeader, selectStatus} from '../../source/monitor/select.js';
import {v1Capabilities} from '../../source/v1/backend.js';
import {v4Capabilities} from '../../source/v4/backend.js';
import {FakeBackend, type FakeCall} from './fake-backend.js';

const windowMs = 5 * 60_000;
const names = ['example.com', 'example.net', 'example.org', 'example.info', 'example.biz', 'example.dev'];

function setup(options: {zones?: number; api?: 'v1' | 'v4'; serverLimit?: number; policy?: {calls?: number; reserve?: number}} = {}) {
	const clock = new FakeClock();
	const zoneNames = names.slice(0, options.zones ?? 1);
	const zones = Object.fromEntries(zoneNames.map((name, index) => [name, {zid: 100 + index, pro: true}]));
	const backend = new FakeBackend({clock, zones, api: options.api ?? 'v4', serverLimit: options.serverLimit});
	const monitor = createMonitor({backend, clock, zoneNames, policy: options.policy, paceMs: 0});
	return {clock, backend, monitor};
}

/** The most requests (of `kind`, or all) seen in any rolling five minutes, checked at every request. */
function worstWindow(calls: readonly FakeCall[], kind?: 'graphql'): number {
	const times = calls.filter(call => kind === undefined || call.kind === kind).map(call => call.at);
	let worst = 0;
	let first = 0;
	for (let last = 0; last < times.length; last++) {
		while (times[first] <= times[last] - windowMs) first++;
		worst = Math.max(worst, last - first + 1);
	}
	return worst;
}

/** When each zone's polls started (their settings call). */
function pollTimes(calls: readonly FakeCall[], zone: string): number[] {
	return calls.filter(call => call.action === 'settings' && call.zone === zone).map(call => call.at);
}

describe('budget on v4 (pure)', () => {
	it('takes its window, calls and reserves from the limits: 1,200 calls and 300 GraphQL queries per 5 min, a tenth of each kept', () => {
		const policy = budgetPolicy(v4Capabilities.limits);
		expect(policy).toEqual({windowMs, calls: 1200, reserve: 120, analytics: {calls: 300, reserve: 30}, minZoneIntervalMs: 10_000});
		// --budget and --reserve are calls per the API's window.
		expect(budgetPolicy(v4Capabilities.limits, {calls: 600, reserve: 60})).toMatchObject({calls: 600, reserve: 60});
		expect(() => budgetPolicy(v4Capabilities.limits, {calls: 100})).toThrow(/--budget \(100\) must be more than the 120 calls kept for your actions by default/);
		expect(() => budgetPolicy(v4Capabilities.limits, {calls: 100, reserve: 100})).toThrow(/--reserve \(100\) must be less than --budget \(100\)/);
		// v1's stays as it was: 300 an hour, 30 kept, no floor.
		expect(budgetPolicy(v1Capabilities.limits)).toEqual({windowMs: hourMs, calls: 300, reserve: 30, minZoneIntervalMs: 0});
		expect(budgetPolicy(v1Capabilities.limits, {perHour: 600, reserve: 30})).toMatchObject({calls: 600, reserve: 30});
	});

	it('knows what each call costs, keyed by the port method', () => {
		expect(pollCost('v1')).toEqual({calls: 2, analytics: 0});
		// Settings (REST) and the stats query, then the visitors query.
		expect(pollCost('v4')).toEqual({calls: 3, analytics: 2});
		expect(callCost('v4', 'checkZones', {zones: 3})).toEqual({calls: 3, analytics: 0});
		expect(callCost('v4', 'ipDetails')).toEqual({calls: 1, analytics: 1});
		expect(callCost('v4', 'ban')).toEqual({calls: 1, analytics: 0});
		expect(callCost('v1', 'stats')).toEqual({calls: 1, analytics: 0});
		// A page per 1,000 rules (at least one), zone and account: the walk ends at the last page, not an empty one.
		const rule = (scope: 'zone' | 'account') => ({id: 'x', mode: 'block', target: 'ip', value: '192.0.2.1', notes: '', scope, createdAt: 0});
		expect(rulesListingExtra({rules: []})).toEqual({calls: 0, analytics: 0});
		expect(rulesListingExtra({rules: [rule('zone'), ...Array.from({length: 1500}, () => rule('account'))]})).toEqual({calls: 1, analytics: 0});
		expect(rulesListingExtra({rules: [rule('zone')], accountUnavailable: 'a token for zones only'})).toEqual({calls: 0, analytics: 0});
		expect(rulesListingExtra({rules: Array.from({length: 2000}, () => rule('zone')), accountUnavailable: 'a token for zones only'})).toEqual({calls: 1, analytics: 0});
	});

	it('spaces polls by the scarcer kind, and keeps the GraphQL reserve for the operator', () => {
		const policy = budgetPolicy(v4Capabilities.limits);
		// 270 GraphQL queries for polling per 5 min, 2 a poll: one poll every 2.2 s at most (all zones together).
		expect(pollSpacingMs(policy, 3, 2)).toBeCloseTo((2 * windowMs) / 270);
		const graphql = Array.from({length: 269}, (_, index) => index);
		expect(analyticsLeft(policy, graphql, 1000)).toBe(31);
		expect(wouldEatAnalyticsReserve(policy, graphql, 1000, 1)).toBe(false);
		expect(wouldEatAnalyticsReserve(policy, graphql, 1000, 2)).toBe(true);
		expect(callsLeft(policy, graphql, 1000)).toBe(1200 - 269);
		// Five minutes on, they have left the window.
		expect(analyticsLeft(policy, graphql, windowMs + 300)).toBe(300);
	});
});

describe('polling on v4 (fake clock)', () => {
	for (const zones of [1, 2, 6]) {
		it(`${zones} zone(s) for an hour: within both limits in every rolling 5 minutes, the reserves untouched, each zone at most every 10 s`, async () => {
			const {clock, backend, monitor} = setup({zones, serverLimit: 1200});
			await monitor.start();
			for (let minute = 0; minute < 60; minute++) await clock.advance(60_000);
			monitor.stop();
			const calls = backend.calls;
			// Polling and rules listings leave the reserves whole: 1,080 calls and 270 GraphQL queries at most.
			expect(worstWindow(calls)).toBeLessThanOrEqual(1200 - 120);
			expect(worstWindow(calls, 'graphql')).toBeLessThanOrEqual(300 - 30);
			for (const zone of names.slice(0, zones)) {
				const times = pollTimes(calls, zone);
				const gaps = times.slice(1).map((at, index) => at - times[index]);
				expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
				if (zones <= 2) {
					// An attack console: every zone fresh within about 10 s (the floor, not the budget, sets the pace).
					expect(Math.max(...gaps)).toBeLessThanOrEqual(10_001);
					expect(times.length).toBeGreaterThanOrEqual(355);
				}
			}
			if (zones === 6) {
				// Six zones: the GraphQL queries set the pace; polling uses nearly all of its share, evenly.
				expect(worstWindow(calls, 'graphql')).toBeGreaterThanOrEqual(Math.floor(270 * 0.95));
				const perZone = names.map(zone => pollTimes(calls, zone).length);
				expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
			}
			// The active zone's rules listed at start and every 2 minutes (each 2 pages: zone, account).
			expect(calls.filter(call => call.action === 'rule list')).toHaveLength(31);
			expect(calls.filter(call => call.action === 'account rule list')).toHaveLength(31);
			// The monitor's own count matches what was sent.
			const now = clock.now();
			const state = monitor.getState();
			expect(state.ledger.length).toBe(calls.filter(call => call.at > now - windowMs).length);
			expect(state.analyticsLedger.length).toBe(calls.filter(call => call.at > now - windowMs && call.kind === 'graphql').length);
		});
	}

	it('a poll is at most four store events (was a call and a calls-left report each)', async () => {
		for (const api of ['v1', 'v4'] as const) {
			const {clock, backend, monitor} = setup({api, serverLimit: api === 'v4' ? 1200 : 300});
			await monitor.start();
			await clock.advance(3 * 60_000);
			let events = 0;
			const unsubscribe = monitor.subscribe(() => events++);
			const before = pollTimes(backend.calls, 'example.com').length + backend.calls.filter(call => call.action === 'stats').length;
			const listingsBefore = backend.calls.filter(call => call.action === 'rule list').length;
			await clock.advance(30 * 60_000);
			unsubscribe();
			monitor.stop();
			const polls = pollTimes(backend.calls, 'example.com').length + backend.calls.filter(call => call.action === 'stats').length - before;
			// A rules listing (v4, every 2 minutes) is at most five: its calls, loading, the server's count, the pages after the first, loaded.
			const listings = backend.calls.filter(call => call.action === 'rule list').length - listingsBefore;
			expect(polls).toBeGreaterThan(10);
			expect(events).toBeLessThanOrEqual(polls * 4 + listings * 5);
		}
	});

	it('shows the window in the header: calls and GraphQL queries left in the last 5 minutes', async () => {
		const {clock, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		// The zone lookup, a poll (settings, stats and visitors queries), the rules (zone and account pages).
		const header = selectHeader(monitor.getState(), clock.now());
		expect(header).toMatchObject({callsLeft: 1194, perHour: 1200, window: '5 min', analyticsLeft: 298, analyticsPerWindow: 300, budgetLow: false});
		expect(header.meter).toEqual({
			wide: '1194/1200 calls · 298/300 GraphQL left / 5 min',
			normal: '1194/1200 calls left / 5 min',
			narrow: '1194/1200 calls/5m',
			tight: '1194/1200/5m',
		});
		// Paused for five minutes, every call has left the window.
		monitor.togglePause();
		await clock.advance(windowMs + 1);
		expect(selectHeader(monitor.getState(), clock.now())).toMatchObject({callsLeft: 1200, analyticsLeft: 300});
		monitor.stop();
	});

	it("follows the server's Ratelimit count when another client spends the account's calls", async () => {
		const {clock, backend, monitor} = setup({serverLimit: 1200});
		await monitor.start();
		await clock.advance(0);
		// Someone else made 1,050 calls: the server's count says so on the next answer.
		for (let i = 0; i < 1050; i++) backend.calls.push({action: 'other client', at: clock.now(), kind: 'rest'});
		await clock.advance(10_000);
		expect(selectHeader(monitor.getState(), clock.now()).callsLeft).toBeLessThan(150);
		// Polling slows (one poll where there were four) rather than eat the reserve, until those calls leave the window.
		const polls = pollTimes(backend.calls, 'example.com').length;
		for (let second = 0; second < 270; second++) {
			await clock.advance(1000);
			expect(backend.lastCallsLeft()!.callsLeft).toBeGreaterThanOrEqual(120);
		}
		expect(pollTimes(backend.calls, 'example.com').length - polls).toBeLessThanOrEqual(8);
		// Nearly spent: it waits for the report to age (the window), and then polls at the usual pace again.
		await clock.advance(windowMs + 10_000);
		expect(selectHeader(monitor.getState(), clock.now()).callsLeft).toBeGreaterThan(1100);
		const resumed = pollTimes(backend.calls, 'example.com').length;
		await clock.advance(60_000);
		expect(pollTimes(backend.calls, 'example.com').length - resumed).toBe(6);
		monitor.stop();
	});

	it('refuses r when it would eat the GraphQL queries kept for IP details', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		// The operator's details lookups spent the GraphQL share (a query each).
		monitor.store.dispatch({type: 'call', at: clock.now(), cost: {calls: 268, analytics: 268}});
		const outcome = monitor.refreshNow();
		expect(outcome).toEqual({ok: false, message: 'Refresh refused: it would use the 30 GraphQL queries kept for your IP details'});
		// Nor does the scheduled poll run: when it falls due, it waits for those queries to leave the window.
		await clock.advance(10_000);
		expect(pollTimes(backend.calls, 'example.com')).toHaveLength(1);
		expect(monitor.getState().nextPollAt).toBeGreaterThan(clock.now() + windowMs - 11_000);
		await clock.advance(windowMs);
		expect(pollTimes(backend.calls, 'example.com')).toHaveLength(2);
		monitor.stop();
	});

	it('after HTTP 429 waits the five minutes v4 blocks for (not v1’s ten), saying HTTP 429', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'rate-limit', count: 1};
		await clock.advance(10_000);
		const status = selectStatus(monitor.getState(), clock.now());
		expect(status.banner).toMatch(/API call limit reached: polling stopped for 300 s/);
		expect(monitor.getState().messages.latest(5).some(message => message.text.includes('(HTTP 429)'))).toBe(true);
		const polls = pollTimes(backend.calls, 'example.com').length;
		await clock.advance(windowMs - 1000);
		expect(pollTimes(backend.calls, 'example.com')).toHaveLength(polls);
		await clock.advance(2000);
		expect(pollTimes(backend.calls, 'example.com')).toHaveLength(polls + 1);
		monitor.stop();
	});
});

describe('v1 unchanged', () => {
	it('never lists rules (zero extra calls), polls every 26.7 s, 300 an hour in the header', async () => {
		const {clock, backend, monitor} = setup({api: 'v1'});
		const start = clock.now();
		let listed = 0;
		backend.listRules = async () => {
			listed++;
			return {rules: []};
		};
		await monitor.start();
		for (let minute = 0; minute < 60; minute++) await clock.advance(60_000);
		monitor.actions.submit({kind: 'ban', ip: '203.0.113.9'});
		monitor.actions.loadRules({name: 'example.com', id: '100'});
		await clock.advance(1000);
		monitor.stop();
		expect(listed).toBe(0);
		expect(monitor.getState().zones[0].rules).toBeUndefined();
		// zone_check, then 134 polls of 2 calls in the hour (the 135th waits for zone_check to leave it), then the ban.
		const inHour = backend.calls.filter(call => call.at < start + hourMs);
		expect(inHour.map(call => call.action).filter(action => action !== 'stats' && action !== 'zone_ips')).toEqual(['zone_check']);
		expect(inHour).toHaveLength(1 + 2 * 134);
		expect(backend.calls.filter(call => call.action === 'ban')).toHaveLength(1);
		const header = selectHeader(monitor.getState(), clock.now());
		expect(header.meter).toEqual({wide: `${header.callsLeft}/300 calls left / hour`, normal: `${header.callsLeft}/300 calls left / hour`, narrow: `${header.callsLeft}/300 calls/h`, tight: `${header.callsLeft}/300/h`});
		expect(header.window).toBe('hour');
		expect(header.analyticsLeft).toBeUndefined();
	});
});
