/**
 * Issue 15 in a real terminal (the built bin): `--demo --api v4` runs the console on the in-process
 * emulator's /client/v4 face with its token, the header says v4 and the dashboard fills with data;
 * `--api v1` (and no --api) stay v1. A console on an account with CF_API_TOKEN polls v4 only, and
 * `--api v1` with a token alone is refused, saying what is missing, instead of falling into the demo.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator} from '../../source/emulator/index.js';
import {consoleEnv, PtyConsole} from './pty-console.js';

const threatRow = /\d+\.\d+\.\d+\.\d+\s+threat\s+\d+/;
/** The dashboard with data: a threat row, the security level, a chart and the stats table's figures. */
const filled = (text: string) => threatRow.test(text) && /sec (Medium|High|Low|I'm Under Attack|Essentially Off)/i.test(text) && /[┤┼]/.test(text) && /│ views\s+│ [\d.]+k?\s/.test(text);

let running: PtyConsole[] = [];
afterEach(() => {
	for (const app of running) app.kill();
	running = [];
});

function start(args: string[], cols = 100, rows = 30, env = consoleEnv()): PtyConsole {
	const app = new PtyConsole(args, {cols, rows}, env);
	running.push(app);
	return app;
}

/** The header's second line. */
const secondLine = (app: PtyConsole) => app.lines()[1] ?? '';

/** The Log view's start-up line names the endpoint the poller connected to. */
async function connectedTo(app: PtyConsole): Promise<string> {
	// Dashboard → DNS → Rules (v4 only) → Log.
	app.press('\t\t');
	const next = await app.waitFor(text => /^(Rules of |Log )/m.test(text), 'the view after DNS');
	if (/^Rules of /m.test(next)) app.press('\t');
	const screen = await app.waitFor(text => /^Log /m.test(text) && /Connecting to \S+/.test(text), 'the Log view with the start-up line');
	return /Connecting to (\S+)/.exec(screen)![1]!;
}

describe('the console on the API chosen', () => {
	it('--demo --api v4: the v4 badge, a full dashboard, and every call to the emulator\'s /client/v4', async () => {
		const app = start(['--demo', '--api', 'v4']);
		const screen = await app.waitFor(filled, 'the dashboard filled from API v4', 30_000);
		expect(screen.split('\n')[1]).toMatch(/ DEMO .* v4 · \d+\/1200 calls · \d+\/300 GraphQL left \/ 5 min$/);
		expect(screen.split('\n')[1]).not.toContain('v1');
		expect(screen.split('\n')[0]).toMatch(/^example\.com 1\/2 · Pro · sec \w+/);
		expect(await connectedTo(app)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);

	it('--demo --api v1 and plain --demo: the v1 badge, the v1 endpoint', async () => {
		for (const args of [['--demo', '--api', 'v1'], ['--demo']]) {
			const app = start(args);
			const screen = await app.waitFor(filled, `the dashboard (${args.join(' ')})`, 30_000);
			expect(screen.split('\n')[1]).toMatch(/ DEMO .* v1 · \d+\/300 calls left \/ hour$/);
			expect(await connectedTo(app)).toMatch(/^http:\/\/127\.0\.0\.1:\d+…?$/);
			app.press('q');
			expect(await app.exited).toBe(0);
		}
	}, 90_000);

	it('--scenario calm --api v4 at 40 columns: the badge and the budget stay, so do DEMO and PAUSED', async () => {
		const app = start(['--scenario', 'calm', '--api', 'v4'], 40, 20);
		await app.waitFor(text => /data \S+ old/.test(text) && /v4 \d+\/1200 calls\/5m/.test(secondLine(app)), 'the narrow header with v4');
		expect(secondLine(app)).toMatch(/^ Dashboard {2}DEMO +v4 \d+\/1200 calls\/5m$/);
		app.press('p');
		await app.waitFor(() => secondLine(app).includes('PAUSED'), 'PAUSED');
		expect(secondLine(app)).toMatch(/^ Dashboard {2}DEMO {2}PAUSED +v4 \d+\/1200\/5m$/);
		for (const line of app.lines()) expect(line.length).toBeLessThanOrEqual(40);
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);

	it('an account with CF_API_TOKEN: polls go to /client/v4 only, the header says v4, an action is sent on v4', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', seed: 3});
		try {
			emulator.advanceClock(90);
			const app = start(['--endpoint', emulator.url, '--zone', 'example.com', '--budget', '3600', '--reserve', '30'], 100, 30, consoleEnv({CF_API_TOKEN: emulator.token}));
			const screen = await app.waitFor(filled, 'the dashboard of the account on v4', 30_000);
			expect(screen.split('\n')[1]).toMatch(/ v4 · \d+\/3600 calls( · \d+\/300 GraphQL)? left \/ 5 min$/);
			expect(screen.split('\n')[1]).not.toContain('DEMO');
			app.press(':sec high\r');
			await app.waitFor(text => text.includes('Change the security level?'), 'the confirmation');
			app.press('y');
			await app.waitFor(text => /#1 security level high on example\.com: done/.test(text), 'the action done', 15_000);
			app.press('q');
			expect(await app.exited).toBe(0);
			const demo = emulator.state().accounts.find(account => account.email === emulator.email)!;
			expect(demo.calls.total).toBe(0);
			expect(demo.calls.v4.byRoute['GET /zones']).toBeGreaterThanOrEqual(1);
			expect(demo.calls.v4.byRoute['POST /graphql']).toBeGreaterThanOrEqual(2);
			expect(demo.calls.v4.byRoute['PATCH /zones/:zone_id/settings/:setting']).toBe(1);
			expect(emulator.state().zones.find(zone => zone.name === 'example.com')?.securityLevel).toBe('high');
		} finally {
			await emulator.close();
		}
	}, 60_000);

	it('--api v1 with a token alone: exit 2, naming what is missing; not the demo', async () => {
		const app = start(['--api', 'v1', '--zone', 'example.com'], 100, 30, consoleEnv({CF_API_TOKEN: 'flarewatch-some-token-0123456789'}));
		expect(await app.exited).toBe(2);
		const text = app.raw.replace(/\r?\n/g, ' ');
		expect(text).toContain('flarewatch: No account email is configured; use --email, CF_API_EMAIL or "email" in the config file. An API token works only with API v4 (the API is v1, chosen by --api).');
		expect(text).not.toContain('flarewatch-some-token');
		expect(text).not.toContain('DEMO');
	}, 30_000);
});
