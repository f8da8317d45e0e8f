import {describe, expect, it} from 'vitest';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {selectHeader, selectStatus, selectTraffic} from '../../source/monitor/select.js';
import {FakeBackend} from './fake-backend.js';

function setup(options: {zones?: Record<string, {zid: number; pro: boolean}>; names?: string[]; perHour?: number; reserve?: number} = {}) {
	const clock = new FakeClock();
	const zones = options.zones ?? {'example.com': {zid: 1, pro: true}};
	const backend = new FakeBackend({clock, zones});
	const monitor = createMonitor({backend, clock, zoneNames: options.names ?? Object.keys(zones), policy: {perHour: options.perHour ?? 300, reserve: options.reserve ?? 30}, tickMs: 1000});
	return {clock, backend, monitor};
}

const spacing = (2 * 3_600_000) / 270;

describe('poller', () => {
	it('resolves zones with one zone_check and polls the active zone at once', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check', 'stats', 'zone_ips']);
		expect(monitor.getState().zones[0].plan).toBe('Pro');
		expect(selectHeader(monitor.getState()).callsLeft).toBe(297);
		monitor.stop();
	});

	it('falls back to the 24-hour interval on a Free zone, once', async () => {
		const {clock, backend, monitor} = setup({zones: {'example.net': {zid: 2, pro: false}}});
		await monitor.start();
		await clock.advance(spacing * 2 + 10);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check', 'stats', 'stats', 'zone_ips', 'stats', 'zone_ips', 'stats', 'zone_ips']);
		expect(monitor.getState().zones[0].plan).toBe('Free');
		monitor.stop();
	});

	it('shows an attack within two polls', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(spacing + 10);
		const before = selectTraffic(monitor.getState(), 50);
		backend.attack = true;
		backend.visitorRows = [...backend.visitorRows, ...Array.from({length: 50}, (_, i) => ({ip: `192.0.2.${i}`, classification: 'threat' as const, hits: 2000}))];
		await clock.advance(spacing * 2);
		const after = selectTraffic(monitor.getState(), 50);
		expect(after.threatHits.at(-1)).toBeGreaterThan(50 * (before.threatHits.at(-1) ?? 0));
		expect(Math.max(...after.edgeRequests.slice(-2))).toBeGreaterThan(Math.max(0, ...before.edgeRequests));
		monitor.stop();
	});

	it('polls nothing while paused, and resumes', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		monitor.togglePause();
		const count = backend.calls.length;
		await clock.advance(3_600_000);
		expect(backend.calls.length).toBe(count);
		expect(monitor.refreshNow().ok).toBe(false);
		monitor.togglePause();
		await clock.advance(spacing + 1);
		expect(backend.calls.length).toBeGreaterThan(count);
		monitor.stop();
	});

	it('never overlaps polls: a refresh during a poll is refused', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		// A slow answer: the poll stays in flight until released.
		let release: () => void = () => {};
		const original = backend.stats.bind(backend);
		backend.stats = async (...args) => {
			await new Promise<void>(resolve => {
				release = resolve;
			});
			return original(...args);
		};
		await clock.advance(spacing + 1);
		expect(monitor.getState().polling).toBe(0);
		const outcome = monitor.refreshNow();
		expect(outcome.ok).toBe(false);
		expect(outcome.message).toContain('already running');
		const ledger = monitor.getState().ledger.length;
		await clock.advance(spacing * 3);
		// Timers fell due meanwhile, but no second request was sent.
		expect(monitor.getState().ledger.length).toBe(ledger);
		release();
		await clock.advance(0);
		expect(backend.calls.filter(call => call.action === 'zone_ips')).toHaveLength(2);
		monitor.stop();
	});

	it('refuses r when it would eat into the reserve', async () => {
		const {clock, monitor} = setup({perHour: 10, reserve: 6});
		await monitor.start();
		await clock.advance(0);
		// 3 calls made: 7 left; a refresh of 2 leaves 5 < 6.
		const outcome = monitor.refreshNow();
		expect(outcome.ok).toBe(false);
		expect(outcome.message).toContain('calls kept for actions');
		expect(selectStatus(monitor.getState()).message?.text).toContain('refused');
		monitor.stop();
	});

	it('backs off after network failures, marks the data stale, and recovers', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'network', count: 4};
		const failedFrom = backend.calls.length;
		await clock.advance(spacing * 4);
		const attempts = backend.calls.length - failedFrom;
		// Without back-off there would be four polls (eight calls).
		expect(attempts).toBeLessThan(4);
		expect(selectStatus(monitor.getState()).stale).toBe(true);
		expect(selectStatus(monitor.getState()).banner).toContain('injected network');
		await clock.advance(20 * 60_000);
		expect(monitor.getState().failure).toBeUndefined();
		expect(selectStatus(monitor.getState()).stale).toBe(false);
		monitor.stop();
	});

	it('stops polling on E_MAXAPI with a banner until the window allows', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'rate-limit', count: 1};
		await clock.advance(spacing + 1);
		const stoppedAt = backend.calls.length;
		expect(selectStatus(monitor.getState()).banner).toContain('API call limit reached');
		expect(monitor.refreshNow().ok).toBe(false);
		await clock.advance(9 * 60_000);
		expect(backend.calls.length).toBe(stoppedAt);
		await clock.advance(2 * 60_000);
		expect(backend.calls.length).toBeGreaterThan(stoppedAt);
		expect(selectStatus(monitor.getState()).banner).toBeUndefined();
		monitor.stop();
	});

	it('explains bad credentials on screen, and retries on r', async () => {
		const {clock, backend, monitor} = setup();
		backend.fault = {kind: 'auth', count: 1};
		await monitor.start();
		await clock.advance(0);
		const state = monitor.getState();
		expect(state.startup.phase).toBe('failed');
		expect(state.startup.phase === 'failed' && state.startup.message).toContain('refused the credentials');
		monitor.refreshNow();
		await clock.advance(0);
		expect(monitor.getState().startup.phase).toBe('ready');
		monitor.stop();
	});

	it('retries a zone check that failed on the network by itself, backing off, but not refused credentials', async () => {
		const {clock, backend, monitor} = setup();
		backend.fault = {kind: 'network', count: 2};
		await monitor.start();
		await clock.advance(0);
		let state = monitor.getState();
		expect(state.startup.phase === 'failed' && state.startup.message).toMatch(/Retrying by itself in 5 s/);
		await clock.advance(4_900);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check']);
		await clock.advance(200);
		state = monitor.getState();
		expect(state.startup.phase === 'failed' && state.startup.message).toMatch(/Retrying by itself in 10 s/);
		await clock.advance(10_000);
		expect(monitor.getState().startup.phase).toBe('ready');
		expect(backend.calls.map(call => call.action).slice(0, 4)).toEqual(['zone_check', 'zone_check', 'zone_check', 'stats']);

		const refused = setup();
		refused.backend.fault = {kind: 'auth', count: 1};
		await refused.monitor.start();
		await refused.clock.advance(30 * 60_000);
		expect(refused.backend.calls.map(call => call.action)).toEqual(['zone_check']);
		refused.monitor.stop();
		monitor.stop();
	});

	it('says when no zone is active', async () => {
		const {clock, monitor} = setup({names: ['nothere.example']});
		await monitor.start();
		await clock.advance(0);
		const state = monitor.getState();
		expect(state.startup.phase === 'failed' && state.startup.message).toContain('nothere.example: not active');
		monitor.stop();
	});

	it('takes turns between zones, the active zone first', async () => {
		const {clock, backend, monitor} = setup({zones: {'a.example': {zid: 1, pro: true}, 'b.example': {zid: 2, pro: true}, 'c.example': {zid: 3, pro: true}}});
		await monitor.start();
		await clock.advance(spacing * 5 + 1);
		const order = backend.calls.filter(call => call.action === 'stats').map(call => call.zone);
		expect(order).toEqual(['a.example', 'b.example', 'c.example', 'a.example', 'b.example', 'c.example']);
		monitor.stop();
	});
});
