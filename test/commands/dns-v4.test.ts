/**
 * `dns` commands on API v4, against the emulator's v4 face over loopback HTTP: every type the API
 * lists, priority and comment, v4's TTL range; on v1 the same commands refuse what v1 cannot do with
 * exit 2 and nothing sent. The v4 runs go through the command layer with a backend from openBackend
 * (what commandMain does once the API is chosen from the configuration), the v1 runs through commandMain.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Backend} from '../../source/backend.js';
import {openBackend} from '../../source/backends.js';
import {commandMain, commands} from '../../source/commands/index.js';
import {parseCommandArgs, type CommandResult} from '../../source/commands/spec.js';
import type {Config} from '../../source/config.js';
import {exitCodeFor, FlarewatchError} from '../../source/errors.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {callsSeen, captureIo, emulator as v1Emulator} from '../v1/harness.js';

let emulator: EmulatorHandle;
let backend: Backend;

beforeAll(async () => {
	emulator = await startEmulator({port: 0, quiet: true, rateLimit: 100_000});
	backend = openBackend({api: 'v4', endpoint: emulator.url, token: new Secret(emulator.token), email: '', key: new Secret('')});
});

afterAll(async () => {
	backend.close();
	await emulator.close();
});

function v4Calls(): number {
	return emulator.state().accounts.find(account => account.email === emulator.email)!.calls.v4.total;
}

/** One `dns` subcommand on the v4 backend, as commandMain runs it: parse, check, run. */
async function dns(argv: string[]): Promise<CommandResult> {
	const spec = commands.find(command => command.name === `dns ${argv[0]}`)!;
	const {args} = parseCommandArgs(spec, argv.slice(1));
	spec.check?.(args);
	const config: Config = {endpoint: emulator.url, zones: ['example.com'], readOnly: false, neverBan: [], timeoutMs: 10_000, configWarnings: []};
	return spec.run({
		args,
		config,
		backend,
		zoneNames: () => [{name: 'example.com', id: ''}],
		resolveZones: () => backend.checkZones(['example.com']),
		now: () => Date.now(),
		recordRule: () => undefined,
	});
}

/** A refusal: its exit code, message and field, and the v4 calls it made (none, for a refusal before sending). */
async function refused(argv: string[]): Promise<{code: number; message: string; field?: string; calls: number}> {
	const before = v4Calls();
	try {
		await dns(argv);
	} catch (error) {
		expect(error).toBeInstanceOf(FlarewatchError);
		const failure = error as FlarewatchError;
		return {code: exitCodeFor(failure.kind), message: failure.message, field: failure.field, calls: v4Calls() - before};
	}
	throw new Error(`expected ${argv.join(' ')} to be refused`);
}

type Json = Record<string, unknown>;

describe('dns on API v4', () => {
	it('add --type MX --name @ --content … --priority 10 --comment …: created with both, listed with both', async () => {
		const added = await dns(['add', '--type', 'MX', '--name', '@', '--content', 'mx9.example.com', '--priority', '10', '--comment', 'fallback mail', '--ttl', '60']);
		const record = added.json.record as Json;
		expect(record).toMatchObject({name: 'example.com', type: 'MX', content: 'mx9.example.com', prio: 10, comment: 'fallback mail', ttl: 60, proxied: false});
		expect(added.lines[1]).toMatch(/^Id +Name +Type +Content +Prio +TTL +Proxied +Comment$/);
		expect(added.lines[2]).toMatch(/example\.com +MX +mx9\.example\.com +10 +60 +no +fallback mail$/);

		const list = await dns(['list']);
		const records = ((list.json.zones ?? [list.json]) as Json[]).flatMap(zone => zone.records as Json[]);
		expect(records).toContainEqual(record);
		// The seeded MX carries its priority; records without a comment have no comment key.
		expect(records.find(each => each.type === 'MX' && each.content === 'mail.example.com')).toMatchObject({prio: 10});
		expect(records.find(each => each.type === 'A')).not.toHaveProperty('comment');
		expect(list.lines.join('\n')).toMatch(/Prio +TTL +Proxied +Comment/);
	});

	it('add with three arguments: AAAA proxied, TXT; lower-case types are read as capitals', async () => {
		const aaaa = await dns(['add', 'aaaa', 'v6', '2001:db8::99', '--proxied']);
		expect(aaaa.json.record).toMatchObject({type: 'AAAA', name: 'v6.example.com', content: '2001:db8::99', proxied: true});
		const txt = await dns(['add', 'TXT', '_dmarc', 'v=DMARC1; p=reject']);
		expect(txt.json.record).toMatchObject({type: 'TXT', content: 'v=DMARC1; p=reject'});
		const srv = await dns(['add', 'SRV', '_xmpp._tcp', '5 5222 chat.example.com', '--priority', '10']);
		expect(srv.json.record).toMatchObject({type: 'SRV', name: '_xmpp._tcp.example.com', content: '5 5222 chat.example.com', prio: 10});
		expect(srv.lines[2]).toMatch(/SRV +5 5222 chat\.example\.com +10 +auto +no$/);
		const caa = await dns(['add', 'CAA', '@', '0 issuewild "letsencrypt.org"', '--comment', 'wildcards from LE']);
		expect(caa.json.record).toMatchObject({type: 'CAA', content: '0 issuewild "letsencrypt.org"', comment: 'wildcards from LE'});
	});

	it('edit: priority and comment, then the comment removed with ""', async () => {
		const added = (await dns(['add', 'MX', 'relay', 'relay-mx.example.com', '--priority', '30'])).json.record as Json;
		const id = String(added.id);
		expect((await dns(['edit', id, '--priority', '5', '--comment', 'preferred now'])).json.record).toMatchObject({id, prio: 5, comment: 'preferred now'});
		expect((await dns(['edit', id, '--ttl', '120'])).json.record).toMatchObject({ttl: 120, comment: 'preferred now'});
		expect((await dns(['edit', id, '--comment', ''])).json.record).not.toHaveProperty('comment');
	});

	it.each<[string, string[], string, RegExp]>([
		['MX without --priority', ['add', 'MX', '@', 'mail.example.com'], 'priority', /MX records need --priority/],
		['a priority on an A record', ['add', 'A', 'www9', '192.0.2.9', '--priority', '10'], 'priority', /only MX, SRV, URI records take one, not A/],
		['a priority over 65535', ['add', 'MX', '@', 'mail.example.com', '--priority', '70000'], 'priority', /outside 0\.\.65535/],
		['a proxied TXT', ['add', 'TXT', 't', 'hello', '--proxied'], 'proxied', /TXT records cannot be proxied/],
		['a TTL of 30', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '30'], 'ttl', /1 \(automatic\), or 120 and more on API v1, 60 to 86400 on API v4/],
		['a TTL over a day', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '90000'], 'ttl', /1 \(automatic\) or 60 to 86400/],
		['a comment of 101 characters', ['add', 'A', 'www9', '192.0.2.9', '--comment', 'c'.repeat(101)], 'comment', /at most 100 characters/],
		['an IP as MX content', ['add', 'MX', '@', '192.0.2.9', '--priority', '10'], 'content', /MX record points at a host name/],
		['IPv4 as AAAA content', ['add', 'AAAA', 'v6', '192.0.2.9'], 'content', /not an IPv6 address/],
		['a type v4 does not list', ['add', 'SPF', '@', 'v=spf1 -all'], 'type', /"SPF" is not a record type flarewatch creates on API v4 \(A, AAAA, CAA/],
		['an SRV with two parts', ['add', 'SRV', '_sip._udp', '5 5060', '--priority', '10'], 'content', /has no target; SRV content is weight port target/],
	])('refuses %s: exit 2, the field named, nothing sent', async (_what, argv, field, message) => {
		const result = await refused(argv);
		expect(result).toMatchObject({code: 2, field, calls: 0});
		expect(result.message).toMatch(message);
	});

	it('both an argument and its flag is a usage error', async () => {
		expect((await refused(['add', 'A', 'www', '192.0.2.9', '--name', 'www2'])).message).toMatch(/name as an argument or as --name, not both/);
	});
});

describe('dns on API v1: the same commands refuse what v1 cannot do, exit 2, nothing sent', () => {
	let v1: EmulatorHandle;
	let env: Record<string, string>;

	beforeAll(async () => {
		v1 = await v1Emulator();
		env = {CF_API_EMAIL: v1.email, CF_API_KEY: v1.key, CF_API_ENDPOINT: v1.url, CF_ZONE: 'example.com'};
	});

	afterAll(() => v1.close());

	it.each<[string, string[], RegExp]>([
		['an MX record', ['add', '--type', 'MX', '--name', '@', '--content', 'mail.example.com', '--priority', '10'], /Invalid type: "MX" is not a record type flarewatch creates on API v1 \(A or CNAME\)\.\n$/],
		['an AAAA record', ['add', 'AAAA', 'v6', '2001:db8::1'], /API v1 \(A or CNAME\)/],
		['a comment', ['add', 'A', 'www9', '192.0.2.9', '--comment', 'x'], /Invalid comment: DNS records carry comments on API v4 only; this is API v1\./],
		['a TTL of 60', ['add', 'A', 'www9', '192.0.2.9', '--ttl', '60'], /Invalid ttl: 60 is not a TTL; use 1 \(automatic\) or 120 to 4294967295 seconds\./],
		['an edit with a comment', ['edit', '10000001', '--comment', 'x'], /comments on API v4 only/],
	])('%s', async (_what, argv, message) => {
		const before = callsSeen(v1);
		const capture = captureIo(env);
		const code = await commandMain('dns', argv, capture.io);
		expect(code).toBe(2);
		expect(capture.stdout()).toBe('');
		expect(capture.stderr()).toMatch(message);
		expect(capture.stderr().split('\n').filter(Boolean)).toHaveLength(1);
		expect(callsSeen(v1)).toBe(before);
	});
});
