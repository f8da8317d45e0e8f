import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, dig, form, raw, start} from './helpers.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
	emulator = await start({email: 'ops+cf@example.com', rateLimit: 10_000});
});
afterAll(() => emulator.close());

/** A setting change's answer: the zone object under response.zone.obj. */
const changed = {response: {zone: {obj: {zone_name: 'example.com'}}}, result: 'success', msg: null};
const creds = () => ({u: emulator.email, tkn: emulator.key});

describe('parameter encodings', () => {
	it('accepts an urlencoded POST', async () => {
		const reply = await raw(emulator.url, '/api_json.html', {body: form({a: 'sec_lvl', z: 'example.com', v: 'high', ...creds()}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.text)).toMatchObject(changed);
		expect(emulator.state().zones[0].securityLevel).toBe('high');
	});

	it('accepts a multipart POST (what PHP curl sends for an array of fields)', async () => {
		const body = new FormData();
		for (const [name, value] of Object.entries({a: 'cache_lvl', z: 'example.com', v: 'basic', ...creds()})) body.append(name, value);
		const response = await fetch(`${emulator.url}/api_json.html`, {method: 'POST', body});
		expect(await response.json()).toMatchObject(changed);
		expect(emulator.state().zones[0].cacheLevel).toBe('basic');
	});

	it('accepts a POST with an empty body and everything in the query string', async () => {
		const reply = await raw(emulator.url, `/api_json.html?${form({a: 'ipv46', z: 'example.com', v: '1', ...creds()})}`, {method: 'POST', body: ''});
		expect(JSON.parse(reply.text)).toMatchObject(changed);
		expect(emulator.state().zones[0].ipv6).toBe(true);
	});

	it('accepts a GET', async () => {
		const reply = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'example.com', ...creds()})}`);
		expect(dig(JSON.parse(reply.text), 'response', 'zones', 'example.com\n')).toBeGreaterThan(0);
	});

	it('merges query and body, the body winning', async () => {
		const reply = await raw(emulator.url, `/api_json.html?a=sec_lvl&z=example.com&v=low`, {body: form({v: 'eoff', ...creds()}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(JSON.parse(reply.text)).toMatchObject(changed);
		expect(emulator.state().zones[0].securityLevel).toBe('eoff');
	});

	it('tolerates unencoded values: a raw "+" and "@" in the email', async () => {
		const reply = await raw(emulator.url, `/api_json.html?a=ipv46&z=example.com&v=0&email=ops+cf@example.com&tkn=${emulator.key}`);
		expect(JSON.parse(reply.text)).toMatchObject(changed);
		const encoded = await raw(emulator.url, `/api_json.html?a=ipv46&z=example.com&v=0&email=ops%2Bcf%40example.com&tkn=${emulator.key}`);
		expect(JSON.parse(encoded.text)).toMatchObject(changed);
	});

	it('takes u as an alias of email and ignores unknown parameters', async () => {
		const {json} = await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'med', act: 'whatever', o: '0', geo: '0,0'});
		expect(json).toMatchObject(changed);
	});

	it('keeps a stray "%" literally', async () => {
		const reply = await raw(emulator.url, `/api_json.html?a=ip_lkup&ip=1.2.3.4%&u=${emulator.email}&tkn=${emulator.key}`);
		expect(JSON.parse(reply.text)).toMatchObject({result: 'error', err_code: 'ip'});
	});
});

describe('bad requests never crash it', () => {
	it('answers invalid UTF-8 in the query with an error envelope', async () => {
		const reply = await raw(emulator.url, '/api_json.html?a=stats&z=%FF%FE');
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.text)).toEqual({result: 'error', msg: 'Parameters are not valid UTF-8.', err_code: 'E_INVLDINPUT'});
	});

	it('answers invalid UTF-8 bytes in an urlencoded body with an error envelope', async () => {
		const body = Buffer.concat([Buffer.from('a=stats&z=exa'), Buffer.from([0xc3, 0x28]), Buffer.from('mple.com')]);
		const reply = await raw(emulator.url, '/api_json.html', {body, headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(JSON.parse(reply.text)).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
	});

	it.each([
		['no boundary', 'multipart/form-data', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nstats\r\n--x--\r\n'],
		['no closing boundary', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nstats\r\n'],
		['a part without a name', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data\r\n\r\nstats\r\n--x--\r\n'],
		['a boundary never found', 'multipart/form-data; boundary=zzz', 'a=stats'],
	])('answers a malformed multipart body (%s) with an error envelope', async (_name, type, body) => {
		const reply = await raw(emulator.url, '/api_json.html', {body, headers: {'Content-Type': type}});
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.text)).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
		expect(String(dig(JSON.parse(reply.text), 'msg'))).toMatch(/multipart/i);
	});

	it('refuses a body over 1 MB with HTTP 413 (declared length)', async () => {
		const reply = await raw(emulator.url, '/api_json.html', {body: Buffer.alloc(1024 * 1024 + 1, 0x61), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(reply.status).toBe(413);
	});

	it('refuses a chunked body that grows over 1 MB with HTTP 413', async () => {
		const reply = await raw(emulator.url, '/api_json.html', {body: Buffer.alloc(1024 * 1024 + 10, 0x61), chunked: true, headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).catch((error: unknown) => error);
		// Either the 413 arrives or the socket is cut after it; never a 200.
		if (reply instanceof Error) expect(reply.message).toMatch(/EPIPE|ECONNRESET|socket/);
		else expect((reply as {status: number}).status).toBe(413);
	});

	it('accepts a body of exactly 1 MB', async () => {
		const padding = 'x'.repeat(1024 * 1024 - 200);
		const body = form({a: 'zone_check', zones: 'example.com', ...creds(), pad: padding}).slice(0, 1024 * 1024);
		const reply = await raw(emulator.url, '/api_json.html', {body, headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(reply.status).toBe(200);
	});

	it.each([[''], ['a='], ['a=nope'], ['a=STATS']])('answers a missing or unknown action (%s) with E_INVLDINPUT', async query => {
		const reply = await raw(emulator.url, `/api_json.html?${query}&u=${emulator.email}&tkn=${emulator.key}`);
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.text)).toEqual({result: 'error', msg: 'Some other input was not valid', err_code: 'E_INVLDINPUT'});
	});

	it('answers 404 outside the API paths', async () => {
		expect((await raw(emulator.url, '/api_v4.html')).status).toBe(404);
	});
});

describe('wire quirks', () => {
	it('sends compact JSON, escapes slashes as \\/ and sends "msg":null', async () => {
		const {text} = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'TXT', name: 'slash', content: 'a/b http://x/y'});
		expect(text).toContain('"content":"a\\/b http:\\/\\/x\\/y"');
		expect(text).not.toMatch(/": |, "/);
		expect(text).toMatch(/"result":"success","msg":null}$/);
		expect(dig(JSON.parse(text), 'response', 'rec', 'obj', 'content')).toBe('a/b http://x/y');
	});

	it('answers errors at HTTP 200', async () => {
		const {status, json} = await api(emulator, {a: 'stats', z: 'nope.example'});
		expect(status).toBe(200);
		expect(json).toEqual({result: 'error', msg: 'Invalid zone.'});
	});

	it('wraps JSONP in a safe callback and refuses an unsafe one', async () => {
		const ok = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'example.com', callback: 'jQuery123_cb.done', ...creds()})}`);
		expect(ok.headers['content-type']).toMatch(/javascript/);
		expect(ok.text).toMatch(/^jQuery123_cb\.done\(\{.*\}\)$/);
		const before = emulator.state().accounts[0].calls.total;
		for (const callback of ['alert(1)//', 'a b', '1abc', '', 'x;y', '<script>']) {
			const bad = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'example.com', callback, ...creds()})}`);
			expect(bad.text.startsWith('{"result":"error"')).toBe(true);
			expect(bad.headers['content-type']).toMatch(/json/);
		}
		expect(emulator.state().accounts[0].calls.total).toBe(before);
	});
});
