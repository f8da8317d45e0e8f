/**
 * Drift in a real terminal (80x24) against the emulator, on both APIs, one session each: flarewatch sets
 * the level (U), someone else changes it through the API as another operator would, the dashboard says
 * "changed elsewhere" with old → new and when; D asks, y puts back what flarewatch had set; the audit
 * log has the observation once, and no secret.
 */
import {describe, expect, it, type TestContext} from 'vitest';
import type {Backend} from '../../source/backend.js';
import {emulatorBackend} from './apis.js';
import {apis, startEmulatedConsole, type Api, type EmulatedConsole} from './emulated-console.js';

/** Another operator on the same account: a client of the API, not of the console. */
function otherOperator(console: EmulatedConsole, api: Api): Backend {
	return emulatorBackend(api, console.emulator, {timeoutMs: 5000});
}

async function start(api: Api, {onTestFinished}: TestContext): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole([], {}, {cols: 80, rows: 24}, api);
	onTestFinished(() => console.close());
	return console;
}

describe.each(apis)('drift in the console (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it('a level changed elsewhere shows on the dashboard; D then y puts back the one flarewatch set', async context => {
		const console = await start(api, context);
		const {app} = console;
		await app.waitFor(text => /\d+\.\d+\.\d+\.\d+\s+threat\s+\S+/.test(text) && /sec \w+/.test(text), 'the dashboard with threat rows', 15_000);
		app.press('U');
		await app.waitFor(text => text.includes("I'm Under Attack on?"), 'the U dialog');
		app.press('y');
		await app.waitFor(text => /#1 .*done/.test(text), 'U sent');
		expect((await console.zone()).securityLevel).toBe('help');

		const other = otherOperator(console, api);
		try {
			const [zone] = await other.checkZones(['example.com']);
			await other.setSecurityLevel(zone, 'eoff');
		} finally {
			other.close();
		}
		// The next poll notices it (r asks for it now, if no poll is already on its way).
		await new Promise(resolve => setTimeout(resolve, 300));
		app.press('r');
		// 80 columns: the time stays, "noticed" gives way.
		const screen = await app.waitFor(text => /changed elsewhere: security level under_attack → essentially_off \(\d\d:\d\d:\d\d\)/.test(text), 'the drift line', 40_000);
		// The threat list is still there under it.
		expect(screen.split('\n').filter(line => /\d+\.\d+\.\d+\.\d+\s+(threat|crawler|regular)\s/.test(line)).length).toBeGreaterThan(8);
		expect((await console.zone()).securityLevel).toBe('eoff');

		app.press('D');
		await app.waitFor(text => text.includes('Put back what changed elsewhere?') && text.includes('essentially_off → under_attack'), 'the put-back confirmation');
		await new Promise(resolve => setTimeout(resolve, 50));
		app.press('y');
		await app.waitFor(text => /#2 .*done/.test(text) && !text.includes('changed elsewhere:'), 'the level put back');
		expect((await console.zone()).securityLevel).toBe('help');

		app.press('q');
		expect(await app.exited).toBe(0);
		const audit = console.audit();
		const drift = audit.filter(line => line.action === 'drift');
		expect(drift).toHaveLength(1);
		expect(drift[0]).toMatchObject({id: 0, zone: 'example.com', outcome: 'observed', params: {what: 'security-level', from: 'under_attack', to: 'essentially_off'}});
		expect(audit.filter(line => line.action === 'security-level' && line.outcome === 'done')).toHaveLength(2);
		expect(JSON.stringify(audit)).not.toContain(console.emulator.key);
		expect(JSON.stringify(audit)).not.toContain(console.emulator.token);
	});
});
