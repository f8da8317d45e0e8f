/**
 * Drift on screen, on both APIs: the console (Ink, 80x24) on the emulator over loopback HTTP, the poller
 * on a fake clock. Someone else changes the level flarewatch set: the dashboard says "changed elsewhere"
 * with old → new and when, the threat list keeps its rows; D asks first, naming both, and y puts it back
 * through the normal action path; the Log view keeps the line; D with nothing to put back says so.
 */
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import type {Backend} from '../../source/backend.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {App} from '../../source/ui/app.js';
import {apis, emulatorBackend, type Api} from '../e2e/apis.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

function backendFor(api: Api, emulator: EmulatorHandle, clock: FakeClock): Backend {
	return emulatorBackend(api, emulator, {now: () => clock.now()});
}

/** Threat rows on screen: lines with an address and a class. */
function threatRows(frame: string): number {
	return frame.split('\n').filter(line => /\d+\.\d+\.\d+\.\d+\s+(threat|crawler|regular)\s/.test(line)).length;
}

describe.each(apis)('drift on the dashboard, API %s', api => {
	it('shows what changed elsewhere at 80x24 without losing threat rows; D puts back what flarewatch set, after y', async () => {
		const clock = new FakeClock(Date.UTC(2024, 5, 2, 14, 0, 0));
		const emulator = await startEmulator({port: 0, scenario: 'calm', now: () => clock.now(), quiet: true});
		const backend = backendFor(api, emulator, clock);
		const other = backendFor(api, emulator, clock);
		const audit = new MemoryAuditLog();
		const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], audit, paceMs: 0, retryDelayMs: 10, watchRecords: true});
		cleanup.push(() => emulator.close(), () => backend.close(), () => other.close(), () => monitor.stop());
		const settle = async () => {
			await flushMicrotasks();
			while (monitor.poller.busy) await new Promise(resolve => setTimeout(resolve, 2));
			await flushMicrotasks();
		};
		const advance = async (ms: number) => {
			await clock.advance(ms, settle);
			await tick();
		};
		await monitor.start();
		await advance(0);
		const view = render(<App monitor={monitor} size={{columns: 80, rows: 24}} onQuit={() => {}} />);
		cleanup.push(() => view.unmount());
		const frame = () => view.lastFrame() ?? '';
		const press = async (keys: string) => {
			for (const key of keys) {
				view.stdin.write(key);
				await tick();
			}
			await monitor.actions.queue.idle();
			await advance(0);
		};
		await advance(60_000);
		const rowsBefore = threatRows(frame());
		expect(rowsBefore).toBeGreaterThan(8);
		expect(frame()).not.toContain('changed elsewhere');

		// D with nothing changed elsewhere says so.
		await press('D');
		expect(frame()).toMatch(/Nothing changed elsewhere on example\.com/);

		// We set high (s, the picker, y); someone else then sets essentially off.
		const zone = monitor.getState().zones[0];
		monitor.actions.submit({kind: 'security-level', zone: {name: zone.name, id: zone.id}, level: 'high'});
		await monitor.actions.queue.idle();
		await advance(30_000);
		const ref = (await other.checkZones(['example.com']))[0];
		await other.setSecurityLevel(ref, 'eoff');
		await advance(60_000);
		const noticed = monitor.getState().zones[0].drift?.entries.at(-1);
		expect(noticed).toBeDefined();
		const time = new Date(noticed!.at).toISOString().slice(11, 19);
		expect(frame()).toContain(`changed elsewhere: security level high → essentially_off (noticed ${time}) [D]`);
		expect(threatRows(frame())).toBe(rowsBefore);
		// Never reverted by itself.
		await advance(2 * 60_000);
		expect((await other.stats(ref, 40)).securityLevel).toBe('eoff');

		await press('D');
		expect(frame()).toContain('Put back what changed elsewhere?');
		expect(frame()).toContain('Put back what flarewatch had set: essentially_off → high');
		await press('n');
		expect((await other.stats(ref, 40)).securityLevel).toBe('eoff');
		await press('D');
		await press('y');
		expect((await other.stats(ref, 40)).securityLevel).toBe('high');
		await advance(60_000);
		expect(frame()).not.toContain('changed elsewhere');
		// One observation in the audit log, and the put-back as an ordinary action.
		expect(audit.records.filter(record => record.action === 'drift').map(record => record.params)).toEqual([{what: 'security-level', from: 'high', to: 'essentially_off'}]);
		expect(audit.records.filter(record => record.action === 'security-level' && record.outcome === 'done').map(record => record.params.level)).toEqual(['high', 'high']);

		// The Log view keeps the line.
		await press('\t\t');
		if (!frame().includes('Log (this session)')) await press('\t');
		expect(frame()).toContain('── changed elsewhere (1)');
		expect(frame()).toContain(`${time} example.com: security level high → essentially_off`);
	});
});
