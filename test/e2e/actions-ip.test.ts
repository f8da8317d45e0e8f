/**
 * IP keys, the never-ban guard and lockdown in a real terminal against the emulator: b, w, x, i on the
 * highlighted row, a guarded address refused inline, L with its preview and undo (also after a
 * restart, with :unlock).
 */
import {afterEach, describe, expect, it} from 'vitest';
import {highlightedIp, PtyConsole} from './pty-console.js';
import {consoleArgs, openAndCancel, readyAndPaused, startEmulatedConsole, threatIps, waitForState, type EmulatedConsole} from './emulated-console.js';

let running: EmulatedConsole[] = [];
let extra: PtyConsole[] = [];
afterEach(async () => {
	for (const app of extra) app.kill();
	for (const console of running) await console.close();
	running = [];
	extra = [];
});

function rowOf(screen: string, ip: string): string {
	return screen.split('\n').find(line => line.includes(` ${ip} `)) ?? '';
}

function rulesOf(console: EmulatedConsole) {
	return async () => (await console.zone()).accessRules;
}

describe('IP actions, the guard and lockdown (pty, emulator)', {timeout: 90_000}, () => {
	it('b, w, x and i act on the highlighted IP, confirmations show IP, class, hits and score, rows show badges', async () => {
		const console = await startEmulatedConsole();
		running.push(console);
		const {app} = console;
		await readyAndPaused(console);
		app.press('f');
		const screen = await app.waitFor(text => text.includes('visitors threat') || /threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		expect(ip).toBeDefined();

		app.press('i');
		await app.waitFor(text => /BAD:\d+|SE:\d+|:\d+\s*$/.test(rowOf(text, ip)), 'the score in the row');

		await openAndCancel(console, 'b', `IP      ${ip}`);
		expect(await rulesOf(console)()).toEqual([]);
		app.press('b');
		const dialog = await app.waitFor(text => text.includes('Ban this IP?'), 'the ban dialog');
		expect(dialog).toMatch(/Class\s+threat/);
		expect(dialog).toMatch(/Hits\s+\d+/);
		expect(dialog).toMatch(/Score\s+\w+:\d+/);
		app.press('y');
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'ban')), 'the ban');
		await app.waitFor(text => rowOf(text, ip).includes('BANNED'), 'BANNED in the row');

		app.press('w');
		await app.waitFor(text => text.includes('Whitelist this IP?') && text.includes('BANNED (set this session)'), 'the whitelist dialog');
		app.press('y');
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'wl')), 'the whitelist');
		await app.waitFor(text => rowOf(text, ip).includes('WHITELISTED'), 'WHITELISTED in the row');

		await openAndCancel(console, 'x', 'Clear the rule for this IP?');
		app.press('x');
		await app.waitFor(text => text.includes('Clear the rule for this IP?'), 'the clear dialog');
		app.press('y');
		await waitForState(console, state => state.zones.every(zone => zone.accessRules.every(rule => rule.ip !== ip)), 'the rule cleared');
		await app.waitFor(text => /threat/.test(rowOf(text, ip)) && !rowOf(text, ip).includes('WHITELISTED'), 'the class back in the row');
	});

	it('a ban of a guarded or impossible address is refused inline, nothing sent (SSH session, --never-ban CIDR, loopback)', async () => {
		const console = await startEmulatedConsole(['--never-ban', '203.0.113.0/24,2001:db8::/32'], {SSH_CONNECTION: '198.51.100.200 50000 10.0.0.1 22'});
		running.push(console);
		const {app} = console;
		await readyAndPaused(console);
		const before = await console.calls();
		for (const [ip, reason] of [
			['198.51.100.200', 'is the address of your SSH'],
			['203.0.113.77', 'is on the --never-ban list'],
			['2001:DB8::9', 'is on the --never-ban list'],
			['127.0.0.1', 'is a loopback address'],
		]) {
			app.press(`:ban ${ip}\r`);
			await app.waitFor(text => text.includes(reason) && !text.includes('Ban this IP?'), `the refusal of ${ip}`);
		}
		await new Promise(resolve => setTimeout(resolve, 200));
		expect(await console.calls()).toBe(before);
		expect((await console.zone()).accessRules).toEqual([]);
	});

	it('a hostile server\'s visitor row that is not an IP is shown inert, cannot be banned, and a lockdown skips it', async () => {
		const console = await startEmulatedConsole(async emulator => {
			emulator.setScenario('hostile');
			return [];
		});
		running.push(console);
		const {app} = console;
		await readyAndPaused(console);
		await app.waitFor(text => /203\.0\.113\.66\?/.test(text), 'the hostile row, inert');
		const before = await console.calls();
		app.press('/203.0.113.66\r');
		await app.waitFor(text => /› 203\.0\.113\.66\?/.test(text), 'the hostile row highlighted');
		app.press('b');
		await app.waitFor(text => /Not sent: "203\.0\.113\.66\?[^"]*" is not an IP/.test(text), 'the ban refused inline');
		expect(app.screen()).not.toContain('Ban this IP?');
		app.press('L');
		await app.waitFor(text => text.includes('Left out (not a valid visitor address): 1 row'), 'the lockdown preview skipping it');
		app.press('n');
		await new Promise(resolve => setTimeout(resolve, 200));
		expect(await console.calls()).toBe(before);
	});

	it('L previews the lockdown, runs it, and L undoes it; after a restart :unlock undoes it too', async () => {
		let guarded = '';
		const console = await startEmulatedConsole(async emulator => {
			guarded = (await threatIps(emulator))[0];
			return ['--never-ban', guarded];
		});
		running.push(console);
		const {app} = console;
		await readyAndPaused(console);

		await openAndCancel(console, 'L', /Security level: med → help/);
		app.press('L');
		const preview = await app.waitFor(text => text.includes('Lockdown example.com?'), 'the preview');
		expect(preview).toMatch(/Ban \d+ threat IPs, most hits first: \d+% of hits/);
		expect(preview).toContain(`Left out (never-ban guard): ${guarded}`);
		const count = Number(preview.match(/Ban (\d+) threat IPs/)?.[1]);
		expect(count).toBeGreaterThan(5);
		app.press('y');
		let state = await waitForState(console, current => current.zones.find(zone => zone.name === 'example.com')?.accessRules.length === count, `${count} bans`, 20_000);
		const zone = state.zones.find(candidate => candidate.name === 'example.com');
		expect(zone?.securityLevel).toBe('help');
		expect(zone?.accessRules.every(rule => rule.mode === 'ban' && rule.ip !== guarded)).toBe(true);
		await app.waitFor(text => /sec I'm under attack!/i.test(text) && text.includes('BANNED'), 'the header and badges');

		app.press('L');
		await app.waitFor(text => text.includes('Undo the lockdown of example.com?') && text.includes('back to med'), 'the undo dialog');
		app.press('y');
		state = await waitForState(console, current => current.zones.find(candidate => candidate.name === 'example.com')?.accessRules.length === 0, 'the bans cleared', 20_000);
		expect(state.zones.find(candidate => candidate.name === 'example.com')?.securityLevel).toBe('med');

		// Lock down again, quit, and undo from a new run: the lockdown is remembered across a restart.
		app.press('L');
		await app.waitFor(text => text.includes('Lockdown example.com?'), 'the preview again');
		app.press('y');
		await waitForState(console, current => current.zones.find(candidate => candidate.name === 'example.com')?.accessRules.length === count, 'the second lockdown', 20_000);
		await app.waitFor(text => text.includes('Lockdown of example.com done'), 'the lockdown to finish');
		app.press('q');
		expect(await app.exited).toBe(0);
		const again = new PtyConsole(consoleArgs(console.emulator), {cols: 110, rows: 32}, console.env);
		extra.push(again);
		await again.waitFor(text => /sec I'm under attack!/i.test(text), 'the new run');
		again.press(':unlock\r');
		await again.waitFor(text => text.includes('Undo the lockdown of example.com?'), 'the undo dialog after a restart');
		again.press('y');
		state = await waitForState(console, current => current.zones.find(candidate => candidate.name === 'example.com')?.accessRules.length === 0, 'the bans cleared after a restart', 20_000);
		expect(state.zones.find(candidate => candidate.name === 'example.com')?.securityLevel).toBe('med');
	});
});
