import {afterEach, describe, expect, it} from 'vitest';
import {actionNames} from '../../source/emulator/api.js';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, plain, raw, start, t0} from './helpers.js';

let emulator: EmulatorHandle;
afterEach(() => emulator?.close());

const oddValues = ['', ' ', '0', '-1', '1e309', 'null', '[]', '{"a":1}', 'é\u0000\u001b[2J', 'x'.repeat(5000), '../../etc/passwd', '1.2.3.4/33', '::ffff:1.2.3.4', '%zz', '@', '.', 'example.com.', '999999999999999999999'];
const paramNames = ['z', 'zid', 'zone', 'zone_name', 'v', 'interval', 'hours', 'class', 'geo', 'ip', 'key', 'hosts', 'zones', 'type', 'name', 'content', 'ttl', 'service_mode', 'prio', 'id', 'o'];

describe('odd input', () => {
	it('answers every action with a well-formed envelope whatever the values', async () => {
		emulator = await start({rateLimit: 1_000_000});
		for (const action of actionNames) {
			for (const [index, value] of oddValues.entries()) {
				const params: Record<string, string> = {a: action, z: 'example.com'};
				// Vary which parameter gets the odd value, and give the rest the same value too.
				params[paramNames[index % paramNames.length]] = value;
				for (const name of paramNames.slice(0, index % 5)) params[name] ??= value;
				const reply = await api(emulator, params);
				expect(reply.status).toBe(200);
				expect(['success', 'error']).toContain(reply.json.result);
			}
		}
		for (const value of oddValues) expect(await plain(emulator, {a: 'DIUP', ip: value, hosts: value})).toMatch(/^(E_[A-Z]+|.+ (OK|E_NOUPDATE))$/);
		expect(emulator.state().accounts[0].calls.total).toBeGreaterThan(actionNames.length * oddValues.length);
	});

	it('survives bodies that are not forms at all', async () => {
		emulator = await start();
		for (const [type, body] of [
			['application/json', '{"a":"stats","z":"example.com"}'],
			['text/plain', '\u0000\u0001\u0002'],
			['application/x-www-form-urlencoded', '&&&==&a'],
			['multipart/form-data; boundary=', '--\r\n\r\n'],
		]) {
			const reply = await raw(emulator.url, '/api_json.html', {body, headers: {'Content-Type': type}});
			expect(reply.status).toBe(200);
			expect(JSON.parse(reply.text)).toMatchObject({result: 'error'});
		}
	});
});

describe('the simulated clock', () => {
	it('runs at --speed simulated seconds per real second, plus what was advanced', async () => {
		let base = t0;
		emulator = await start({speed: 60, now: () => base});
		expect(emulator.state().now).toBe(t0 / 1000);
		base += 1000;
		expect(emulator.state().now).toBe(t0 / 1000 + 60);
		emulator.advanceClock(5);
		expect(emulator.state().now).toBe(t0 / 1000 + 65);
		expect(() => emulator.advanceClock(-1)).toThrow();
	});
});
