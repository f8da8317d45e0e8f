import {afterEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, dig, start} from './helpers.js';

let emulator: EmulatorHandle;
afterEach(() => emulator?.close());

const escape = /[\u001b\u0007\u0000\u009b\u202e]/;

describe('the hostile scenario', () => {
	it('serves escape sequences and control characters in every kind of string, as valid JSON', async () => {
		emulator = await start({scenario: 'hostile'});
		emulator.advanceClock(120);
		const multi = await api(emulator, {a: 'zone_load_multi'});
		expect(String(dig(multi.json, 'response', 'zones', 'objs', 0, 'zone_name'))).toMatch(escape);
		expect(multi.text).toContain('\\u001b[2J');
		const recs = dig((await api(emulator, {a: 'rec_load_all', z: 'example.com'})).json, 'response', 'recs', 'objs') as {type: string; name: string; content: string}[];
		const txt = recs.filter(record => record.type === 'TXT');
		expect(txt.some(record => escape.test(record.name))).toBe(true);
		expect(txt.every(record => escape.test(record.content))).toBe(true);
		const ips = dig((await api(emulator, {a: 'zone_ips', z: 'example.com'})).json, 'response', 'ips') as {ip: string; zone_name: string}[];
		expect(ips.every(row => escape.test(row.zone_name))).toBe(true);
		expect(ips.some(row => escape.test(row.ip))).toBe(true);
		const stats = await api(emulator, {a: 'stats', z: 'example.com', interval: '120'});
		expect(String(dig(stats.json, 'response', 'result', 'objs', 0, 'userSecuritySetting'))).toMatch(escape);
		const error = await api(emulator, {a: 'stats', z: 'nope.test'});
		expect(String(error.json.msg)).toMatch(escape);
		const unauth = await api(emulator, {a: 'stats', z: 'example.com', tkn: 'wrong'});
		expect(String(unauth.json.msg)).toMatch(escape);
	});

	it('serves clean strings otherwise, and turns hostile when switched', async () => {
		emulator = await start();
		const clean = await api(emulator, {a: 'zone_load_multi'});
		expect(clean.text).not.toMatch(/\\u001b|\\u0007/);
		emulator.setScenario('hostile');
		expect((await api(emulator, {a: 'zone_load_multi'})).text).toMatch(/\\u001b/);
		// Zones still work by name: the payload is only in what is served.
		expect((await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'high'})).json.result).toBe('success');
	});
});
