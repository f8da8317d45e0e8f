import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createGuard} from '../../source/actions/guard.js';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {App} from '../../source/ui/app.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

const rows: Visitor[] = [
	{ip: '192.0.2.66', classification: 'threat', hits: 500},
	{ip: '192.0.2.1', classification: 'threat', hits: 300},
	{ip: '192.0.2.2', classification: 'threat', hits: 100},
	{ip: '198.51.100.7', classification: 'regular', hits: 100},
];

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

async function setup(options: {readOnly?: boolean; ssh?: string; visitors?: Visitor[]} = {}) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock, visitors: options.visitors ?? rows});
	const guard = createGuard([], options.ssh ? {SSH_CLIENT: `${options.ssh} 50000 22`} : {});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, guard, readOnly: options.readOnly, paceMs: 0});
	monitors.push(monitor);
	await monitor.start();
	await clock.advance(0);
	const view = render(<App monitor={monitor} size={{columns: 100, rows: 30}} onQuit={() => {}} />);
	await tick();
	const press = async (keys: string) => {
		// An escape sequence is one key; anything else is typed a character at a time.
		for (const key of keys.startsWith('\u001b') ? [keys] : keys) {
			view.stdin.write(key);
			await tick();
		}
		await monitor.actions.queue.idle();
		await tick();
	};
	const sent = () => backend.calls.filter(call => !['zone_check', 'stats', 'zone_ips'].includes(call.action)).map(call => call.action);
	return {view, monitor, backend, press, sent, frame: () => view.lastFrame() ?? ''};
}

describe('App actions', () => {
	it('the never-ban guard: a ban of the SSH address is refused inline, no dialog, nothing sent', async () => {
		const {press, frame, sent, backend} = await setup({ssh: '192.0.2.66'});
		const calls = backend.calls.length;
		await press('b');
		expect(frame()).not.toContain('Ban this IP?');
		expect(frame()).toContain('Not sent: "192.0.2.66" is the address of your SSH session');
		await press('y');
		expect(sent()).toEqual([]);
		// Whitelisting yourself is not what the guard is about.
		await press('w');
		expect(frame()).toContain('Whitelist this IP?');
		await press('n');
		expect(backend.calls.length).toBe(calls);
	});

	it.each([
		[':ban 127.0.0.1', 'loopback'],
		[':wl ff02::1', 'multicast'],
	])('%s in the palette is refused inline (%s), no request sent', async (typed, reason) => {
		const {press, frame, sent, backend} = await setup({ssh: '192.0.2.66'});
		const calls = backend.calls.length;
		await press(typed);
		await press('\r');
		expect(frame()).toContain(reason);
		expect(frame()).not.toMatch(/Ban this IP\?|Whitelist this IP\?/);
		expect(sent()).toEqual([]);
		expect(backend.calls.length).toBe(calls);
	});

	it('a threat row whose address does not parse is shown inert, cannot be banned and a lockdown leaves it out', async () => {
		const {press, frame, sent} = await setup({visitors: [{ip: '192.0.2.9\u200b', classification: 'threat', hits: 900}, ...rows]});
		expect(frame()).toContain('192.0.2.9?');
		await press('b');
		expect(frame()).toContain('Not sent: "192.0.2.9?" is not an IP');
		expect(sent()).toEqual([]);
		await press('L');
		expect(frame()).toContain('Left out (not a valid visitor address): 1 row');
		expect(frame()).toContain('Ban 3 threat IPs');
		await press('n');
		expect(sent()).toEqual([]);
	});

	it('a non-guarded address is banned after one confirmation; Enter on the opening focus cancels', async () => {
		const {press, frame, sent} = await setup();
		await press('j');
		await press('b');
		await press('\r');
		expect(frame()).toContain('Cancelled: nothing was sent');
		expect(sent()).toEqual([]);
		await press('b');
		await press('\u001b[C');
		await press('\r');
		expect(sent()).toEqual(['ban']);
	});

	it('lockdown: the preview, then L again undoes it (level back, its bans cleared)', async () => {
		const {press, frame, sent, monitor} = await setup({ssh: '192.0.2.66'});
		await press('L');
		const preview = frame();
		expect(preview).toContain('Lockdown example.com?');
		expect(preview).toContain('Security level: med → help');
		expect(preview).toContain('Ban 2 threat IPs, most hits first: 40% of hits (400 of 1000)');
		expect(preview).toContain('Left out (never-ban guard): 192.0.2.66 (the address of your SSH session)');
		await press('n');
		expect(sent()).toEqual([]);
		await press('Ly');
		expect(sent()).toEqual(['sec_lvl', 'ban', 'ban']);
		expect(frame()).toContain('UNDER ATTACK');
		await press('L');
		expect(frame()).toContain('Undo the lockdown of example.com?');
		await press('y');
		expect(sent()).toEqual(['sec_lvl', 'ban', 'ban', 'sec_lvl', 'nul', 'nul']);
		expect(frame()).toContain('sec Medium');
		expect(monitor.getState().rules.size).toBe(0);
	});

	it('read-only: every mutating key explains and sends nothing, the palette too', async () => {
		const {press, frame, sent} = await setup({readOnly: true});
		expect(frame()).toContain('READ-ONLY');
		for (const key of ['U', 's', 'd', 'c', 'P', '6', 'G', 'b', 'w', 'x', 'L']) {
			await press(key);
			expect(frame()).toContain('Read-only mode (--read-only)');
			expect(frame()).not.toContain('Cancel (n/Esc)');
		}
		await press(':ban 192.0.2.1\r');
		expect(frame()).toContain('ban is not sent');
		await press('i');
		expect(sent()).toEqual(['ip_lkup']);
		expect(frame()).toContain('BAD:11');
	});

	it('the palette: errors are shown, :sec opens the same confirmation, :help lists commands', async () => {
		const {press, frame, sent} = await setup();
		await press(':sec hgih\r');
		expect(frame()).toContain('"hgih" is not a security level');
		await press(':sec high\r');
		expect(frame()).toContain('med → high');
		await press('y');
		expect(sent()).toEqual(['sec_lvl']);
		expect(frame()).toContain('sec High');
		await press(':help\r');
		expect(frame()).toContain('Commands after :');
		expect(frame()).toContain(':dns add A|CNAME NAME CONTENT');
	});
});
