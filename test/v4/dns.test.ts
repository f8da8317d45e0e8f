/**
 * DNS on API v4: V4Backend against the emulator's v4 face over loopback HTTP. Priority and comment go
 * out and come back, every field is checked by v4's rules before anything is sent, and what v4 changes
 * is what the v1 face lists for the same zone.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ZoneRef} from '../../source/backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Client} from '../../source/v1/client.js';
import {V4Backend} from '../../source/v4/backend.js';

let emulator: EmulatorHandle;
let backend: V4Backend;
let v1: V1Client;
const zone: ZoneRef = {name: 'example.com', id: ''};

function v4Calls(): number {
	return emulator.state().accounts.find(account => account.email === emulator.email)!.calls.v4.total;
}

async function refusal(promise: Promise<unknown>): Promise<FlarewatchError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(FlarewatchError);
		return error as FlarewatchError;
	}
	throw new Error('expected a refusal');
}

beforeEach(async () => {
	emulator = await startEmulator({port: 0, quiet: true, now: () => Date.UTC(2014, 5, 1, 12)});
	backend = new V4Backend({endpoint: emulator.url, token: new Secret(emulator.token)});
	v1 = new V1Client({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key)});
});

afterEach(async () => {
	backend.close();
	v1.close();
	await emulator.close();
});

describe('V4Backend DNS round trips', () => {
	it('an MX record with its priority and a comment: created, listed, edited, the comment cleared', async () => {
		const added = await backend.addRecord(zone, {type: 'MX', name: '@', content: 'mx2.example.com', prio: 20, ttl: 3600, proxied: false, comment: 'backup mail, ticket 42'});
		expect(added).toMatchObject({name: 'example.com', type: 'MX', content: 'mx2.example.com', prio: 20, ttl: 3600, proxied: false, comment: 'backup mail, ticket 42'});
		expect(await backend.listRecords(zone)).toContainEqual(added);
		// The v1 face lists the same record, with the same priority.
		expect((await v1.listRecords('example.com')).find(record => record.content === 'mx2.example.com')).toMatchObject({type: 'MX', prio: 20});

		const edited = await backend.editRecord(zone, {...added, prio: 5, comment: 'primary now'});
		expect(edited).toMatchObject({id: added.id, prio: 5, comment: 'primary now'});
		// Left out, the comment stays (PATCH); '' clears it.
		const {comment: _kept, ...withoutComment} = edited;
		expect(await backend.editRecord(zone, {...withoutComment, ttl: 7200})).toMatchObject({ttl: 7200, comment: 'primary now'});
		const cleared = await backend.editRecord(zone, {...edited, comment: ''});
		expect(cleared.comment).toBeUndefined();
	});

	it('an AAAA record, proxied, with v4’s TTL range (60 is fine on v4, never on v1)', async () => {
		const added = await backend.addRecord(zone, {type: 'AAAA', name: 'v6', content: '2001:db8::7', ttl: 60, proxied: false});
		expect(added).toMatchObject({name: 'v6.example.com', type: 'AAAA', content: '2001:db8::7', ttl: 60, proxied: false});
		expect(added.prio).toBeUndefined();
		const proxied = await backend.editRecord(zone, {...added, ttl: 1, proxied: true});
		expect(proxied).toMatchObject({ttl: 1, proxied: true});
	});

	it('a TXT record of 2,048 characters', async () => {
		const content = `v=verify ${'x'.repeat(2039)}`;
		const added = await backend.addRecord(zone, {type: 'TXT', name: '_verify', content, proxied: false});
		expect(added).toMatchObject({name: '_verify.example.com', type: 'TXT', content});
		expect((await backend.listRecords(zone)).find(record => record.id === added.id)?.content).toBe(content);
	});
});

describe('V4Backend DNS: every structured type, as its zone-file content', () => {
	it.each<[type: string, name: string, content: string, prio: number | undefined, readBack: string]>([
		['SRV', '_sip._udp', '5 5060 sip.example.com', 10, '5 5060 sip.example.com'],
		['URI', '_ftp._tcp', '1 "ftp://ftp.example.com/public"', 10, '1 "ftp://ftp.example.com/public"'],
		['CAA', '@', '0 issue letsencrypt.org', undefined, '0 issue "letsencrypt.org"'],
		['LOC', 'office', '51 30 12.748 N 0 7 39.611 W 10m', undefined, '51 30 12.748 N 0 7 39.611 W 10m 1m 10000m 10m'],
		['HTTPS', 'www', '1 . alpn="h3,h2"', undefined, '1 . alpn="h3,h2"'],
		['SVCB', '_dns', '1 dns.example.com alpn="dot"', undefined, '1 dns.example.com alpn="dot"'],
		['DS', 'child', '2371 13 2 1F987CC6583E92DF0890718C42', undefined, '2371 13 2 1f987cc6583e92df0890718c42'],
		['DNSKEY', 'signed', '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0d', undefined, '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0d'],
		['TLSA', '_443._tcp', '3 1 1 0e7a9b', undefined, '3 1 1 0e7a9b'],
		['SSHFP', 'host', '4 2 9a8b7c6d', undefined, '4 2 9a8b7c6d'],
		['NAPTR', 'sip', '100 10 "S" "SIP+D2U" "" _sip._udp.example.com', undefined, '100 10 "S" "SIP+D2U" "" _sip._udp.example.com'],
		['CERT', 'cert', '1 12345 8 MIIBCgKC', undefined, '1 12345 8 MIIBCgKC'],
	])('%s: sent as data, read back as %j, edited back unchanged', async (type, name, content, prio, readBack) => {
		const added = await backend.addRecord(zone, {type, name, content, proxied: false, ...(prio === undefined ? {} : {prio})});
		expect(added).toMatchObject({type, content: readBack, ...(prio === undefined ? {} : {prio})});
		expect((await backend.listRecords(zone)).find(record => record.id === added.id)).toEqual(added);
		// What was read back is what the form and the commands show: sent again, it is the same record.
		expect(await backend.editRecord(zone, {...added, ...(prio === undefined ? {} : {prio: prio + 1})})).toMatchObject({content: readBack, ...(prio === undefined ? {} : {prio: prio + 1})});
	});

	it('PTR, NS and OPENPGPKEY as content', async () => {
		expect(await backend.addRecord(zone, {type: 'PTR', name: '7', content: 'host.example.net', proxied: false})).toMatchObject({type: 'PTR', content: 'host.example.net'});
		expect(await backend.addRecord(zone, {type: 'NS', name: 'delegated', content: 'ns1.example.net', proxied: false})).toMatchObject({type: 'NS', content: 'ns1.example.net'});
		expect(await backend.addRecord(zone, {type: 'OPENPGPKEY', name: 'key', content: 'mQINBFs=', proxied: false})).toMatchObject({type: 'OPENPGPKEY', content: 'mQINBFs='});
	});
});

describe('V4Backend DNS: refused before sending, the field named', () => {
	it.each<[string, Parameters<V4Backend['addRecord']>[1], string, RegExp]>([
		['a type v4 does not list', {type: 'SPF', name: 'www', content: 'v=spf1 -all', proxied: false}, 'type', /"SPF" is not a record type flarewatch creates on API v4/],
		['an MX without a priority', {type: 'MX', name: '@', content: 'mail.example.com', proxied: false}, 'priority', /required for MX/],
		['a priority over 65535', {type: 'MX', name: '@', content: 'mail.example.com', prio: 65536, proxied: false}, 'priority', /0 to 65535/],
		['an IP as MX content', {type: 'MX', name: '@', content: '192.0.2.1', prio: 10, proxied: false}, 'content', /MX record points at a host name/],
		['IPv4 as AAAA content', {type: 'AAAA', name: 'v6', content: '192.0.2.1', proxied: false}, 'content', /not an IPv6 address/],
		['a TXT over 2,048 characters', {type: 'TXT', name: 't', content: 'x'.repeat(2049), proxied: false}, 'content', /at most 2048/],
		['a TTL of 59', {type: 'A', name: 'www2', content: '192.0.2.1', ttl: 59, proxied: false}, 'ttl', /1 \(automatic\) or 60 to 86400/],
		['a TTL over a day', {type: 'A', name: 'www2', content: '192.0.2.1', ttl: 86401, proxied: false}, 'ttl', /60 to 86400/],
		['a proxied MX', {type: 'MX', name: '@', content: 'mail.example.com', prio: 10, proxied: true}, 'proxied', /MX records cannot be proxied/],
		['a comment of 101 characters', {type: 'A', name: 'www2', content: '192.0.2.1', proxied: false, comment: 'c'.repeat(101)}, 'comment', /at most 100 characters/],
		['a comment with a newline', {type: 'A', name: 'www2', content: '192.0.2.1', proxied: false, comment: 'two\nlines'}, 'comment', /control characters/],
		['an SRV with a port out of range', {type: 'SRV', name: '_sip._udp', content: '5 70000 sip.example.com', prio: 10, proxied: false}, 'content', /port "70000" is not a whole number from 0 to 65535/],
		['a CAA with no value', {type: 'CAA', name: '@', content: '0 issue', proxied: false}, 'content', /has no value; CAA content is flags tag value/],
		['a CAA tag the API does not take', {type: 'CAA', name: '@', content: '0 issuemail "ca.example"', proxied: false}, 'content', /the tag "issuemail" is not issue, issuewild or iodef/],
		['a DNSKEY of protocol 2', {type: 'DNSKEY', name: 'k', content: '257 2 13 mdsswUyr', proxied: false}, 'content', /the protocol "2" is not 3/],
		['a DS digest of odd length', {type: 'DS', name: 'd', content: '2371 13 2 1F9', proxied: false}, 'content', /not hexadecimal bytes/],
	])('%s', async (_what, record, field, message) => {
		const before = v4Calls();
		const error = await refusal(backend.addRecord(zone, record));
		expect(error.kind).toBe('validation');
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(v4Calls()).toBe(before);
	});
});

/**
 * The wire form of the structured types: `data` made from the zone-file content, and the content made
 * back from the `data` answered. A loopback server that answers as API v4 does and keeps each body.
 */
describe('V4Backend DNS: structured types go out as data', () => {
	let server: http.Server;
	let bodies: Array<Record<string, unknown>>;
	let v4: V4Backend;
	const zoneId = '0123456789abcdef0123456789abcdef';

	beforeEach(async () => {
		bodies = [];
		server = http.createServer((request, response) => {
			let text = '';
			request.on('data', chunk => (text += String(chunk)));
			request.on('end', () => {
				const answer = (result: unknown) => {
					response.writeHead(200, {'content-type': 'application/json'});
					response.end(JSON.stringify({success: true, errors: [], messages: [], result}));
				};
				if (request.url?.startsWith('/client/v4/zones?')) return answer([{id: zoneId, name: 'example.com', plan: {legacy_id: 'pro'}, account: {id: 'a'.repeat(32)}}]);
				const body = JSON.parse(text) as Record<string, unknown>;
				bodies.push(body);
				// As the API answers: the formatted content beside the data.
				answer({id: 'f'.repeat(32), name: 'x.example.com', ttl: 1, proxied: false, comment: null, ...body, content: 'as the API formats it'});
			});
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		v4 = new V4Backend({endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: new Secret('t'.repeat(40))});
	});

	afterEach(async () => {
		v4.close();
		await new Promise(resolve => server.close(resolve));
	});

	it('SRV: weight port target in data with the record’s priority; read back as the same content and priority', async () => {
		const added = await v4.addRecord(zone, {type: 'SRV', name: '_sip._udp', content: '5 5060 sip.example.com', prio: 10, proxied: false});
		expect(bodies[0]).toEqual({type: 'SRV', name: '_sip._udp', ttl: 1, data: {weight: 5, port: 5060, target: 'sip.example.com', priority: 10}});
		expect(added).toMatchObject({type: 'SRV', content: '5 5060 sip.example.com', prio: 10});
	});

	it('CAA, LOC, HTTPS and URI: data from their zone-file forms; no content, no proxied sent', async () => {
		await v4.addRecord(zone, {type: 'CAA', name: '@', content: '0 issue "letsencrypt.org"', proxied: false, comment: 'certificates'});
		await v4.addRecord(zone, {type: 'LOC', name: 'office', content: '51 30 12.748 N 0 7 39.611 W 10m', proxied: false});
		await v4.addRecord(zone, {type: 'HTTPS', name: 'www', content: '1 . alpn="h3,h2"', proxied: false});
		const uri = await v4.addRecord(zone, {type: 'URI', name: '_ftp._tcp', content: '1 "ftp://ftp.example.com/public"', prio: 10, proxied: false});
		expect(bodies.map(body => body.data)).toEqual([
			{flags: 0, tag: 'issue', value: 'letsencrypt.org'},
			{lat_degrees: 51, lat_minutes: 30, lat_seconds: 12.748, lat_direction: 'N', long_degrees: 0, long_minutes: 7, long_seconds: 39.611, long_direction: 'W', altitude: 10, size: 1, precision_horz: 10_000, precision_vert: 10},
			{priority: 1, target: '.', value: 'alpn="h3,h2"'},
			{weight: 1, target: 'ftp://ftp.example.com/public'},
		]);
		expect(bodies[0]!.comment).toBe('certificates');
		expect(bodies[3]!.priority).toBe(10);
		expect(bodies.some(body => 'content' in body || 'proxied' in body)).toBe(false);
		expect(uri).toMatchObject({content: '1 "ftp://ftp.example.com/public"', prio: 10});
	});
});
