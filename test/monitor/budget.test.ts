import {describe, expect, it} from 'vitest';
import {FakeClock} from '../../source/lib/clock.js';
import {callsLeft, hourMs, ledgerFreeAt, nextPollAt, pollSpacingMs, recordCall, wouldEatReserve} from '../../source/monitor/budget.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {FakeBackend} from './fake-backend.js';

const policy = {perHour: 300, reserve: 30};

/** Runs a console for one simulated hour and returns the polling calls made in it. */
async function simulateHour(zoneCount: number, serverLimit?: number): Promise<{calls: number; byZone: Map<string, number>}> {
	const clock = new FakeClock();
	const names = ['example.com', 'example.net', 'example.org'].slice(0, zoneCount);
	const zones = Object.fromEntries(names.map((name, index) => [name, {zid: 100 + index, pro: index === 0}]));
	const backend = new FakeBackend({clock, zones, serverLimit});
	const monitor = createMonitor({backend, clock, zoneNames: names, policy});
	const start = clock.now();
	await monitor.start();
	// Check the sliding window at every minute, not just at the end.
	for (let minute = 0; minute < 60; minute++) {
		await clock.advance(60_000);
		const now = clock.now();
		const inLastHour = backend.calls.filter(call => call.at > now - hourMs).length;
		expect(inLastHour).toBeLessThanOrEqual(policy.perHour - policy.reserve);
	}
	monitor.stop();
	const polling = backend.calls.filter(call => call.at >= start && call.at < start + hourMs && call.action !== 'zone_check');
	const byZone = new Map<string, number>();
	for (const call of polling) if (call.zone) byZone.set(call.zone, (byZone.get(call.zone) ?? 0) + 1);
	expect(backend.calls.filter(call => call.action === 'zone_check')).toHaveLength(1);
	return {calls: polling.length + 1, byZone};
}

describe('budget (pure)', () => {
	it('spaces polls evenly over the polling share', () => {
		expect(pollSpacingMs(policy, 2)).toBeCloseTo((2 * hourMs) / 270);
	});

	it('keeps the ledger to the last hour', () => {
		let ledger: readonly number[] = [];
		for (let i = 0; i < 1000; i++) ledger = recordCall(ledger, i * 10_000);
		expect(ledger.length).toBeLessThanOrEqual(361);
	});

	it('waits for old calls to leave the window when the share is spent', () => {
		const ledger = Array.from({length: 270}, (_, i) => i * 1000);
		expect(ledgerFreeAt(policy, ledger, 300_000, 2)).toBe(1000 + hourMs + 1);
		expect(ledgerFreeAt(policy, ledger.slice(0, 268), 300_000, 2)).toBe(300_000);
	});

	it('follows calls_left when the server reports fewer calls than we made', () => {
		const ledger = [0, 1000];
		expect(callsLeft(policy, ledger, 2000)).toBe(298);
		expect(callsLeft(policy, ledger, 2000, {callsLeft: 100, at: 1500})).toBe(100);
		expect(callsLeft(policy, [0, 1000, 1800], 2000, {callsLeft: 100, at: 1500})).toBe(99);
		// Someone else spent 198 calls: the spacing stretches.
		const stretched = nextPollAt({policy, ledger, now: 2000, callsPerPoll: 2, lastPollAt: 0, server: {callsLeft: 100, at: 1500}});
		expect(stretched).toBeGreaterThan(pollSpacingMs(policy, 2));
		// Nearly spent: wait for the report to go stale.
		const waiting = nextPollAt({policy, ledger, now: 2000, callsPerPoll: 2, lastPollAt: 0, server: {callsLeft: 31, at: 1500}});
		expect(waiting).toBeGreaterThanOrEqual(1500 + 15 * 60_000);
	});

	it('says when a refresh would eat the reserve', () => {
		const ledger = Array.from({length: 268}, (_, i) => i);
		expect(wouldEatReserve(policy, ledger, 1000, 2)).toBe(false);
		expect(wouldEatReserve(policy, [...ledger, 300, 301], 1000, 2)).toBe(true);
	});
});

describe('budget over a simulated hour (fake clock)', () => {
	for (const zoneCount of [1, 3]) {
		for (const serverLimit of [undefined, 300]) {
			it(`${zoneCount} zone(s), server ${serverLimit ? 'reports calls_left' : 'silent'}: ≤ budget − reserve and ≥ 95 % of it`, async () => {
				const {calls, byZone} = await simulateHour(zoneCount, serverLimit);
				const share = policy.perHour - policy.reserve;
				// Evenly: no zone gets more than one poll (2 calls, plus a Free zone's one refused interval) above another.
				const perZone = [...byZone.values()];
				expect(perZone).toHaveLength(zoneCount);
				expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(3);
				expect(calls).toBeLessThanOrEqual(share);
				expect(calls).toBeGreaterThanOrEqual(Math.ceil(share * 0.95));
			});
		}
	}
});
