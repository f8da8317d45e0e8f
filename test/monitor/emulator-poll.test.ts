/**
 * The monitor against the real emulator over loopback HTTP, on a fake clock that drives both: an
 * attack starting shows within two polls, and so does the effect of a lockdown.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {Secret} from '../../source/lib/secret.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {selectTraffic} from '../../source/monitor/select.js';
import {V1Backend} from '../../source/v1/backend.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

async function setup(): Promise<{clock: FakeClock; emulator: EmulatorHandle; backend: V1Backend; monitor: Monitor; advance: (ms: number) => Promise<void>}> {
	const clock = new FakeClock(Date.UTC(2014, 5, 2, 14, 0, 0));
	const emulator = await startEmulator({port: 0, scenario: 'calm', now: () => clock.now(), quiet: true});
	const backend = new V1Backend({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), now: () => clock.now()});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, visitorQuery: {hours: 1}});
	cleanup.push(() => emulator.close(), () => backend.close(), () => monitor.stop());
	// Real HTTP needs real time to answer: let each poll finish before the fake clock moves on.
	const settle = async () => {
		await flushMicrotasks();
		while (monitor.poller.inFlight) await new Promise(resolve => setTimeout(resolve, 2));
		await flushMicrotasks();
	};
	return {clock, emulator, backend, monitor, advance: ms => clock.advance(ms, settle)};
}

const spacing = (2 * 3_600_000) / 270;

describe('monitor on the emulator', () => {
	it('shows an attack within two polls, and a lockdown biting within two more', async () => {
		const {emulator, backend, monitor, advance} = await setup();
		await monitor.start();
		await advance(spacing * 3 + 10);
		const calm = selectTraffic(monitor.getState(), 100);
		const calmThreats = calm.threatHits.at(-1) ?? 0;

		emulator.setScenario('attack');
		await advance(spacing * 2);
		const attacked = selectTraffic(monitor.getState(), 100);
		expect(attacked.threatHits.at(-1)).toBeGreaterThan(2 * calmThreats + 50);

		// The botnet is fully in after three minutes; then the origin rate is steady and high.
		await advance(6 * 60_000);
		const before = selectTraffic(monitor.getState(), 100).originRequests.at(-1) ?? 0;
		const zone = monitor.getState().zones[0];
		await backend.setSecurityLevel({name: zone.name, id: zone.id}, 'help');
		await advance(spacing * 2);
		const after = selectTraffic(monitor.getState(), 100).originRequests.at(-1) ?? 0;
		expect(after).toBeLessThan(before / 2);
		expect(emulator.state().accounts[0].calls.total).toBeLessThanOrEqual(monitor.getState().ledger.length + 1);
	});
});
