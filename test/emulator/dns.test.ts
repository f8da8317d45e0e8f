import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle, RecordState} from '../../source/emulator/index.js';
import {api, dig, plain, start} from './helpers.js';

let emulator: EmulatorHandle;
beforeEach(async () => {
	emulator = await start({rateLimit: 10_000});
});
afterEach(() => emulator.close());

const records = (name = 'example.com'): RecordState[] => emulator.state().zones.find(zone => zone.name === name)?.records ?? [];

interface Rec {
	rec_id: unknown;
	name: string;
	display_name: string;
	type: string;
	content: string;
	ttl: unknown;
	ttl_ceil: unknown;
	auto_ttl: unknown;
	service_mode: unknown;
	prio: unknown;
	props: {proxiable: unknown; cloud_on: unknown};
}

describe('rec_new / rec_edit / rec_delete', () => {
	it('creates a record with the string-typed fields typed clients rely on', async () => {
		const {json} = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'api', content: '192.0.2.7', ttl: '1', service_mode: '1'});
		const obj = dig(json, 'response', 'rec', 'obj') as Rec;
		expect(obj).toMatchObject({name: 'api.example.com', display_name: 'api', type: 'A', content: '192.0.2.7', ttl: '1', ttl_ceil: 86400, auto_ttl: 1, service_mode: '1', prio: null, props: {proxiable: 1, cloud_on: 1}});
		expect(typeof obj.rec_id).toBe('string');
		expect(records().find(record => record.recId === obj.rec_id)).toEqual({recId: obj.rec_id, name: 'api.example.com', type: 'A', content: '192.0.2.7', ttl: 1, proxied: true});
	});

	it.each([
		['a short label', 'shop', 'shop.example.com'],
		['an FQDN', 'shop.example.com', 'shop.example.com'],
		['an FQDN with a trailing dot', 'shop.example.com.', 'shop.example.com'],
		['@ for the apex', '@', 'example.com'],
	])('takes the name as %s', async (_form, name, fqdn) => {
		const {json} = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'CNAME', name, content: 'shops.example.net'});
		if (fqdn === 'example.com') {
			expect(json).toMatchObject({result: 'error'});
			return;
		}
		expect(dig(json, 'response', 'rec', 'obj', 'name')).toBe(fqdn);
	});

	it('creates an MX with a string prio and refuses one without', async () => {
		const {json} = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'MX', name: '@', content: 'mx2.example.com', prio: '20', ttl: '3600'});
		expect(dig(json, 'response', 'rec', 'obj')).toMatchObject({prio: '20', ttl: '3600', auto_ttl: 0, service_mode: '0', props: {proxiable: 0}});
		expect((await api(emulator, {a: 'rec_new', z: 'example.com', type: 'MX', name: '@', content: 'mx3.example.com'})).json).toMatchObject({result: 'error', err_code: 'prio'});
	});

	it.each([
		[{type: 'A', name: 'x', content: 'not-an-ip'}, 'content'],
		[{type: 'A', name: 'x', content: '2001:db8::1'}, 'content'],
		[{type: 'CNAME', name: 'x', content: '192.0.2.1'}, 'content'],
		[{type: 'AAAA', name: 'x', content: '192.0.2.1'}, 'content'],
		[{type: 'PTR', name: 'x', content: 'a.example.com'}, 'type'],
		[{type: 'A', name: 'bad name', content: '192.0.2.1'}, 'name'],
		[{type: 'A', name: '', content: '192.0.2.1'}, 'name'],
		[{type: 'A', name: 'x', content: '192.0.2.1', ttl: '60'}, 'ttl'],
		[{type: 'A', name: 'x', content: '192.0.2.1', ttl: '4294967296'}, 'ttl'],
		[{type: 'A', name: 'x', content: '192.0.2.1', service_mode: '2'}, 'service_mode'],
	])('refuses %j naming %s', async (params, code) => {
		const before = records().length;
		const {json} = await api(emulator, {a: 'rec_new', z: 'example.com', ...params});
		expect(json).toMatchObject({result: 'error', err_code: code});
		expect(records().length).toBe(before);
	});

	it('refuses duplicates and CNAME clashes', async () => {
		expect((await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'www', content: '203.0.113.10'})).json.result).toBe('error');
		expect((await api(emulator, {a: 'rec_new', z: 'example.com', type: 'CNAME', name: 'www', content: 'example.net'})).json.result).toBe('error');
		expect((await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'blog', content: '192.0.2.1'})).json.result).toBe('error');
	});

	it('edits a record, keeping what the edit leaves out, and refuses an unknown id', async () => {
		const www = records().find(record => record.name === 'www.example.com' && record.type === 'A');
		if (!www) throw new Error('no www');
		const {json} = await api(emulator, {a: 'rec_edit', z: 'example.com', id: www.recId, content: '192.0.2.99', service_mode: '0'});
		expect(dig(json, 'response', 'rec', 'obj')).toMatchObject({rec_id: www.recId, name: 'www.example.com', content: '192.0.2.99', service_mode: '0', ttl: '1'});
		expect(records().find(record => record.recId === www.recId)).toMatchObject({content: '192.0.2.99', proxied: false});
		expect((await api(emulator, {a: 'rec_edit', z: 'example.com', id: '999', content: '192.0.2.1'})).json).toEqual({result: 'error', msg: 'Invalid record id.'});
		// An id of another zone is not this zone's.
		const netRecord = records('example.net')[0];
		expect((await api(emulator, {a: 'rec_edit', z: 'example.com', id: netRecord.recId, content: '192.0.2.1'})).json).toEqual({result: 'error', msg: 'Invalid record id.'});
	});

	it('deletes a record by id with the bare success body', async () => {
		const target = records()[2];
		expect((await api(emulator, {a: 'rec_delete', z: 'example.com', id: target.recId})).text).toBe('{"msg":null,"result":"success"}');
		expect(records().some(record => record.recId === target.recId)).toBe(false);
		expect((await api(emulator, {a: 'rec_delete', z: 'example.com', id: target.recId})).json).toEqual({result: 'error', msg: 'Invalid record id.'});
	});
});

describe('rec_load_all', () => {
	it('pages by o, count being the page size', async () => {
		for (let i = 0; i < 200; i++) {
			const {json} = await api(emulator, {a: 'rec_new', z: 'example.net', type: 'A', name: `h${i}`, content: '192.0.2.1'});
			expect(json.result).toBe('success');
		}
		const total = records('example.net').length;
		const first = await api(emulator, {a: 'rec_load_all', z: 'example.net'});
		expect(dig(first.json, 'response', 'recs', 'count')).toBe(180);
		expect(dig(first.json, 'response', 'recs', 'has_more')).toBe(true);
		const second = await api(emulator, {a: 'rec_load_all', z: 'example.net', o: '180'});
		expect(dig(second.json, 'response', 'recs', 'count')).toBe(total - 180);
		expect(dig(second.json, 'response', 'recs', 'has_more')).toBe(false);
		const ids = [...(dig(first.json, 'response', 'recs', 'objs') as Rec[]), ...(dig(second.json, 'response', 'recs', 'objs') as Rec[])].map(obj => obj.rec_id);
		expect(new Set(ids).size).toBe(total);
		expect((await api(emulator, {a: 'rec_load_all', z: 'example.net', o: '-1'})).json).toMatchObject({result: 'error', err_code: 'o'});
	});
});

describe('rec_set / rec_del (2011)', () => {
	it('creates with zone=, orange cloud by default, and deletes every record of a name', async () => {
		const {json} = await api(emulator, {a: 'rec_set', zone: 'example.com', type: 'A', name: 'multi', content: '192.0.2.1'});
		expect(json).toMatchObject({response: {result: 'success', msg: null}, result: 'success', msg: null});
		await api(emulator, {a: 'rec_set', zone: 'example.com', type: 'A', name: 'multi.example.com', content: '192.0.2.2', service_mode: '0'});
		expect(records().filter(record => record.name === 'multi.example.com').map(record => record.proxied)).toEqual([true, false]);
		expect((await api(emulator, {a: 'rec_set', zone: 'example.com', type: 'MX', name: 'm', content: 'mx.example.com'})).json).toMatchObject({result: 'error', err_code: 'type'});
		expect((await api(emulator, {a: 'rec_del', zone: 'example.com', name: 'multi.example.com'})).json.result).toBe('success');
		expect(records().some(record => record.name === 'multi.example.com')).toBe(false);
		expect((await api(emulator, {a: 'rec_del', zone: 'example.com', name: 'multi.example.com'})).json.result).toBe('error');
	});

	it('deletes the apex records with @ (all of them)', async () => {
		expect((await api(emulator, {a: 'rec_del', zone: 'example.com', name: '@'})).json.result).toBe('success');
		expect(records().some(record => record.name === 'example.com')).toBe(false);
	});
});

describe('DIUP', () => {
	it('updates the A records of each listed host, one line per host', async () => {
		expect(await plain(emulator, {a: 'DIUP', ip: '192.0.2.50', hosts: 'www.example.com,mail.example.com'})).toBe('www.example.com OK\nmail.example.com OK');
		expect(records().filter(record => record.type === 'A' && ['www.example.com', 'mail.example.com'].includes(record.name)).map(record => record.content)).toEqual(['192.0.2.50', '192.0.2.50']);
		expect(await plain(emulator, {a: 'DIUP', ip: '192.0.2.50', hosts: 'www.example.com,example.net'})).toBe('www.example.com E_NOUPDATE\nexample.net OK');
	});

	it.each([
		[{ip: '300.1.1.1', hosts: 'www.example.com'}, 'E_INVLDIP'],
		[{ip: '192.0.2.1', hosts: ''}, 'E_NOHOST'],
		[{ip: '192.0.2.1', hosts: 'nope.example.com'}, 'E_NOHOST'],
		[{ip: '192.0.2.1', hosts: 'www.example.org'}, 'E_NOHOST'],
		[{ip: '192.0.2.1', hosts: 'bad host.example.com'}, 'E_INVLDHST'],
		[{ip: '192.0.2.1', hosts: 'www.example.com,www.example.com'}, 'E_DUPHST'],
	])('answers %j with the bare code %s and changes nothing', async (params, code) => {
		const before = JSON.stringify(records());
		expect(await plain(emulator, {a: 'DIUP', ...params})).toBe(code);
		expect(JSON.stringify(records())).toBe(before);
	});

	it('answers E_UNAUTH for wrong credentials', async () => {
		expect(await plain(emulator, {a: 'DIUP', ip: '192.0.2.1', hosts: 'www.example.com', tkn: 'wrong'})).toBe('E_UNAUTH');
	});

	it('works through api_json.html too', async () => {
		const {json} = await api(emulator, {a: 'DIUP', ip: '192.0.2.77', hosts: 'www.example.com'});
		expect(json).toMatchObject({response: {result: 'success', msg: null}, result: 'success'});
		expect((await api(emulator, {a: 'DIUP', ip: 'x', hosts: 'www.example.com'})).json).toMatchObject({result: 'error', err_code: 'E_INVLDIP'});
	});
});
