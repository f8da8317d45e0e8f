/**
 * Issue 15, the one-shot commands on API v4, through commandMain against the emulator's v4 face over
 * loopback HTTP, chosen as an operator chooses it (CF_API_TOKEN). The same names and --json as on v1;
 * v1-only commands refused on v4 (and v4-only ones on v1) with exit 2 and nothing sent; rules carry
 * notes naming flarewatch and user@host; a rule someone else made is replaced or removed only with
 * --foreign. What the commands did is read back through the API directly, not through our code.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {operatorIdentity} from '../../source/actions/rule-notes.js';
import {commandMain, commands} from '../../source/commands/index.js';
import {callsSeen, captureIo, emulator, zoneState, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

let emu: EmulatorHandle;
let v4env: Record<string, string>;
let v1env: Record<string, string>;
const home = mkdtempSync(join(tmpdir(), 'flarewatch-v4-commands-'));
const me = operatorIdentity();

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
	// The state folder keeps the registry and audit files out of $HOME.
	const common = {CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com', XDG_STATE_HOME: home, XDG_CONFIG_HOME: home};
	v4env = {...common, CF_API_TOKEN: emu.token};
	v1env = {...common, CF_API_EMAIL: emu.email, CF_API_KEY: emu.key};
});

afterAll(async () => {
	await emu.close();
	rmSync(home, {recursive: true, force: true});
});

async function run(argv: string[], extraEnv: Record<string, string | undefined> = {}, base = v4env) {
	const capture = captureIo({...base, ...extraEnv});
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	transcript.push(capture.stdout(), capture.stderr());
	return {code, stdout: capture.stdout(), stderr: capture.stderr()};
}

async function json(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
	const result = await run([...argv, '--json'], extraEnv);
	expect(result.stderr).toBe('');
	expect(result.code, result.stdout).toBe(0);
	return JSON.parse(result.stdout) as Record<string, unknown> & {zones: Array<Record<string, unknown>>; callsLeft: number};
}

/** Every request the emulator saw, on either face. */
function sent(): number {
	return callsSeen(emu) + emu.state().accounts.reduce((sum, account) => sum + account.calls.v4.total, 0);
}

/** v4 requests of one route, e.g. `DELETE /zones/:zone_id/firewall/access_rules/rules/:rule_id`. */
function routeCalls(prefix: string): number {
	const account = emu.state().accounts.find(entry => entry.email === emu.email)!;
	return Object.entries(account.calls.v4.byRoute)
		.filter(([route]) => route.startsWith(prefix))
		.reduce((sum, [, count]) => sum + count, 0);
}

// The API itself, without our code, to set up others' rules and to read back what the commands did.
interface WireRule {
	id: string;
	mode: string;
	notes: string;
	configuration: {target: string; value: string};
}

async function api(method: string, path: string, body?: unknown): Promise<{success: boolean; result: unknown}> {
	const answer = await fetch(`${emu.url}/client/v4${path}`, {method, headers: {authorization: `Bearer ${emu.token}`, 'content-type': 'application/json'}, ...(body === undefined ? {} : {body: JSON.stringify(body)})});
	return (await answer.json()) as {success: boolean; result: unknown};
}

async function zone(name: string): Promise<{id: string; account: {id: string}}> {
	const {result} = await api('GET', `/zones?name=${name}`);
	return (result as Array<{id: string; account: {id: string}}>)[0]!;
}

async function zoneRules(name: string): Promise<WireRule[]> {
	const {id} = await zone(name);
	return (await api('GET', `/zones/${id}/firewall/access_rules/rules?per_page=1000`)).result as WireRule[];
}

async function foreignRule(name: string, mode: string, target: string, value: string, notes: string, scope: 'zone' | 'account' = 'zone'): Promise<string> {
	const found = await zone(name);
	const path = scope === 'zone' ? `/zones/${found.id}/firewall/access_rules/rules` : `/accounts/${found.account.id}/firewall/access_rules/rules`;
	const answer = await api('POST', path, {mode, configuration: {target, value}, notes});
	expect(answer.success).toBe(true);
	return (answer.result as {id: string}).id;
}

describe('help: which commands are v1 only, which v4 only', () => {
	it('the overview marks them; a command\'s help says what to use on the other API', async () => {
		const overview = await run(['help']);
		expect(overview.code).toBe(0);
		expect(overview.stdout).toMatch(/^ {2}lookup +threat score .*\(v1 only\)$/m);
		expect(overview.stdout).toMatch(/^ {2}grab +.*\(v1 only\)$/m);
		expect(overview.stdout).toMatch(/^ {2}challenge +.*\(v4 only\)$/m);
		expect(overview.stdout).toMatch(/^ {2}rules rm +.*\(v4 only\)$/m);
		expect(overview.stdout).toMatch(/^ {2}ban +block an IP address$/m);
		const lookup = await run(['help', 'lookup']);
		expect(lookup.stdout).toContain('API v1 only; on the other: ip_lkup is a v1 call; API v4 has no threat score.');
		const group = await run(['rules']);
		expect(group.code).toBe(2);
		expect(group.stdout).toMatch(/^Usage: flarewatch rules <list\|add\|rm> \.\.\./);
		expect((await run(['rules', 'list', '--help'])).stdout).toMatch(/^Usage: flarewatch rules list /);
		expect((await run(['help', 'rules', 'add'])).stdout).toMatch(/^Usage: flarewatch rules add --mode MODE/);
		const typo = await run(['rules', 'lst']);
		expect([typo.code, typo.stderr]).toEqual([2, 'flarewatch rules: "lst" is not a rules command (did you mean list?); use list, add, rm.\n']);
	});
});

describe('a command the API lacks: exit 2, nothing sent, what to use instead', () => {
	it.each([
		[['lookup', '1.2.3.4'], 'ip_lkup is a v1 call; API v4 has no threat score. `flarewatch rules list --value IP` shows the rules on an address. Nothing was sent.'],
		[['grab'], 'zone_grab is a v1 call; API v4 takes no snapshots of a site. Nothing was sent.'],
		[['preload-purge'], expect.stringMatching(/^pre_purge is a v1 call; API v4 has no preloader\. `flarewatch purge` purges the cache/)],
		[['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.9', '--content', 'x'], expect.stringMatching(/^Spam reports .* are a v1 call; API v4 takes none\./)],
		[['ips', '--geo'], expect.stringMatching(/^--geo asks for coordinates, which API v4 does not give/)],
		[['dns', 'update-ip', '203.0.113.8', 'www.example.com'], 'DIUP is a v1 call; API v4 has none. `flarewatch dns edit <rec-id> --content IP` changes each A record. Nothing was sent.'],
	])('on v4: flarewatch %j', async (argv, message) => {
		const before = sent();
		const human = await run(argv);
		expect(human.code).toBe(2);
		expect(human.stdout).toBe('');
		expect(human.stderr.split('\n').filter(Boolean)).toHaveLength(1);
		const data = await run([...argv, '--json']);
		expect(data.code).toBe(2);
		expect(JSON.parse(data.stdout)).toEqual({error: {code: 'usage', message}});
		expect(sent()).toBe(before);
	});

	it.each([
		[['challenge', '203.0.113.9'], /^flarewatch challenge: API v1 has no challenge rules, only ban and whitelist\. `flarewatch ban IP` blocks the address\. Nothing was sent\.\n$/],
		[['rules', 'list'], /^flarewatch rules list: Rules by id are an API v4 feature; v1 has only ban, wl and nul/],
		[['rules', 'add', '--mode', 'block', '203.0.113.9'], /^flarewatch rules add: Rules by id are an API v4 feature/],
		[['rules', 'rm', 'abc123'], /^flarewatch rules rm: Rules by id are an API v4 feature/],
		[['purge', '--files', 'https://example.com/a.css'], /^flarewatch purge: Purging single files is an API v4 call; API v1 purges a zone's whole cache/],
		[['ban', '203.0.113.9', '--reason', 'scraping'], /^flarewatch ban: --reason needs rule notes, which API v1 rules do not have/],
		[['unban', '203.0.113.9', '--foreign'], /^flarewatch unban: --foreign needs rule notes/],
	])('on v1: flarewatch %j', async (argv, message) => {
		const before = sent();
		const result = await run(argv, {}, v1env);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(sent()).toBe(before);
	});
});

describe('zone commands on v4: the same names and --json', () => {
	it('stats: the same JSON fields as v1', async () => {
		const data = await json(['stats', '--interval', '120']);
		expect(Object.keys(data.zones[0]!)).toEqual(['zone', 'interval', 'timeZero', 'timeEnd', 'pageviews', 'uniques', 'bandwidthKB', 'requests', 'pageLoadSeconds', 'securityLevel', 'securityLabel', 'devModeOn', 'devModeUntil', 'ipv6', 'cacheLevel', 'serverTime']);
		expect(data.zones[0]).toMatchObject({zone: 'example.com', interval: 120});
		// The Ratelimit header's calls left.
		expect(data.callsLeft).toEqual(expect.any(Number));
		const human = await run(['stats', '--interval', '120']);
		expect(human.stdout).toMatch(/^Page load +not given by this API$/m);
	});

	it('security-level, cache-level, devmode, ipv6 change the zone (seen through the emulator)', async () => {
		expect((await json(['security-level', 'help'])).zones).toEqual([{zone: 'example.com', securityLevel: 'help'}]);
		expect(zoneState(emu, 'example.com').securityLevel).toBe('help');
		expect((await run(['cache-level', 'basic'])).stdout).toBe('example.com: cache level set to basic.\n');
		expect(zoneState(emu, 'example.com').cacheLevel).toBe('basic');
		expect((await run(['devmode', 'on'])).stdout).toMatch(/^example\.com: development mode on until .+\(in (2h 59m|3h 0m)\)\.\n$/);
		expect(zoneState(emu, 'example.com').devModeExpiresAt).toBeGreaterThan(0);
		expect((await json(['devmode', 'off'])).zones[0]).toMatchObject({devMode: false, expiresOn: 0});
		expect((await json(['ipv6', 'on'])).zones).toEqual([{zone: 'example.com', ipv6: true}]);
		expect(zoneState(emu, 'example.com').ipv6).toBe(true);
		await run(['security-level', 'med']);
	});

	it('purge everything (no cooldown to report on v4); purge --files in the zone each URL is inside', async () => {
		const everything = await run(['purge']);
		expect(everything.stdout).toMatch(/^example\.com: cache purged at [^;]+\.\n$/);
		const urls = ['https://example.com/app.css', 'https://www.example.com/logo.png'];
		const files = await json(['purge', '--files', ...urls]);
		expect(files.zones).toEqual([{zone: 'example.com', files: urls}]);
		expect(zoneState(emu, 'example.com').filePurges.slice(-2).map(purge => purge.url)).toEqual(urls);
		// Two zones: each URL goes to its own zone; a zone without one is not called.
		const two = await json(['purge', '--files', 'https://example.net/a.js', '--zone', 'example.com,example.net']);
		expect(two.zones).toEqual([{zone: 'example.net', files: ['https://example.net/a.js']}]);
		expect(zoneState(emu, 'example.net').filePurges.at(-1)?.url).toBe('https://example.net/a.js');
	});

	it('purge --files refuses, before sending anything, a URL outside the zones, over 100, or no URL', async () => {
		const before = sent();
		const outside = await run(['purge', '--files', 'https://example.com/a.css', 'https://example.org/b.css', '--json']);
		expect([outside.code, JSON.parse(outside.stdout)]).toEqual([2, {error: {code: 'validation', field: 'file', message: 'Invalid file: "https://example.org/b.css" is not inside the zone example.com; nothing was sent.'}}]);
		const many = Array.from({length: 101}, (_, index) => `https://example.com/${index}.css`);
		const tooMany = await run(['purge', '--files', ...many]);
		expect([tooMany.code, tooMany.stderr]).toEqual([2, 'flarewatch purge: Invalid files: 101 URLs in example.com; purge at most 100 at a time.\n']);
		expect((await run(['purge', '--files', 'ftp://example.com/a'])).stderr).toMatch(/is not an http or https URL/);
		expect((await run(['purge', '--files'])).code).toBe(2);
		expect((await run(['purge', 'https://example.com/a.css'])).stderr).toMatch(/put --files before the URLs/);
		expect(sent()).toBe(before);
	});

	it('ips: country, network and the firewall\'s counts as columns and in --json', async () => {
		await run(['ban', '198.51.100.200']);
		const human = await run(['ips', '--hours', '1', '--class', 't']);
		expect(human.code).toBe(0);
		expect(human.stdout).toMatch(/^example\.com: \d+ address(es)? in the last 1 hour\nIP +Class +Hits +Country +ASN +Blocked +Challenged\n/);
		expect(human.stdout).toMatch(/ threat +\d+ +[A-Z-]{1,2} +AS\d+ /);
		const data = await json(['ips', '--hours', '1', '--class', 't']);
		const visitors = data.zones[0]!.visitors as Array<Record<string, unknown>>;
		expect(visitors.length).toBeGreaterThan(0);
		expect(visitors[0]).toMatchObject({ip: expect.any(String), classification: 'threat', hits: expect.any(Number), asn: expect.stringMatching(/^AS\d+$/), blocked: expect.any(Number), challenged: expect.any(Number)});
		expect(visitors.some(visitor => typeof visitor.country === 'string')).toBe(true);
		await run(['unban', '198.51.100.200']);
	});

	it('zone-check and a zone not on the account (said without v1\'s zone_check)', async () => {
		const ok = await json(['zone-check', 'example.com']);
		expect(ok.zones).toEqual([{zone: 'example.com', id: (await zone('example.com')).id, active: true}]);
		const bad = await run(['security-level', 'low', '--zone', 'example.com,exmple.net']);
		expect(bad).toEqual({code: 1, stdout: 'example.com: security level set to low.\n', stderr: 'flarewatch security-level: exmple.net: not a zone on this account.\n'});
		await run(['security-level', 'med']);
	});
});

describe('ban, whitelist, challenge, unban on v4: a rule in each configured zone, with notes', () => {
	it('ban --reason: a block rule in the zone noted "flarewatch: block by user@host: reason"; not in the other zone', async () => {
		const result = await json(['ban', '203.0.113.21', '--reason', 'scraping /login']);
		const [entry] = result.zones;
		expect(entry).toMatchObject({zone: 'example.com', ip: '203.0.113.21', rule: 'ban', mode: 'block', notes: `flarewatch: block by ${me}: scraping /login`, id: expect.stringMatching(/^[0-9a-f]{32}$/)});
		const rules = (await zoneRules('example.com')).filter(rule => rule.configuration.value === '203.0.113.21');
		expect(rules).toEqual([expect.objectContaining({id: entry!.id, mode: 'block', notes: `flarewatch: block by ${me}: scraping /login`})]);
		expect((await zoneRules('example.net')).some(rule => rule.configuration.value === '203.0.113.21')).toBe(false);
		// The traffic model (and v1's face) sees the ban in that zone only.
		expect(zoneState(emu, 'example.com').accessRules.find(rule => rule.ip === '203.0.113.21')?.mode).toBe('ban');
		expect(zoneState(emu, 'example.net').accessRules.some(rule => rule.ip === '203.0.113.21')).toBe(false);
	});

	it('whitelist, then challenge replace our own rule; unban removes it; a second unban finds none', async () => {
		expect((await run(['whitelist', '203.0.113.21'])).stdout).toMatch(/^example\.com: 203\.0\.113\.21 whitelisted \(was block\); rule [0-9a-f]{32}\.\n$/);
		expect((await zoneRules('example.com')).filter(rule => rule.configuration.value === '203.0.113.21').map(rule => [rule.mode, rule.notes])).toEqual([['whitelist', `flarewatch: allow by ${me}`]]);
		const challenged = await json(['challenge', '203.0.113.21', '--reason', 'odd user agent']);
		expect(challenged.zones[0]).toMatchObject({rule: 'challenge', mode: 'managed_challenge', notes: `flarewatch: challenge by ${me}: odd user agent`, replaced: {mode: 'whitelist', ours: true, operator: me}});
		const cleared = await json(['unban', '203.0.113.21']);
		expect(cleared.zones[0]).toMatchObject({zone: 'example.com', ip: '203.0.113.21', rule: 'none', removed: [{mode: 'managed_challenge', ours: true}], accountRules: []});
		expect((await zoneRules('example.com')).some(rule => rule.configuration.value === '203.0.113.21')).toBe(false);
		expect((await run(['unban', '203.0.113.21'])).stdout).toBe('example.com: 203.0.113.21 had no rule in this zone.\n');
	});

	it('every configured zone gets the rule; a zone not on the account is named, the others done', async () => {
		const result = await run(['ban', '203.0.113.22', '--zone', 'example.com,exmple.net,example.net']);
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^example\.com: 203\.0\.113\.22 banned; rule \w+\.\nexample\.net: 203\.0\.113\.22 banned; rule \w+\.\n$/);
		expect(result.stderr).toBe('flarewatch ban: exmple.net: not a zone on this account.\n');
		expect((await zoneRules('example.net')).some(rule => rule.configuration.value === '203.0.113.22')).toBe(true);
		expect((await run(['unban', '203.0.113.22', '--zone', 'example.com,example.net'])).code).toBe(0);
	});

	it('a rule someone else made on the address is replaced or removed only with --foreign; the refusal quotes its notes', async () => {
		const theirs = await foreignRule('example.com', 'whitelist', 'ip', '203.0.113.23', 'partner office, ticket SOC-4411');
		const deletes = routeCalls('DELETE');
		const edits = routeCalls('PATCH');
		const before = routeCalls('POST');
		const ban = await run(['ban', '203.0.113.23']);
		expect(ban.code).toBe(2);
		expect(ban.stderr).toBe(`flarewatch ban: example.com: Rule ${theirs} (whitelist ip 203.0.113.23) was not made by flarewatch: its notes say "partner office, ticket SOC-4411". Add --foreign to replace it anyway; nothing was changed.\n`);
		const unban = await run(['unban', '203.0.113.23', '--json']);
		expect(unban.code).toBe(2);
		expect(JSON.parse(unban.stdout).zones[0].error.message).toMatch(/was not made by flarewatch: its notes say "partner office, ticket SOC-4411"\. Add --foreign to remove it anyway/);
		expect([routeCalls('DELETE'), routeCalls('PATCH'), routeCalls('POST')]).toEqual([deletes, edits, before]);
		expect((await zoneRules('example.com')).find(rule => rule.id === theirs)).toMatchObject({mode: 'whitelist'});
		const replaced = await json(['ban', '203.0.113.23', '--foreign', '--reason', 'partner contract ended']);
		expect(replaced.zones[0]).toMatchObject({mode: 'block', replaced: {id: theirs, mode: 'whitelist', ours: false, operator: null, notes: 'partner office, ticket SOC-4411'}});
		expect((await zoneRules('example.com')).filter(rule => rule.configuration.value === '203.0.113.23').map(rule => rule.notes)).toEqual([`flarewatch: block by ${me}: partner contract ended`]);
		await run(['unban', '203.0.113.23']);
	});

	it('bad input is refused naming the field, nothing sent', async () => {
		const before = sent();
		for (const [argv, pattern] of [
			[['ban', '203.0.113.0/24'], /^flarewatch ban: Invalid IP address: "203\.0\.113\.0\/24" is a network range/],
			[['challenge', '127.0.0.1'], /is a loopback address/],
			[['challenge', '10.1.2.3', '--never-ban', '10.0.0.0/8'], /is on the --never-ban list, so it is not challenged; nothing was sent/],
			[['ban', '203.0.113.9', '--reason', 'evil\u001b[2J'], /^flarewatch ban: Invalid reason: must not contain control characters\./],
			[['ban', '203.0.113.9', '--reason', 'x'.repeat(201)], /^flarewatch ban: Invalid reason: must be at most 200 characters/],
			[['ban', '203.0.113.9', '--reason', '  '], /^flarewatch ban: Invalid reason: is empty\./],
		] as const) {
			const result = await run([...argv]);
			expect(result.code, argv.join(' ')).toBe(2);
			expect(result.stderr).toMatch(pattern);
		}
		expect(sent()).toBe(before);
	});
});

describe('rules list, add, rm', () => {
	it('add: every target, values spelt one way, notes naming flarewatch and user@host; --json whole', async () => {
		const range = await json(['rules', 'add', '--mode', 'block', '--target', 'ip_range', '198.51.100.0/24', '--reason', 'botnet']);
		expect(Object.keys(range.zones[0]!.rule as object)).toEqual(['id', 'scope', 'mode', 'target', 'value', 'notes', 'ours', 'operator', 'createdAt']);
		expect(range.zones[0]).toEqual({zone: 'example.com', rule: {id: expect.any(String), scope: 'zone', mode: 'block', target: 'ip_range', value: '198.51.100.0/24', notes: `flarewatch: block by ${me}: botnet`, ours: true, operator: me, createdAt: expect.any(Number)}});
		expect((await run(['rules', 'add', '--mode', 'managed_challenge', '--target', 'asn', 'as64500'])).stdout).toMatch(/^example\.com: rule \w+ added: managed_challenge asn AS64500; notes "flarewatch: challenge by [^"]+"\.\n$/);
		expect((await json(['rules', 'add', '--mode', 'js_challenge', '--target', 'country', 'xx'])).zones[0]).toMatchObject({rule: {target: 'country', value: 'XX'}});
		expect((await json(['rules', 'add', '--mode', 'whitelist', '2001:DB8:0::5'])).zones[0]).toMatchObject({rule: {target: 'ip', value: '2001:db8::5', notes: `flarewatch: allow by ${me}`}});
		const wire = await zoneRules('example.com');
		expect(wire.find(rule => rule.configuration.value === 'AS64500')).toMatchObject({mode: 'managed_challenge', configuration: {target: 'asn'}});
		expect(wire.find(rule => rule.configuration.value === 'XX')).toMatchObject({mode: 'js_challenge', configuration: {target: 'country'}});
	});

	it('list: zone and account rules, whoever made them, with filters; a table for people', async () => {
		const soc = await foreignRule('example.com', 'block', 'ip', '192.0.2.77', 'SOC: brute force');
		const account = await foreignRule('example.com', 'challenge', 'country', 'T1', 'account-wide: Tor', 'account');
		const all = await json(['rules', 'list']);
		const rules = all.zones[0]!.rules as Array<Record<string, unknown>>;
		expect(rules.find(rule => rule.id === soc)).toEqual({id: soc, scope: 'zone', mode: 'block', target: 'ip', value: '192.0.2.77', notes: 'SOC: brute force', ours: false, operator: null, createdAt: expect.any(Number)});
		expect(rules.find(rule => rule.id === account)).toMatchObject({scope: 'account', mode: 'challenge', ours: false});
		expect(rules.find(rule => rule.value === '198.51.100.0/24')).toMatchObject({ours: true, operator: me});
		const ours = (await json(['rules', 'list', '--ours'])).zones[0]!.rules as Array<{ours: boolean}>;
		expect(ours.length).toBeGreaterThan(0);
		expect(ours.every(rule => rule.ours)).toBe(true);
		const others = (await json(['rules', 'list', '--others'])).zones[0]!.rules as Array<{id: string}>;
		expect(others.map(rule => rule.id).sort()).toEqual([soc, account].sort());
		expect(((await json(['rules', 'list', '--mode', 'js_challenge'])).zones[0]!.rules as Array<{value: string}>).map(rule => rule.value)).toEqual(['XX']);
		expect(((await json(['rules', 'list', '--target', 'asn'])).zones[0]!.rules as Array<{value: string}>).map(rule => rule.value)).toEqual(['AS64500']);
		expect(((await json(['rules', 'list', '--value', '2001:db8:0:0::5'])).zones[0]!.rules as Array<{value: string}>).map(rule => rule.value)).toEqual(['2001:db8::5']);
		const human = await run(['rules', 'list', '--others']);
		expect(human.stdout).toMatch(/^example\.com: 2 rules of \d+\nId +Scope +Mode +Target +Value +Ours +Notes +Created\n/);
		expect(human.stdout).toMatch(new RegExp(`^${soc} +zone +block +ip +192\\.0\\.2\\.77 +no +SOC: brute force +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`, 'm'));
	});

	it('rm: ours by id; anyone else\'s refused without --foreign (nothing removed), naming its notes; with it, gone', async () => {
		const listed = (await json(['rules', 'list'])).zones[0]!.rules as Array<{id: string; value: string; scope: string}>;
		const ourRange = listed.find(rule => rule.value === '198.51.100.0/24')!.id;
		const soc = listed.find(rule => rule.value === '192.0.2.77')!.id;
		const tor = listed.find(rule => rule.value === 'T1')!.id;
		const deletes = routeCalls('DELETE');
		const refused = await run(['rules', 'rm', ourRange, soc]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toBe(`flarewatch rules rm: Rule ${soc} (block ip 192.0.2.77) was not made by flarewatch: its notes say "SOC: brute force". Add --foreign to remove it anyway; nothing was changed.\n`);
		expect(routeCalls('DELETE')).toBe(deletes);
		expect((await zoneRules('example.com')).some(rule => rule.id === ourRange)).toBe(true);
		const removed = await json(['rules', 'rm', ourRange]);
		expect(removed.removed).toEqual([{zone: 'example.com', id: ourRange, scope: 'zone', mode: 'block', target: 'ip_range', value: '198.51.100.0/24', notes: `flarewatch: block by ${me}: botnet`, ours: true, operator: me, createdAt: expect.any(Number)}]);
		const foreign = await run(['rules', 'rm', soc, tor, '--foreign']);
		expect(foreign.code).toBe(0);
		expect(foreign.stdout).toBe(`example.com: rule ${soc} removed (block ip 192.0.2.77).\nexample.com: account rule ${tor} removed (challenge country T1).\n`);
		const left = (await json(['rules', 'list'])).zones[0]!.rules as Array<{id: string}>;
		expect(left.map(rule => rule.id)).not.toContain(soc);
		expect(left.map(rule => rule.id)).not.toContain(tor);
		expect(routeCalls('DELETE')).toBe(deletes + 3);
	});

	it('bad input refused naming the field, nothing sent; an id not there removes nothing', async () => {
		const before = sent();
		for (const [argv, expected] of [
			[['rules', 'add', '203.0.113.9'], {code: 'usage', message: 'flarewatch rules add needs --mode block|managed_challenge|challenge|js_challenge|whitelist.'}],
			[['rules', 'add', '--mode', 'deny', '203.0.113.9'], {code: 'validation', field: 'mode', message: 'Invalid mode: "deny" is not one of block, managed_challenge, challenge, js_challenge, whitelist.'}],
			[['rules', 'add', '--mode', 'block', '--target', 'host', 'x'], {code: 'validation', field: 'target', message: 'Invalid target: "host" is not one of ip, ip_range, asn, country.'}],
			[['rules', 'add', '--mode', 'block', '--target', 'ip_range', '10.0.0.0/20'], {code: 'validation', field: 'range', message: 'Invalid range: "10.0.0.0/20" is not a range an access rule takes (IPv4 /16 or /24, IPv6 /32, /48 or /64).'}],
			[['rules', 'add', '--mode', 'block', '--target', 'asn', 'AS0'], {code: 'validation', field: 'ASN', message: 'Invalid ASN: "AS0" is not an autonomous system number such as AS13335.'}],
			[['rules', 'add', '--mode', 'block', '--target', 'country', 'CHN'], {code: 'validation', field: 'country', message: 'Invalid country: "CHN" is not a two-letter country code such as CN.'}],
			[['rules', 'add', '--mode', 'block', '--target', 'ip_range', '10.0.0.0/16', '--never-ban', '10.0.9.9'], {code: 'usage', message: '"10.0.0.0/16" is a range holding an address on the --never-ban list, so it is not banned; nothing was sent.'}],
			[['rules', 'list', '--ours', '--others'], {code: 'usage', message: 'Give --ours or --others, not both.'}],
			[['rules', 'list', '--mode', 'nope'], {code: 'validation', field: 'mode', message: expect.stringContaining('"nope" is not one of')}],
			[['rules', 'rm', '../../zones'], {code: 'validation', field: 'rule id', message: expect.stringContaining('is not a rule id')}],
		] as const) {
			const result = await run([...argv, '--json']);
			expect(result.code, argv.join(' ')).toBe(2);
			expect(JSON.parse(result.stdout), argv.join(' ')).toEqual({error: expected});
		}
		expect(sent()).toBe(before);
		const deletes = routeCalls('DELETE');
		const missing = await run(['rules', 'rm', '0123456789abcdef0123456789abcdef']);
		expect([missing.code, missing.stderr]).toEqual([2, 'flarewatch rules rm: No rule with id "0123456789abcdef0123456789abcdef" in example.com or the account; nothing was removed.\n']);
		expect(routeCalls('DELETE')).toBe(deletes);
	});

	it('read-only refuses the v4 commands that change rules, nothing sent', async () => {
		const before = sent();
		for (const argv of [['challenge', '203.0.113.9'], ['rules', 'add', '--mode', 'block', '203.0.113.9'], ['rules', 'rm', 'abc'], ['purge', '--files', 'https://example.com/a']]) {
			const result = await run([...argv, '--read-only']);
			expect(result.code, argv.join(' ')).toBe(2);
			expect(result.stderr).toMatch(/read-only; nothing was sent\.\n$/);
		}
		expect(sent()).toBe(before);
		expect(commands.filter(spec => spec.needs?.only === 'v4').map(spec => spec.name)).toEqual(['challenge', 'rules list', 'rules add', 'rules rm']);
	});
});

describe('secrets', () => {
	it('no output of this file ever held the token', () => expectKeyNeverPrinted(emu.token));
});
