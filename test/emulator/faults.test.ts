import http from 'node:http';
import os from 'node:os';
import {afterEach, describe, expect, it} from 'vitest';
import {isLoopback} from '../../source/emulator/admin.js';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {admin, api, form, plain, raw, start} from './helpers.js';

let emulator: EmulatorHandle;
afterEach(() => emulator?.close());

const sunset = 'This API has been deprecated in favor of API v4, available at https://api.cloudflare.com.';
const statsQuery = () => `/api_json.html?${form({a: 'sec_lvl', z: 'example.com', v: 'high', u: emulator.email, tkn: emulator.key})}`;
const calls = () => emulator.state().accounts[0].calls.total;

/** A request that reports how it ended instead of throwing. */
function attempt(path: string, timeoutMs = 300): Promise<{status?: number; text?: string; error?: string}> {
	return new Promise(resolve => {
		const target = new URL(emulator.url);
		const request = http.get({host: target.hostname, port: target.port, path, agent: false, timeout: timeoutMs}, response => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode, text: Buffer.concat(chunks).toString()}));
			response.on('error', error => resolve({error: error.message}));
		});
		request.on('timeout', () => {
			request.destroy();
			resolve({error: 'timeout'});
		});
		request.on('error', error => resolve({error: (error as NodeJS.ErrnoException).code ?? error.message}));
	});
}

describe('fault modes', () => {
	it('latency delays the normal answer by ms, and the call counts', async () => {
		emulator = await start();
		emulator.setFault({mode: 'latency', ms: 250, count: 1});
		const started = performance.now();
		const reply = await attempt(statsQuery(), 2000);
		expect(performance.now() - started).toBeGreaterThanOrEqual(240);
		expect(JSON.parse(reply.text ?? '')).toMatchObject({response: {zone: {obj: {zone_name: 'example.com'}}}, result: 'success', msg: null});
		expect(calls()).toBe(1);
		expect(emulator.state().fault).toEqual({mode: 'none'});
	});

	it('timeout never answers', async () => {
		emulator = await start();
		emulator.setFault({mode: 'timeout', count: 1});
		expect(await attempt(statsQuery(), 300)).toEqual({error: 'timeout'});
		expect(calls()).toBe(0);
		expect(emulator.state().faultedCalls).toBe(1);
	});

	it('reset drops the connection', async () => {
		emulator = await start();
		emulator.setFault({mode: 'reset', count: 1});
		expect((await attempt(statsQuery())).error).toMatch(/ECONNRESET|socket hang up/);
	});

	it.each([
		['http500', 500, /Internal Server Error/],
		['html', 200, /<html>[\s\S]*502 Bad Gateway/],
		['gone', 410, new RegExp(sunset.replace(/[.?/]/g, '\\$&'))],
		['maxapi', 200, /^\{"result":"error","msg":"You have exceeded your allowed number of API calls\.","err_code":"E_MAXAPI"\}$/],
		['unauth', 200, /^\{"result":"error","msg":"Unknown token or email","err_code":"E_UNAUTH"\}$/],
	] as const)('%s answers status %i with the faulty body, reaching no account', async (mode, status, body) => {
		emulator = await start();
		emulator.setFault({mode, count: 1});
		const reply = await attempt(statsQuery());
		expect(reply.status).toBe(status);
		expect(reply.text).toMatch(body);
		expect(emulator.state().zones[0].securityLevel).toBe('med');
		expect(calls()).toBe(0);
	});

	it('maxapi and unauth answer in plain text on api.html', async () => {
		emulator = await start();
		emulator.setFault({mode: 'maxapi', count: 1});
		expect(await plain(emulator, {a: 'ban', key: '192.0.2.1'})).toBe('E_MAXAPI');
		emulator.setFault({mode: 'unauth', count: 1});
		expect(await plain(emulator, {a: 'ban', key: '192.0.2.1'})).toBe('E_UNAUTH');
	});

	it('truncated cuts real JSON short', async () => {
		emulator = await start();
		emulator.setFault({mode: 'truncated', count: 1});
		const {text} = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'example.com', u: emulator.email, tkn: emulator.key})}`);
		expect(() => JSON.parse(text)).toThrow();
		expect(text.startsWith('{"request":{"act":"zone_check"')).toBe(true);
	});

	it('truncated cuts api.html’s plain text too, while the call still reaches the account', async () => {
		emulator = await start();
		emulator.setFault({mode: 'truncated', count: 2});
		expect(await plain(emulator, {a: 'ban', key: '192.0.2.9'})).toBe('O');
		expect(emulator.state().zones[0].accessRules).toMatchObject([{ip: '192.0.2.9', mode: 'ban'}]);
		expect(await plain(emulator, {a: 'ban', key: 'not-an-ip'})).toBe('E_IN');
		expect(emulator.state().accounts[0].calls.byAction.ban).toBe(2);
		// Count spent: answers are whole again.
		expect(await plain(emulator, {a: 'nul', key: '192.0.2.9'})).toBe('OK');
	});

	it('lax answers in the documentation’s unquoted-key style', async () => {
		emulator = await start();
		emulator.setFault({mode: 'lax', count: 1});
		const {text} = await raw(emulator.url, `/api_json.html?${form({a: 'ip_lkup', ip: '1.0.171.33', u: emulator.email, tkn: emulator.key})}`);
		expect(text).toContain('response: {1.0.171.33: "BAD:0"}, result: "success", msg: null}');
		expect(() => JSON.parse(text)).toThrow();
	});

	it('applies to the next N requests only, then clears itself', async () => {
		emulator = await start();
		await admin(emulator, 'faults', {mode: 'http500', count: 2});
		expect((await attempt(statsQuery())).status).toBe(500);
		expect((await attempt(statsQuery())).status).toBe(500);
		expect((await attempt(statsQuery())).status).toBe(200);
		expect(emulator.state().fault).toEqual({mode: 'none'});
	});

	it('applies with a probability, deterministically per seed', async () => {
		const outcomes: number[][] = [];
		for (let run = 0; run < 2; run++) {
			emulator = await start({seed: 3, rateLimit: 10_000});
			emulator.setFault({mode: 'http500', probability: 0.5});
			const statuses: number[] = [];
			for (let i = 0; i < 40; i++) statuses.push((await attempt(statsQuery())).status ?? 0);
			outcomes.push(statuses);
			await emulator.close();
		}
		const failed = outcomes[0].filter(status => status === 500).length;
		expect(failed).toBeGreaterThan(8);
		expect(failed).toBeLessThan(32);
		expect(outcomes[0]).toEqual(outcomes[1]);
	});

	it('none clears, and faults never touch the admin paths', async () => {
		emulator = await start();
		await admin(emulator, 'faults', {mode: 'http500'});
		expect((await admin(emulator, 'state')).status).toBe(200);
		expect((await attempt(statsQuery())).status).toBe(500);
		expect((await attempt(statsQuery())).status).toBe(500);
		await admin(emulator, 'faults', {mode: 'none'});
		expect((await attempt(statsQuery())).status).toBe(200);
	});
});

describe('admin interface', () => {
	it('shows the state with the documented fields', async () => {
		emulator = await start();
		await api(emulator, {a: 'ban', key: '192.0.2.1', z: 'example.com'});
		const state = JSON.parse((await admin(emulator, 'state')).text) as Record<string, unknown>;
		expect(state).toMatchObject({
			now: expect.any(Number),
			accounts: [{email: 'demo@example.com', calls: {total: 1, byAction: {ban: 1}}, callsLeft: 299}, {email: 'other@example.org'}],
			zones: [
				{name: 'example.com', zid: expect.any(Number), plan: 'pro', securityLevel: 'med', cacheLevel: 'agg', devModeExpiresAt: 0, ipv6: false, lastPurgeAt: 0, accessRules: [{ip: '192.0.2.1', mode: 'ban'}]},
				{name: 'example.net', plan: 'free'},
				{name: 'example.org', plan: 'free'},
			],
		});
		const [record] = (state.zones as {records: unknown[]}[])[0].records;
		expect(record).toEqual({recId: expect.any(String), name: 'example.com', type: 'A', content: '203.0.113.10', ttl: 1, proxied: true});
	});

	it('advances the clock and switches scenario, refusing bad bodies', async () => {
		emulator = await start();
		const before = emulator.state().now;
		expect((await admin(emulator, 'clock', {advanceSeconds: 90})).status).toBe(200);
		expect(emulator.state().now).toBe(before + 90);
		expect((await admin(emulator, 'scenario', {name: 'flood'})).status).toBe(200);
		expect(emulator.state().scenario).toBe('flood');
		expect((await admin(emulator, 'scenario', {name: 'chaos'})).status).toBe(400);
		expect((await admin(emulator, 'clock', {advanceSeconds: -5})).status).toBe(400);
		expect((await admin(emulator, 'faults', {mode: 'explode'})).status).toBe(400);
		expect((await admin(emulator, 'faults', {mode: 'http500', count: 1, probability: 0.5})).status).toBe(400);
		expect((await raw(emulator.url, '/__emulator/faults', {body: '{nope', headers: {'Content-Type': 'application/json'}})).status).toBe(400);
		expect((await admin(emulator, 'nothing')).status).toBe(405);
		expect((await admin(emulator, 'nothing', {})).status).toBe(404);
		expect(emulator.state().accounts[0].calls.total).toBe(0);
	});

	it('answers loopback clients only', async () => {
		expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.1.2.3'].every(isLoopback)).toBe(true);
		expect(['10.0.0.1', '::ffff:10.0.0.1', '192.168.1.2', undefined].some(isLoopback)).toBe(false);
		const external = Object.values(os.networkInterfaces())
			.flat()
			.find(address => address && address.family === 'IPv4' && !address.internal);
		if (!external) return;
		emulator = await start({host: '0.0.0.0'});
		const viaExternal = await raw(`http://${external.address}:${emulator.port}`, '/__emulator/state');
		expect(viaExternal.status).toBe(403);
		expect((await raw(`http://127.0.0.1:${emulator.port}`, '/__emulator/state')).status).toBe(200);
	});
});

describe('--sunset', () => {
	it('answers every API path with 410 and the real text; admin still works', async () => {
		emulator = await start({sunset: true});
		for (const path of ['/api_json.html?a=stats', '/api.html?a=ban', '/ajax/external-event.html']) {
			const reply = await raw(emulator.url, path);
			expect(reply.status).toBe(410);
			expect(reply.text).toBe(sunset);
		}
		expect((await admin(emulator, 'state')).status).toBe(200);
	});
});
