/**
 * Cross-client quirks of the real service (docs/emulator.md lists them), each replayed in the
 * request shape of a client family that depended on it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {asArray, dig, isCompactJson, jsonPath, parseStrict, recordsNamed, send, startCompat, urlencoded, zoneId} from './helpers.js';

describe('ddclient-style (3.8.x cloudflare protocol) GET rec_load_all + rec_edit', () => {
	let emulator: EmulatorHandle;
	beforeAll(async () => {
		emulator = await startCompat();
	});
	afterAll(async () => {
		await emulator?.close();
	});

	it('ddclient-style: find the A record by FQDN name, rec_edit with the short hostname, ttl=1, no service_mode', async () => {
		// geturl() on a URL built by concatenation: the login goes in raw.
		const list = await send(emulator.url, `${jsonPath}?a=rec_load_all&z=example.com&email=${emulator.email}&tkn=${emulator.key}`);
		const json = parseStrict(list.text);
		expect(dig(json, 'result')).toBe('success');
		const id = asArray(dig(json, 'response', 'recs', 'objs')).filter(rec => dig(rec, 'name') === 'www.example.com' && dig(rec, 'type') === 'A').map(rec => dig(rec, 'rec_id'));
		expect(id).toHaveLength(1);
		const edit = await send(emulator.url, `${jsonPath}?a=rec_edit&type=A&ttl=1&name=www&z=example.com&id=${String(id[0])}&email=${emulator.email}&tkn=${emulator.key}&content=192.0.2.201`);
		expect(edit.status).toBe(200);
		expect(dig(parseStrict(edit.text), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.com', 'www.example.com').filter(record => record.type === 'A').map(record => record.content)).toEqual(['192.0.2.201']);
	});
});

describe('E_MAXAPI: the hourly budget answered at HTTP 200', () => {
	let emulator: EmulatorHandle;
	beforeAll(async () => {
		emulator = await startCompat({rateLimit: 2});
	});
	afterAll(async () => {
		await emulator?.close();
	});

	it('pyflare-style POSTs past the budget get the E_MAXAPI envelope, not a 429; fail2ban-style api.html gets plain E_MAXAPI', async () => {
		const body = urlencoded({a: 'zone_check', zones: 'example.com', email: emulator.email, tkn: emulator.key});
		const post = () => send(emulator.url, jsonPath, {body, headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect((await post()).status).toBe(200);
		expect((await post()).status).toBe(200);
		const refused = await post();
		expect(refused.status).toBe(200);
		expect(refused.text).toBe('{"result":"error","msg":"You have exceeded your allowed number of API calls.","err_code":"E_MAXAPI"}');
		const plain = await send(emulator.url, `/api.html?a=ban&key=203.0.113.5&u=${emulator.email}&tkn=${emulator.key}`);
		expect([plain.status, plain.text]).toEqual([200, 'E_MAXAPI']);
		// A sliding hour: the budget comes back.
		emulator.advanceClock(3601);
		expect(dig(parseStrict((await post()).text), 'result')).toBe('success');
	});
});

describe('raw "+" and "@" in the email (clients that never URL-encoded)', () => {
	let emulator: EmulatorHandle;
	beforeAll(async () => {
		emulator = await startCompat({email: 'ops+cf@example.com'});
	});
	afterAll(async () => {
		await emulator?.close();
	});

	it('cron-DDNS-style api.html GET with u=ops+cf@example.com unencoded', async () => {
		const reply = await send(emulator.url, `/api.html?a=DIUP&hosts=www.example.com&u=ops+cf@example.com&tkn=${emulator.key}&ip=192.0.2.31`);
		expect([reply.status, reply.text]).toEqual([200, 'www.example.com OK']);
	});

	it('JavaFlare-style hand-built body with email=ops+cf@example.com unencoded', async () => {
		const reply = await send(emulator.url, jsonPath, {body: `a=zone_check&zones=example.com,example.net&tkn=${emulator.key}&email=ops+cf@example.com`, headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(dig(parseStrict(reply.text), 'result')).toBe('success');
	});

	it('node-cloudflare-style body with the email properly encoded (%2B, %40) works the same', async () => {
		const reply = await send(emulator.url, jsonPath, {body: urlencoded({a: 'zone_check', zones: 'example.com', tkn: emulator.key, email: 'ops+cf@example.com'}), headers: {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}});
		expect(dig(parseStrict(reply.text), 'result')).toBe('success');
	});
});

describe('response text as strict-JSON clients parsed it', () => {
	let emulator: EmulatorHandle;
	beforeAll(async () => {
		emulator = await startCompat();
	});
	afterAll(async () => {
		await emulator?.close();
	});

	it('pyflare-style rec_new of a TXT with URLs: compact JSON, slashes escaped as \\/, "msg":null', async () => {
		const body = urlencoded({a: 'rec_new', z: 'example.com', type: 'TXT', name: 'docs', content: 'see https://example.com/policy', ttl: '1', tkn: emulator.key, email: emulator.email});
		const reply = await send(emulator.url, jsonPath, {body, headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(reply.status).toBe(200);
		expect(isCompactJson(reply.text)).toBe(true);
		expect(reply.text).toContain('https:\\/\\/example.com\\/policy');
		expect(reply.text.replace(/\\\//g, '')).not.toContain('/');
		expect(reply.text).toContain('"msg":null');
		expect(dig(parseStrict(reply.text), 'response', 'rec', 'obj', 'content')).toBe('see https://example.com/policy');
	});

	it('Perl-style errors without err_code: "Invalid zone." and "Invalid record id."', async () => {
		const post = (fields: Record<string, string>) => send(emulator.url, jsonPath, {body: urlencoded({...fields, tkn: emulator.key, email: emulator.email}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		const zone = await post({a: 'stats', z: 'not-a-zone.example', interval: '20'});
		expect([zone.status, zone.text]).toEqual([200, '{"result":"error","msg":"Invalid zone."}']);
		const record = await post({a: 'rec_delete', z: 'example.com', id: '424242'});
		expect([record.status, record.text]).toEqual([200, '{"result":"error","msg":"Invalid record id."}']);
	});

	it('zone_check without a trailing comma: the last key carries "\\n" (clients trim keys)', async () => {
		const reply = await send(emulator.url, `${jsonPath}?${urlencoded({a: 'zone_check', zones: 'example.com,example.net,example.org', u: emulator.email, tkn: emulator.key})}`);
		// example.org exists but belongs to another account: 0, like an unknown zone.
		expect(dig(parseStrict(reply.text), 'response', 'zones')).toEqual({'example.com': zoneId(emulator, 'example.com'), 'example.net': zoneId(emulator, 'example.net'), 'example.org\n': 0});
	});
});

describe('zone and class parameter variants across client generations', () => {
	let emulator: EmulatorHandle;
	beforeAll(async () => {
		emulator = await startCompat();
	});
	afterAll(async () => {
		await emulator?.close();
	});

	const ipsOf = async (fields: Record<string, string>) => {
		const reply = await send(emulator.url, jsonPath, {body: urlencoded({a: 'zone_ips', hours: '24', ...fields, tkn: emulator.key, email: emulator.email}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(dig(parseStrict(reply.text), 'result')).toBe('success');
		return asArray(dig(parseStrict(reply.text), 'response', 'ips')).map(ip => `${String(dig(ip, 'ip'))}:${String(dig(ip, 'classification'))}:${String(dig(ip, 'hits'))}`);
	};

	it('zone_ips by zid (2011 PHP class) and by z (pyflare, Perl, node) give the same answer', async () => {
		const byZid = await ipsOf({zid: String(zoneId(emulator, 'example.com')), class: 't'});
		const byZ = await ipsOf({z: 'example.com', class: 't'});
		expect(byZid.length).toBeGreaterThan(0);
		expect(byZid).toEqual(byZ);
	});

	it('zone_ips class=c (a client variant for crawler) equals class=s', async () => {
		const c = await ipsOf({z: 'example.com', class: 'c'});
		const s = await ipsOf({z: 'example.com', class: 's'});
		expect(c.length).toBeGreaterThan(0);
		expect(c).toEqual(s);
		expect(c.every(entry => entry.includes(':crawler:'))).toBe(true);
	});
});
