import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {exitCodeFor, goneMessage} from '../../source/errors.js';
import type {V1Client} from '../../source/v1/client.js';
import {clientFor, emulator, rejection, type EmulatorHandle} from './harness.js';

let emu: EmulatorHandle;
let client: V1Client;

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
	client = clientFor(emu, {timeoutMs: 300});
});

afterAll(async () => {
	client.close();
	await emu.close();
});

/** Posts to the admin interface over HTTP, as an operator rehearsing an incident would. */
async function adminFault(body: Record<string, unknown>): Promise<void> {
	const response = await fetch(`${emu.url}/__emulator/faults`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	expect(response.status).toBeLessThan(300);
	await response.text();
}

const failing = [
	{mode: 'timeout', kind: 'timeout'},
	{mode: 'http500', kind: 'http', status: 500},
	{mode: 'reset', kind: 'network'},
	{mode: 'html', kind: 'decode'},
	{mode: 'truncated', kind: 'decode'},
	{mode: 'maxapi', kind: 'rate-limit'},
	{mode: 'unauth', kind: 'auth'},
	{mode: 'gone', kind: 'gone', status: 410},
] as const;

describe('every emulator fault mode, as typed failures', () => {
	it.each(failing)('$mode → $kind on a JSON action', async ({mode, kind, ...rest}) => {
		await adminFault({mode, count: 1});
		const error = await rejection(client.stats('example.com'));
		expect(error.kind).toBe(kind);
		if ('status' in rest) expect(error.status).toBe(rest.status);
		expect(error.message).not.toContain(emu.key);
		expect(error.message.split('. ').length).toBe(1);
		expect(exitCodeFor(error.kind as never)).toBeGreaterThan(0);
		await expect(client.stats('example.com')).resolves.toBeDefined();
	});

	// The emulator answers api.html in full under `truncated` (it cuts JSON only); decode.test.ts covers a cut "OK".
	it.each(failing.filter(fault => fault.mode !== 'truncated'))('$mode → $kind on a plain-text action (api.html)', async ({mode, kind}) => {
		emu.setFault({mode, count: 1});
		const error = await rejection(client.ban('203.0.113.200'));
		expect(error.kind).toBe(kind);
	});

	it('gone is one fixed sentence saying what to do instead; the shutdown text stays in the excerpt', async () => {
		emu.setFault({mode: 'gone', count: 1});
		const error = await rejection(client.setSecurityLevel('example.com', 'high'));
		expect(error.message).toBe(goneMessage);
		expect(error.message).toMatch(/410 Gone.*--demo/);
		expect(error.excerpt).toContain('This API has been deprecated in favor of API v4, available at https://api.cloudflare.com');
	});

	it('decode failures carry a short, secret-free excerpt', async () => {
		emu.setFault({mode: 'truncated', count: 1});
		const error = await rejection(client.stats('example.com'));
		expect(error.excerpt?.length).toBeGreaterThan(0);
		expect(error.excerpt!.length).toBeLessThanOrEqual(81);
		expect(error.excerpt).not.toContain(emu.key);
	});

	it('lax JSON decodes like strict JSON, for every JSON action used by the console', async () => {
		const [zone] = await client.checkZones(['example.com']);
		emu.setFault({mode: 'lax'});
		try {
			expect((await client.checkZones(['example.com']))[0]!.zid).toBe(zone!.zid);
			expect((await client.stats('example.com', 120)).interval).toBe(120);
			expect((await client.visitors(zone!, {geo: true})).length).toBeGreaterThan(0);
			expect((await client.lookupIp('1.0.171.33')).kind).toMatch(/^[A-Z]+$/);
			await client.setSecurityLevel('example.com', 'med');
			expect((await client.setDevMode('example.com', true)).expiresOn).toBeGreaterThan(0);
			expect((await client.listRecords('example.com')).length).toBeGreaterThan(0);
		} finally {
			emu.setFault({mode: 'none'});
		}
	});

	it('latency under the timeout succeeds; beyond it is a timeout', async () => {
		emu.setFault({mode: 'latency', ms: 50, count: 1});
		await expect(client.stats('example.com')).resolves.toBeDefined();
		emu.setFault({mode: 'latency', ms: 1500, count: 1});
		const started = Date.now();
		const error = await rejection(client.stats('example.com'));
		expect(error.kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(1000);
		expect(error.message).toMatch(/within 0\.3 s/);
	});

	it('faults by probability, and none clears them', async () => {
		await adminFault({mode: 'http500', probability: 1});
		expect((await rejection(client.stats('example.com'))).kind).toBe('http');
		expect((await rejection(client.stats('example.com'))).kind).toBe('http');
		await adminFault({mode: 'none'});
		await expect(client.stats('example.com')).resolves.toBeDefined();
	});

	it('a sunset emulator answers 410 everywhere', async () => {
		const sunset = await emulator({sunset: true});
		const gone = clientFor(sunset);
		try {
			for (const call of [() => gone.stats('example.com'), () => gone.ban('203.0.113.1')]) {
				const error = await rejection(call());
				expect([error.kind, error.status, error.message]).toEqual(['gone', 410, goneMessage]);
			}
		} finally {
			gone.close();
			await sunset.close();
		}
	});

	it('a closed port is a network failure', async () => {
		const gone = await emulator();
		const url = gone.url;
		await gone.close();
		const orphan = clientFor({...gone, url});
		try {
			const error = await rejection(orphan.stats('example.com'));
			expect(error.kind).toBe('network');
			expect(error.message).toMatch(/refused/);
		} finally {
			orphan.close();
		}
	});
});
