import {describe, expect, it} from 'vitest';
import {goneMessage} from '../../source/errors.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {selectHeader, selectStatus, selectTraffic} from '../../source/monitor/select.js';
import {FakeBackend} from './fake-backend.js';

function setup(options: {zones?: Record<string, {zid: number; pro: boolean}>; names?: string[]; perHour?: number; reserve?: number} = {}) {
	const clock = new FakeClock();
	const zones = options.zones ?? {'example.com': {zid: 1, pro: true}};
	const backend = new FakeBackend({clock, zones});
	const monitor = createMonitor({backend, clock, zoneNames: options.names ?? Object.keys(zones), policy: {perHour: options.perHour ?? 300, reserve: options.reserve ?? 30}});
	return {clock, backend, monitor};
}

const spacing = (2 * 3_600_000) / 270;

/** Holds every `stats` call in flight until `release()`; `hold(false)` lets them through again. */
function holdStats(backend: FakeBackend) {
	const original = backend.stats.bind(backend);
	let held = true;
	let releases: Array<() => void> = [];
	backend.stats = async (...args) => {
		if (held) await new Promise<void>(resolve => releases.push(resolve));
		return original(...args);
	};
	return {
		release(): void {
			held = false;
			for (const resolve of releases) resolve();
			releases = [];
		},
	};
}

/** When each poll's first call (stats) was sent. */
function statsTimes(backend: FakeBackend): number[] {
	return backend.calls.filter(call => call.action === 'stats').map(call => call.at);
}

describe('poller', () => {
	it('resolves zones with one zone_check and polls the active zone at once', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check', 'stats', 'zone_ips']);
		expect(monitor.getState().zones[0].plan).toBe('Pro');
		expect(selectHeader(monitor.getState(), clock.now()).callsLeft).toBe(297);
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

	it('never overlaps polls: r during a poll queues one refresh, run as soon as that poll ends', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		// A slow answer: the poll stays in flight until released.
		const slow = holdStats(backend);
		await clock.advance(spacing + 1);
		expect(monitor.getState().polling).toBe(0);
		const outcome = monitor.refreshNow();
		expect(outcome.ok).toBe(true);
		expect(outcome.message).toMatch(/Refresh queued/);
		expect(selectStatus(monitor.getState(), clock.now()).message?.text).toMatch(/Refresh queued/);
		// More presses during the same poll add nothing.
		expect(monitor.refreshNow().message).toMatch(/already queued/);
		expect(monitor.refreshNow().ok).toBe(true);
		const ledger = monitor.getState().ledger.length;
		// Well inside the spacing, so only the queue can explain a poll right after this one.
		await clock.advance(5_000);
		expect(monitor.getState().ledger.length).toBe(ledger);
		slow.release();
		const releasedAt = clock.now();
		await clock.advance(0);
		// The held poll, then exactly one refresh at once (no waiting for the spacing), and nothing more.
		expect(backend.calls.filter(call => call.action === 'zone_ips')).toHaveLength(3);
		expect(statsTimes(backend).at(-1)).toBe(releasedAt);
		expect(monitor.getState().polling).toBeUndefined();
		await clock.advance(spacing - 1_000);
		expect(backend.calls.filter(call => call.action === 'zone_ips')).toHaveLength(3);
		await clock.advance(2_000);
		expect(backend.calls.filter(call => call.action === 'zone_ips')).toHaveLength(4);
		monitor.stop();
	});

	it('checks a queued refresh again when it runs: pause, reserve and rate limit still refuse it', async () => {
		// Paused while the poll was in flight.
		const paused = setup();
		await paused.monitor.start();
		await paused.clock.advance(0);
		let slow = holdStats(paused.backend);
		await paused.clock.advance(spacing + 1);
		expect(paused.monitor.refreshNow().message).toMatch(/Refresh queued/);
		paused.monitor.togglePause();
		slow.release();
		await paused.clock.advance(0);
		expect(paused.backend.calls.filter(call => call.action === 'zone_ips')).toHaveLength(2);
		expect(selectStatus(paused.monitor.getState(), paused.clock.now()).message?.text).toMatch(/Queued refresh not run: Paused/);
		paused.monitor.stop();

		// The poll in flight spends what a refresh needed: 10 an hour, 4 kept. When r is pressed, 4 calls
		// are made (zone_check and a poll, then this poll's stats): 2 more leave 4. Once its zone_ips is
		// made too, 2 more would leave 3.
		const reserve = setup({perHour: 10, reserve: 4});
		await reserve.monitor.start();
		await reserve.clock.advance(0);
		slow = holdStats(reserve.backend);
		while (reserve.monitor.getState().polling === undefined) await reserve.clock.advance(60_000);
		expect(reserve.monitor.getState().ledger).toHaveLength(4);
		expect(reserve.monitor.refreshNow().message).toMatch(/Refresh queued/);
		slow.release();
		await reserve.clock.advance(0);
		expect(selectStatus(reserve.monitor.getState(), reserve.clock.now()).message?.text).toMatch(/Queued refresh not run: .*calls kept for actions/);
		reserve.monitor.stop();

		// The poll in flight hit E_MAXAPI.
		const limited = setup();
		await limited.monitor.start();
		await limited.clock.advance(0);
		slow = holdStats(limited.backend);
		await limited.clock.advance(spacing + 1);
		expect(limited.monitor.refreshNow().message).toMatch(/Refresh queued/);
		limited.backend.fault = {kind: 'rate-limit', count: 1};
		const calls = limited.backend.calls.length;
		slow.release();
		await limited.clock.advance(60_000);
		expect(limited.backend.calls.length).toBe(calls + 1);
		expect(selectStatus(limited.monitor.getState(), limited.clock.now()).banner).toContain('API call limit reached');
		limited.monitor.stop();
	});

	it('refuses r when it would eat into the reserve', async () => {
		const {clock, monitor} = setup({perHour: 10, reserve: 6});
		await monitor.start();
		await clock.advance(0);
		// 3 calls made: 7 left; a refresh of 2 leaves 5 < 6.
		const outcome = monitor.refreshNow();
		expect(outcome.ok).toBe(false);
		expect(outcome.message).toContain('calls kept for actions');
		expect(selectStatus(monitor.getState(), clock.now()).message?.text).toContain('refused');
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
		expect(selectStatus(monitor.getState(), clock.now()).stale).toBe(true);
		expect(selectStatus(monitor.getState(), clock.now()).banner).toContain('injected network');
		await clock.advance(20 * 60_000);
		expect(monitor.getState().failure).toBeUndefined();
		expect(selectStatus(monitor.getState(), clock.now()).stale).toBe(false);
		monitor.stop();
	});

	it('retries polls that got no answer at least once a minute, however long the outage; other failures back off to 5 min', async () => {
		for (const kind of ['network', 'timeout'] as const) {
			const {clock, backend, monitor} = setup();
			await monitor.start();
			await clock.advance(0);
			backend.fault = {kind, count: 1_000};
			const from = backend.calls.length;
			await clock.advance(30 * 60_000);
			const attempts = backend.calls.slice(from).filter(call => call.action === 'stats').map(call => call.at);
			const gaps = attempts.slice(1).map((at, index) => at - attempts[index]);
			expect(Math.max(...gaps), kind).toBeLessThanOrEqual(60_000);
			// Still backing off: the later gaps are the full minute, not the 26.7 s spacing.
			expect(gaps.at(-1), kind).toBeGreaterThanOrEqual(59_000);
			monitor.stop();
		}
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'http', count: 1_000};
		const from = backend.calls.length;
		await clock.advance(30 * 60_000);
		const attempts = backend.calls.slice(from).filter(call => call.action === 'stats').map(call => call.at);
		expect(attempts.at(-1)! - attempts.at(-2)!).toBe(5 * 60_000);
		monitor.stop();
	});

	it('r is not held back by back-off: once the outage ends, one press brings current data at once', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'timeout', count: 1_000};
		await clock.advance(10 * 60_000);
		expect(monitor.getState().failures).toBeGreaterThan(3);
		expect(monitor.getState().nextPollAt! - clock.now()).toBeGreaterThan(1_000);
		backend.fault = undefined;
		expect(monitor.refreshNow()).toEqual({ok: true, message: 'Refreshing'});
		await clock.advance(0);
		const status = selectStatus(monitor.getState(), clock.now());
		expect(status.ageSeconds).toBe(0);
		expect(status.stale).toBe(false);
		expect(monitor.getState().failure).toBeUndefined();
		monitor.stop();
	});

	it('HTTP 410 mid-session stops polling with its message; r asks once more', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'gone', count: 1_000};
		await clock.advance(spacing + 1);
		const stoppedAt = backend.calls.length;
		let state = monitor.getState();
		expect(state.failure?.kind).toBe('gone');
		expect(state.nextPollAt).toBeUndefined();
		expect(selectStatus(state, clock.now()).banner).toBe(`Poll failed: ${goneMessage}`);
		await clock.advance(6 * 3_600_000);
		expect(backend.calls.length).toBe(stoppedAt);
		// The operator may try again: one poll, still 410, still stopped, never "backing off".
		expect(monitor.refreshNow().ok).toBe(true);
		await clock.advance(3_600_000);
		expect(backend.calls.length).toBe(stoppedAt + 1);
		state = monitor.getState();
		expect(state.nextPollAt).toBeUndefined();
		expect(selectStatus(state, clock.now()).banner).not.toMatch(/backing off/);
		// Should the API answer again (an emulator's fault cleared), r brings polling back.
		backend.fault = undefined;
		monitor.refreshNow();
		await clock.advance(spacing + 1);
		expect(monitor.getState().failure).toBeUndefined();
		expect(backend.calls.length).toBeGreaterThan(stoppedAt + 4);
		monitor.stop();
	});

	it('stops polling on E_MAXAPI with a banner until the window allows', async () => {
		const {clock, backend, monitor} = setup();
		await monitor.start();
		await clock.advance(0);
		backend.fault = {kind: 'rate-limit', count: 1};
		await clock.advance(spacing + 1);
		const stoppedAt = backend.calls.length;
		expect(selectStatus(monitor.getState(), clock.now()).banner).toContain('API call limit reached');
		expect(monitor.refreshNow().ok).toBe(false);
		await clock.advance(9 * 60_000);
		expect(backend.calls.length).toBe(stoppedAt);
		await clock.advance(2 * 60_000);
		expect(backend.calls.length).toBeGreaterThan(stoppedAt);
		expect(selectStatus(monitor.getState(), clock.now()).banner).toBeUndefined();
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

	it('retries a zone check that got no answer at least once a minute', async () => {
		const {clock, backend, monitor} = setup();
		backend.fault = {kind: 'timeout', count: 1_000};
		await monitor.start();
		await clock.advance(20 * 60_000);
		const attempts = backend.calls.map(call => call.at);
		const gaps = attempts.slice(1).map((at, index) => at - attempts[index]);
		expect(gaps.slice(0, 5)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000]);
		expect(Math.max(...gaps)).toBe(60_000);
		const state = monitor.getState();
		expect(state.startup.phase === 'failed' && state.startup.message).toMatch(/Retrying by itself in 60 s/);
		monitor.stop();
	});

	it('a 410 at start-up shows the one message and is never retried by itself', async () => {
		const {clock, backend, monitor} = setup();
		backend.fault = {kind: 'gone', count: 1_000};
		await monitor.start();
		await clock.advance(3_600_000);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check']);
		const state = monitor.getState();
		expect(state.startup).toEqual({phase: 'failed', message: goneMessage});
		expect(state.messages.toArray().filter(message => message.text.includes('410'))).toHaveLength(1);
		// r may try once more.
		monitor.refreshNow();
		await clock.advance(3_600_000);
		expect(backend.calls.map(call => call.action)).toEqual(['zone_check', 'zone_check']);
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
