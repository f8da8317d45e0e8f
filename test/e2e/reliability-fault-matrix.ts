/**
 * The fault matrix of issue 7, one console per fault against its own emulator: the console keeps running,
 * marks the data STALE with its age, explains the problem in one line, backs off (the emulator's calls are
 * counted), and recovers by itself once the fault is cleared, or at once on r. HTTP 410 is the exception:
 * it is permanent, so polling stops. Each check takes the API (issue 15): v4's polls go through the SDK
 * and GraphQL on the same HTTP stack, and must fail, explain and recover the same way.
 */
import {execFile} from 'node:child_process';
import {expect} from 'vitest';
import {startEmulator, type EmulatorHandle, type FaultMode} from '../../source/emulator/index.js';
import {goneMessage} from '../../source/errors.js';
import {credentials, type Api} from './emulated-console.js';
import {bin, consoleEnv} from './pty-console.js';
import {apiCalls, countingProxy, dataAge, delay, emulatorFlags, ReliabilityPty, screenText, waitForData} from './reliability-harness.js';

/** The client timeout given to the console; `latency` answers well after it. */
const timeoutSeconds = 2;
const latencyMs = 6_000;

/** What the one-line explanation must say, per fault (v1's words; `explanation` has v4's). */
export const explanations: Partial<Record<FaultMode, RegExp>> = {
	latency: /No answer from .* within 2 s/,
	timeout: /No answer from .* within 2 s/,
	reset: /connection was reset/,
	http500: /HTTP 500/,
	gone: /HTTP 410 Gone/,
	html: /HTML page, not JSON/,
	truncated: /not JSON/,
	unauth: /E_UNAUTH/,
};

/** v4 answers a refused credential with HTTP 403 and its own words, not v1's E_UNAUTH. */
const v4Explanations: Partial<Record<FaultMode, RegExp>> = {
	unauth: /refused the credentials/,
};

export function explanation(mode: FaultMode, api: Api): RegExp | undefined {
	return (api === 'v4' ? v4Explanations[mode] : undefined) ?? explanations[mode];
}

/**
 * The most calls one poll makes: v1's stats and zone_ips; v4's settings, the stats query and the
 * visitors query (a failed poll stops at its first failed call, so this is a generous bound).
 */
const callsPerPoll: Record<Api, number> = {v1: 2, v4: 3};

interface Session {
	emulator: EmulatorHandle;
	app: ReliabilityPty;
	close(): Promise<void>;
}

/**
 * Wide enough for the whole reason after the status line's data age: v4 names a failed call by its
 * route ("GET /zones/:id/settings"), longer than v1's action name.
 */
const cols = 160;

async function session(api: Api): Promise<Session> {
	const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600});
	const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', String(timeoutSeconds)], api), {cols, rows: 30, env: consoleEnv(credentials(emulator, api).env)});
	return {
		emulator,
		app,
		async close() {
			app.dispose();
			await emulator.close();
		},
	};
}

/** Fresh data: no failure on the status line, and the data at most `seconds` old. */
function current(line: string, seconds = 3): boolean {
	return !/STALE|failed polls|Poll failed/.test(line) && Number(dataAge.exec(line)?.[1] ?? 99) <= seconds;
}

/**
 * A fault that makes polls fail: STALE + age + one-line reason, back-off, recovery. With
 * `explanationClears`, also that once recovered the status line stops showing the old failure. With
 * `refreshAfter`, the fault lasts until that many polls failed (back-off 20 s after three), then the
 * operator presses r once it clears: the data must be current within 10 s, back-off or a poll in flight
 * notwithstanding. `reasonOnly`: the fault's reason on the status line (asked for with r, not waited
 * for), then recovery by itself once it clears; the back-off between is the poller's, whatever the API,
 * so a suite checks it in full once per API and the rest of the faults this way.
 */
export async function checkFailingFault(mode: FaultMode, options: {explanationClears?: boolean; refreshAfter?: number; api?: Api; reasonOnly?: boolean} = {}): Promise<void> {
	const api = options.api ?? 'v1';
	const {emulator, app, close} = await session(api);
	try {
		await waitForData(app);
		// One good poll cycle first, so the fault hits a session in progress.
		await app.waitFor(() => !/polling…/.test(app.status()) && dataAge.test(app.status()), 'a settled status line');
		const before = apiCalls(emulator);
		emulator.setFault({mode, ms: latencyMs});
		// v4 polls a zone at most every 10 s: r asks for the failing poll now rather than waiting for it.
		if (options.reasonOnly || api === 'v4') app.press('r');

		await app.waitFor(() => /Poll failed: /.test(app.status()), `the first failed poll (${mode})`, 20_000);
		const firstFailureAt = Date.now();
		const status = app.status();
		expect(status).toMatch(/STALE/);
		expect(status).toMatch(dataAge);
		expect(status).toMatch(explanation(mode, api) ?? /./);
		// One line: the explanation is on the status row, no stack trace anywhere.
		expect(app.screen()).not.toMatch(/\bat .+\.js:\d+/);
		if (options.reasonOnly) {
			emulator.setFault({mode: 'none'});
			await app.waitFor(() => current(app.status()), `recovery after ${mode} clears`, 30_000);
			expect(app.exitCode).toBeUndefined();
			return;
		}

		await app.waitFor(() => /2 failed polls, backing off: /.test(app.status()), `the second failed poll (${mode})`, 25_000);
		const secondFailureAt = Date.now();
		// The normal spacing at this budget is ~2 s; back-off waits at least 5 s after the first failure.
		expect(secondFailureAt - firstFailureAt).toBeGreaterThanOrEqual(4_000);
		const during = apiCalls(emulator) - before;
		// Two failed polls cost at most a poll's calls each: no retry storm.
		expect(during).toBeLessThanOrEqual(2 * callsPerPoll[api]);
		const staleStatus = app.status();
		expect(staleStatus).toMatch(/STALE/);
		expect(staleStatus).toMatch(dataAge);
		expect(Number(dataAge.exec(staleStatus)?.[1])).toBeGreaterThanOrEqual(4);

		if (options.refreshAfter !== undefined) {
			const failed = new RegExp(`${options.refreshAfter} failed polls, backing off: `);
			await app.waitFor(() => failed.test(app.status()), `${options.refreshAfter} failed polls (${mode})`, 40_000);
			emulator.setFault({mode: 'none'});
			const calls = apiCalls(emulator);
			app.press('r');
			await app.waitFor(() => current(app.status()), `current data within 10 s of r after ${mode} clears`, 10_000);
			// r brought it, not the back-off timer: one poll (and perhaps the one in flight), no more.
			expect(apiCalls(emulator) - calls).toBeLessThanOrEqual(2 * callsPerPoll[api]);
			expect(app.exitCode).toBeUndefined();
			return;
		}
		emulator.setFault({mode: 'none'});
		// Back-off after two failures is 10 s; recovery needs no key press.
		await app.waitFor(() => current(app.status()), `recovery after ${mode} clears`, 30_000);
		expect(app.exitCode).toBeUndefined();
		if (options.explanationClears) {
			// Fresh data under a red "HTTP 500 …" reads as a current failure: the explanation must go (or be
			// replaced by a recovery note) once a poll succeeds.
			// Only a whole status line counts (a frame caught half-drawn has none).
			const clean = (line: string): boolean => dataAge.test(line) && line.includes('│') && !(explanation(mode, api) ?? /$^/).test(line);
			await app.waitFor(() => clean(app.status()), 'the old failure to leave the status line', 6_000);
			await delay(300);
			await app.flush();
			expect(clean(app.status()), app.status()).toBe(true);
		}
	} finally {
		await close();
	}
}

/** `lax` JSON is decoded by the tolerant fallback: no failure at all, polling goes on at its pace. */
export async function checkLaxIsDecoded(): Promise<void> {
	const {emulator, app, close} = await session('v1');
	try {
		await waitForData(app);
		const before = apiCalls(emulator);
		emulator.setFault({mode: 'lax'});
		const start = Date.now();
		await app.waitFor(() => apiCalls(emulator) - before >= 4, 'two polls answered in lax JSON', 20_000);
		expect(app.status()).not.toMatch(/STALE|failed|Poll failed/);
		expect(Number(dataAge.exec(app.status())?.[1] ?? 99)).toBeLessThanOrEqual(3);
		// Still paced by the budget (~2 s per poll of 2 calls), not hammering.
		expect(Date.now() - start).toBeGreaterThanOrEqual(1_500);
	} finally {
		await close();
	}
}

const rateLimitBanner = /API call limit reached: polling stopped for (\d+) s/;

/**
 * E_MAXAPI (v1) or HTTP 429 with Retry-After (v4): polling stops (no call at all while the banner counts
 * down), the data is STALE with its age, a manual refresh is refused, and the stop is bounded (at most
 * the 10 minutes the scheduler waits; v4's Retry-After says 300 s).
 */
export async function checkMaxApi(api: Api = 'v1'): Promise<void> {
	const {emulator, app, close} = await session(api);
	try {
		await waitForData(app);
		emulator.setFault({mode: 'maxapi'});
		await app.waitFor(() => rateLimitBanner.test(app.status()), 'the E_MAXAPI banner', 20_000);
		const status = app.status();
		expect(status).toMatch(/STALE/);
		expect(status).toMatch(dataAge);
		const seconds = Number(rateLimitBanner.exec(status)?.[1]);
		expect(seconds).toBeGreaterThan(0);
		expect(seconds).toBeLessThanOrEqual(api === 'v4' ? 300 : 600);
		emulator.setFault({mode: 'none'});
		const calls = apiCalls(emulator);
		// Without the stop, this budget would poll about three times in 6 s.
		await delay(6_000);
		expect(apiCalls(emulator)).toBe(calls);
		// A manual refresh is refused too (the banner keeps the status line; the refusal goes to the log).
		app.press('r');
		await delay(1_000);
		expect(apiCalls(emulator)).toBe(calls);
		const later = Number(rateLimitBanner.exec(app.status())?.[1] ?? seconds);
		expect(later).toBeLessThan(seconds);
		expect(app.exitCode).toBeUndefined();
	} finally {
		await close();
	}
}

/**
 * A fault during start-up (the zone check fails once): the console must get going by itself once the
 * fault clears, like a failed poll does, without the operator pressing r.
 */
export async function checkStartupRecovers(api: Api = 'v1'): Promise<void> {
	const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600});
	emulator.setFault({mode: 'http500', count: 1});
	const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', String(timeoutSeconds)], api), {cols, rows: 30, env: consoleEnv(credentials(emulator, api).env)});
	try {
		await app.waitFor(text => text.includes('Cannot start the console') && /HTTP 500/.test(text), 'the start-up failure');
		expect(emulator.state().fault.mode).toBe('none');
		await app.waitFor(text => /data \S+ old/.test(text), 'the console to connect by itself after the fault cleared', 30_000);
	} finally {
		app.dispose();
		await emulator.close();
	}
}

/**
 * HTTP 410 in the middle of a session (the emulator's `gone` fault): the one sentence on the status line,
 * then no call at all; once the API answers again, r brings polling back.
 */
export async function checkGoneStopsPolling(): Promise<void> {
	const {emulator, app, close} = await session('v1');
	try {
		await waitForData(app);
		emulator.setFault({mode: 'gone'});
		await app.waitFor(() => /Poll failed: .*HTTP 410 Gone/.test(app.status()), 'the 410 on the status line', 20_000);
		expect(app.status()).toMatch(/STALE/);
		expect(app.status()).not.toMatch(/next poll|backing off/);
		const calls = apiCalls(emulator);
		// Without the stop, this budget would poll about twice in 4 s, and back off to 5 s after that.
		await delay(6_000);
		expect(apiCalls(emulator)).toBe(calls);
		emulator.setFault({mode: 'none'});
		app.press('r');
		await app.waitFor(() => current(app.status()), 'current data within 10 s of r once the API answers again', 10_000);
	} finally {
		await close();
	}
}

/**
 * A `--sunset` emulator (HTTP 410 everywhere) at start-up: the sentence once, no "Retrying by itself", and
 * no further call. It counts nothing itself, so a proxy in front counts the requests.
 */
export async function checkSunsetAtStartup(): Promise<void> {
	const emulator = await startEmulator({port: 0, quiet: true, sunset: true});
	const proxy = await countingProxy(emulator.url);
	const flags = emulatorFlags(emulator, ['--timeout', String(timeoutSeconds)]).map(flag => (flag === emulator.url ? proxy.url : flag));
	const app = new ReliabilityPty(flags, {cols: 140, rows: 30, env: consoleEnv({CF_API_KEY: emulator.key})});
	try {
		// The pane above the status line (which echoes the last message, truncated) says it all, once.
		const pane = (): string => screenText(app.lines().filter(line => line.trim() !== '').slice(0, -1).join('\n'));
		await app.waitFor(text => text.includes('Cannot start the console') && pane().includes(goneMessage), 'the 410 sentence at start-up');
		const once = (): void => {
			expect(pane().split('410 Gone')).toHaveLength(2);
			expect(app.status()).toMatch(/410 Gone/);
			expect(app.screen()).not.toMatch(/Retrying by itself/);
			expect(app.screen()).not.toContain(emulator.key);
		};
		once();
		expect(proxy.requests()).toBe(1);
		// A retry would come 5 s after the first failure.
		await delay(6_000);
		await app.flush();
		expect(proxy.requests()).toBe(1);
		once();
		expect(app.exitCode).toBeUndefined();
	} finally {
		app.dispose();
		await proxy.close();
		await emulator.close();
	}
}

/** A one-shot command (the built bin, a real process) against a `--sunset` emulator: exit 1, the sentence. */
export async function checkSunsetOneShot(): Promise<void> {
	const emulator = await startEmulator({port: 0, quiet: true, sunset: true});
	try {
		const env = consoleEnv({CF_API_KEY: emulator.key, CF_API_EMAIL: emulator.email, CF_API_ENDPOINT: emulator.url, CF_ZONE: 'example.com'});
		const result = await new Promise<{code: number; stdout: string; stderr: string}>(resolve => {
			execFile(process.execPath, [bin, 'stats'], {env, timeout: 20_000}, (error, stdout, stderr) => {
				resolve({code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr});
			});
		});
		expect(result).toEqual({code: 1, stdout: '', stderr: `flarewatch stats: ${goneMessage}\n`});
	} finally {
		await emulator.close();
	}
}
