import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain, commands, isCommandName} from '../../source/commands/index.js';
import {goneMessage} from '../../source/errors.js';
import {account, callsSeen, captureIo, emulator, zoneState, type EmulatorHandle} from '../v1/harness.js';
import {apis, type Api} from '../e2e/apis.js';
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

/**
 * A describe's emulator and environment on `api`: v1 shares the file's emulator (the describes after
 * this one read the state it leaves); v4 gets its own, reached with its token, its state folder apart.
 */
function onApi(api: Api) {
	const here = {emu: undefined as unknown as EmulatorHandle, env: {} as Record<string, string>};
	if (api === 'v1') {
		beforeAll(() => {
			here.emu = emu;
			here.env = env;
		});
	} else {
		let home = '';
		beforeAll(async () => {
			here.emu = await emulator({rateLimit: 5000});
			home = mkdtempSync(join(tmpdir(), 'flarewatch-commands-v4-'));
			here.env = {CF_API_TOKEN: here.emu.token, CF_API_ENDPOINT: here.emu.url, CF_ZONE: 'example.com', XDG_STATE_HOME: home, XDG_CONFIG_HOME: home};
		});
		afterAll(async () => {
			await here.emu.close();
			rmSync(home, {recursive: true, force: true});
		});
	}
	const run = async (argv: string[], extraEnv: Record<string, string | undefined> = {}) => {
		const capture = captureIo({...here.env, ...extraEnv});
		const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
		transcript.push(capture.stdout(), capture.stderr());
		return {code, stdout: capture.stdout(), stderr: capture.stderr()};
	};
	return {
		get emu() {
			return here.emu;
		},
		run,
		async json(argv: string[]) {
			const result = await run([...argv, '--json']);
			expect(result.stderr).toBe('');
			expect(result.code, result.stdout).toBe(0);
			return JSON.parse(result.stdout) as Record<string, unknown> & {zones: Array<Record<string, unknown>>; callsLeft: number};
		},
		/** Every request the emulator saw, on either face, refused and faulted ones included. */
		sent: () => callsSeen(here.emu) + here.emu.state().accounts.reduce((sum, account) => sum + account.calls.v4.total, 0),
	};
}

describe.each(apis)('every command against the emulator (API %s)', api => {
	const on = onApi(api);

	it('stats: human tables with units and times; --json with documented fields', async () => {
		const human = await on.run(['stats']);
		expect(human.code, human.stderr).toBe(0);
		expect(human.stdout).toMatch(/^example\.com: the last 30 days/);
		expect(human.stdout).toMatch(/Page views +[\d,]+ +[\d,]+/);
		expect(human.stdout).toMatch(/Bandwidth +[\d.]+ [KMGT]?B +[\d.]+ [KMGT]?B/);
		expect(human.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-\d\d-\d\d/);
		const data = await on.json(['stats', '--interval', '120']);
		expect(Object.keys(data.zones[0]!)).toEqual(['zone', 'interval', 'timeZero', 'timeEnd', 'pageviews', 'uniques', 'bandwidthKB', 'requests', 'pageLoadSeconds', 'securityLevel', 'securityLabel', 'devModeOn', 'devModeUntil', 'ipv6', 'cacheLevel', 'serverTime']);
		expect(data.zones[0]).toMatchObject({zone: 'example.com', interval: 120});
		// v1's calls_left; v4's from the Ratelimit header.
		if (api === 'v1') expect(data.callsLeft).toBe(account(on.emu).callsLeft);
		else expect(data.callsLeft).toEqual(expect.any(Number));
		if (api === 'v1') {
			// A Free zone refuses v1's 6-hour interval.
			const refused = await on.run(['stats', '--interval', '120', '--zone', 'example.net']);
			expect(refused.code).toBe(1);
			expect(refused.stderr).toMatch(/^flarewatch stats: example\.net: The API refused stats: .+\.\n$/);
		}
	});

	it('security-level, cache-level, ipv6 on every configured zone', async () => {
		const data = await on.json(['security-level', 'help', '--zone', 'example.com,example.net']);
		expect(data.zones).toEqual([
			{zone: 'example.com', securityLevel: 'help'},
			{zone: 'example.net', securityLevel: 'help'},
		]);
		expect([zoneState(on.emu, 'example.com').securityLevel, zoneState(on.emu, 'example.net').securityLevel]).toEqual(['help', 'help']);
		expect((await on.run(['security-level', 'med'])).stdout).toBe('example.com: security level set to med.\n');
		expect((await on.run(['cache-level', 'basic'])).code).toBe(0);
		expect(zoneState(on.emu, 'example.com').cacheLevel).toBe('basic');
		expect((await on.json(['ipv6', 'on'])).zones).toEqual([{zone: 'example.com', ipv6: true}]);
		expect(zoneState(on.emu, 'example.com').ipv6).toBe(true);
		await on.run(['ipv6', 'off']);
		expect(zoneState(on.emu, 'example.com').ipv6).toBe(false);
	});

	it('devmode on shows local and relative expiry; off', async () => {
		const on_ = await on.run(['devmode', 'on']);
		expect(on_.stdout).toMatch(/^example\.com: development mode on until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (2h 59m|3h 0m)\)\.\n$/);
		expect(zoneState(on.emu, 'example.com').devModeExpiresAt).toBeGreaterThan(0);
		expect((await on.json(['devmode', 'off'])).zones[0]).toMatchObject({zone: 'example.com', devMode: false});
		expect(zoneState(on.emu, 'example.com').devModeExpiresAt).toBe(0);
	});

	it(api === 'v1' ? 'purge, then a refused purge inside the cooldown (exit 1)' : 'purge, and again at once (v4 has no cooldown)', async () => {
		const data = await on.json(['purge']);
		expect(data.zones[0]).toMatchObject({zone: 'example.com', cooldownSeconds: expect.any(Number), purgedAt: zoneState(on.emu, 'example.com').lastPurgeAt});
		const again = await on.run(['purge']);
		if (api === 'v1') {
			expect(again.code).toBe(1);
			expect(again.stderr.trim().split('\n')).toHaveLength(1);
		} else {
			expect([again.code, again.stderr]).toEqual([0, '']);
			expect(again.stdout).toMatch(/^example\.com: cache purged at [^;]+\.\n$/);
		}
	});

	it('zone-check: exit 1 when a zone is not active here', async () => {
		const ok = await on.json(['zone-check', 'example.com']);
		// v1's numeric zid; v4's opaque id.
		const id = api === 'v1' ? String(zoneState(on.emu, 'example.com').zid) : zoneState(on.emu, 'example.com').id;
		expect(ok.zones).toEqual([{zone: 'example.com', id, active: true}]);
		const mixed = await on.run(['zone-check', 'example.com', 'example.org']);
		expect(mixed.code).toBe(1);
		expect(mixed.stdout).toMatch(/example\.org +- +not a zone on this account/);
	});

	it(`ips: sorted by hits, class filter, ${api === 'v1' ? 'geo' : 'country and network (no coordinates on v4)'}`, async () => {
		if (api === 'v4') {
			const geo = await on.run(['ips', '--geo']);
			expect([geo.code, geo.stderr]).toEqual([2, 'flarewatch ips: --geo asks for coordinates, which API v4 does not give; its country and network are in the table anyway. Nothing was sent.\n']);
		}
		const data = await on.json(['ips', '--class', 't', '--hours', '2', ...(api === 'v1' ? ['--geo'] : [])]);
		const visitors = data.zones[0]!.visitors as Array<{hits: number; classification: string; latitude: number; asn?: string}>;
		expect(visitors.length).toBeGreaterThan(0);
		expect(visitors.every(v => v.classification === 'threat' && (api === 'v1' ? typeof v.latitude === 'number' : /^AS\d+$/.test(v.asn ?? '')))).toBe(true);
		expect(visitors.map(v => v.hits)).toEqual([...visitors.map(v => v.hits)].sort((a, b) => b - a));
		const human = await on.run(['ips', '--class', 'threat']);
		expect(human.stdout).toMatch(/^example\.com: \d+ address(es)? in the last 24 hours\nIP +Class +Hits/);
	});

	it.runIf(api === 'v1')('grab (zone resolved first), preload-purge', async () => {
		expect((await on.json(['grab'])).zones[0]).toMatchObject({zone: 'example.com', requested: true});
		expect(zoneState(on.emu, 'example.com').lastGrabAt).toBeGreaterThan(0);
		expect((await on.run(['grab'])).code).toBe(1);
		expect((await on.run(['preload-purge'])).code).toBe(0);
		expect(zoneState(on.emu, 'example.com').lastPreloadPurgeAt).toBeGreaterThan(0);
		const inactive = await on.run(['grab', '--zone', 'example.org']);
		expect([inactive.code, inactive.stderr]).toEqual([1, 'flarewatch grab: example.org: not a zone on this account (zone_check answered 0).\n']);
	});

	it('ban, whitelist, unban: the rule on the address, seen by the emulator', async () => {
		const rules = () => on.emu.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === '198.51.100.44').map(rule => rule.mode);
		const ban = await on.json(['ban', '198.51.100.44']);
		// v1's rule is the account's; v4's one per configured zone, with its id and note.
		if (api === 'v1') expect(ban).toEqual({ip: '198.51.100.44', rule: 'ban', callsLeft: null});
		else expect(ban.zones).toEqual([expect.objectContaining({zone: 'example.com', ip: '198.51.100.44', rule: 'ban', mode: 'block', notes: expect.stringMatching(/^flarewatch: block by \S+@\S+$/)})]);
		expect(rules()).toContain('ban');
		const whitelisted = await on.run(['whitelist', '198.51.100.44']);
		expect(whitelisted.stdout).toMatch(api === 'v1' ? /^198\.51\.100\.44 whitelisted\.\n$/ : /^example\.com: 198\.51\.100\.44 whitelisted \(was block\); rule \w+\.\n$/);
		expect(rules()).toContain('wl');
		expect((await on.run(['unban', '198.51.100.44'])).code).toBe(0);
		expect(rules()).toEqual([]);
	});

	it.runIf(api === 'v1')('lookup, report-spam', async () => {
		const score = await on.json(['lookup', '1.0.171.33']);
		expect(score).toMatchObject({ip: '1.0.171.33', kind: expect.stringMatching(/^[A-Z]+$/), score: expect.any(Number)});
		const spam = await on.run(['report-spam', '--author', 'Cheap Pills', '--author-email', 'pills@example.org', '--ip', '203.0.113.7', '--content', 'Buy now']);
		expect([spam.code, spam.stdout]).toEqual([0, 'Spam from 203.0.113.7 reported.\n']);
		expect(account(on.emu).spamReportsLastHour).toBe(1);
	});

	it('dns list, add, edit, rm (and update-ip on v1)', async () => {
		const list = await on.json(['dns', 'list']);
		const records = list.zones[0]!.records as Array<{id: string; name: string; type: string}>;
		expect(records.length).toBe(zoneState(on.emu, 'example.com').records.length);
		expect(Object.keys(records[0]!)).toEqual(expect.arrayContaining(['id', 'name', 'type', 'content', 'ttl', 'proxied']));
		// v4 adds the priority and the comment.
		expect((await on.run(['dns', 'list'])).stdout).toMatch(api === 'v1' ? /Id +Name +Type +Content +TTL +Proxied/ : /Id +Name +Type +Content +Prio +TTL +Proxied +Comment/);
		const added = await on.json(['dns', 'add', 'A', 'cli', '203.0.113.50', '--proxied']);
		const record = added.record as {id: string; name: string; proxied: boolean};
		expect(record).toMatchObject({name: 'cli.example.com', proxied: true});
		await on.json(['dns', 'add', 'CNAME', 'cli-alias', 'cli.example.com']);
		const edited = await on.json(['dns', 'edit', record.id, '--content', '203.0.113.51', '--ttl', '300', '--no-proxied']);
		expect(edited.record).toMatchObject({id: record.id, content: '203.0.113.51', ttl: 300, proxied: false});
		// The admin state names records by v1's rec_id; v4's id is another, so the name finds it there.
		expect(zoneState(on.emu, 'example.com').records.find(r => r.name === 'cli.example.com')).toMatchObject({content: '203.0.113.51', ttl: 300, proxied: false});
		if (api === 'v1') {
			const update = await on.json(['dns', 'update-ip', '203.0.113.52', 'cli.example.com']);
			expect(update.hosts).toEqual([{host: 'cli.example.com', outcome: 'OK'}]);
			expect((await on.run(['dns', 'update-ip', '203.0.113.52', 'cli.example.com'])).stdout).toMatch(/unchanged \(E_NOUPDATE\)/);
		}
		expect(await on.json(['dns', 'rm', 'cli'])).toMatchObject({zone: 'example.com', name: 'cli.example.com', deleted: true});
		expect(zoneState(on.emu, 'example.com').records.some(r => r.name === 'cli.example.com')).toBe(false);
		const missing = await on.run(['dns', 'edit', api === 'v1' ? '424242' : '0123456789abcdef0123456789abcdef', '--ttl', '300']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/no record with id "(424242|0123456789abcdef0123456789abcdef)"/);
	});
});

describe.each(apis)('failures map to exit codes, one sentence on stderr (API %s)', api => {
	const on = onApi(api);
	// HTTP 410 is v1's retirement; v4 answers a refused credential 403 and its call limit 429.
	const cases = [
		{fault: 'http500', code: 3},
		{fault: 'reset', code: 3},
		{fault: 'html', code: 3},
		{fault: 'truncated', code: 3},
		...(api === 'v1' ? [{fault: 'gone', code: 1} as const] : []),
		{fault: 'timeout', code: 3},
		{fault: 'unauth', code: 1},
		{fault: 'maxapi', code: 4},
	] as const;
	it.each(cases)('$fault → exit $code', async ({fault, code}) => {
		on.emu.setFault({mode: fault, count: 1});
		const result = await on.run(['stats', '--timeout', '0.3']);
		expect(result.code, result.stderr).toBe(code);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/^flarewatch stats: [^\n]+\.\n$/);
	});

	it.each(cases)('$fault with --json → {"error": {...}} on stdout, the same exit $code', async ({fault, code}) => {
		on.emu.setFault({mode: fault, count: 1});
		const result = await on.run(['stats', '--timeout', '0.3', '--json']);
		expect(result.code).toBe(code);
		expect(result.stderr).toBe('');
		const data = JSON.parse(result.stdout) as {error: {code: string; message: string}};
		expect(data.error).toMatchObject({code: expect.stringMatching(/^[a-z-]+$/), message: expect.stringMatching(/\.$/)});
	});

	it('with --json, a usage or validation error is an object on stdout, exit 2, nothing sent', async () => {
		const before = on.sent();
		const invalid = await on.run(['ban', '203.0.113.0/24', '--json']);
		expect(invalid.code).toBe(2);
		expect(invalid.stderr).toBe('');
		expect(JSON.parse(invalid.stdout)).toEqual({error: {code: 'validation', field: 'IP address', message: 'Invalid IP address: "203.0.113.0/24" is a network range; give a single IP address.'}});
		const unknown = await on.run(['stats', '--bogus', '--json']);
		expect([unknown.code, JSON.parse(unknown.stdout)]).toEqual([2, {error: {code: 'usage', message: 'There is no option "--bogus"; see flarewatch stats --help.'}}]);
		const notCommand = await on.run(['stat', '--json']);
		expect([notCommand.code, JSON.parse(notCommand.stdout).error.message]).toEqual([2, '"stat" is not a command (did you mean stats?); see flarewatch --help.']);
		const noSecret = await on.run(['stats', '--json'], {CF_API_KEY: undefined, CF_API_TOKEN: undefined});
		expect([noSecret.code, JSON.parse(noSecret.stdout).error.code]).toEqual([2, 'usage']);
		expect(on.sent()).toBe(before);
	});

	it.runIf(api === 'v1')('a sunset API (HTTP 410 everywhere) is exit 1 with the one sentence, for reads and actions alike', async () => {
		const sunset = await emulator({sunset: true});
		try {
			for (const argv of [['stats'], ['ban', '203.0.113.7']]) {
				const result = await on.run(argv, {CF_API_ENDPOINT: sunset.url});
				expect(result).toEqual({code: 1, stdout: '', stderr: `flarewatch ${argv[0]}: ${goneMessage}\n`});
			}
		} finally {
			await sunset.close();
		}
	});

	it.runIf(api === 'v1')('lax answers still succeed', async () => {
		on.emu.setFault({mode: 'lax', count: 2});
		expect((await on.run(['stats'])).code).toBe(0);
		expect((await on.run(['lookup', '1.0.171.33'])).code).toBe(0);
	});

	it(`a wrong ${api === 'v1' ? 'key' : 'token'} is exit 1, missing credentials exit 2, unreachable exit 3`, async () => {
		const wrong = await on.run(['stats'], api === 'v1' ? {CF_API_KEY: 'not-the-right-key-0000000000'} : {CF_API_TOKEN: 'not-the-right-token-000000000'});
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(api === 'v1' ? /E_UNAUTH/ : /refused the credentials/);
		const none = await on.run(['stats'], {CF_API_KEY: undefined, CF_API_TOKEN: undefined});
		expect(none.code).toBe(2);
		if (api === 'v1') expect(none.stderr).toBe('flarewatch stats: No API key is configured; use CF_API_KEY, --key-file PATH or "key" in the config file.\n');
		expect((await on.run(['stats'], {CF_API_ENDPOINT: 'http://127.0.0.1:1'})).code).toBe(3);
	});
});

describe('read-only', () => {
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
			['expire'],
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
	it('nor the token (the v4 describes\' emulators have the demo token too)', () => expectKeyNeverPrinted(emu.token));
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
