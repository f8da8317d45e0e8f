/**
 * Clients whose exact bytes are replayed with Node's http module, because the shape itself is the
 * point (headers, raw characters, odd bodies) and the original runtime is not installed here.
 *
 * - cloudflare/node-cloudflare, lib/cloudflare.js (the v1 client before the v4 rewrite):
 *   `qs.stringify` body, `content-type: application/x-www-form-urlencoded; charset=utf-8`,
 *   `email` + `tkn`; zone_check always appends "," and then deletes the `"\n"` key, because the
 *   real service appended "\n" to the last (here empty) zone; zone_load_multi adds `act=zone_load_multi`;
 *   wl/ban/nul forget `key` entirely; reads `res.zones.objs`, `res.recs.objs`, `res.rec.obj`,
 *   `data.msg` on errors.
 * - Perl CloudFlare::Client (gitpan/CloudFlare-Client, lib/CloudFlare/Client.pm): LWP
 *   `$ua->post($url, {%args, tkn, email, a})` (urlencoded), zone_ips with `z`; dies unless
 *   `result eq 'success'`, reporting `err_code` and `msg`.
 * - Ruby `cloudflare` gem (b4k3r/cloudflare): `Net::HTTP::Post#set_form_data` with `u` + `tkn`,
 *   symbols as values (`a: :fpurge_ts`); raises on `result == 'error'` with `msg`.
 * - JavaFlare (find_string id 35580160167): hand-built body `"a=zone_ips&z=" + domain + ... +
 *   "&tkn=" + key + "&email=" + email`, the `@` unencoded, `geo=0`/`geo=1`, `hours` capped at 48.
 * - Bungee/Minecraft proxies (find_string ids 13595305104, 29668816649): everything in the query
 *   string of a POST whose body is a JSON `{}`; `(String) record.get("rec_id")`.
 * - A Go updater (find_string id 40943884038): GET with raw concatenation; `.(string)` type
 *   assertions on rec_id, name, display_name, service_mode (a panic otherwise).
 * - PowerShell `Invoke-RestMethod -Method Get -Body $hashtable` (find_string id 6436698250): the
 *   hashtable becomes the query string; ip_lkup with `email`.
 * - WordPress CloudFlare plugin 1.x (find_string id 15248706495): spam reports as a GET to
 *   /ajax/external-event.html with `evnt_v` urlencoded JSON `{a, am, ip, con}`, the email raw, `WP_SPAM`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {asArray, asRecord, dig, jsonPath, parseStrict, recordTypeProblems, send, startCompat, urlencoded, zoneId} from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
	emulator = await startCompat();
});
afterAll(async () => {
	await emulator?.close();
});

/** node-cloudflare's `_request`: querystring body, its own content-type and content-length. */
async function nodeCloudflare(action: string, params: Record<string, string>) {
	const data = urlencoded({tkn: emulator.key, email: emulator.email, a: action, ...params});
	const reply = await send(emulator.url, jsonPath, {method: 'POST', body: data, headers: {'content-length': String(data.length), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'}});
	return {status: reply.status, text: reply.text, json: parseStrict(reply.text)};
}

describe('node-cloudflare (cloudflare/node-cloudflare lib/cloudflare.js, v1 era)', () => {
	it('node-cloudflare zone_check with its forced trailing comma: named zones come back clean, the "\\n" key is the empty one', async () => {
		const reply = await nodeCloudflare('zone_check', {zones: 'example.com,example.net,'});
		expect(reply.status).toBe(200);
		const zones = asRecord(dig(reply.json, 'response', 'zones'));
		// The client deletes zones["\n"] and then looks zones up by their plain names.
		delete zones['\n'];
		expect(zones).toEqual({'example.com': zoneId(emulator, 'example.com'), 'example.net': zoneId(emulator, 'example.net')});
	});

	it('node-cloudflare zone_check: the real service answered the trailing comma with a "\\n" key of 0', async () => {
		const reply = await nodeCloudflare('zone_check', {zones: 'example.com,'});
		expect(dig(reply.json, 'response', 'zones')).toEqual({'example.com': zoneId(emulator, 'example.com'), '\n': 0});
	});

	it('node-cloudflare listDomains: zone_load_multi with an extra act=, reads zones.objs/has_more/count', async () => {
		const reply = await nodeCloudflare('zone_load_multi', {act: 'zone_load_multi'});
		const zones = dig(reply.json, 'response', 'zones');
		const objs = asArray(dig(zones, 'objs'));
		expect(dig(zones, 'has_more')).toBe(false);
		expect(dig(zones, 'count')).toBe(objs.length);
		expect(objs.map(zone => dig(zone, 'zone_name'))).toEqual(['example.com', 'example.net']);
		for (const zone of objs) expect(typeof dig(zone, 'zone_id')).toBe('string');
		expect(objs.map(zone => dig(zone, 'zone_id'))).toEqual([String(zoneId(emulator, 'example.com')), String(zoneId(emulator, 'example.net'))]);
	});

	it('node-cloudflare addDomainRecord (defaults type A, ttl "1") reads res.rec.obj; listDomainRecords reads res.recs.objs', async () => {
		const created = await nodeCloudflare('rec_new', {type: 'A', ttl: '1', name: 'api', content: '192.0.2.60', z: 'example.com'});
		const obj = dig(created.json, 'response', 'rec', 'obj');
		expect(recordTypeProblems(obj)).toEqual([]);
		const listed = await nodeCloudflare('rec_load_all', {z: 'example.com'});
		const objs = asArray(dig(listed.json, 'response', 'recs', 'objs'));
		expect(objs.some(rec => dig(rec, 'rec_id') === dig(obj, 'rec_id'))).toBe(true);
		for (const rec of objs) expect(recordTypeProblems(rec)).toEqual([]);
		const removed = await nodeCloudflare('rec_delete', {z: 'example.com', id: String(dig(obj, 'rec_id'))});
		expect(dig(removed.json, 'result')).toBe('success');
	});

	it('node-cloudflare banIp (sends no key at all): an error envelope whose msg becomes the Error', async () => {
		const reply = await nodeCloudflare('ban', {});
		expect(reply.status).toBe(200);
		expect(dig(reply.json, 'result')).toBe('error');
		expect(String(dig(reply.json, 'msg')).length).toBeGreaterThan(0);
	});

	it('node-cloudflare zoneIps with default hours "24" and z; devmode v "1"', async () => {
		const ips = await nodeCloudflare('zone_ips', {hours: '24', z: 'example.com'});
		expect(asArray(dig(ips.json, 'response', 'ips')).length).toBeGreaterThan(0);
		const dev = await nodeCloudflare('devmode', {z: 'example.com', v: '1'});
		expect(Number.isInteger(dig(dev.json, 'response', 'expires_on'))).toBe(true);
	});
});

describe('Perl CloudFlare::Client (LWP urlencoded POST)', () => {
	/** LWP's POST with a hashref: application/x-www-form-urlencoded, spaces as "+". */
	async function perlApiCall(action: string, args: Record<string, string>) {
		const body = urlencoded({...args, tkn: emulator.key, email: emulator.email, a: action});
		const reply = await send(emulator.url, jsonPath, {body, headers: {'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'CloudFlare::Client/0.55'}});
		expect(reply.status).toBe(200);
		return asRecord(parseStrict(reply.text));
	}

	it('Perl-style zoneIps with z and user args, returns $info->{response}', async () => {
		const info = await perlApiCall('zone_ips', {hours: '48', class: 's', z: 'example.com'});
		expect(info.result).toBe('success');
		const ips = asArray(dig(info, 'response', 'ips'));
		expect(ips.every(ip => dig(ip, 'classification') === 'crawler')).toBe(true);
	});

	it('Perl-style secLvl with a bad value: err_code and msg for the Upstream exception', async () => {
		const info = await perlApiCall('sec_lvl', {z: 'example.com', v: 'extreme'});
		expect(info.result).toBe('error');
		expect(typeof info.msg).toBe('string');
		// Validation errors named the offending parameter as err_code.
		expect(info.err_code).toBe('v');
	});

	it('Perl-style recLoadAll on a zone of another account: "Invalid zone." style error, not data', async () => {
		const info = await perlApiCall('rec_load_all', {z: 'example.org'});
		expect(info.result).toBe('error');
		expect(info.response).toBeUndefined();
	});
});

describe('Ruby cloudflare gem (Net::HTTP set_form_data, u + tkn)', () => {
	it('Ruby-gem-style fpurge_ts with symbol values, u alias: success then a raised RequestError inside the cooldown', async () => {
		const body = urlencoded({a: 'fpurge_ts', z: 'example.net', v: '1', tkn: emulator.key, u: emulator.email});
		const headers = {'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Encoding': 'gzip;q=1.0,deflate;q=0.6,identity;q=0.3', 'User-Agent': 'Ruby'};
		const first = asRecord(parseStrict((await send(emulator.url, jsonPath, {body, headers})).text));
		expect(first.result).toBe('success');
		const second = asRecord(parseStrict((await send(emulator.url, jsonPath, {body, headers})).text));
		expect(second.result).toBe('error');
		expect(typeof second.msg).toBe('string');
	});
});

describe('Java clients', () => {
	it('JavaFlare-style hand-built body with a raw "@" and geo=0, hours capped at 48', async () => {
		const body = `a=zone_ips&z=example.com&hours=48&class=t&geo=0&tkn=${emulator.key}&email=${emulator.email}`;
		const reply = await send(emulator.url, jsonPath, {body, headers: {'Content-Type': 'application/x-www-form-urlencoded', charset: 'utf-8'}});
		expect(reply.status).toBe(200);
		const json = parseStrict(reply.text);
		expect(dig(json, 'result')).toBe('success');
		expect(asArray(dig(json, 'response', 'ips')).every(ip => dig(ip, 'classification') === 'threat')).toBe(true);
	});

	it('Bungee-style POST of a JSON {} to a query-string URL, then (String) rec_id', async () => {
		const target = `${jsonPath}?a=rec_load_all&z=example.com&tkn=${emulator.key}&email=${emulator.email}`;
		const reply = await send(emulator.url, target, {body: '{}', headers: {'Content-Type': 'application/json'}});
		expect(reply.status).toBe(200);
		const objs = asArray(dig(parseStrict(reply.text), 'response', 'recs', 'objs'));
		const match = objs.find(rec => dig(rec, 'content') === '203.0.113.25');
		expect(typeof dig(match, 'rec_id')).toBe('string');
	});
});

describe('Go updater (GET, raw concatenation, .(string) assertions)', () => {
	it('Go-style rec_load_all then rec_edit with display_name and service_mode read as strings', async () => {
		const list = await send(emulator.url, `${jsonPath}?a=rec_load_all&tkn=${emulator.key}&email=${emulator.email}&z=example.com`);
		const objs = asArray(dig(parseStrict(list.text), 'response', 'recs', 'objs'));
		const www = objs.find(rec => dig(rec, 'name') === 'www.example.com' && dig(rec, 'type') === 'A');
		for (const key of ['rec_id', 'name', 'display_name', 'service_mode']) expect(typeof dig(www, key), key).toBe('string');
		const target = `${jsonPath}?a=rec_edit&tkn=${emulator.key}&id=${String(dig(www, 'rec_id'))}&email=${emulator.email}&z=example.com&type=A&name=${String(dig(www, 'display_name'))}&content=192.0.2.90&service_mode=${String(dig(www, 'service_mode'))}&ttl=1`;
		const edit = await send(emulator.url, target);
		expect(dig(parseStrict(edit.text), 'result')).toBe('success');
		expect(dig(parseStrict(edit.text), 'response', 'rec', 'obj', 'name')).toBe('www.example.com');
	});
});

describe('PowerShell Invoke-RestMethod -Method Get -Body @{...}', () => {
	it('PowerShell-style ip_lkup as a GET query built from a hashtable', async () => {
		const reply = await send(emulator.url, `${jsonPath}?${urlencoded({tkn: emulator.key, email: emulator.email, a: 'ip_lkup', ip: '1.0.171.33'})}`);
		const response = asRecord(dig(parseStrict(reply.text), 'response'));
		expect(Object.keys(response)).toEqual(['1.0.171.33']);
		expect(String(response['1.0.171.33'])).toMatch(/^(BAD|SE):\d+$/);
	});
});

describe('WordPress CloudFlare plugin 1.x spam reports', () => {
	it('WordPress-plugin-style WP_SPAM report: GET external-event.html, email raw, evnt_v {a, am, ip, con}', async () => {
		const payload = encodeURIComponent(JSON.stringify({a: 'spammer', am: 'spam@example.net', ip: '203.0.113.200', con: 'cheap pills http://spam.example/'}));
		const target = `/ajax/external-event.html?evnt_v=${payload}&u=${emulator.email}&tkn=${emulator.key}&evnt_t=WP_SPAM`;
		const reply = await send(emulator.url, target, {headers: {'User-Agent': 'CloudFlare/WordPress/1.3.24'}});
		expect(reply.status).toBe(200);
		expect(dig(parseStrict(reply.text), 'result')).toBe('success');
	});

	it('WordPress-plugin-style report with the email + t spelling of the plugin comment', async () => {
		const payload = encodeURIComponent(JSON.stringify({a: 'x', am: 'x@example.net', ip: '203.0.113.201', con: 'spam'}));
		const reply = await send(emulator.url, `/ajax/external-event.html?email=${emulator.email}&t=${emulator.key}&evnt_v=${payload}&evnt_t=WP_SPAM`);
		expect(dig(parseStrict(reply.text), 'result')).toBe('success');
	});
});
