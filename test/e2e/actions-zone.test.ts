/**
 * Zone keys in a real terminal against the emulator, on both APIs: U, s, d, c, P, 6, G — each confirmed
 * and cancelled, checking the screen and the emulator's state, and that a cancel sends nothing. v1's
 * calls are zone settings by action; v4's are PATCHes of /zones/{id}/settings, and the same emulated
 * zone shows the result either way. G (a snapshot) is v1's; on v4 the key is explained and sends nothing.
 */
import {describe, expect, it, type TestContext} from 'vitest';
import {apis, demoCalls, openAndCancel, readyAndPaused, startEmulatedConsole, waitForState, type Api, type EmulatedConsole} from './emulated-console.js';

/** A console on `api`, ready and paused, closed when the test ends (tests run concurrently: no shared list). */
async function start(api: Api, {onTestFinished}: TestContext): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole([], {}, undefined, api);
	onTestFinished(() => console.close());
	await readyAndPaused(console);
	return console;
}

describe.each(apis)('zone actions from the keyboard (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it("U then y is I'm Under Attack; U again goes back to the level before; n cancels", async context => {
		const console = await start(api, context);
		const {app} = console;
		expect((await console.zone()).securityLevel).toBe('med');
		await openAndCancel(console, 'U', "I'm Under Attack on?");
		expect((await console.zone()).securityLevel).toBe('med');

		app.press('U');
		await app.waitFor(text => text.includes("I'm Under Attack on?"), 'the U dialog');
		app.press('y');
		await app.waitFor(text => /sec I'm under attack!/i.test(text) && /#1 .*done/.test(text), 'the header to show help');
		expect((await console.zone()).securityLevel).toBe('help');

		app.press('U');
		await app.waitFor(text => text.includes('Back to med'), 'the way back');
		await new Promise(resolve => setTimeout(resolve, 50));
		app.press('\u001b');
		await app.waitFor(text => text.includes('Cancelled'), 'Esc to cancel');
		app.press('U');
		await app.waitFor(text => text.includes('Back to med'), 'the way back again');
		app.press('y');
		await app.waitFor(text => text.includes('sec Medium') && /#2 .*done/.test(text), 'the header back to Medium');
		expect((await console.zone()).securityLevel).toBe('med');

		app.press('q');
		expect(await app.exited).toBe(0);
		// The audit log: both lines of each action, the zone, no key anywhere.
		const audit = console.audit();
		expect(audit.map(line => `${String(line.id)} ${String(line.outcome)}`)).toEqual(['1 sending', '1 done', '2 sending', '2 done']);
		expect(audit[0]).toMatchObject({zone: 'example.com', action: 'security-level', params: {zone: 'example.com', level: 'help'}});
		expect(JSON.stringify(audit)).not.toContain(console.emulator.key);
		expect(JSON.stringify(audit)).not.toContain(console.emulator.token);
		// Both changes went to the chosen API's face, none to the other's.
		const calls = await demoCalls(console);
		if (api === 'v1') expect([calls.byAction.sec_lvl, calls.v4.total]).toEqual([2, 0]);
		else expect([calls.v4.byRoute['PATCH /zones/:zone_id/settings/:setting'], calls.total]).toEqual([2, 0]);
	});

	it('s picks a level (current marked); Esc cancels', async context => {
		const console = await start(api, context);
		const {app} = console;
		await openAndCancel(console, 's', /med\s+Medium\s+● current/, '\u001b');
		app.press('s');
		await app.waitFor(text => text.includes('● current'), 'the picker');
		app.press('j');
		await app.waitFor(text => /› low/.test(text), 'the cursor on low');
		app.press('y');
		await app.waitFor(text => text.includes('Security level of example.com: med → low'), 'the confirmation, old → new');
		app.press('y');
		await waitForState(console, state => state.zones[0].securityLevel === 'low' || state.zones.some(zone => zone.name === 'example.com' && zone.securityLevel === 'low'), 'level low');
		await app.waitFor(text => text.includes('sec Low'), 'the header to show Low');
	});

	it('d turns dev mode on (header counts down from expires_on) and off; n cancels', async context => {
		const console = await start(api, context);
		const {app} = console;
		await openAndCancel(console, 'd', 'Dev mode ON');
		expect((await console.zone()).devModeExpiresAt).toBe(0);
		app.press('d');
		await app.waitFor(text => text.includes('Dev mode ON'), 'the dev dialog');
		app.press('y');
		const screen = await app.waitFor(text => /DEV [23]:\d\d:\d\d/.test(text), 'the countdown');
		const state = await console.state();
		const zone = state.zones.find(candidate => candidate.name === 'example.com');
		expect((zone?.devModeExpiresAt ?? 0) - state.now).toBeGreaterThan(10_700);
		const first = screen.match(/DEV (\d:\d\d:\d\d)/)?.[1];
		await app.waitFor(text => /DEV \d:\d\d:\d\d/.test(text) && text.match(/DEV (\d:\d\d:\d\d)/)?.[1] !== first, 'the countdown to tick', 4000);
		app.press('d');
		await app.waitFor(text => text.includes('Dev mode OFF'), 'the off dialog');
		app.press('y');
		await app.waitFor(text => text.includes('dev off'), 'dev off in the header');
		const after = await console.zone();
		expect(after.devModeExpiresAt === 0 || after.devModeExpiresAt <= (await console.state()).now).toBe(true);
	});

	it(`c switches the cache level, 6 IPv6, P purges (${api === 'v1' ? 'then says how long to wait), G snapshots once a day' : 'no cooldown on v4), G and DIUP explained as v1 only'}`, async context => {
		const console = await start(api, context);
		const {app} = console;
		const before = await console.zone();

		await openAndCancel(console, 'c', 'Change the cache level?');
		app.press('c');
		await app.waitFor(text => text.includes('Change the cache level?'), 'the cache dialog');
		app.press('y');
		const cache = before.cacheLevel === 'agg' ? 'basic' : 'agg';
		await waitForState(console, state => state.zones.find(zone => zone.name === 'example.com')?.cacheLevel === cache, `cache ${cache}`);
		await app.waitFor(text => text.includes(`cache ${cache}`), 'the header cache level');

		await openAndCancel(console, '6', 'Change IPv6 support?');
		app.press('6');
		await app.waitFor(text => text.includes('Change IPv6 support?'), 'the IPv6 dialog');
		app.press('y');
		await waitForState(console, state => state.zones.find(zone => zone.name === 'example.com')?.ipv6 === !before.ipv6, 'IPv6 switched');
		await app.waitFor(text => text.includes(`IPv6 ${before.ipv6 ? 'off' : 'on'}`), 'the header IPv6');

		await openAndCancel(console, 'P', 'Purge the whole cache?');
		expect((await console.zone()).lastPurgeAt).toBe(0);
		app.press('P');
		await app.waitFor(text => text.includes('Purge the whole cache?'), 'the purge dialog');
		app.press('y');
		await waitForState(console, state => (state.zones.find(zone => zone.name === 'example.com')?.lastPurgeAt ?? 0) > 0, 'the purge');
		await app.waitFor(text => text.includes('cache purged'), 'the purge outcome');
		const calls = await console.calls();
		if (api === 'v4') {
			// v4 purges have no cooldown: P asks again at once.
			await openAndCancel(console, 'P', 'Purge the whole cache?');
			// Snapshots are v1's: G says so, opens nothing and sends nothing.
			const before = await console.calls();
			app.press('G');
			await app.waitFor(text => /Snapshots \(zone_grab\) are a v1 call; API v4 has none/.test(text), 'the explanation of G');
			expect(app.screen()).not.toContain('Take a zone snapshot?');
			await new Promise(resolve => setTimeout(resolve, 200));
			expect(await console.calls()).toBe(before);
			expect((await console.zone()).lastGrabAt).toBe(0);
			// So is DIUP in the DNS view: u names the way v4 has (e on each A record).
			app.press('\t');
			await app.waitFor(text => /DNS records of example\.com/.test(text), 'the DNS view');
			app.press('u');
			await app.waitFor(text => /DIUP \(pointing hosts at a new IP\) is a v1 call; API v4 has none/.test(text), 'the explanation of u');
			expect(app.screen()).not.toContain('Point A records at a new IP');
			await new Promise(resolve => setTimeout(resolve, 200));
			// Reads aside (GETs, GraphQL), the only requests were the changes asked for: no snapshot, no DIUP.
			const changes = Object.keys((await demoCalls(console)).v4.byRoute).filter(route => !route.startsWith('GET ') && route !== 'POST /graphql');
			expect(changes.sort()).toEqual(['PATCH /zones/:zone_id/settings/:setting', 'POST /zones/:zone_id/purge_cache']);
			return;
		}
		app.press('P');
		await app.waitFor(text => /cooldown is on; wait \d/.test(text), 'the cooldown message');
		expect(await console.calls()).toBe(calls);

		await openAndCancel(console, 'G', 'Take a zone snapshot?');
		app.press('G');
		await app.waitFor(text => text.includes('Take a zone snapshot?'), 'the snapshot dialog');
		app.press('y');
		await waitForState(console, state => (state.zones.find(zone => zone.name === 'example.com')?.lastGrabAt ?? 0) > 0, 'the snapshot');
		await app.waitFor(text => text.includes('snapshot requested'), 'the snapshot outcome');
		app.press('G');
		await app.waitFor(text => text.includes('once a day; the next is allowed in'), 'once a day');
		expect(await console.calls()).toBe(calls + 1);
	});
});
