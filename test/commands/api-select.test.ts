/**
 * Issue 15, choosing the API, through the built bin as an operator runs it: a token selects v4 and
 * every request goes to the emulator's /client/v4 (counted in its v4 calls, none in v1's); --api v4
 * with the email and global key uses the legacy headers; --api v1 with a token alone is a usage error
 * before anything is sent; the token file gets the key file's checks. The token is never printed.
 */
import {execFile, execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {account, callsSeen, emulator, type EmulatorHandle} from '../v1/harness.js';

/** Distinctive, so that a leak anywhere is found. */
const token = 'Sel3ct-TOKEN_only.for.this.test-0123456789';

let emu: EmulatorHandle;
let folder: string;

beforeAll(async () => {
	emu = await emulator({token, rateLimit: 5000});
	folder = mkdtempSync(join(tmpdir(), 'flarewatch-api-'));
});

afterAll(async () => {
	await emu.close();
	rmSync(folder, {recursive: true, force: true});
});

function flarewatch(args: string[], env: Record<string, string>): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(process.execPath, ['dist/flarewatch.js', ...args], {env: {PATH: process.env.PATH ?? '', HOME: folder, ...env}, timeout: 40_000, killSignal: 'SIGKILL'}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: unknown}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

/** The demo account's calls: v1's (by action) and v4's (by route). */
function calls(): {v1: number; v4: number; routes: Record<string, number>} {
	const {calls: seen} = account(emu);
	return {v1: seen.total, v4: seen.v4.total, routes: {...seen.v4.byRoute}};
}

function tokenFile(name: string, mode: number): string {
	const path = join(folder, name);
	writeFileSync(path, `${token}\n`);
	chmodSync(path, mode);
	return path;
}

describe('flarewatch <command> on the API chosen', () => {
	it('stats --api v4 with CF_API_TOKEN: the answer comes from /client/v4 (zones, settings, GraphQL), no v1 call', {timeout: 45_000}, async () => {
		const before = calls();
		const run = await flarewatch(['stats', '--api', 'v4', '--interval', '120', '--json'], {CF_API_TOKEN: token, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const data = JSON.parse(run.stdout) as {zones: Array<Record<string, unknown>>};
		expect(data.zones[0]).toMatchObject({zone: 'example.com', interval: 120, securityLevel: expect.any(String), requests: expect.any(Object)});
		const after = calls();
		expect(after.v1).toBe(before.v1);
		expect(after.v4).toBeGreaterThan(before.v4);
		expect((after.routes['GET /zones'] ?? 0) - (before.routes['GET /zones'] ?? 0)).toBeGreaterThanOrEqual(1);
		expect((after.routes['POST /graphql'] ?? 0) - (before.routes['POST /graphql'] ?? 0)).toBeGreaterThanOrEqual(1);
		expect(run.stdout + run.stderr).not.toContain(token);
	});

	it('without --api the token alone means v4; an endpoint ending in /client/v4 works the same', {timeout: 45_000}, async () => {
		const before = calls();
		const [plain, full] = await Promise.all([
			flarewatch(['security-level', 'high'], {CF_API_TOKEN: token, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'}),
			flarewatch(['zone-check', '--json'], {CF_API_TOKEN: token, CF_API_ENDPOINT: `${emu.url}/client/v4`, CF_ZONE: 'example.com,example.net'}),
		]);
		expect(plain).toMatchObject({code: 0, stderr: ''});
		expect(full).toMatchObject({code: 0, stderr: ''});
		expect((JSON.parse(full.stdout) as {zones: Array<{zone: string; active: boolean}>}).zones.map(zone => [zone.zone, zone.active])).toEqual([
			['example.com', true],
			['example.net', true],
		]);
		const after = calls();
		expect(after.v1).toBe(before.v1);
		expect((after.routes['PATCH /zones/:zone_id/settings/:setting'] ?? 0) - (before.routes['PATCH /zones/:zone_id/settings/:setting'] ?? 0)).toBe(1);
		expect(emu.state().zones.find(zone => zone.name === 'example.com')?.securityLevel).toBe('high');
	});

	it('--api v4 with the email and global key (no token): v4 on the legacy headers', {timeout: 45_000}, async () => {
		const before = calls();
		const run = await flarewatch(['zone-check', '--api', 'v4', '--json'], {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
		expect(run).toMatchObject({code: 0, stderr: ''});
		expect(calls().v4).toBeGreaterThan(before.v4);
		expect(calls().v1).toBe(before.v1);
		// The same account without --api stays on v1, as it always did.
		const v1 = await flarewatch(['zone-check', '--json'], {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
		expect(v1.code).toBe(0);
		expect(calls().v1).toBe(before.v1 + 1);
	});

	it('--api v1 with a token alone, --api v3, v4 with nothing: exit 2, what is missing named, nothing sent', {timeout: 45_000}, async () => {
		const before = callsSeen(emu);
		const env = {CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const [v1, v1Json, bad, nothing] = await Promise.all([
			flarewatch(['stats', '--api', 'v1'], {...env, CF_API_TOKEN: token}),
			flarewatch(['stats', '--api', 'v1', '--json'], {...env, CF_API_TOKEN: token}),
			flarewatch(['stats', '--api', 'v3'], {...env, CF_API_TOKEN: token}),
			flarewatch(['stats', '--api', 'v4'], env),
		]);
		expect(v1).toEqual({code: 2, stdout: '', stderr: 'flarewatch stats: No account email is configured; use --email, CF_API_EMAIL or "email" in the config file. An API token works only with API v4 (the API is v1, chosen by --api).\n'});
		expect(v1Json.code).toBe(2);
		expect(JSON.parse(v1Json.stdout)).toEqual({error: {code: 'usage', message: expect.stringContaining('No account email is configured')}});
		expect(bad).toEqual({code: 2, stdout: '', stderr: 'flarewatch stats: --api must be v1 or v4, not "v3".\n'});
		expect(nothing.code).toBe(2);
		expect(nothing.stderr).toMatch(/^flarewatch stats: No API token is configured for API v4; use CF_API_TOKEN, --token-file PATH/);
		expect(callsSeen(emu)).toBe(before);
		expect(calls().v4 + calls().v1).toBeGreaterThan(0);
		for (const run of [v1, v1Json, bad, nothing]) expect(run.stdout + run.stderr).not.toContain(token);
	});

	it('--token-file: 0600 works, 0644 works with a warning, 0666, a FIFO and a directory are refused; --token is refused', {timeout: 45_000}, async () => {
		const env = {CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const fifo = join(folder, 'token-fifo');
		execFileSync('mkfifo', [fifo]);
		const [closed, readable, writable, pipe, directory, flag] = await Promise.all([
			flarewatch(['zone-check', '--token-file', tokenFile('token-600', 0o600)], env),
			flarewatch(['zone-check', '--token-file', tokenFile('token-644', 0o644)], env),
			flarewatch(['zone-check', '--token-file', tokenFile('token-666', 0o666)], env),
			flarewatch(['zone-check', '--token-file', fifo], env),
			flarewatch(['zone-check', '--token-file', folder], env),
			flarewatch(['zone-check', '--token', token], env),
		]);
		expect(closed).toMatchObject({code: 0, stderr: ''});
		expect(readable.code).toBe(0);
		expect(readable.stderr).toMatch(/^flarewatch: warning: The token file \S+token-644 is readable by group or others \(mode 644\); run chmod 600/);
		expect(writable.code).toBe(2);
		expect(writable.stderr).toMatch(/The token file \S+token-666 is writable by group or others \(mode 666\)/);
		expect(pipe.code).toBe(2);
		expect(pipe.stderr).toMatch(/The token file \S+token-fifo is a FIFO, not a regular file/);
		expect(directory.code).toBe(2);
		expect(directory.stderr).toMatch(/The token file \S+ is a directory/);
		expect(flag.code).toBe(2);
		expect(flag.stderr).toMatch(/There is no --token flag: .*CF_API_TOKEN or --token-file PATH/);
		for (const run of [closed, readable, writable, pipe, directory, flag]) expect(run.stdout + run.stderr).not.toContain(token);
	});

	it('"tokenFile" and "api" in the config file', {timeout: 45_000}, async () => {
		const home = mkdtempSync(join(folder, 'home-'));
		const dir = join(home, '.config', 'flarewatch');
		execFileSync('mkdir', ['-p', dir]);
		writeFileSync(join(dir, 'token'), token, {mode: 0o600});
		writeFileSync(join(dir, 'config.json'), JSON.stringify({tokenFile: 'token', endpoint: emu.url, zones: ['example.com']}), {mode: 0o600});
		const before = calls();
		const run = await flarewatch(['zone-check'], {HOME: home});
		expect(run).toMatchObject({code: 0, stderr: ''});
		expect(calls().v4).toBeGreaterThan(before.v4);
		writeFileSync(join(dir, 'config.json'), JSON.stringify({tokenFile: 'token', api: 'v1', endpoint: emu.url, zones: ['example.com']}), {mode: 0o600});
		const v1 = await flarewatch(['zone-check'], {HOME: home});
		expect(v1.code).toBe(2);
		expect(v1.stderr).toContain('(the API is v1, chosen by "api" in the config file)');
	});
});
