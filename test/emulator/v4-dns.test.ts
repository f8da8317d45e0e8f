/** API v4 DNS records over loopback HTTP: list filters and paging, get, create, PUT, PATCH, delete, refusals. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {start, t0} from './helpers.js';
import {failed, v4, zoneId} from './v4-helpers.js';

let emulator: EmulatorHandle;
let base: string;
beforeEach(async () => {
	emulator = await start();
	base = `/zones/${zoneId(emulator, 'example.com')}/dns_records`;
});
afterEach(() => emulator.close());

type Rec = {id: string; name: string; type: string; content: string; ttl: number; proxied: boolean; priority?: number; comment: string | null};
const list = async (query = ''): Promise<Rec[]> => (await v4(emulator, 'GET', `${base}${query}`)).json.result as Rec[];

describe('listing', () => {
	it('lists the zone\'s records in the v4 shape, with result_info', async () => {
		const reply = await v4(emulator, 'GET', base);
		expect(reply.json.result_info).toEqual({page: 1, per_page: 100, count: 7, total_count: 7, total_pages: 1});
		const records = reply.json.result as Rec[];
		expect(records[0]).toEqual({
			id: expect.stringMatching(/^[0-9a-f]{32}$/),
			zone_id: zoneId(emulator, 'example.com'),
			zone_name: 'example.com',
			name: 'example.com',
			type: 'A',
			content: '203.0.113.10',
			proxiable: true,
			proxied: true,
			ttl: 1,
			locked: false,
			meta: expect.any(Object),
			comment: null,
			tags: [],
			created_on: new Date(t0).toISOString(),
			modified_on: new Date(t0).toISOString(),
		});
		expect(records.find(record => record.type === 'MX')).toMatchObject({priority: 10, content: 'mail.example.com', proxiable: false});
	});

	it('filters by type, name (and its operators), content, proxied, with match=any, order and pages', async () => {
		expect((await list('?type=A')).map(record => record.name)).toEqual(['example.com', 'www.example.com', 'mail.example.com']);
		expect((await list('?name=www.example.com')).map(record => record.type)).toEqual(['A']);
		expect((await list('?name=www')).map(record => record.name)).toEqual(['www.example.com']);
		expect((await list('?name.startswith=mail')).map(record => record.type)).toEqual(['A']);
		expect((await list('?name.endswith=.example.com')).map(record => record.name)).toEqual(['www.example.com', 'blog.example.com', 'mail.example.com']);
		expect((await list('?name.contains=LOG')).map(record => record.name)).toEqual(['blog.example.com']);
		expect((await list('?content=203.0.113.10')).map(record => record.name)).toEqual(['example.com', 'www.example.com']);
		expect((await list('?content.contains=spf')).map(record => record.type)).toEqual(['TXT']);
		expect((await list('?proxied=true&type=A')).map(record => record.name)).toEqual(['example.com', 'www.example.com']);
		expect((await list('?type=MX&name=www.example.com&match=any')).map(record => record.type)).toEqual(['A', 'MX']);
		expect((await list('?order=type&direction=desc')).map(record => record.type)).toEqual(['TXT', 'MX', 'CNAME', 'AAAA', 'A', 'A', 'A']);
		expect((await v4(emulator, 'GET', `${base}?per_page=3&page=3`)).json).toMatchObject({result: [{type: 'AAAA'}], result_info: {page: 3, per_page: 3, count: 1, total_count: 7, total_pages: 3}});
		expect((await v4(emulator, 'GET', `${base}?page=4&per_page=3`)).json).toMatchObject({success: true, result: [], result_info: {count: 0}});
		expect(await v4(emulator, 'GET', `${base}?proxied=maybe`)).toMatchObject({status: 400, json: failed(1004)});
		expect(await v4(emulator, 'GET', `${base}?order=colour`)).toMatchObject({status: 400, json: failed(1004)});
	});
});

describe('changes', () => {
	it('creates with relative names, ttl, proxied, priority and comment; gets it; PUT overwrites; PATCH changes; delete', async () => {
		const created = await v4(emulator, 'POST', base, {type: 'MX', name: 'relay', content: 'mx.example.net', ttl: 3600, priority: 5, comment: 'backup MX', stray: 'ignored'});
		expect(created.status).toBe(200);
		const record = created.json.result as Rec;
		expect(record).toMatchObject({name: 'relay.example.com', type: 'MX', content: 'mx.example.net', ttl: 3600, priority: 5, proxied: false, comment: 'backup MX'});
		expect((await v4(emulator, 'GET', `${base}/${record.id}`)).json.result).toEqual(record);
		emulator.advanceClock(10);
		const put = await v4(emulator, 'PUT', `${base}/${record.id}`, {type: 'A', name: '@', content: '192.0.2.80'});
		expect(put.json.result).toMatchObject({id: record.id, name: 'example.com', type: 'A', content: '192.0.2.80', ttl: 1, proxied: false, modified_on: new Date(t0 + 10_000).toISOString()});
		expect(put.json.result).not.toHaveProperty('priority');
		const patch = await v4(emulator, 'PATCH', `${base}/${record.id}`, {proxied: true, comment: 'apex'});
		expect(patch.json.result).toMatchObject({content: '192.0.2.80', proxied: true, comment: 'apex', ttl: 1});
		expect((await v4(emulator, 'DELETE', `${base}/${record.id}`)).json).toEqual({success: true, errors: [], messages: [], result: {id: record.id}});
		expect(await v4(emulator, 'GET', `${base}/${record.id}`)).toMatchObject({status: 404, json: {errors: [{code: 81044, message: 'Record does not exist.'}]}});
		expect(await v4(emulator, 'DELETE', `${base}/${record.id}`)).toMatchObject({status: 404, json: failed(81044)});
		expect(await v4(emulator, 'PATCH', `${base}/${record.id}`, {proxied: false})).toMatchObject({status: 404, json: failed(81044)});
	});

	it.each([
		[{name: 'x', content: '192.0.2.1'}],
		[{type: 'HINFO', name: 'x', content: 'y'}],
		[{type: 'A', content: '192.0.2.1'}],
		[{type: 'A', name: 'x'}],
		[{type: 'A', name: 'x', content: '2001:db8::1'}],
		[{type: 'AAAA', name: 'x', content: '192.0.2.1'}],
		[{type: 'CNAME', name: 'x', content: '192.0.2.1'}],
		[{type: 'A', name: 'bad name!', content: '192.0.2.1'}],
		[{type: 'A', name: 'x', content: '192.0.2.1', ttl: 30}],
		[{type: 'A', name: 'x', content: '192.0.2.1', ttl: 86_401}],
		[{type: 'A', name: 'x', content: '192.0.2.1', ttl: '300'}],
		[{type: 'A', name: 'x', content: '192.0.2.1', proxied: 'yes'}],
		[{type: 'TXT', name: 'x', content: 'hello', proxied: true}],
		[{type: 'MX', name: 'x', content: 'mail.example.com'}],
		[{type: 'MX', name: 'x', content: 'mail.example.com', priority: 70_000}],
		[{type: 'A', name: 'x', content: '192.0.2.1', comment: 'c'.repeat(501)}],
		[{type: 'A', name: 'x', content: '192.0.2.1', comment: 'two\nlines'}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: ['nocolon']}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: ['bad name:x']}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: [`${'n'.repeat(33)}:x`]}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: [`n:${'v'.repeat(101)}`]}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: Array.from({length: 21}, (_, n) => `t${n}:x`)}],
		[{type: 'SPF2', name: 'x', content: 'v=spf1 -all'}],
		[{type: 'URI', name: '_http._tcp', content: '1 "https://example.com/"'}],
		[{type: 'SRV', name: '_sip._tcp', content: '5 5060 sip.example.com'}],
		[{type: 'SRV', name: '_sip._tcp', data: {priority: 10, weight: 5, port: 70_000, target: 'sip.example.com'}}],
		[{type: 'CAA', name: '@', content: '0 issue'}],
		[{type: 'CAA', name: '@', data: {flags: 0, tag: 'policy', value: 'x'}}],
		[{type: 'DS', name: 'sub', content: '2371 13 2 not-hex'}],
		[{type: 'DNSKEY', name: '@', data: {flags: 257, protocol: 2, algorithm: 13, public_key: 'mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=='}}],
		[{type: 'SSHFP', name: 'host', content: '9 1 123456789abcdef67890123456789abcdef67890'}],
		[{type: 'TLSA', name: '_443._tcp', data: {usage: 4, selector: 1, matching_type: 1, certificate: 'ab'}}],
		[{type: 'LOC', name: 'here', content: '91 0 0 N 0 0 0 E 0m'}],
		[{type: 'LOC', name: 'here', data: {lat_degrees: 51, lat_direction: 'X', long_degrees: 0, long_direction: 'W', altitude: 0}}],
		[{type: 'PTR', name: '10', content: '192.0.2.10'}],
		[{type: 'OPENPGPKEY', name: 'x', content: 'not base64!'}],
		[{type: 'HTTPS', name: '@', data: {priority: 1, target: '192.0.2.1', value: 'alpn="h3"'}}],
		[{type: 'NAPTR', name: 'x', content: '100 10 "S" "SIP+D2U"'}],
	])('refuses %j with 400 code 1004', async body => {
		expect(await v4(emulator, 'POST', base, body)).toMatchObject({status: 400, json: failed(1004)});
	});

	it('refuses duplicates and CNAME clashes with the codes the notes give', async () => {
		expect(await v4(emulator, 'POST', base, {type: 'A', name: 'www', content: '203.0.113.10'})).toMatchObject({status: 400, json: {errors: [{code: 81058, message: 'An identical record already exists.'}]}});
		expect(await v4(emulator, 'POST', base, {type: 'CNAME', name: 'www', content: 'example.net'})).toMatchObject({status: 400, json: failed(81053)});
		expect(await v4(emulator, 'POST', base, {type: 'A', name: 'blog', content: '192.0.2.1'})).toMatchObject({status: 400, json: failed(81054)});
		// An edit may keep its own values (no clash with itself).
		const www = (await list('?name=www&type=A'))[0];
		expect((await v4(emulator, 'PATCH', `${base}/${www.id}`, {ttl: 120})).status).toBe(200);
		expect(await v4(emulator, 'PUT', `${base}/${www.id}`, {type: 'A', name: 'example.com', content: '203.0.113.10'})).toMatchObject({status: 400, json: failed(81058)});
	});

	it('takes every type the API lists, structured ones as data or content, and answers both', async () => {
		const cases: [Record<string, unknown>, Record<string, unknown>][] = [
			[{type: 'CAA', name: '@', data: {flags: 0, tag: 'issue', value: 'letsencrypt.org'}}, {content: '0 issue "letsencrypt.org"', data: {flags: 0, tag: 'issue', value: 'letsencrypt.org'}}],
			[{type: 'CAA', name: 'shop', content: '128  ISSUEWILD   "pki.goog; cansignhttpexchanges=yes"'}, {content: '128 issuewild "pki.goog; cansignhttpexchanges=yes"', data: {flags: 128, tag: 'issuewild', value: 'pki.goog; cansignhttpexchanges=yes'}}],
			[{type: 'CERT', name: 'cert', data: {type: 1, key_tag: 2, algorithm: 8, certificate: 'AAECAw=='}}, {content: '1 2 8 AAECAw=='}],
			[{type: 'DNSKEY', name: '@', content: '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=='}, {data: {flags: 257, protocol: 3, algorithm: 13}}],
			[{type: 'DS', name: 'sub', data: {key_tag: 2371, algorithm: 13, digest_type: 2, digest: '1F987CC6583E92DF0890718C42'}}, {content: '2371 13 2 1f987cc6583e92df0890718c42'}],
			[{type: 'HTTPS', name: '@', data: {priority: 1, target: '.', value: 'alpn="h3,h2" ipv4hint="192.0.2.1"'}}, {content: '1 . alpn="h3,h2" ipv4hint="192.0.2.1"'}],
			[{type: 'SVCB', name: '_dns', content: '1 dns.example.com alpn=dot'}, {data: {priority: 1, target: 'dns.example.com', value: 'alpn=dot'}}],
			[{type: 'LOC', name: 'office', content: '51 30 12.748 N 0 7 39.611 W 0.00m 0.00m 0.00m 0.00m'}, {data: {lat_degrees: 51, lat_minutes: 30, lat_seconds: 12.748, lat_direction: 'N', long_degrees: 0, long_minutes: 7, long_seconds: 39.611, long_direction: 'W', altitude: 0}}],
			[{type: 'LOC', name: 'hq', data: {lat_degrees: 37, lat_minutes: 46, lat_seconds: 46, lat_direction: 'N', long_degrees: 122, long_minutes: 23, long_seconds: 35, long_direction: 'W', altitude: 10, size: 1, precision_horz: 10_000, precision_vert: 10}}, {content: '37 46 46.000 N 122 23 35.000 W 10.00m 1.00m 10000.00m 10.00m'}],
			[{type: 'NAPTR', name: 'sip', data: {order: 100, preference: 10, flags: 'S', service: 'SIP+D2U', regex: '', replacement: '_sip._udp.example.com'}}, {content: '100 10 "S" "SIP+D2U" "" _sip._udp.example.com'}],
			[{type: 'NS', name: 'delegated', content: 'ns1.example.net'}, {content: 'ns1.example.net'}],
			[{type: 'OPENPGPKEY', name: 'key', content: 'mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjlqxx5gjtPhb2YhvyDMXjq'}, {content: 'mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjlqxx5gjtPhb2YhvyDMXjq'}],
			[{type: 'PTR', name: '10', content: 'host.example.com'}, {content: 'host.example.com'}],
			[{type: 'SMIMEA', name: 'mail', data: {usage: 3, selector: 1, matching_type: 1, certificate: 'ABCDEF'}}, {content: '3 1 1 abcdef'}],
			[{type: 'SRV', name: '_sip._tcp', data: {priority: 10, weight: 5, port: 5060, target: 'sip.example.com'}}, {content: '5 5060 sip.example.com', priority: 10, data: {priority: 10, weight: 5, port: 5060, target: 'sip.example.com'}}],
			[{type: 'SRV', name: '_xmpp._tcp', content: '0 5222 xmpp.example.com', priority: 20}, {priority: 20, data: {priority: 20, weight: 0, port: 5222, target: 'xmpp.example.com'}}],
			[{type: 'SSHFP', name: 'host', content: '4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789'}, {data: {algorithm: 4, type: 2}}],
			[{type: 'TLSA', name: '_443._tcp', content: '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6'}, {data: {usage: 3, selector: 1, matching_type: 1, certificate: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6'}}],
			[{type: 'TXT', name: 'verify', content: 'google-site-verification=abc'}, {content: 'google-site-verification=abc'}],
			[{type: 'URI', name: '_ftp._tcp', priority: 10, data: {weight: 1, target: 'ftp://ftp.example.com/public'}}, {content: '1 "ftp://ftp.example.com/public"', priority: 10, data: {weight: 1, target: 'ftp://ftp.example.com/public'}}],
		];
		for (const [body, expected] of cases) {
			const reply = await v4(emulator, 'POST', base, body);
			expect(reply.status, `${JSON.stringify(body)} ${JSON.stringify(reply.json.errors)}`).toBe(200);
			expect(reply.json.result, JSON.stringify(body)).toMatchObject({type: body.type, proxiable: false, proxied: false, ...expected});
		}
		// The list holds them all, and filters by the new types.
		const types = new Set((await list('?per_page=1000')).map(record => record.type));
		for (const [body] of cases) expect(types).toContain(body.type);
		expect((await list('?type=caa')).map(record => record.content)).toEqual(['0 issue "letsencrypt.org"', '128 issuewild "pki.goog; cansignhttpexchanges=yes"']);
		// A PATCH that leaves content and data alone keeps them; one with new data rewrites the text.
		const srv = (await list('?type=SRV&name=_sip._tcp.example.com'))[0];
		expect((await v4(emulator, 'PATCH', `${base}/${srv.id}`, {ttl: 300})).json.result).toMatchObject({ttl: 300, content: '5 5060 sip.example.com', priority: 10});
		expect((await v4(emulator, 'PATCH', `${base}/${srv.id}`, {data: {priority: 0, weight: 1, port: 5061, target: 'sips.example.com'}})).json.result).toMatchObject({content: '1 5061 sips.example.com', priority: 0});
		// v1 lists the new types too, with their text.
		const v1 = emulator.state().zones[0].records.find(record => record.type === 'CAA');
		expect(v1).toMatchObject({name: 'example.com', content: '0 issue "letsencrypt.org"'});
	});

	it('requires priority for MX and URI, ignores it on other types; keeps comments to the plan\'s length and tags to paid plans', async () => {
		expect(await v4(emulator, 'POST', base, {type: 'MX', name: 'relay', content: 'mx.example.net'})).toMatchObject({status: 400, json: {errors: [{code: 1004, message: 'priority is required for MX records.'}]}});
		const mx = await v4(emulator, 'POST', base, {type: 'MX', name: 'relay', content: 'mx.example.net', priority: 0});
		expect(mx.json.result).toMatchObject({priority: 0});
		const a = await v4(emulator, 'POST', base, {type: 'A', name: 'prio', content: '192.0.2.9', priority: 5, comment: 'c'.repeat(500), tags: ['team:edge', 'env:prod']});
		expect(a.json.result).not.toHaveProperty('priority');
		expect(a.json.result).toMatchObject({comment: 'c'.repeat(500), tags: ['team:edge', 'env:prod']});
		expect((await list('?comment.contains=ccc')).map(record => record.name)).toEqual(['prio.example.com']);
		// The Free zone: 100 characters, no tags.
		const free = `/zones/${zoneId(emulator, 'example.net')}/dns_records`;
		expect((await v4(emulator, 'POST', free, {type: 'A', name: 'c100', content: '192.0.2.9', comment: 'c'.repeat(100)})).status).toBe(200);
		expect(await v4(emulator, 'POST', free, {type: 'A', name: 'c101', content: '192.0.2.9', comment: 'c'.repeat(101)})).toMatchObject({status: 400, json: {errors: [{code: 1004, message: 'comment must be a string of at most 100 characters.'}]}});
		expect(await v4(emulator, 'POST', free, {type: 'A', name: 'tagged', content: '192.0.2.9', tags: ['team:edge']})).toMatchObject({status: 400, json: failed(1004)});
		expect((await v4(emulator, 'POST', free, {type: 'A', name: 'untagged', content: '192.0.2.9', tags: []})).status).toBe(200);
	});

	it('treats another account\'s zone as unknown', async () => {
		const other = `/zones/${zoneId(emulator, 'example.org')}/dns_records`;
		expect(await v4(emulator, 'GET', other)).toMatchObject({status: 404, json: failed(7003)});
		expect(await v4(emulator, 'POST', other, {type: 'A', name: 'x', content: '192.0.2.1'})).toMatchObject({status: 404, json: failed(7003)});
	});
});
