/**
 * A timed ban in a real terminal against the emulator, on both APIs (one session each): b shows the
 * default duration, t changes it (a wrong one is named, nothing sent), the row counts the time left,
 * and when it is due the running console clears it by itself: the rule is gone at the emulator, the
 * row loses its badge, the status line and the audit log say it expired.
 */
import {describe, expect, it, type TestContext} from 'vitest';
import {highlightedIp} from './pty-console.js';
import {apis, readyAndPaused, startEmulatedConsole, waitForState, type Api, type EmulatedConsole} from './emulated-console.js';

function rowOf(screen: string, ip: string): string {
	return screen.split('\n').find(line => line.includes(` ${ip} `)) ?? '';
}

async function start(api: Api, {onTestFinished}: TestContext): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole([], {}, undefined, api);
	onTestFinished(() => console.close());
	return console;
}

describe.each(apis)('timed bans (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it('b, t 6s, y: the row counts down, and the console clears the ban when due, audited as expired', async context => {
		const console = await start(api, context);
		const {app} = console;
		await readyAndPaused(console);
		app.press('f');
		const screen = await app.waitFor(text => text.includes('visitors threat') || /threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		expect(ip).toBeDefined();

		app.press('b');
		await app.waitFor(text => text.includes('Ban this IP?') && text.includes('For     1h, until'), 'the default duration');
		if (api === 'v4') {
			// The reason comes first on v4; its note then names the ban's end.
			app.press('\r');
			await app.waitFor(text => /Note {4}flarewatch: block by \S+ \[until \d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z\]/.test(text), 'the note with the end');
		}
		app.press('t');
		await app.waitFor(text => text.includes('Duration: 1h'), 'the duration field');
		// Mashed: a wrong duration is named and nothing is sent; y is a letter there.
		for (const key of '\u007f\u007f9y\r') app.press(key);
		await app.waitFor(text => text.includes("'9y' is not a duration"), 'the wrong duration named');
		expect((await console.zone()).accessRules.filter(rule => rule.ip === ip)).toEqual([]);
		for (const key of '\u007f\u007f6s\r') app.press(key);
		await app.waitFor(text => text.includes('For     6s, until'), 'the new duration');
		app.press('y');
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'ban')), 'the ban');
		await app.waitFor(text => /BANNED [1-6]s/.test(rowOf(text, ip)), 'the time left in the row');

		await waitForState(console, state => !state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip)), 'the expired ban cleared', 20_000);
		await app.waitFor(text => text.includes(`clear the expired ban of ${ip}`) && !rowOf(text, ip).includes('BANNED'), 'the expiry on screen');
		const records = console.audit().filter(line => line.action === 'clear-rule');
		expect(records.map(line => [line.outcome, (line.params as Record<string, unknown>).expired])).toEqual([
			['sending', true],
			['done', true],
		]);
		const ban = console.audit().find(line => line.action === 'ban' && line.outcome === 'done');
		expect(ban?.params).toMatchObject({ip, duration: 6});
	});
});
