/**
 * IP keys, the never-ban guard and lockdown in a real terminal against the emulator: b, w, x, i on the
 * highlighted row, a guarded address refused inline, a hostile row kept inert (on v1 and v4: v4's rules
 * are the zone's, with a reason asked for the note, and i shows the address's country, ASN and firewall
 * events instead of v1's threat score), and L with its preview and undo, also after a restart, with
 * :unlock (v1 here; lockdown on v4 has its own suite).
 */
import {afterEach, describe, expect, it, type TestContext} from 'vitest';
import {highlightedIp, PtyConsole} from './pty-console.js';
import {answerYes, apis, consoleArgs, demoCalls, openAndCancel, readyAndPaused, startEmulatedConsole, threatIps, waitForState, type Api, type EmulatedConsole} from './emulated-console.js';

let running: EmulatedConsole[] = [];
let extra: PtyConsole[] = [];
afterEach(async () => {
	for (const app of extra) app.kill();
	for (const console of running) await console.close();
	running = [];
	extra = [];
});

function rowOf(screen: string, ip: string): string {
	// The threat row (the address, then its class), not a drift line naming the address.
	return screen.split('\n').find(line => line.includes(` ${ip} `) && !line.includes('changed elsewhere')) ?? '';
}

function rulesOf(console: EmulatedConsole) {
	return async () => (await console.zone()).accessRules;
}

/** A console on `api`, closed when the test ends (the tests of both APIs run side by side). */
async function start(api: Api, {onTestFinished}: TestContext, ...args: Parameters<typeof startEmulatedConsole>): Promise<EmulatedConsole> {
	const [given, env, size] = args;
	const console = await startEmulatedConsole(given, env, size, api);
	onTestFinished(() => console.close());
	return console;
}

describe.each(apis)('IP actions and the guard (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it(`b, w, x and i act on the highlighted IP, confirmations show IP, class, hits and ${api === 'v1' ? 'score' : 'origin'}, rows show badges`, async context => {
		const console = await start(api, context);
		const {app} = console;
		await readyAndPaused(console);
		app.press('f');
		const screen = await app.waitFor(text => text.includes('visitors threat') || /threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		expect(ip).toBeDefined();

		app.press('i');
		if (api === 'v1') {
			await app.waitFor(text => /BAD:\d+|SE:\d+|:\d+\s*$/.test(rowOf(text, ip)), 'the score in the row');
		} else {
			// v4 has no threat score: the address's country, network and recent firewall events instead.
			const details = await app.waitFor(text => text.includes(`Details of ${ip}`) && /AS\d+/.test(text) && /\d+ in the last day/.test(text), 'the details');
			expect(details).toMatch(/\d\d:\d\d:\d\d (managed_c|block|challenge|js_chall)/);
			app.press('\u001b');
			await app.waitFor(text => !text.includes(`Details of ${ip}`), 'the details closed');
		}

		// Esc: on v4 the dialog first takes a reason, where n is text.
		await openAndCancel(console, 'b', `IP      ${ip}`, '\u001b');
		expect(await rulesOf(console)()).toEqual([]);
		app.press('b');
		const dialog = await app.waitFor(text => text.includes('Ban this IP?'), 'the ban dialog');
		expect(dialog).toMatch(/Class\s+threat/);
		expect(dialog).toMatch(/Hits\s+\d+/);
		expect(dialog).toMatch(api === 'v1' ? /Score\s+\w+:\d+/ : /From\s+(\w\w )?AS\d+/);
		await answerYes(app);
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'ban')), 'the ban');
		await app.waitFor(text => rowOf(text, ip).includes('BANNED'), 'BANNED in the row');

		app.press('w');
		// The rule it replaces: as set this session, or (v4, once the zone's rules are listed again) as listed, ours.
		const replaced = api === 'v1' ? /Rule {4}BANNED \(set this session\)/ : new RegExp(`Rule {4}(BANNED \\(set this session\\)|block ${ip.replaceAll('.', '\\.')} · this zone · flarewatch's)`);
		await app.waitFor(text => text.includes('Whitelist this IP?') && replaced.test(text), 'the whitelist dialog');
		await answerYes(app);
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'wl')), 'the whitelist');
		await app.waitFor(text => rowOf(text, ip).includes('WHITELISTED'), 'WHITELISTED in the row');

		// v4 lists the zone's rules again after a change (the row's RULE mark shows it): x removes the one
		// listed, naming whose it is by its note.
		if (api === 'v4') await app.waitFor(text => /allow(·ours)?\s*$/.test(rowOf(text, ip)), 'the allow rule listed in the row');
		const clear = api === 'v1' ? 'Clear the rule for this IP?' : `Remove the allow rule on ${ip}?`;
		await openAndCancel(console, 'x', clear, '\u001b');
		app.press('x');
		const removal = await app.waitFor(text => text.includes(clear), 'the clear dialog');
		if (api === 'v4') expect(removal).toMatch(/note "flarewatch: allow by [^"]+@[^"]+"/);
		await answerYes(app);
		await waitForState(console, state => state.zones.every(zone => zone.accessRules.every(rule => rule.ip !== ip)), 'the rule cleared');
		await app.waitFor(text => /threat/.test(rowOf(text, ip)) && !rowOf(text, ip).includes('WHITELISTED'), 'the class back in the row');
		// Every change went to the chosen API's face: v4's as rules of the zone.
		const calls = await demoCalls(console);
		if (api === 'v1') expect(calls.v4.total).toBe(0);
		else expect([calls.total, calls.v4.byRoute['POST /zones/:zone_id/firewall/access_rules/rules'] ?? 0]).toEqual([0, 2]);
	});

	it('a ban of a guarded or impossible address is refused inline, nothing sent (SSH session, --never-ban CIDR, loopback)', async context => {
		const console = await start(api, context, ['--never-ban', '203.0.113.0/24,2001:db8::/32'], {SSH_CONNECTION: '198.51.100.200 50000 10.0.0.1 22'});
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

	// The hostile scenario's junk rows are in v1's zone_ips; v4's GraphQL answers carry addresses only.
	it.runIf(api === 'v1')('a hostile server\'s visitor row that is not an IP is shown inert, cannot be banned, and a lockdown skips it', async context => {
		const console = await start(api, context, async emulator => {
			emulator.setScenario('hostile');
			return [];
		});
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

});

describe('lockdown (pty, emulator, API v1)', {timeout: 90_000}, () => {
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
