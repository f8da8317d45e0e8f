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
		[{type: 'A', name: 'x', content: '192.0.2.1', comment: 'c'.repeat(101)}],
		[{type: 'A', name: 'x', content: '192.0.2.1', tags: ['nocolon']}],
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

	it('treats another account\'s zone as unknown', async () => {
		const other = `/zones/${zoneId(emulator, 'example.org')}/dns_records`;
		expect(await v4(emulator, 'GET', other)).toMatchObject({status: 404, json: failed(7003)});
		expect(await v4(emulator, 'POST', other, {type: 'A', name: 'x', content: '192.0.2.1'})).toMatchObject({status: 404, json: failed(7003)});
	});
});
