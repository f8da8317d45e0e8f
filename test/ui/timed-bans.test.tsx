/**
 * Timed bans as the operator meets them in the console (v1, in process, fake clock): `b` shows the
 * default duration, `t` changes it (a wrong one is named and nothing is sent), the row shows the time
 * left and counts down, the ban is cleared when due with a Log line; the same address banned again
 * within the window is offered the ladder's next step; `:ban IP 30m` times a ban from the palette.
 */
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {App} from '../../source/ui/app.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

const rows: Visitor[] = [
	{ip: '192.0.2.66', classification: 'threat', hits: 500},
	{ip: '192.0.2.1', classification: 'threat', hits: 300},
];

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

async function setup(size = {columns: 100, rows: 30}) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock, visitors: rows});
	const audit = new MemoryAuditLog();
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, paceMs: 0, audit, banPolicy: {duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400}});
	monitors.push(monitor);
	await monitor.start();
	await clock.advance(0);
	const view = render(<App monitor={monitor} size={size} onQuit={() => {}} />);
	await tick();
	const press = async (keys: string) => {
		for (const key of keys.startsWith('\u001b') ? [keys] : keys) {
			view.stdin.write(key);
			await tick();
		}
		await monitor.actions.queue.idle();
		await tick();
	};
	const advance = async (ms: number) => {
		await clock.advance(ms);
		await monitor.actions.queue.idle();
		await tick();
	};
	const sent = () => backend.calls.filter(call => !['zone_check', 'stats', 'zone_ips', 'rec_load_all'].includes(call.action)).map(call => call.action);
	return {view, monitor, backend, press, advance, sent, audit, frame: () => view.lastFrame() ?? ''};
}

describe('timed bans in the console', () => {
	it('b shows the default, t changes it, a wrong duration is named; the row counts down and the ban is cleared when due', async () => {
		const {press, frame, sent, advance, audit} = await setup();
		await press('b');
		expect(frame()).toContain('For     1h, until');
		expect(frame()).toContain('t: another duration');
		await press('t');
		expect(frame()).toContain('Duration: 1h');
		// y is a letter while the duration is typed: nothing is sent.
		await press('\u007f\u007f90x\r');
		expect(frame()).toContain("'90x' is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent");
		expect(sent()).toEqual([]);
		await press('\u007f\u007f\u007f30m\r');
		expect(frame()).toContain('For     30m, until');
		await press('y');
		expect(sent()).toEqual(['ban']);
		expect(audit.records.find(record => record.action === 'ban' && record.outcome === 'done')?.params).toMatchObject({ip: '192.0.2.66', duration: 1800});
		await advance(30_000);
		expect(frame()).toMatch(/BANNED 30m/);
		await advance(20 * 60_000);
		expect(frame()).toMatch(/BANNED (9|10)m/);
		await advance(10 * 60_000);
		expect(sent()).toEqual(['ban', 'nul']);
		expect(frame()).not.toContain('BANNED');
		await press('\t\t');
		expect(frame()).toMatch(/clear the expired ban of 192\.0\.2\.66: done/);
	});

	it('banned again within the window: the next step is offered and sent, with its step in the audit', async () => {
		const {press, frame, sent, advance, audit} = await setup();
		await press('b');
		await press('t\u007f\u007f10m\ry');
		await advance(11 * 60_000);
		expect(sent()).toEqual(['ban', 'nul']);
		await press('b');
		expect(frame()).toMatch(/Banned before 1\d min ago for 10m: step 2 of the ladder, 1h/);
		expect(frame()).toContain('For     1h, until');
		await press('y');
		const bans = audit.records.filter(record => record.action === 'ban' && record.outcome === 'done');
		// Only an escalated ban names its step.
		expect(bans.map(record => [record.params.duration, record.params.step])).toEqual([
			[600, undefined],
			[3600, 1],
		]);
	});

	it('a failed expiry says so, stays due and is retried a minute later; a whitelist by hand drops an expiry', async () => {
		const {press, frame, sent, advance, backend, monitor} = await setup();
		await press(':ban 192.0.2.66 5m\r');
		await press('y');
		await press(':ban 192.0.2.1 5m\r');
		await press('y');
		await press('j');
		await press('w');
		await press('y');
		expect(monitor.actions.bans!.timeLeft('192.0.2.1')).toBeUndefined();
		// The API refuses the clear (the queue's own retry is for transport failures only).
		// Polling paused: the refusal is the clear's, not a poll's; the runner's timer fires at the ban's end anyway.
		monitor.togglePause();
		backend.fault = {kind: 'api', count: 1};
		await advance(5 * 60_000 + 5000);
		expect(sent()).toEqual(['ban', 'ban', 'wl', 'nul']);
		await press('\t\t');
		expect(frame()).toMatch(/Expired ban of 192\.0\.2\.66 not cleared \(injected api\): still due, retried in 1m/);
		expect(monitor.actions.bans!.timeLeft('192.0.2.66')).toBeLessThanOrEqual(0);
		await advance(30_000);
		expect(sent()).toEqual(['ban', 'ban', 'wl', 'nul']);
		await advance(45_000);
		expect(sent()).toEqual(['ban', 'ban', 'wl', 'nul', 'nul']);
		expect(monitor.actions.bans!.timeLeft('192.0.2.66')).toBeUndefined();
	});

	it(':ban IP DURATION times a ban; a permanent one shows no time', async () => {
		const {press, frame, sent, advance} = await setup();
		await press(':ban 192.0.2.1 2h\r');
		expect(frame()).toContain('For     2h, until');
		await press('y');
		await press(':ban 192.0.2.66 0\r');
		expect(frame()).toContain('For     permanent (no expiry)');
		await press('y');
		await advance(30_000);
		expect(frame()).toMatch(/192\.0\.2\.1 +BANNED 2h/);
		expect(frame()).toMatch(/192\.0\.2\.66 +BANNED +\d/);
		await press(':ban 192.0.2.1 5x\r');
		expect(frame()).toContain("'5x' is not a duration");
		expect(sent()).toEqual(['ban', 'ban']);
	});
});
