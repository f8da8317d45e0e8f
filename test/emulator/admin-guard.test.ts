/** The admin interface refuses what a web page in a local browser could send (CSRF, DNS rebinding). */
import {afterEach, describe, expect, it} from 'vitest';
import {adminRefusal, isAllowedOrigin, isJsonContentType, isLoopback, isLoopbackHost, type AdminRequestFacts} from '../../source/emulator/admin.js';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {admin, raw, start} from './helpers.js';

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
	await emulator?.close();
	emulator = undefined;
});

const fault = JSON.stringify({mode: 'http500'});

describe('admin request checks (pure)', () => {
	const ok: AdminRequestFacts = {peer: '127.0.0.1', method: 'POST', host: '127.0.0.1:8787', origin: undefined, contentType: 'application/json'};

	it('knows a loopback peer', () => {
		expect(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
		expect(['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '::2', '128.0.0.1', '127.evil', '', undefined].some(isLoopback)).toBe(false);
	});

	it('knows a loopback Host header', () => {
		for (const host of ['localhost', 'LOCALHOST:8787', '127.0.0.1', '127.0.0.1:1', '127.9.8.7:65535', '[::1]', '[::1]:8787', '[::ffff:127.0.0.1]:80']) {
			expect(isLoopbackHost(host), host).toBe(true);
		}
		for (const host of ['evil.example', 'evil.example:8787', 'localhost.evil.example', '127.0.0.1.evil.example', '127.0.0.1:99999', '0.0.0.0:8787', '10.0.0.1', '[::2]', '::1', 'localhost:8787/x', 'evil@localhost', '', undefined]) {
			expect(isLoopbackHost(host), String(host)).toBe(false);
		}
	});

	it('allows no Origin or a loopback http(s) origin; null and anything else is foreign', () => {
		for (const origin of [undefined, 'http://localhost:3000', 'https://127.0.0.1', 'http://[::1]:8787']) expect(isAllowedOrigin(origin), String(origin)).toBe(true);
		for (const origin of ['null', '', 'http://evil.example', 'https://evil.example:8787', 'file://', 'http://localhost.evil.example', 'ftp://localhost', 'http://localhost/path']) {
			expect(isAllowedOrigin(origin), origin).toBe(false);
		}
	});

	it('takes application/json with parameters, nothing else', () => {
		expect(['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'].every(isJsonContentType)).toBe(true);
		expect(['text/plain', 'text/plain; charset=application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '', undefined].some(isJsonContentType)).toBe(false);
	});

	it('says why a request is refused, peer first', () => {
		expect(adminRefusal(ok)).toBeUndefined();
		expect(adminRefusal({...ok, method: 'GET', contentType: undefined})).toBeUndefined();
		expect(adminRefusal({...ok, peer: '192.168.1.2'})).toMatch(/loopback clients/);
		expect(adminRefusal({...ok, peer: '192.168.1.2', host: 'evil.example'})).toMatch(/loopback clients/);
		expect(adminRefusal({...ok, host: 'evil.example'})).toMatch(/Host/);
		expect(adminRefusal({...ok, host: undefined})).toMatch(/Host/);
		expect(adminRefusal({...ok, origin: 'null'})).toMatch(/Origin/);
		expect(adminRefusal({...ok, contentType: 'text/plain'})).toMatch(/application\/json/);
		expect(adminRefusal({...ok, method: 'PUT', contentType: undefined})).toMatch(/application\/json/);
	});
});

describe('admin interface over HTTP', () => {
	const refusals: [string, Record<string, string>, RegExp][] = [
		['a text/plain body (a form or fetch without preflight)', {'Content-Type': 'text/plain'}, /application\/json/],
		['no content type', {}, /application\/json/],
		['a form body', {'Content-Type': 'application/x-www-form-urlencoded'}, /application\/json/],
		['a foreign Origin', {'Content-Type': 'application/json', Origin: 'http://evil.example'}, /Origin/],
		['Origin: null', {'Content-Type': 'application/json', Origin: 'null'}, /Origin/],
		['a foreign Host (DNS rebinding)', {'Content-Type': 'application/json', Host: 'evil.example:8787'}, /Host/],
		['text/plain, a foreign Origin and a foreign Host at once', {'Content-Type': 'text/plain', Origin: 'http://evil.example', Host: 'evil.example'}, /Host/],
	];
	for (const [what, headers, why] of refusals) {
		it(`refuses ${what} with 403, and the fault is not set`, async () => {
			emulator = await start();
			const reply = await raw(emulator.url, '/__emulator/faults', {body: fault, headers});
			expect(reply.status).toBe(403);
			expect(reply.headers['content-type']).toMatch(/^application\/json/);
			expect((JSON.parse(reply.text) as {error: string}).error).toMatch(why);
			expect(emulator.state().fault.mode).toBe('none');
			// The state read through HTTP (with acceptable headers) agrees.
			const state = JSON.parse((await admin(emulator, 'state')).text) as {fault: {mode: string}};
			expect(state.fault.mode).toBe('none');
		});
	}

	it('refuses clock and scenario changes the same way', async () => {
		emulator = await start();
		const before = emulator.state().now;
		expect((await raw(emulator.url, '/__emulator/clock', {body: JSON.stringify({advanceSeconds: 90}), headers: {'Content-Type': 'text/plain'}})).status).toBe(403);
		expect((await raw(emulator.url, '/__emulator/scenario', {body: JSON.stringify({name: 'flood'}), headers: {'Content-Type': 'application/json', Origin: 'https://evil.example'}})).status).toBe(403);
		expect(emulator.state().now).toBe(before);
		expect(emulator.state().scenario).toBe('calm');
	});

	it('GET /__emulator/state follows the Host and Origin rules', async () => {
		emulator = await start();
		expect((await raw(emulator.url, '/__emulator/state', {headers: {Host: 'evil.example'}})).status).toBe(403);
		expect((await raw(emulator.url, '/__emulator/state', {headers: {Origin: 'null'}})).status).toBe(403);
		expect((await raw(emulator.url, '/__emulator/state', {headers: {Origin: 'http://evil.example'}})).status).toBe(403);
		expect((await raw(emulator.url, '/__emulator/state', {headers: {Host: `localhost:${emulator.port}`, Origin: `http://127.0.0.1:${emulator.port}`}})).status).toBe(200);
	});

	it('still takes a JSON POST, with a charset, a loopback Origin, or from fetch', async () => {
		emulator = await start();
		const url = emulator.url;
		const post = (headers: Record<string, string>, body: unknown) => raw(url, '/__emulator/faults', {body: JSON.stringify(body), headers});
		expect((await post({'Content-Type': 'application/json; charset=utf-8'}, {mode: 'http500', count: 1})).status).toBe(200);
		expect(emulator.state().fault).toMatchObject({mode: 'http500', count: 1});
		expect((await post({'Content-Type': 'application/json', Origin: 'http://localhost:3000', Host: `[::1]:${emulator.port}`}, {mode: 'none'})).status).toBe(200);
		expect(emulator.state().fault.mode).toBe('none');
		const viaFetch = await fetch(`${url}/__emulator/faults`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({mode: 'lax'})});
		expect(viaFetch.status).toBe(200);
		expect(emulator.state().fault.mode).toBe('lax');
		expect((await fetch(`${url}/__emulator/state`)).status).toBe(200);
	});
});
