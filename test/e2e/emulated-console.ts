/**
 * The built console in a pty against an emulator started in the test process, so a test can read the
 * emulator's admin state (`GET /__emulator/state`) after each key: level, dev mode, rules, records, calls.
 * On either API: v1 with the demo account's email and key, v4 with its token (`describe.each(apis)`).
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {startEmulator} from '../../source/emulator/index.js';
import type {EmulatorHandle, EmulatorState} from '../../source/emulator/types.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Backend} from '../../source/v1/backend.js';
import type {Api} from './apis.js';
import {consoleEnv, PtyConsole} from './pty-console.js';

export {apis, type Api} from './apis.js';

/**
 * How an operator points the console at the emulator's demo account on `api`: v1 takes the email
 * (flag) and the key (env); v4 the token (env) with `--api v4` saying so. Never both secrets, so a
 * test on v4 shows that nothing leans on the key.
 */
export function credentials(emulator: Pick<EmulatorHandle, 'email' | 'key' | 'token'>, api: Api): {args: string[]; env: Record<string, string>} {
	return api === 'v1' ? {args: ['--email', emulator.email], env: {CF_API_KEY: emulator.key}} : {args: ['--api', 'v4'], env: {CF_API_TOKEN: emulator.token}};
}

/** Every request an account made, on either face (v1's count leaves out v4's). */
export function accountCalls(account: EmulatorState['accounts'][number] | undefined): number {
	return account ? account.calls.total + account.calls.v4.total : 0;
}

export interface EmulatedConsole {
	app: PtyConsole;
	emulator: EmulatorHandle;
	env: Record<string, string>;
	/** The emulator's admin state, over HTTP as any client would read it. */
	state(): Promise<EmulatorState>;
	zone(): Promise<EmulatorState['zones'][number]>;
	/** API calls the demo account made so far, v1's and v4's. */
	calls(): Promise<number>;
	/** The audit log's lines. */
	audit(): Array<Record<string, unknown>>;
	close(): Promise<void>;
}

/** Simulated seconds into the attack: the botnet has joined (dozens of threat IPs). */
export const attackHeadStart = 90;

export async function startEmulatedConsole(
	args: string[] | ((emulator: EmulatorHandle) => Promise<string[]>) = [],
	extraEnv: Record<string, string> = {},
	size = {cols: 110, rows: 32},
	api: Api = 'v1',
): Promise<EmulatedConsole> {
	const emulator = await startEmulator({port: 0, scenario: 'attack', quiet: true});
	emulator.advanceClock(attackHeadStart);
	const env = consoleEnv({...credentials(emulator, api).env, ...extraEnv});
	const given = typeof args === 'function' ? await args(emulator) : args;
	const app = new PtyConsole(consoleArgs(emulator, given, api), size, env);
	const state = async (): Promise<EmulatorState> => (await (await fetch(`${emulator.url}/__emulator/state`)).json()) as EmulatorState;
	return {
		app,
		emulator,
		env,
		state,
		zone: async () => (await state()).zones.find(zone => zone.name === 'example.com') as EmulatorState['zones'][number],
		calls: async () => accountCalls((await state()).accounts.find(account => account.email === emulator.email)),
		audit: () =>
			readFileSync(join(env.XDG_STATE_HOME, 'flarewatch', 'audit.jsonl'), 'utf8')
				.trim()
				.split('\n')
				.map(line => JSON.parse(line) as Record<string, unknown>),
		async close() {
			app.kill();
			await emulator.close();
		},
	};
}

/** The demo account's calls as the emulator counts them: v1's by action, v4's by route. */
export async function demoCalls(console: EmulatedConsole): Promise<EmulatorState['accounts'][number]['calls']> {
	const account = (await console.state()).accounts.find(candidate => candidate.email === console.emulator.email);
	if (!account) throw new Error('the demo account is not in the emulator state');
	return account.calls;
}

/** The console's arguments for the emulator's demo account and example.com on `api` (its secret goes in the env). */
export function consoleArgs(emulator: EmulatorHandle, extra: string[] = [], api: Api = 'v1'): string[] {
	return ['--endpoint', emulator.url, ...credentials(emulator, api).args, '--zone', 'example.com', ...extra];
}

/** The threat IPs the emulator lists for example.com now, most hits first (costs two API calls). */
export async function threatIps(emulator: EmulatorHandle): Promise<string[]> {
	const backend = new V1Backend({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), timeoutMs: 5000, secrets: []});
	try {
		const [zone] = await backend.checkZones(['example.com']);
		const visitors = await backend.visitors(zone, {hours: 1});
		return visitors.filter(visitor => visitor.classification === 'threat').sort((a, b) => b.hits - a.hits).map(visitor => visitor.ip);
	} finally {
		backend.close();
	}
}

/** Threat rows are on screen and polling is paused, so that only the keys under test make calls. */
export async function readyAndPaused(console: EmulatedConsole): Promise<string> {
	await console.app.waitFor(text => /\d+\.\d+\.\d+\.\d+\s+threat\s+\S+/.test(text) && /sec \w+/.test(text), 'the dashboard with threat rows', 15_000);
	console.app.press('p');
	const screen = await console.app.waitFor(text => text.includes('PAUSED'), 'polling paused');
	// A poll already in flight finishes.
	await callsSettled(console);
	return screen;
}

/**
 * Waits until the call count holds still (three looks 150 ms apart): a poll or, on v4, the listing of the
 * rules that follows a change has finished, so a one-shot fault set next hits the request under test.
 */
export async function callsSettled(console: EmulatedConsole): Promise<void> {
	let calls = await console.calls();
	for (let settled = 0; settled < 3; ) {
		await new Promise(resolve => setTimeout(resolve, 150));
		const now = await console.calls();
		settled = now === calls ? settled + 1 : 0;
		calls = now;
	}
}

/** Waits until the emulator's state satisfies `test`. */
export async function waitForState(console: EmulatedConsole, test: (state: EmulatorState) => boolean, what: string, timeoutMs = 20_000): Promise<EmulatorState> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const state = await console.state();
		if (test(state)) return state;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${console.app.screen()}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

/** Presses a key that opens a dialog, checks it opened, then cancels with `cancelKey`; returns the screen. */
export async function openAndCancel(console: EmulatedConsole, key: string, dialogText: string | RegExp, cancelKey = 'n'): Promise<void> {
	const before = await console.calls();
	console.app.press(key);
	await console.app.waitFor(text => (typeof dialogText === 'string' ? text.includes(dialogText) : dialogText.test(text)) && /Esc/.test(text), `the dialog of ${key}`);
	console.app.press(cancelKey);
	await console.app.waitFor(text => text.includes('Cancelled: nothing was sent'), 'the cancellation');
	// Give a wrongly sent request time to land before counting.
	await new Promise(resolve => setTimeout(resolve, 200));
	if ((await console.calls()) !== before) throw new Error(`cancelling ${key} sent a request`);
}

/**
 * Answers the open confirmation with yes. A rule on v4 may ask for its reason first (typed, Enter
 * accepts it, empty allowed): accepted empty, then y; everywhere else y alone.
 */
export async function answerYes(app: PtyConsole): Promise<void> {
	await app.waitFor(text => /\(y\)/.test(text) || /Enter accepts the reason/.test(text), 'the confirmation');
	if (/Enter accepts the reason/.test(app.screen())) {
		app.press('\r');
		await app.waitFor(text => /\(y\)/.test(text), 'the reason accepted');
	}
	app.press('y');
}
