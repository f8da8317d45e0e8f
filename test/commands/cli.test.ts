import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apis} from '../e2e/apis.js';
import {account, callsSeen, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;

beforeAll(async () => {
	emu = await emulator();
});

afterAll(async () => {
	await emu.close();
});

/**
 * Runs the entry point as an operator's script would: the bundle the global setup built (what
 * `npm start` and the bin run), or the sources through tsx.
 */
function flarewatch(args: string[], env: Record<string, string>, via: 'dist' | 'tsx' = 'dist'): Promise<{code: number; stdout: string; stderr: string}> {
	const [file, argv] = via === 'dist' ? [process.execPath, ['dist/flarewatch.js', ...args]] : ['node_modules/.bin/tsx', ['source/cli.tsx', ...args]];
	return new Promise(resolve => {
		execFile(file, argv, {env: {PATH: process.env.PATH ?? '', ...env}, timeout: 40_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: unknown}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

describe.each(apis)('flarewatch <command> as a process (API %s)', api => {
	it(`stats --json, a validation error, help and a refused --${api === 'v1' ? 'key' : 'token'}, with the exit codes of the issue`, {timeout: 45_000}, async () => {
		const secret = api === 'v1' ? emu.key : emu.token;
		const credentials: Record<string, string> = api === 'v1' ? {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key} : {CF_API_TOKEN: emu.token};
		const env = {...credentials, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const seen = () => api === 'v1' ? callsSeen(emu) : account(emu).calls.v4.total;
		const before = seen();
		const [stats, invalid, help, secretFlag] = await Promise.all([
			flarewatch(['stats', '--json'], env),
			flarewatch(['ban', '203.0.113.0/24'], env),
			flarewatch(['--help'], {}, 'tsx'),
			flarewatch(['ban', '203.0.113.1', api === 'v1' ? '--key' : '--token', secret], env),
		]);
		expect(stats.code, stats.stderr).toBe(0);
		expect(JSON.parse(stats.stdout).zones[0].zone).toBe('example.com');
		expect(invalid).toEqual({code: 2, stdout: '', stderr: 'flarewatch ban: Invalid IP address: "203.0.113.0/24" is a network range; give a single IP address.\n'});
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('dns update-ip');
		expect(secretFlag.code).toBe(2);
		expect(secretFlag.stderr).not.toContain(secret);
		// Only stats asked anything: v1's one stats call; v4's zone lookup, settings and GraphQL query.
		expect(seen() - before).toBe(api === 'v1' ? 1 : 3);
		for (const output of [stats, invalid, help, secretFlag]) expect(output.stdout + output.stderr).not.toContain(secret);
	});
});

describe('arguments, as a new user meets them (the bundle)', () => {
	it('--help shows the console flags, the commands and the configuration flags once; --version the package version', {timeout: 45_000}, async () => {
		const {version} = JSON.parse(readFileSync('package.json', 'utf8')) as {version: string};
		const [help, short, helpCommand, demoHelp, longVersion, shortVersion] = await Promise.all([
			flarewatch(['--help'], {}),
			flarewatch(['-h'], {}),
			flarewatch(['help'], {}),
			flarewatch(['--demo', '--help'], {}),
			flarewatch(['--version'], {}),
			flarewatch(['-v'], {}),
		]);
		expect(help.code).toBe(0);
		for (const flag of ['--demo', '--scenario NAME', '--budget N', '--reserve N', '--no-geo', '--fps N', '--no-color', '--version', '--never-ban IP[,CIDR]', '--timeout SECONDS', '--zone NAME[,NAME]', '--read-only', '--key-file PATH', '--config PATH']) {
			expect(help.stdout, flag).toContain(flag);
		}
		for (const command of ['stats', 'security-level', 'zone-check', 'report-spam', 'dns update-ip']) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\w`, 'm'));
		// The configuration block once, not once per program or command.
		expect(help.stdout.match(/--endpoint URL/g)).toHaveLength(1);
		expect(help.stdout).toContain(`flarewatch ${version}`);
		for (const same of [short, helpCommand, demoHelp]) expect(same).toEqual(help);
		expect(longVersion).toEqual({code: 0, stdout: `flarewatch ${version}\n`, stderr: ''});
		expect(shortVersion).toEqual(longVersion);
	});

	it('a mistyped command or flag: did you mean, exit 2, nothing sent', {timeout: 45_000}, async () => {
		const env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const before = callsSeen(emu);
		const [stat, zones, jsn, dnsLst, consoleFlag, emulatorFlag] = await Promise.all([
			flarewatch(['stat'], env),
			flarewatch(['stats', '--zones', 'example.com'], env),
			flarewatch(['stats', '--jsn'], env),
			flarewatch(['dns', 'lst'], env),
			flarewatch(['--dmeo'], env),
			flarewatch(['emulator', '--sede', '4'], env),
		]);
		expect(stat).toEqual({code: 2, stdout: '', stderr: 'flarewatch: "stat" is not a command (did you mean stats?); see flarewatch --help.\n'});
		expect(zones).toEqual({code: 2, stdout: '', stderr: 'flarewatch stats: There is no option "--zones" (did you mean --zone?); see flarewatch stats --help.\n'});
		expect(jsn.stderr).toContain('(did you mean --json?)');
		expect(dnsLst.stderr).toContain('"lst" is not a dns command (did you mean list?)');
		expect(consoleFlag.stderr).toContain('There is no option "--dmeo" (did you mean --demo?); see flarewatch --help.');
		expect(emulatorFlag.stderr).toContain('(did you mean --seed?)');
		for (const result of [jsn, dnsLst, consoleFlag, emulatorFlag]) expect(result.code).toBe(2);
		expect(callsSeen(emu)).toBe(before);
	});

	it('a command\'s --help has its own flags and examples, and points to flarewatch --help for the configuration', async () => {
		const help = await flarewatch(['ips', '--help'], {});
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/--hours 1\.\.48 +the hours to look back \(default 24\)/);
		expect(help.stdout).toMatch(/--class r\|s\|t +only regular/);
		expect(help.stdout).toContain('flarewatch ips --class t --hours 1');
		expect(help.stdout).toMatch(/Configuration flags \(--email, --key-file, .*\): see flarewatch --help\./);
		expect(help.stdout).not.toContain('--email ADDRESS');
	});

	it('a config file key that does not exist is named, exit 2, nothing sent; with --json as an error object', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'flarewatch-args-'));
		const config = join(dir, 'config.json');
		writeFileSync(config, JSON.stringify({email: emu.email, key: emu.key, endpoint: emu.url, zone: 'example.com'}), {mode: 0o600});
		const before = callsSeen(emu);
		const [human, json] = await Promise.all([flarewatch(['stats', '--config', config], {}), flarewatch(['stats', '--config', config, '--json'], {})]);
		rmSync(dir, {recursive: true, force: true});
		expect(human.code).toBe(2);
		expect(human.stderr).toBe(`flarewatch stats: The config file ${config} has an unknown key "zone" (did you mean "zones"?); the keys are "email", "key", "tokenFile", "api", "endpoint", "zones", "timeoutSeconds", "readOnly", "neverBan", "banDuration", "banLadder", "banLadderWindow".\n`);
		expect(json.code).toBe(2);
		expect(json.stderr).toBe('');
		expect(JSON.parse(json.stdout)).toEqual({error: {code: 'usage', message: expect.stringContaining('unknown key "zone"')}});
		expect(callsSeen(emu)).toBe(before);
		for (const output of [human, json]) expect(output.stdout + output.stderr).not.toContain(emu.key);
	});

	it('an endpoint without a scheme is explained, by the commands and the console', async () => {
		const env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: 'localhost:34177', CF_ZONE: 'example.com'};
		const message = 'The endpoint "localhost:34177" has no scheme; write it as a URL, such as "http://localhost:34177".';
		const [command, consoleRun] = await Promise.all([flarewatch(['stats'], env), flarewatch([], env)]);
		expect(command).toEqual({code: 2, stdout: '', stderr: `flarewatch stats: ${message}\n`});
		expect(consoleRun).toEqual({code: 2, stdout: '', stderr: `flarewatch: ${message}\n`});
	});

	it('two zones, one not on the account: the good one answered, the bad one named, exit 1; --json per zone', {timeout: 45_000}, async () => {
		const env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com,exmple.net'};
		const human = await flarewatch(['stats'], env);
		expect(human.code).toBe(1);
		expect(human.stdout).toMatch(/^example\.com: the last 30 days/);
		expect(human.stdout).toMatch(/Page views +[\d,]+/);
		expect(human.stderr).toBe('flarewatch stats: exmple.net: not a zone on this account (zone_check answered 0).\n');
		const json = await flarewatch(['stats', '--json'], env);
		expect(json.code).toBe(1);
		const data = JSON.parse(json.stdout) as {zones: Array<Record<string, unknown>>; error: {code: string; message: string}};
		expect(data.zones[0]).toMatchObject({zone: 'example.com', interval: 20, pageviews: expect.any(Object)});
		expect(data.zones[1]).toEqual({zone: 'exmple.net', error: {code: 'api', message: 'not a zone on this account (zone_check answered 0).'}});
		expect(data.error).toEqual({code: 'api', message: 'exmple.net: not a zone on this account (zone_check answered 0).'});
	});
});
