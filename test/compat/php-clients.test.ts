/**
 * PHP clients, replayed with the real curl binary (PHP's ext/curl is libcurl underneath).
 *
 * - The `cloudflare_api` class (AzzA, "omgwtfhax inc. 2011", vendored into many projects):
 *   `curl_setopt(CURLOPT_POSTFIELDS, $data)` with an *array*, which libcurl sends as
 *   multipart/form-data; credentials as `u` + `tkn`; `zid` for zone_ips/zone_grab, `zone` for
 *   rec_del, a stray `id` on rec_new and a stray `service_mode` on rec_delete; any non-200 is
 *   treated as a transport error, the body is `json_decode`d.
 * - bashou/cloudflare_api_nassflare: `http_build_query()` string (urlencoded) with
 *   CURLOPT_CUSTOMREQUEST "POST"; reads `request.z`, `response.recs.objs[].{display_name,rec_id,
 *   display_content,type,service_mode}` and `response.expires_on` (fed to `date()`).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {asArray, asRecord, curl, dig, isCompactJson, jsonPath, parseStrict, recordTypeProblems, recordsNamed, requireTool, startCompat, t0, urlencoded, zoneId} from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
	requireTool('curl', 'curl');
	emulator = await startCompat();
});
afterAll(async () => {
	await emulator?.close();
});

/** What `http_post()` of the cloudflare_api class sends: every field as a multipart part. */
async function phpArrayPost(fields: Record<string, string>): Promise<{status: number; body: string}> {
	const all = {...fields, u: emulator.email, tkn: emulator.key};
	// --form-string: PHP passed values verbatim, never as "@file" uploads.
	const args = Object.entries(all).flatMap(([name, value]) => ['--form-string', `${name}=${value}`]);
	// libcurl of the PHP 5 era announced every multipart POST with "Expect: 100-continue".
	return curl(['-H', 'Expect: 100-continue', ...args, `${emulator.url}${jsonPath}`]);
}

/** What nassflare's `http_fetch_url()` sends: an http_build_query string with a custom POST. */
async function phpStringPost(fields: Record<string, string>): Promise<{status: number; body: string}> {
	const data = urlencoded({email: emulator.email, tkn: emulator.key, ...fields});
	return curl(['-X', 'POST', '-L', '--max-redirs', '10', '--data', data, `${emulator.url}${jsonPath}`]);
}

describe('PHP class (cloudflare_api) multipart via CURLOPT_POSTFIELDS array', () => {
	let created = '';

	it('PHP class multipart rec_new: stray empty id, ttl "1", u alias; reads response.rec.obj', async () => {
		const reply = await phpArrayPost({a: 'rec_new', type: 'A', id: '', content: '192.0.2.7', name: 'dyn', z: 'example.com', ttl: '1', service_mode: '1'});
		expect(reply.status).toBe(200);
		const json = parseStrict(reply.body);
		expect(dig(json, 'result')).toBe('success');
		expect(dig(json, 'msg')).toBeNull();
		const obj = dig(json, 'response', 'rec', 'obj');
		expect(recordTypeProblems(obj)).toEqual([]);
		expect(dig(obj, 'name')).toBe('dyn.example.com');
		expect(dig(obj, 'display_name')).toBe('dyn');
		expect(dig(obj, 'service_mode')).toBe('1');
		expect(dig(obj, 'ttl')).toBe('1');
		created = String(dig(obj, 'rec_id'));
		expect(recordsNamed(emulator, 'example.com', 'dyn.example.com').map(record => record.recId)).toEqual([created]);
	});

	it('PHP class multipart rec_edit by id, then rec_delete with a stray service_mode', async () => {
		const edit = await phpArrayPost({a: 'rec_edit', type: 'A', id: created, content: '192.0.2.8', name: 'dyn', z: 'example.com', ttl: '1', service_mode: '0'});
		expect(edit.status).toBe(200);
		expect(dig(parseStrict(edit.body), 'response', 'rec', 'obj', 'content')).toBe('192.0.2.8');
		expect(dig(parseStrict(edit.body), 'response', 'rec', 'obj', 'service_mode')).toBe('0');
		const removal = await phpArrayPost({a: 'rec_delete', id: created, z: 'example.com', service_mode: '0'});
		expect(removal.status).toBe(200);
		// The real capture of rec_delete was exactly this body.
		expect(removal.body).toBe('{"msg":null,"result":"success"}');
		expect(recordsNamed(emulator, 'example.com', 'dyn.example.com')).toEqual([]);
	});

	it('PHP class multipart zone_check (implode) then zone_grab by zid', async () => {
		const check = await phpArrayPost({a: 'zone_check', zones: 'example.com,example.net'});
		expect(check.status).toBe(200);
		const zones = asRecord(dig(parseStrict(check.body), 'response', 'zones'));
		expect(zones['example.com']).toBe(zoneId(emulator, 'example.com'));
		// Real quirk the notes record: the last key carries a trailing newline.
		expect(zones['example.net\n']).toBe(zoneId(emulator, 'example.net'));
		const grab = await phpArrayPost({a: 'zone_grab', zid: String(zones['example.com'])});
		expect(grab.status).toBe(200);
		expect(grab.body).toBe('{"msg":null,"result":"success"}');
	});

	it('PHP class multipart zone_ips by zid (2011) with class t and geo=0,0', async () => {
		const reply = await phpArrayPost({a: 'zone_ips', zid: String(zoneId(emulator, 'example.com')), hours: '24', class: 't', geo: '0,0'});
		expect(reply.status).toBe(200);
		const ips = asArray(dig(parseStrict(reply.body), 'response', 'ips'));
		expect(ips.length).toBeGreaterThan(0);
		for (const entry of ips) {
			expect(dig(entry, 'classification')).toBe('threat');
			expect(typeof dig(entry, 'ip')).toBe('string');
			expect(Number.isInteger(dig(entry, 'hits'))).toBe(true);
		}
	});

	it('PHP class multipart ban/wl/nul via api_json.html with key=<ip>', async () => {
		const ban = await phpArrayPost({a: 'ban', key: '198.51.100.201'});
		expect(dig(parseStrict(ban.body), 'response', 'result')).toEqual({action: 'BAN', ip: '198.51.100.201'});
		const wl = await phpArrayPost({a: 'wl', key: '198.51.100.202'});
		expect(dig(parseStrict(wl.body), 'response', 'result')).toEqual({action: 'WL', ip: '198.51.100.202'});
		const rules = () => emulator.state().zones.flatMap(zone => zone.accessRules.map(rule => `${rule.ip}:${rule.mode}`));
		expect(rules()).toContain('198.51.100.201:ban');
		expect(rules()).toContain('198.51.100.202:wl');
		const nul = await phpArrayPost({a: 'nul', key: '198.51.100.201'});
		expect(dig(parseStrict(nul.body), 'response', 'result')).toEqual({action: 'NUL', ip: '198.51.100.201'});
		expect(rules()).not.toContain('198.51.100.201:ban');
	});

	it('PHP class multipart DIUP and ip_lkup via api_json.html', async () => {
		const diup = await phpArrayPost({a: 'DIUP', ip: '192.0.2.44', hosts: 'www.example.com'});
		expect(diup.status).toBe(200);
		expect(dig(parseStrict(diup.body), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.com', 'www.example.com').find(record => record.type === 'A')?.content).toBe('192.0.2.44');
		const lookup = await phpArrayPost({a: 'ip_lkup', ip: '192.0.2.44'});
		expect(String(dig(parseStrict(lookup.body), 'response', '192.0.2.44'))).toMatch(/^(BAD|SE):\d+$/);
	});

	it('PHP class multipart rec_set / rec_del with the 2011 "zone" parameter', async () => {
		const set = await phpArrayPost({a: 'rec_set', zone: 'example.net', type: 'CNAME', content: 'example.net', name: 'shop', service_mode: '1'});
		expect(dig(parseStrict(set.body), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.net', 'shop.example.net')).toHaveLength(1);
		const del = await phpArrayPost({a: 'rec_del', zone: 'example.net', name: 'shop.example.net'});
		expect(dig(parseStrict(del.body), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.net', 'shop.example.net')).toEqual([]);
	});

	it('PHP class multipart settings: sec_lvl, cache_lvl, ipv46 answer the fuller form of the 2012-13 fixtures', async () => {
		for (const fields of [{a: 'sec_lvl', z: 'example.com', v: 'high'}, {a: 'cache_lvl', z: 'example.com', v: 'agg'}, {a: 'ipv46', z: 'example.com', v: '1'}]) {
			const reply = await phpArrayPost(fields);
			expect(reply.status, fields.a).toBe(200);
			// Some captures were the bare {"msg":null,"result":"success"}; the client reads neither form.
			expect(parseStrict(reply.body), fields.a).toMatchObject({response: {zone: {obj: {zone_name: 'example.com', zone_status: 'V'}}}, result: 'success', msg: null});
		}
		const zone = emulator.state().zones.find(candidate => candidate.name === 'example.com');
		expect([zone?.securityLevel, zone?.cacheLevel, zone?.ipv6]).toEqual(['high', 'agg', true]);
	});

	it('PHP class multipart devmode and purge_cache (fpurge_ts): expires_on, attributes beside response', async () => {
		const dev = await phpArrayPost({a: 'devmode', z: 'example.com', v: '1'});
		const expires = dig(parseStrict(dev.body), 'response', 'expires_on');
		expect(Number.isInteger(expires)).toBe(true);
		expect(Math.abs(Number(expires) - (t0 / 1000 + 3 * 3600))).toBeLessThanOrEqual(60);
		const purge = await phpArrayPost({a: 'fpurge_ts', z: 'example.com', v: '1'});
		const json = asRecord(parseStrict(purge.body));
		expect(dig(json, 'attributes', 'cooldown')).toBe(20);
		expect(dig(json, 'response', 'attributes')).toBeUndefined();
		expect(Number.isInteger(dig(json, 'response', 'fpurge_ts'))).toBe(true);
		expect(isCompactJson(purge.body)).toBe(true);
	});

	it('PHP class multipart stats with the default interval 20', async () => {
		const reply = await phpArrayPost({a: 'stats', z: 'example.com', interval: '20'});
		const obj = dig(parseStrict(reply.body), 'response', 'result', 'objs', 0);
		expect(typeof dig(obj, 'userSecuritySetting')).toBe('string');
		expect(typeof dig(obj, 'trafficBreakdown', 'pageviews', 'threat')).toBe('number');
		expect(typeof dig(obj, 'bandwidthServed', 'cloudflare')).toBe('number');
	});

	it('PHP class multipart with a wrong key: HTTP 200 and the E_UNAUTH envelope, not a transport error', async () => {
		const reply = await curl(['--form-string', 'a=stats', '--form-string', 'z=example.com', '--form-string', `u=${emulator.email}`, '--form-string', 'tkn=not-the-key', `${emulator.url}${jsonPath}`]);
		expect(reply.status).toBe(200);
		expect(parseStrict(reply.body)).toEqual({result: 'error', msg: 'Unknown token or email', err_code: 'E_UNAUTH'});
	});
});

describe('PHP nassflare scripts: http_build_query string via CURLOPT_CUSTOMREQUEST POST', () => {
	it('PHP nassflare urlencoded rec_load_all: request.z echo and recs.objs fields', async () => {
		const reply = await phpStringPost({a: 'rec_load_all', z: 'example.com'});
		expect(reply.status).toBe(200);
		const json = parseStrict(reply.body);
		expect(dig(json, 'result')).toBe('success');
		expect(dig(json, 'request', 'z')).toBe('example.com');
		const objs = asArray(dig(json, 'response', 'recs', 'objs'));
		const www = objs.find(rec => dig(rec, 'display_name') === 'www');
		expect(www).toBeDefined();
		expect(recordTypeProblems(www)).toEqual([]);
		expect(dig(www, 'display_content')).toBe(dig(www, 'content'));
	});

	it('PHP nassflare urlencoded devmode off: success envelope a date() can format', async () => {
		const reply = await phpStringPost({a: 'devmode', z: 'example.com', v: '0'});
		expect(reply.status).toBe(200);
		expect(dig(parseStrict(reply.body), 'result')).toBe('success');
		expect(emulator.state().zones.find(zone => zone.name === 'example.com')?.devModeExpiresAt).toBe(0);
	});
});
