/** The 2012 actions: zone_settings, async, minify, mirage2, zone_file_purge (over loopback HTTP). */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, dig, start, t0} from './helpers.js';

let emulator: EmulatorHandle;
beforeEach(async () => {
	emulator = await start({rateLimit: 10_000});
});
afterEach(() => emulator.close());

const zone = (name = 'example.com') => {
	const found = emulator.state().zones.find(candidate => candidate.name === name);
	if (!found) throw new Error(name);
	return found;
};

async function settings(z = 'example.com'): Promise<Record<string, unknown>> {
	const {json} = await api(emulator, {a: 'zone_settings', z});
	return dig(json, 'response', 'result', 'objs', 0) as Record<string, unknown>;
}

const unauth = {result: 'error', msg: 'Unknown token or email', err_code: 'E_UNAUTH'};

describe('zone_settings', () => {
	it('answers the documented objs[0] with the documented types, echoing the request', async () => {
		const {json} = await api(emulator, {a: 'zone_settings', z: 'example.com'});
		expect(json).toMatchObject({request: {act: 'zone_settings', z: 'example.com'}, result: 'success', msg: null});
		expect(dig(json, 'response', 'result', 'objs')).toHaveLength(1);
		const obj = await settings();
		expect(obj).toEqual({
			userSecuritySetting: 'Medium',
			dev_mode: 0,
			ipv46: 0,
			ob: 1,
			cache_lvl: 'agg',
			outboundLinks: 'disabled',
			async: '0',
			bic: '1',
			chl_ttl: '900',
			exp_ttl: '14400',
			fpurge_ts: '0',
			hotlink: '0',
			img: '0',
			lazy: '0',
			minify: '0',
			mirage2: '0',
			outlink: '0',
			preload: '0',
			s404: '1',
			sec_lvl: 'med',
			spdy: '1',
			ssl: '1',
			waf_profile: 'high',
		});
		expect(await settings('example.net')).toMatchObject({spdy: '0', ssl: '0', waf_profile: 'off'});
	});

	it('reflects every change made through the other actions', async () => {
		const now = t0 / 1000;
		for (const [a, v] of [['sec_lvl', 'help'], ['cache_lvl', 'basic'], ['devmode', '1'], ['ipv46', '1'], ['fpurge_ts', '1'], ['async', 'm'], ['minify', '6'], ['mirage2', '1']]) {
			expect((await api(emulator, {a, z: 'example.com', v})).json.result).toBe('success');
		}
		expect(await settings()).toMatchObject({
			userSecuritySetting: "I'm under attack!",
			sec_lvl: 'help',
			cache_lvl: 'basic',
			dev_mode: now + 10_800,
			ipv46: 3,
			fpurge_ts: String(now),
			async: 'm',
			minify: '6',
			mirage2: '1',
		});
		// Dev mode expired: 0 here (unlike stats, which keeps the last end).
		emulator.advanceClock(10_800);
		expect((await settings()).dev_mode).toBe(0);
		expect(await settings('example.net')).toMatchObject({sec_lvl: 'med', async: '0', minify: '0', mirage2: '0', ipv46: 0});
	});

	it('refuses a missing, unknown or foreign zone, and bad credentials', async () => {
		expect((await api(emulator, {a: 'zone_settings'})).json).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
		expect((await api(emulator, {a: 'zone_settings', z: 'example.org'})).json).toEqual({result: 'error', msg: 'Invalid zone.'});
		expect((await api(emulator, {a: 'zone_settings', z: 'example.com', tkn: 'wrong'})).json).toEqual(unauth);
	});
});

describe('async, minify, mirage2', () => {
	it.each([
		['async', ['0', 'a', 'm'], 'rocketLoader', ['0', 'a', 'm']],
		['minify', ['0', '1', '2', '3', '4', '5', '6', '7'], 'minify', [0, 1, 2, 3, 4, 5, 6, 7]],
		['mirage2', ['0', '1'], 'mirage2', [false, true]],
	] as const)('%s takes each documented v, answers {"result":"success","msg":null} and keeps it', async (a, values, field, stored) => {
		for (const [index, v] of values.entries()) {
			const {text} = await api(emulator, {a, z: 'example.com', v});
			expect(text).toBe('{"result":"success","msg":null}');
			expect(zone()[field]).toBe(stored[index]);
		}
	});

	it.each([
		['async', ['', 'A', 'auto', '1', 'off'], '0|a|m'],
		['minify', ['', '8', '-1', '07', 'css', '3.0'], '0|1|2|3|4|5|6|7'],
		['mirage2', ['', '2', 'on', 'true', ' 1'], '0|1'],
	] as const)('%s refuses any other v with err_code v, changing nothing', async (a, values, allowed) => {
		for (const v of values) {
			expect((await api(emulator, {a, z: 'example.com', v})).json).toEqual({result: 'error', msg: `v must be one of ${allowed}`, err_code: 'v'});
		}
		expect((await api(emulator, {a, z: 'example.com'})).json).toMatchObject({result: 'error', err_code: 'v'});
		expect(zone()).toMatchObject({rocketLoader: '0', minify: 0, mirage2: false});
	});

	it.each(['async', 'minify', 'mirage2'])('%s refuses bad credentials and zones that are not the account’s', async a => {
		expect((await api(emulator, {a, z: 'example.com', v: '1', tkn: 'wrong'})).json).toEqual(unauth);
		expect((await api(emulator, {a, z: 'example.org', v: '1'})).json).toEqual({result: 'error', msg: 'Invalid zone.'});
		expect(zone('example.org')).toMatchObject({rocketLoader: '0', minify: 0, mirage2: false});
		expect(emulator.state().accounts[0].calls.byAction[a]).toBe(1);
	});
});

describe('zone_file_purge', () => {
	it('purges one URL with the documented answer and records it', async () => {
		const url = 'https://www.example.com/static/site.css?v=2';
		const {json, text} = await api(emulator, {a: 'zone_file_purge', z: 'example.com', url});
		expect(json).toEqual({
			request: {act: 'zone_file_purge', email: emulator.email, tkn: emulator.key, z: 'example.com', url},
			response: {vtxt_match: null, url},
			result: 'success',
			msg: null,
		});
		expect(text).toContain('"url":"https:\\/\\/www.example.com\\/static\\/site.css?v=2"');
		expect(zone().filePurges).toEqual([{url, at: t0 / 1000}]);
		// A single-file purge is not a full purge: no cooldown, fpurge_ts untouched.
		expect(zone().lastPurgeAt).toBe(0);
		expect((await api(emulator, {a: 'zone_file_purge', z: 'example.com', url: 'http://example.com/'})).json.result).toBe('success');
	});

	it.each([
		['missing', undefined],
		['empty', ' '],
		['not a URL', 'style.css'],
		['not http', 'ftp://example.com/a.css'],
		['another zone', 'https://example.net/a.css'],
		['a lookalike host', 'https://badexample.com/a.css'],
		['too long', `https://example.com/${'a'.repeat(5000)}`],
	])('refuses a url that is %s with err_code url', async (_name, url) => {
		const params: Record<string, string> = {a: 'zone_file_purge', z: 'example.com'};
		if (url !== undefined) params.url = url;
		const {json} = await api(emulator, params);
		expect(json).toMatchObject({result: 'error', err_code: 'url'});
		expect(zone().filePurges).toEqual([]);
	});

	it('refuses bad credentials and foreign zones; keeps only the last 100 purges', async () => {
		expect((await api(emulator, {a: 'zone_file_purge', z: 'example.com', url: 'https://example.com/a', tkn: 'wrong'})).json).toEqual(unauth);
		expect((await api(emulator, {a: 'zone_file_purge', z: 'example.org', url: 'https://example.org/a'})).json).toEqual({result: 'error', msg: 'Invalid zone.'});
		for (let i = 0; i < 105; i++) await api(emulator, {a: 'zone_file_purge', z: 'example.com', url: `https://example.com/${i}.css`});
		const purges = zone().filePurges;
		expect(purges).toHaveLength(100);
		expect(purges[0].url).toBe('https://example.com/5.css');
	});
});

describe('2012 fields on older actions', () => {
	it('stats carries pro_zone, zoneCDate (ms, stable, in the past) and ob', async () => {
		const obj = async (z: string, interval: string) => dig((await api(emulator, {a: 'stats', z, interval})).json, 'response', 'result', 'objs', 0) as Record<string, unknown>;
		const pro = await obj('example.com', '120');
		expect(pro).toMatchObject({pro_zone: true, ob: 1, ipv46: 0});
		expect(pro.zoneCDate).toEqual(expect.any(Number));
		expect(pro.zoneCDate as number).toBeLessThan(t0 - 29 * 86_400_000);
		const again = await start();
		try {
			const {json} = await api(again, {a: 'stats', z: 'example.com', interval: '120'});
			expect(dig(json, 'response', 'result', 'objs', 0, 'zoneCDate')).toBe(pro.zoneCDate);
		} finally {
			await again.close();
		}
		expect(await obj('example.net', '40')).toMatchObject({pro_zone: false});
	});

	it('shows a punycode label decoded in display_name, the name itself untouched', async () => {
		const {json} = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'CNAME', name: 'xn--vii', content: 'example.com'});
		expect(dig(json, 'response', 'rec', 'obj')).toMatchObject({name: 'xn--vii.example.com', display_name: '⟵'});
	});
});
