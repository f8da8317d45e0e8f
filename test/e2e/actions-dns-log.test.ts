/**
 * The DNS editor, the Log view with its retry rules, and read-only mode, in a real terminal against the
 * emulator. The Log view's retries, an action in flight at SIGTERM and read-only run on v1 and v4 (v4's
 * actions are other requests with their own retry rules); the DNS editor here is v1's.
 */
import {afterEach, describe, expect, it, type TestContext} from 'vitest';
import {demoAccount, type EmulatorState} from '../../source/emulator/index.js';
import {highlightedIp} from './pty-console.js';
import {answerYes, apis, callsSettled, openAndCancel, readyAndPaused, startEmulatedConsole, waitForState, type Api, type EmulatedConsole} from './emulated-console.js';

let running: EmulatedConsole[] = [];
afterEach(async () => {
	for (const console of running) await console.close();
	running = [];
});

async function start(args: string[] = []): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole(args);
	running.push(console);
	await readyAndPaused(console);
	return console;
}

/** A console on `api`, ready and paused, closed when the test ends (the tests of both APIs run side by side). */
async function startOn(api: Api, {onTestFinished}: TestContext, args: string[] = []): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole(args, {}, undefined, api);
	onTestFinished(() => console.close());
	await readyAndPaused(console);
	return console;
}

const record = (console: EmulatedConsole, name: string) => async () => (await console.zone()).records.filter(candidate => candidate.name === name);

describe('DNS view, Log view, read-only (pty, emulator)', {timeout: 90_000}, () => {
	it('lists records; a adds with inline validation; o, e, u and x change them', async () => {
		const console = await start();
		const {app} = console;
		app.press('\t');
		await app.waitFor(text => /DNS records of example\.com \(7\)/.test(text) && text.includes('www.example.com'), 'the records');

		await openAndCancel(console, 'a', 'Add a DNS record', '\u001b');
		const calls = await console.calls();
		app.press('a');
		await app.waitFor(text => text.includes('Add a DNS record'), 'the form');
		app.press('new');
		app.press('\t');
		app.press('203.0.113');
		await app.waitFor(text => /Content\s+203\.0\.113▏\s+✗/.test(text), 'the inline error while typing');
		app.press('\r');
		await app.waitFor(text => text.includes('Not sent: content'), 'Enter refused while invalid');
		expect(await console.calls()).toBe(calls);
		app.press('.7');
		await app.waitFor(text => /Content\s+203\.0\.113\.7▏\s+✓/.test(text) && text.includes('Enter reviews it'), 'the form valid');
		app.press('\r');
		await app.waitFor(text => text.includes('Add this DNS record?') && text.includes('add A new → 203.0.113.7 on example.com'), 'the confirmation');
		expect(await console.calls()).toBe(calls);
		app.press('y');
		await app.waitFor(text => text.includes('new.example.com') && text.includes('(8)'), 'the new record listed');
		expect(await record(console, 'new.example.com')()).toMatchObject([{type: 'A', content: '203.0.113.7', proxied: true}]);

		app.press('\u001b[F');
		await app.waitFor(text => /› new\.example\.com/.test(text), 'the new record highlighted');
		await openAndCancel(console, 'o', 'Change this DNS record?');
		app.press('o');
		await app.waitFor(text => text.includes('proxied no'), 'the proxied dialog');
		app.press('y');
		await waitForState(console, state => state.zones[0].records.some(candidate => candidate.name === 'new.example.com' && !candidate.proxied), 'proxied off');

		app.press('e');
		await app.waitFor(text => text.includes('Edit a DNS record') && /› Content/.test(text), 'the edit form, on the content');
		app.press('\u007f');
		app.press('8');
		await app.waitFor(text => /Content\s+203\.0\.113\.8▏/.test(text), 'the edited content');
		app.press('\r');
		await app.waitFor(text => /Was\s+A new\.example\.com → 203\.0\.113\.7/.test(text) && /Becomes A new\.example\.com → 203\.0\.113\.8/.test(text), 'the old and new values');
		app.press('y');
		await waitForState(console, state => state.zones[0].records.some(candidate => candidate.name === 'new.example.com' && candidate.content === '203.0.113.8'), 'the edit');
		await app.waitFor(text => /new\.example\.com\s+A\s+203\.0\.113\.8/.test(text), 'the edit listed');

		app.press('u');
		await app.waitFor(text => text.includes('Point A records at a new IP') && /Hosts\s+new\.example\.com/.test(text), 'the DIUP form');
		app.press('\u007f9');
		await app.waitFor(text => /New IPv4\s+203\.0\.113\.9▏/.test(text), 'the new IP typed');
		app.press('\r');
		await app.waitFor(text => text.includes('new.example.com: 203.0.113.8 → 203.0.113.9'), 'the DIUP confirmation, old → new');
		app.press('y');
		await waitForState(console, state => state.zones[0].records.some(candidate => candidate.name === 'new.example.com' && candidate.content === '203.0.113.9'), 'DIUP');

		await openAndCancel(console, 'x', 'Delete every record of this name?');
		app.press('\u001b[H');
		await app.waitFor(text => /› example\.com/.test(text), 'the apex highlighted');
		app.press('x');
		const dialog = await app.waitFor(text => text.includes('rec_del removes EVERY record named example.com'), 'the delete dialog');
		for (const type of ['A', 'MX', 'TXT', 'AAAA']) expect(dialog).toMatch(new RegExp(`\\n│\\s+${type}\\s`));
		app.press('n');
		await app.waitFor(text => text.includes('Cancelled'), 'the apex kept');
		app.press('\u001b[F');
		await app.waitFor(text => /› new\.example\.com/.test(text), 'the new record highlighted again');
		app.press('x');
		await app.waitFor(text => text.includes('rec_del removes EVERY record named new.example.com (1 known)'), 'the delete dialog');
		app.press('y');
		await waitForState(console, state => !state.zones[0].records.some(candidate => candidate.name === 'new.example.com'), 'the delete');
		await app.waitFor(text => text.includes('(7)') && !text.includes('new.example.com  '), 'the list without it');
	});

});

/** The v4 routes whose counts changed between two states of the emulator (the demo account's). */
function changedRoutes(before: EmulatorState, after: EmulatorState): string[] {
	const [was, now] = [before, after].map(state => state.accounts.find(account => account.email === demoAccount.email)?.calls.v4.byRoute ?? {});
	return Object.keys(now).filter(route => now[route] !== was[route]);
}

describe.each(apis)('the Log view, SIGTERM, read-only (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it('the Log view shows every action with its state; an idempotent one is retried once, a rec_new never; R retries', async context => {
		const console = await startOn(api, context);
		const {app} = console;
		const ip = highlightedIp(app.screen()) as string;
		console.emulator.setFault({mode: 'reset', count: 2});
		app.press('b');
		await app.waitFor(text => text.includes('Ban this IP?'), 'the ban dialog');
		await answerYes(app);
		await app.waitFor(text => /#1 ban .*FAILED/.test(text), 'the ban to fail after its retry', 15_000);

		await callsSettled(console);
		console.emulator.setFault({mode: 'reset', count: 1});
		app.press(':dns add A retry 203.0.113.50\r');
		await app.waitFor(text => text.includes('Add this DNS record?'), 'the add dialog');
		app.press('y');
		await app.waitFor(text => /#2 add .*FAILED/.test(text), 'the add to fail');

		// Dashboard, DNS, (v4: Rules,) Log.
		app.press(api === 'v1' ? '\t\t' : '\t\t\t');
		const log = await app.waitFor(text => text.includes('Log (this session) · 2 actions'), 'the Log view');
		expect(log).toMatch(/#1 .*FAILED\s+ban .* \(2 attempts\)/);
		expect(log).toMatch(/#2 .*FAILED\s+add A retry/);
		// The Log view opens on the newest action.
		expect(log).toContain('Retry rule: not idempotent');
		expect(log.replace(/\s+/g, ' ')).toContain('not retried automatically (it may have reached the API');
		app.press('k');
		await app.waitFor(text => text.includes('Retry rule: idempotent, sent once more by itself'), 'the ban selected');
		app.press('R');
		await app.waitFor(text => text.includes('Send this action again?'), 'the retry confirmation');
		app.press('y');
		await app.waitFor(text => /#3 .*DONE\s+ban/.test(text), 'the retried ban');
		await waitForState(console, state => state.zones[0].accessRules.some(rule => rule.ip === ip), 'the ban');
		app.press('q');
		await app.exited;
		const outcomes = console.audit().map(line => `${String(line.id)} ${String(line.outcome)}`);
		expect(outcomes).toEqual(['1 sending', '1 sending', '1 failed', '2 sending', '2 failed', '3 sending', '3 done']);
		expect(JSON.stringify(console.audit())).not.toContain(console.emulator.key);
		expect(JSON.stringify(console.audit())).not.toContain(console.emulator.token);
	});

	it('on SIGTERM an action still in flight is audited as outcome unknown', async context => {
		const console = await startOn(api, context);
		const {app} = console;
		console.emulator.setFault({mode: 'latency', ms: 10_000, count: 1});
		app.press('b');
		await app.waitFor(text => text.includes('Ban this IP?'), 'the ban dialog');
		await answerYes(app);
		await app.waitFor(text => /#1 ban .*sent/.test(text), 'the ban in flight');
		app.process.kill('SIGTERM');
		expect(await app.exited).toBe(143);
		expect(console.audit().map(line => `${String(line.id)} ${String(line.outcome)} ${String(line.error ?? '')}`)).toEqual(['1 sending ', '1 unknown SIGTERM received']);
	});

	it('--read-only: every mutating key explains and sends nothing; the badge stays; a lookup still works', async context => {
		const console = await startOn(api, context, ['--read-only']);
		const {app} = console;
		expect(app.screen()).toContain('READ-ONLY');
		const before = await console.state();
		const calls = await console.calls();
		// v4 has no snapshot (G says so) but challenges (C).
		for (const key of api === 'v1' ? ['U', 's', 'd', 'c', 'P', '6', 'G', 'b', 'w', 'x', 'L'] : ['U', 's', 'd', 'c', 'P', '6', 'b', 'w', 'C', 'x', 'L']) {
			app.press(key);
			await app.waitFor(text => text.includes('Read-only mode (--read-only)') && !text.includes('Cancel (n/Esc)'), `the refusal of ${key}`);
			app.press('\u001b');
		}
		app.press(':sec high\r');
		await app.waitFor(text => text.includes('security-level is not sent'), 'the palette refusal');
		app.press('\t');
		await app.waitFor(text => text.includes('DNS records of example.com (7)'), 'the DNS view');
		for (const key of ['a', 'e', 'o', 'x', 'u']) {
			app.press(key);
			await app.waitFor(text => text.includes(`Read-only mode (--read-only): dns-`) && !text.includes('Cancel (n/Esc)') && !text.includes('Add a DNS record'), `the refusal of ${key}`);
		}
		const after = await console.state();
		// Nothing was sent: the DNS view shows the records the first poll listed (the drift watch), paused since.
		if (api === 'v1') expect(await console.calls()).toBe(calls);
		else expect(changedRoutes(before, after)).toEqual([]);
		expect(after.zones[0]).toMatchObject({securityLevel: before.zones[0].securityLevel, cacheLevel: before.zones[0].cacheLevel, devModeExpiresAt: before.zones[0].devModeExpiresAt, ipv6: before.zones[0].ipv6, lastPurgeAt: 0, accessRules: []});
		expect(after.zones[0].records).toEqual(before.zones[0].records);
		expect(app.screen()).toContain('READ-ONLY');
	});
});
