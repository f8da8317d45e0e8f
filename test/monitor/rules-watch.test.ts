/**
 * The access rules of the zone on screen, on an API that lists them (v4; FakeBackend plays it): listed
 * at start, every 2 minutes, after any action that changes rules, and on demand; a failed listing keeps
 * the list and says why.
 */
import {describe, expect, it} from 'vitest';
import type {AccessRule} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {rulesRefreshMs} from '../../source/monitor/poller.js';
import {FakeBackend} from './fake-backend.js';

const other: AccessRule = {id: 'a1', mode: 'challenge', target: 'country', value: 'CN', notes: 'made in the dashboard', scope: 'account', createdAt: 0};
const ours: AccessRule = {id: 'z1', mode: 'block', target: 'ip', value: '192.0.2.1', notes: 'flarewatch: ban', scope: 'zone', createdAt: 0};

async function setup(options: {zones?: string[]} = {}) {
	const clock = new FakeClock();
	const names = options.zones ?? ['example.com'];
	const backend = new FakeBackend({clock, api: 'v4', zones: Object.fromEntries(names.map((name, index) => [name, {zid: 100 + index, pro: true}]))});
	backend.zoneRules = [ours];
	backend.accountRules = [other];
	const monitor = createMonitor({backend, clock, zoneNames: names, paceMs: 0, retryDelayMs: 10});
	const start = clock.now();
	await monitor.start();
	await clock.advance(0);
	const listings = () => backend.listings;
	const rules = (index = 0) => monitor.getState().zones[index].rules;
	return {clock, backend, monitor, start, listings, rules};
}

describe('rules of the zone on screen (v4)', () => {
	it('are listed at start, the zone’s and the account’s, and again every 2 minutes', async () => {
		const {clock, monitor, start, listings, rules} = await setup();
		expect(rules()).toEqual({list: [ours, other], at: start, loading: false});
		expect(listings()).toHaveLength(1);
		await clock.advance(rulesRefreshMs - 1);
		expect(listings()).toHaveLength(1);
		await clock.advance(1);
		expect(listings()).toHaveLength(2);
		expect(rules()?.at).toBe(start + rulesRefreshMs);
		// Paused, no periodic listing; resumed, the one due runs at once.
		monitor.togglePause();
		await clock.advance(3 * rulesRefreshMs);
		expect(listings()).toHaveLength(2);
		monitor.togglePause();
		await clock.advance(0);
		expect(listings()).toHaveLength(3);
		monitor.stop();
	});

	it('are listed again once after actions that change rules, when the queue is idle (a burst of bans costs one listing)', async () => {
		const {clock, monitor, listings, rules} = await setup();
		await clock.advance(1000);
		for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) monitor.actions.submit({kind: 'ban', ip});
		await monitor.actions.queue.idle();
		await clock.advance(0);
		expect(listings()).toHaveLength(2);
		expect(rules()?.list.map(rule => rule.value)).toEqual(['192.0.2.1', '203.0.113.1', '203.0.113.2', '203.0.113.3', 'CN']);
		// Clearing one: listed again, and it is gone.
		monitor.actions.submit({kind: 'clear-rule', ip: '203.0.113.2'});
		await monitor.actions.queue.idle();
		await clock.advance(0);
		expect(listings()).toHaveLength(3);
		expect(rules()?.list.map(rule => rule.value)).not.toContain('203.0.113.2');
		// An action that changes no rule lists nothing.
		monitor.actions.submit({kind: 'security-level', zone: {name: 'example.com', id: '100'}, level: 'high'});
		await monitor.actions.queue.idle();
		await clock.advance(0);
		expect(listings()).toHaveLength(3);
		monitor.stop();
	});

	it('keep the previous list when a listing fails, with why, until one succeeds', async () => {
		const {clock, backend, monitor, start, rules} = await setup();
		backend.rulesFault = 'network';
		await clock.advance(rulesRefreshMs);
		expect(rules()).toMatchObject({list: [ours, other], at: start, loading: false, error: 'The access rules of example.com could not be listed: injected network'});
		// Polling goes on regardless.
		expect(monitor.getState().failure).toBeUndefined();
		backend.rulesFault = undefined;
		await clock.advance(rulesRefreshMs);
		expect(rules()).toEqual({list: [ours, other], at: clock.now(), loading: false});
		monitor.stop();
	});

	it('are listed on demand (loadRules), and refused with the reason when the API limit is reached', async () => {
		const {clock, backend, monitor, listings, rules} = await setup();
		await clock.advance(5000);
		backend.zoneRules = [];
		monitor.actions.loadRules({name: 'example.com', id: '100'});
		await clock.advance(0);
		expect(listings()).toHaveLength(2);
		expect(rules()?.list).toEqual([other]);
		// The limit reached: nothing is sent, the list stays, the reason is shown.
		backend.fault = {kind: 'rate-limit', count: 1};
		await clock.advance(10_000);
		monitor.actions.loadRules({name: 'example.com', id: '100'});
		await clock.advance(0);
		expect(listings()).toHaveLength(2);
		expect(rules()).toMatchObject({list: [other], error: 'The access rules of example.com were not listed: the API call limit is reached'});
		expect(monitor.getState().messages.last()?.text).toBe('The access rules of example.com were not listed: the API call limit is reached');
		monitor.stop();
	});

	it('follow the zone on screen: the next zone’s are listed when it is shown, and only the shown zone’s are refreshed', async () => {
		const {clock, backend, monitor, rules} = await setup({zones: ['example.com', 'example.net']});
		expect(rules(1)).toBeUndefined();
		monitor.nextZone();
		await clock.advance(0);
		expect(rules(1)?.list).toEqual([ours, other]);
		await clock.advance(2 * rulesRefreshMs);
		const byZone = (zone: string) => backend.listings.filter(name => name === zone).length;
		expect(byZone('example.com')).toBe(1);
		expect(byZone('example.net')).toBe(3);
		monitor.stop();
	});

	it('count every page in the ledger: a page per 1,000 rules (no empty page after), the account’s when readable', async () => {
		const {clock, backend, monitor} = await setup();
		backend.accountRules = Array.from({length: 1500}, (_, index) => ({...other, id: `a${index}`, value: `AS${index + 1}`}));
		await clock.advance(rulesRefreshMs);
		const now = clock.now();
		expect(backend.calls.filter(call => call.action === 'account rule list' && call.at === now)).toHaveLength(2);
		expect(monitor.getState().ledger).toHaveLength(backend.calls.filter(call => call.at > now - 300_000).length);
		expect(monitor.getState().zones[0].rules?.list).toHaveLength(1501);
		monitor.stop();
	});
});
