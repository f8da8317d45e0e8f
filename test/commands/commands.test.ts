import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain, commands, isCommandName} from '../../source/commands/index.js';
import {goneMessage} from '../../source/errors.js';
import {account, callsSeen, captureIo, emulator, zoneState, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

let emu: EmulatorHandle;
let env: Record<string, string>;

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
	env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
});

afterAll(async () => {
	await emu.close();
});

async function run(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
	const capture = captureIo({...env, ...extraEnv});
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	transcript.push(capture.stdout(), capture.stderr());
	return {code, stdout: capture.stdout(), stderr: capture.stderr()};
}

async function json(argv: string[]) {
	const result = await run([...argv, '--json']);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	return JSON.parse(result.stdout) as Record<string, unknown> & {zones: Array<Record<string, unknown>>; callsLeft: number};
}

describe('help', () => {
	it('lists every command, and every command has --help', async () => {
		expect(isCommandName('help')).toBe(true);
		const overview = await run(['help']);
		expect(overview.code).toBe(0);
		for (const command of commands) expect(overview.stdout).toContain(command.name);
		expect(overview.stdout).toMatch(/Exit codes: 0 success, 1 the API refused/);
		expect(overview.stdout.match(/--email ADDRESS/g)).toHaveLength(1);
		for (const command of commands) {
			for (const flag of ['--help', '-h']) {
				const result = await run([...command.name.split(' '), flag]);
				expect(result.code, command.name).toBe(0);
				expect(result.stdout).toContain(`Usage: flarewatch ${command.name}`);
				expect(result.stdout).toContain('Examples:');
				// Its own flags, with what they mean; the configuration flags only named, with where to read about them.
				for (const own of command.flags) expect(result.stdout).toMatch(new RegExp(`--${own.name}\\b.* {2}\\w`));
				expect(result.stdout).toMatch(/--json +machine-readable/);
				expect(result.stdout).toContain('see flarewatch --help');
				expect(result.stdout).not.toContain('--email ADDRESS');
			}
		}
		expect((await run(['help', 'dns', 'add'])).stdout).toContain('Usage: flarewatch dns add');
		expect((await run(['dns'])).code).toBe(2);
		expect((await run(['dns', 'frobnicate'])).code).toBe(2);
		expect(isCommandName('emulator')).toBe(false);
	});
});

describe('every command against the emulator', () => {
	it('stats: human tables with units and times; --json with documented fields', async () => {
		const human = await run(['stats']);
		expect(human.code).toBe(0);
		expect(human.stdout).toMatch(/^example\.com: the last 30 days/);
		expect(human.stdout).toMatch(/Page views +[\d,]+ +[\d,]+/);
		expect(human.stdout).toMatch(/Bandwidth +[\d.]+ [KMGT]?B +[\d.]+ [KMGT]?B/);
		expect(human.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-\d\d-\d\d/);
		const data = await json(['stats', '--interval', '120']);
		expect(Object.keys(data.zones[0]!)).toEqual(['zone', 'interval', 'timeZero', 'timeEnd', 'pageviews', 'uniques', 'bandwidthKB', 'requests', 'pageLoadSeconds', 'securityLevel', 'securityLabel', 'devModeOn', 'devModeUntil', 'ipv6', 'cacheLevel', 'serverTime']);
		expect(data.zones[0]).toMatchObject({zone: 'example.com', interval: 120});
		expect(data.callsLeft).toBe(account(emu).callsLeft);
		const refused = await run(['stats', '--interval', '120', '--zone', 'example.net']);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/^flarewatch stats: example\.net: The API refused stats: .+\.\n$/);
	});

	it('security-level, cache-level, ipv6 on every configured zone', async () => {
		const data = await json(['security-level', 'help', '--zone', 'example.com,example.net']);
		expect(data.zones).toEqual([
			{zone: 'example.com', securityLevel: 'help'},
			{zone: 'example.net', securityLevel: 'help'},
		]);
		expect([zoneState(emu, 'example.com').securityLevel, zoneState(emu, 'example.net').securityLevel]).toEqual(['help', 'help']);
		expect((await run(['security-level', 'med'])).stdout).toBe('example.com: security level set to med.\n');
		expect((await run(['cache-level', 'basic'])).code).toBe(0);
		expect(zoneState(emu, 'example.com').cacheLevel).toBe('basic');
		expect((await json(['ipv6', 'on'])).zones).toEqual([{zone: 'example.com', ipv6: true}]);
		expect(zoneState(emu, 'example.com').ipv6).toBe(true);
		await run(['ipv6', 'off']);
		expect(zoneState(emu, 'example.com').ipv6).toBe(false);
	});

	it('devmode on shows local and relative expiry; off', async () => {
		const on = await run(['devmode', 'on']);
		expect(on.stdout).toMatch(/^example\.com: development mode on until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (2h 59m|3h 0m)\)\.\n$/);
		expect(zoneState(emu, 'example.com').devModeExpiresAt).toBeGreaterThan(0);
		expect((await json(['devmode', 'off'])).zones[0]).toMatchObject({zone: 'example.com', devMode: false});
		expect(zoneState(emu, 'example.com').devModeExpiresAt).toBe(0);
	});

	it('purge, then a refused purge inside the cooldown (exit 1)', async () => {
		const data = await json(['purge']);
		expect(data.zones[0]).toMatchObject({zone: 'example.com', cooldownSeconds: expect.any(Number), purgedAt: zoneState(emu, 'example.com').lastPurgeAt});
		const again = await run(['purge']);
		expect(again.code).toBe(1);
		expect(again.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('zone-check: exit 1 when a zone is not active here', async () => {
		const ok = await json(['zone-check', 'example.com']);
		expect(ok.zones).toEqual([{zone: 'example.com', id: String(zoneState(emu, 'example.com').zid), active: true}]);
		const mixed = await run(['zone-check', 'example.com', 'example.org']);
		expect(mixed.code).toBe(1);
		expect(mixed.stdout).toMatch(/example\.org +- +not a zone on this account/);
	});

	it('ips: sorted by hits, class filter, geo', async () => {
		const data = await json(['ips', '--class', 't', '--hours', '2', '--geo']);
		const visitors = data.zones[0]!.visitors as Array<{hits: number; classification: string; latitude: number}>;
		expect(visitors.length).toBeGreaterThan(0);
		expect(visitors.every(v => v.classification === 'threat' && typeof v.latitude === 'number')).toBe(true);
		expect(visitors.map(v => v.hits)).toEqual([...visitors.map(v => v.hits)].sort((a, b) => b - a));
		const human = await run(['ips', '--class', 'threat']);
		expect(human.stdout).toMatch(/^example\.com: \d+ address(es)? in the last 24 hours\nIP +Class +Hits\n/);
	});

	it('grab (zone resolved first), preload-purge', async () => {
		expect((await json(['grab'])).zones[0]).toMatchObject({zone: 'example.com', requested: true});
		expect(zoneState(emu, 'example.com').lastGrabAt).toBeGreaterThan(0);
		expect((await run(['grab'])).code).toBe(1);
		expect((await run(['preload-purge'])).code).toBe(0);
		expect(zoneState(emu, 'example.com').lastPreloadPurgeAt).toBeGreaterThan(0);
		const inactive = await run(['grab', '--zone', 'example.org']);
		expect([inactive.code, inactive.stderr]).toEqual([1, 'flarewatch grab: example.org: not a zone on this account (zone_check answered 0).\n']);
	});

	it('ban, whitelist, unban, lookup, report-spam', async () => {
		const rules = () => emu.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === '198.51.100.44').map(rule => rule.mode);
		expect(await json(['ban', '198.51.100.44'])).toEqual({ip: '198.51.100.44', rule: 'ban', callsLeft: null});
		expect(rules()).toContain('ban');
		expect((await run(['whitelist', '198.51.100.44'])).stdout).toBe('198.51.100.44 whitelisted.\n');
		expect(rules()).toContain('wl');
		expect((await run(['unban', '198.51.100.44'])).code).toBe(0);
		expect(rules()).toEqual([]);
		const score = await json(['lookup', '1.0.171.33']);
		expect(score).toMatchObject({ip: '1.0.171.33', kind: expect.stringMatching(/^[A-Z]+$/), score: expect.any(Number)});
		const spam = await run(['report-spam', '--author', 'Cheap Pills', '--author-email', 'pills@example.org', '--ip', '203.0.113.7', '--content', 'Buy now']);
		expect([spam.code, spam.stdout]).toEqual([0, 'Spam from 203.0.113.7 reported.\n']);
		expect(account(emu).spamReportsLastHour).toBe(1);
	});

	it('dns list, add, edit, rm, update-ip', async () => {
		const list = await json(['dns', 'list']);
		const records = list.zones[0]!.records as Array<{id: string; name: string; type: string}>;
		expect(records.length).toBe(zoneState(emu, 'example.com').records.length);
		expect(Object.keys(records[0]!)).toEqual(expect.arrayContaining(['id', 'name', 'type', 'content', 'ttl', 'proxied']));
		expect((await run(['dns', 'list'])).stdout).toMatch(/Id +Name +Type +Content +TTL +Proxied/);
		const added = await json(['dns', 'add', 'A', 'cli', '203.0.113.50', '--proxied']);
		const record = added.record as {id: string; name: string; proxied: boolean};
		expect(record).toMatchObject({name: 'cli.example.com', proxied: true});
		await json(['dns', 'add', 'CNAME', 'cli-alias', 'cli.example.com']);
		const edited = await json(['dns', 'edit', record.id, '--content', '203.0.113.51', '--ttl', '300', '--no-proxied']);
		expect(edited.record).toMatchObject({id: record.id, content: '203.0.113.51', ttl: 300, proxied: false});
		expect(zoneState(emu, 'example.com').records.find(r => r.recId === record.id)).toMatchObject({content: '203.0.113.51', ttl: 300, proxied: false});
		const update = await json(['dns', 'update-ip', '203.0.113.52', 'cli.example.com']);
		expect(update.hosts).toEqual([{host: 'cli.example.com', outcome: 'OK'}]);
		expect((await run(['dns', 'update-ip', '203.0.113.52', 'cli.example.com'])).stdout).toMatch(/unchanged \(E_NOUPDATE\)/);
		expect(await json(['dns', 'rm', 'cli'])).toMatchObject({zone: 'example.com', name: 'cli.example.com', deleted: true});
		expect(zoneState(emu, 'example.com').records.some(r => r.name === 'cli.example.com')).toBe(false);
		const missing = await run(['dns', 'edit', '424242', '--ttl', '300']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/no record with id "424242"/);
	});
});

describe('failures map to exit codes, one sentence on stderr', () => {
	const cases = [
		{fault: 'http500', code: 3},
		{fault: 'reset', code: 3},
		{fault: 'html', code: 3},
		{fault: 'truncated', code: 3},
		{fault: 'gone', code: 1},
		{fault: 'timeout', code: 3},
		{fault: 'unauth', code: 1},
		{fault: 'maxapi', code: 4},
	] as const;
	it.each(cases)('$fault → exit $code', async ({fault, code}) => {
		emu.setFault({mode: fault, count: 1});
		const result = await run(['stats', '--timeout', '0.3']);
		expect(result.code).toBe(code);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/^flarewatch stats: [^\n]+\.\n$/);
	});

	it.each(cases)('$fault with --json → {"error": {...}} on stdout, the same exit $code', async ({fault, code}) => {
		emu.setFault({mode: fault, count: 1});
		const result = await run(['stats', '--timeout', '0.3', '--json']);
		expect(result.code).toBe(code);
		expect(result.stderr).toBe('');
		const data = JSON.parse(result.stdout) as {error: {code: string; message: string}};
		expect(data.error).toMatchObject({code: expect.stringMatching(/^[a-z-]+$/), message: expect.stringMatching(/\.$/)});
	});

	it('with --json, a usage or validation error is an object on stdout, exit 2, nothing sent', async () => {
		const before = callsSeen(emu);
		const invalid = await run(['ban', '203.0.113.0/24', '--json']);
		expect(invalid.code).toBe(2);
		expect(invalid.stderr).toBe('');
		expect(JSON.parse(invalid.stdout)).toEqual({error: {code: 'validation', field: 'IP address', message: 'Invalid IP address: "203.0.113.0/24" is a network range; give a single IP address.'}});
		const unknown = await run(['stats', '--bogus', '--json']);
		expect([unknown.code, JSON.parse(unknown.stdout)]).toEqual([2, {error: {code: 'usage', message: 'There is no option "--bogus"; see flarewatch stats --help.'}}]);
		const notCommand = await run(['stat', '--json']);
		expect([notCommand.code, JSON.parse(notCommand.stdout).error.message]).toEqual([2, '"stat" is not a command (did you mean stats?); see flarewatch --help.']);
		const noKey = await run(['stats', '--json'], {CF_API_KEY: undefined});
		expect([noKey.code, JSON.parse(noKey.stdout).error.code]).toEqual([2, 'usage']);
		expect(callsSeen(emu)).toBe(before);
	});

	it('a sunset API (HTTP 410 everywhere) is exit 1 with the one sentence, for reads and actions alike', async () => {
		const sunset = await emulator({sunset: true});
		try {
			for (const argv of [['stats'], ['ban', '203.0.113.7']]) {
				const result = await run(argv, {CF_API_ENDPOINT: sunset.url});
				expect(result).toEqual({code: 1, stdout: '', stderr: `flarewatch ${argv[0]}: ${goneMessage}\n`});
			}
		} finally {
			await sunset.close();
		}
	});

	it('lax answers still succeed', async () => {
		emu.setFault({mode: 'lax', count: 2});
		expect((await run(['stats'])).code).toBe(0);
		expect((await run(['lookup', '1.0.171.33'])).code).toBe(0);
	});

	it('a wrong key is exit 1, missing credentials exit 2, unreachable exit 3', async () => {
		const wrong = await run(['stats'], {CF_API_KEY: 'not-the-right-key-0000000000'});
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(/E_UNAUTH/);
		const none = await run(['stats'], {CF_API_KEY: undefined});
		expect([none.code, none.stderr]).toEqual([2, 'flarewatch stats: No API key is configured; use CF_API_KEY, --key-file PATH or "key" in the config file.\n']);
		expect((await run(['stats'], {CF_API_ENDPOINT: 'http://127.0.0.1:1'})).code).toBe(3);
	});

	it('read-only refuses every mutating command and sends nothing', async () => {
		const mutating: string[][] = [
			['security-level', 'high'],
			['cache-level', 'agg'],
			['devmode', 'on'],
			['purge'],
			['grab'],
			['ipv6', 'on'],
			['preload-purge'],
			['whitelist', '203.0.113.9'],
			['ban', '203.0.113.9'],
			['unban', '203.0.113.9'],
			['challenge', '203.0.113.9'],
			['rules', 'add', '--mode', 'block', '203.0.113.9'],
			['rules', 'rm', 'abc123'],
			['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.9', '--content', 'x'],
			['dns', 'add', 'A', 'ro', '203.0.113.9'],
			['dns', 'edit', '10000001', '--ttl', '300'],
			['dns', 'rm', 'ro'],
			['dns', 'update-ip', '203.0.113.9', 'www.example.com'],
		];
		expect(mutating.map(argv => (argv[0] === 'dns' || argv[0] === 'rules' ? `${argv[0]} ${argv[1]}` : argv[0])).sort()).toEqual(commands.filter(spec => spec.mutating).map(spec => spec.name).sort());
		const before = callsSeen(emu);
		for (const argv of mutating) {
			const result = await run([...argv, '--read-only']);
			expect(result.code, argv.join(' ')).toBe(2);
			expect(result.stderr).toMatch(/read-only; nothing was sent\.\n$/);
		}
		expect(callsSeen(emu)).toBe(before);
		expect((await run(['stats', '--read-only'])).code).toBe(0);
	});
});

describe('several zones, one of them not on the account', () => {
	const zones = {CF_ZONE: 'example.com,exmple.net'};

	it('security-level: the good zone is changed, the bad one named on stderr, exit 1', async () => {
		const result = await run(['security-level', 'low'], zones);
		expect(result).toEqual({code: 1, stdout: 'example.com: security level set to low.\n', stderr: 'flarewatch security-level: exmple.net: not a zone on this account (zone_check answered 0).\n'});
		expect(zoneState(emu, 'example.com').securityLevel).toBe('low');
	});

	it('ips and dns list: the good zone answered, JSON per zone with the error of the bad one', async () => {
		for (const argv of [['ips', '--hours', '1'], ['dns', 'list']]) {
			const result = await run([...argv, '--json'], zones);
			expect(result.code, argv.join(' ')).toBe(1);
			const data = JSON.parse(result.stdout) as {zones: Array<Record<string, unknown>>; error: unknown};
			expect(data.zones.map(zone => zone.zone)).toEqual(['example.com', 'exmple.net']);
			expect(data.zones[0]!.error).toBeUndefined();
			expect(data.zones[1]).toEqual({zone: 'exmple.net', error: {code: 'api', message: 'not a zone on this account (zone_check answered 0).'}});
			expect(data.error).toMatchObject({code: 'api', message: expect.stringContaining('exmple.net')});
		}
	});

	it('the bad zone first: the good one still answers; the order of the configuration is kept', async () => {
		const result = await run(['purge'], {CF_ZONE: 'exmple.net,example.net'});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^example\.net: cache purged at /);
		expect(result.stderr).toBe('flarewatch purge: exmple.net: not a zone on this account (zone_check answered 0).\n');
	});

	it('a failure of the account (a wrong key) stops at once: said once, the other zones not tried, exit 1', async () => {
		const before = callsSeen(emu);
		const result = await run(['stats'], {CF_ZONE: 'example.com,example.net', CF_API_KEY: 'not-the-right-key-0000000000'});
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/^flarewatch stats: [^\n]*E_UNAUTH[^\n]*\nflarewatch stats: not tried: example\.net\.\n$/);
		expect(callsSeen(emu) - before).toBe(1);
	});

	it('a zone the API refuses for another reason keeps the API\'s words, with the zone named', async () => {
		const result = await run(['stats', '--interval', '120', '--json'], {CF_ZONE: 'example.com,example.net'});
		expect(result.code).toBe(1);
		const data = JSON.parse(result.stdout) as {zones: Array<{zone: string; error?: {code: string; message: string}}>};
		expect(data.zones[0]!.error).toBeUndefined();
		expect(data.zones[1]!.error).toMatchObject({code: 'api', message: expect.stringMatching(/^The API refused stats: /)});
	});
});

describe('secrets', () => {
	it('no output of this file ever held the key', () => expectKeyNeverPrinted(emu.key));
});

describe('mayNameCommand (cli.tsx loads the commands only when it holds)', () => {
	it('holds for every command and help name, and not for the console\'s flags', async () => {
		const {mayNameCommand} = await import('../../source/commands/names.js');
		for (const command of commands) expect(mayNameCommand(command.name), command.name).toBe(true);
		for (const name of ['dns', 'help']) expect(mayNameCommand(name), name).toBe(true);
		// --help and --version are the console's flags: its help lists the commands, loaded only then.
		for (const flag of ['--demo', '--scenario', '--fps', '--endpoint', '--help', '-h', '--version', '-v']) expect(isCommandName(flag) || mayNameCommand(flag), flag).toBe(false);
	});
});
