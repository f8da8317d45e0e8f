/**
 * `dns` commands on API v4, through commandMain as an operator runs them with an API token, against the
 * emulator's v4 face over loopback HTTP: every type the API lists, priority and comment, v4's TTL range;
 * on v1 the same commands refuse what v1 cannot do with exit 2 and nothing sent.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain} from '../../source/commands/index.js';
import {account, callsSeen, captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

const token = 'dns4-TOKEN_only.for.this.test-0123456789';
let emu: EmulatorHandle;
let env: Record<string, string>;

beforeAll(async () => {
	emu = await emulator({token, rateLimit: 100_000});
	env = {CF_API_TOKEN: token, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
});

afterAll(async () => {
	await emu.close();
});

function v4Calls(): number {
	return account(emu).calls.v4.total;
}

async function run(argv: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	const capture = captureIo(env);
	const code = await commandMain('dns', argv, capture.io);
	transcript.push(capture.stdout(), capture.stderr());
	return {code, stdout: capture.stdout(), stderr: capture.stderr()};
}

/** One `dns` subcommand on v4: its human lines and its --json, both exit 0. */
async function dns(argv: string[]): Promise<{lines: string[]; json: Record<string, unknown>}> {
	const human = await run(argv.filter(arg => arg !== '--json'));
	expect(human.stderr).toBe('');
	expect(human.code).toBe(0);
	if (argv[0] !== 'list') return {lines: human.stdout.trimEnd().split('\n'), json: {}};
	const json = await run([...argv, '--json']);
	expect(json.code).toBe(0);
	return {lines: human.stdout.trimEnd().split('\n'), json: JSON.parse(json.stdout) as Record<string, unknown>};
}

/** A change with --json only (a second run would make a second record). */
async function change(argv: string[]): Promise<{lines: string[]; json: Record<string, unknown>}> {
	const result = await run([...argv, '--json']);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	return {lines: [], json: JSON.parse(result.stdout) as Record<string, unknown>};
}

/** A refusal: exit code, its one line, and the v4 calls it made (none, for a refusal before sending). */
async function refused(argv: string[]): Promise<{code: number; message: string; calls: number}> {
	const before = v4Calls();
	const result = await run(argv);
	expect(result.stdout).toBe('');
	expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
	return {code: result.code, message: result.stderr, calls: v4Calls() - before};
}

type Json = Record<string, unknown>;

describe('dns on API v4', () => {
	it('add --type MX --name @ --content … --priority 10 --comment …: created with both, listed with both', async () => {
		const human = await run(['add', '--type', 'MX', '--name', '@', '--content', 'mx9.example.com', '--priority', '10', '--comment', 'fallback mail', '--ttl', '60']);
		expect(human.code).toBe(0);
		const lines = human.stdout.trimEnd().split('\n');
		expect(lines[1]).toMatch(/^Id +Name +Type +Content +Prio +TTL +Proxied +Comment$/);
		expect(lines[2]).toMatch(/example\.com +MX +mx9\.example\.com +10 +60 +no +fallback mail$/);

		const list = await dns(['list']);
		const records = (list.json.zones as Json[]).flatMap(zone => zone.records as Json[]);
		expect(records.find(each => each.content === 'mx9.example.com')).toMatchObject({name: 'example.com', type: 'MX', prio: 10, comment: 'fallback mail', ttl: 60, proxied: false});
		// The seeded MX carries its priority; records without a comment have no comment key.
		expect(records.find(each => each.type === 'MX' && each.content === 'mail.example.com')).toMatchObject({prio: 10});
		expect(records.find(each => each.type === 'A')).not.toHaveProperty('comment');
		expect(list.lines.join('\n')).toMatch(/Prio +TTL +Proxied +Comment/);
	});

	it('add with three arguments: AAAA proxied, TXT, SRV, CAA; lower-case types are read as capitals', async () => {
		expect((await change(['add', 'aaaa', 'v6', '2001:db8::99', '--proxied'])).json.record).toMatchObject({type: 'AAAA', name: 'v6.example.com', content: '2001:db8::99', proxied: true});
		expect((await change(['add', 'TXT', '_dmarc', 'v=DMARC1; p=reject'])).json.record).toMatchObject({type: 'TXT', content: 'v=DMARC1; p=reject'});
		const srv = await run(['add', 'SRV', '_xmpp._tcp', '5 5222 chat.example.com', '--priority', '10']);
		expect(srv.stdout).toMatch(/SRV +5 5222 chat\.example\.com +10 +auto +no\n$/);
		const caa = await change(['add', 'CAA', '@', '0 issuewild "letsencrypt.org"', '--comment', 'wildcards from LE']);
		expect(caa.json.record).toMatchObject({type: 'CAA', content: '0 issuewild "letsencrypt.org"', comment: 'wildcards from LE'});
	});

	it('edit: priority and comment, then the comment removed with ""', async () => {
		const added = (await change(['add', 'MX', 'relay', 'relay-mx.example.com', '--priority', '30'])).json.record as Json;
		const id = String(added.id);
		expect((await change(['edit', id, '--priority', '5', '--comment', 'preferred now'])).json.record).toMatchObject({id, prio: 5, comment: 'preferred now'});
		expect((await change(['edit', id, '--ttl', '120'])).json.record).toMatchObject({ttl: 120, comment: 'preferred now'});
		expect((await change(['edit', id, '--comment', ''])).json.record).not.toHaveProperty('comment');
	});

	it.each<[string, string[], RegExp]>([
		['MX without --priority', ['add', 'MX', '@', 'mail.example.com'], /Invalid priority: MX records need --priority/],
		['a priority on an A record', ['add', 'A', 'www9', '192.0.2.9', '--priority', '10'], /Invalid priority: only MX, SRV, URI records take one, not A/],
		['a priority over 65535', ['add', 'MX', '@', 'mail.example.com', '--priority', '70000'], /Invalid priority: 70000 is outside 0\.\.65535/],
		['a proxied TXT', ['add', 'TXT', 't', 'hello', '--proxied'], /Invalid proxied: TXT records cannot be proxied/],
		['a TTL of 30', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '30'], /Invalid ttl: 30 is not a TTL; use 1 \(automatic\), or 120 and more on API v1, 60 to 86400 on API v4/],
		['a TTL over a day', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '90000'], /Invalid ttl: .*1 \(automatic\) or 60 to 86400/],
		['a comment of 101 characters', ['add', 'A', 'www9', '192.0.2.9', '--comment', 'c'.repeat(101)], /Invalid comment: must be at most 100 characters/],
		['an IP as MX content', ['add', 'MX', '@', '192.0.2.9', '--priority', '10'], /Invalid content: .*MX record points at a host name/],
		['IPv4 as AAAA content', ['add', 'AAAA', 'v6', '192.0.2.9'], /Invalid content: .*not an IPv6 address/],
		['a type v4 does not list', ['add', 'SPF', '@', 'v=spf1 -all'], /Invalid type: "SPF" is not a record type flarewatch creates on API v4 \(A, AAAA, CAA/],
		['an SRV with two parts', ['add', 'SRV', '_sip._udp', '5 5060', '--priority', '10'], /Invalid content: has no target; SRV content is weight port target/],
		['both an argument and its flag', ['add', 'A', 'www', '192.0.2.9', '--name', 'www2'], /name as an argument or as --name, not both/],
	])('refuses %s: exit 2, one line naming the field, nothing sent', async (_what, argv, message) => {
		const result = await refused(argv);
		expect(result).toMatchObject({code: 2, calls: 0});
		expect(result.message).toMatch(message);
	});
});

describe('dns on API v1: the same commands refuse what v1 cannot do, exit 2, nothing sent', () => {
	it.each<[string, string[], RegExp]>([
		['an MX record', ['add', '--type', 'MX', '--name', '@', '--content', 'mail.example.com', '--priority', '10'], /Invalid type: "MX" is not a record type flarewatch creates on API v1 \(A or CNAME\)\.\n$/],
		['an AAAA record', ['add', 'AAAA', 'v6', '2001:db8::1'], /API v1 \(A or CNAME\)/],
		['a comment', ['add', 'A', 'www9', '192.0.2.9', '--comment', 'x'], /Invalid comment: DNS records carry comments on API v4 only; this is API v1\./],
		['a TTL of 60', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '60'], /Invalid ttl: 60 is not a TTL; use 1 \(automatic\) or 120 to 4294967295 seconds\./],
		['an edit with a comment', ['edit', '10000001', '--comment', 'x'], /comments on API v4 only/],
	])('%s', async (_what, argv, message) => {
		const before = callsSeen(emu);
		const capture = captureIo({CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
		const code = await commandMain('dns', argv, capture.io);
		transcript.push(capture.stdout(), capture.stderr());
		expect(code).toBe(2);
		expect(capture.stdout()).toBe('');
		expect(capture.stderr()).toMatch(message);
		expect(capture.stderr().split('\n').filter(Boolean)).toHaveLength(1);
		expect(callsSeen(emu)).toBe(before);
	});
});

describe('secrets', () => {
	it('no output of this file ever held the token or the key', () => {
		expectKeyNeverPrinted(token);
		expectKeyNeverPrinted(emu.key);
	});
});
