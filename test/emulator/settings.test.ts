import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, dig, start, t0, zid} from './helpers.js';

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

describe('sec_lvl and cache_lvl', () => {
	it.each(['help', 'high', 'med', 'low', 'eoff'])('sets the security level %s, answering with the zone object (the 2012-13 fixtures\' fuller form)', async level => {
		const {text, json} = await api(emulator, {a: 'sec_lvl', z: 'example.com', v: level});
		expect(text).toMatch(/^\{"response":\{"zone":\{"obj":\{"zone_id":"\d+","user_id":"\d+","zone_name":"example.com",.*\}\}\},"result":"success","msg":null\}$/);
		expect(json).toMatchObject({response: {zone: {obj: {zone_status: 'V', display_name: 'example.com', props: {pro: 1}}}}});
		expect(zone().securityLevel).toBe(level);
	});

	it.each(['HIGH', 'medium', '', 'under_attack', ' high'])('refuses v=%j with the spec wording and err_code v', async v => {
		const {json} = await api(emulator, {a: 'sec_lvl', z: 'example.com', v});
		expect(json).toEqual({result: 'error', msg: 'v must be one of low|med|high|help|eoff', err_code: 'v'});
		expect(zone().securityLevel).toBe('med');
	});

	it('labels the level in stats as a person reads it', async () => {
		const labels: Record<string, string> = {help: "I'm under attack!", high: 'High', med: 'Medium', low: 'Low', eoff: 'Essentially Off'};
		for (const [level, label] of Object.entries(labels)) {
			await api(emulator, {a: 'sec_lvl', z: 'example.com', v: level});
			const {json} = await api(emulator, {a: 'stats', z: 'example.com'});
			expect(dig(json, 'response', 'result', 'objs', 0, 'userSecuritySetting')).toBe(label);
		}
	});

	it('sets the cache level and refuses anything but agg|basic', async () => {
		expect((await api(emulator, {a: 'cache_lvl', z: 'example.com', v: 'basic'})).json).toMatchObject({response: {zone: {obj: {zone_name: 'example.com'}}}, result: 'success', msg: null});
		expect(zone().cacheLevel).toBe('basic');
		expect((await api(emulator, {a: 'cache_lvl', z: 'example.com', v: 'aggressive'})).json).toEqual({result: 'error', msg: 'v must be one of agg|basic', err_code: 'v'});
		const {json} = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(json, 'response', 'result', 'objs', 0, 'cache_lvl')).toBe('basic');
	});
});

describe('devmode', () => {
	it('switches on for three hours, shows in stats and state, and expires by the clock', async () => {
		const now = t0 / 1000;
		const {json} = await api(emulator, {a: 'devmode', z: 'example.com', v: '1'});
		expect(json).toMatchObject({response: {expires_on: now + 10_800, zone: {obj: {zone_name: 'example.com', zone_status_class: 'status-dev-mode'}}}, result: 'success', msg: null});
		expect(zone().devModeExpiresAt).toBe(now + 10_800);
		const statsReply = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(statsReply.json, 'response', 'result', 'objs', 0, 'dev_mode')).toBe(now + 10_800);
		emulator.advanceClock(10_800);
		expect(zone().devModeExpiresAt).toBe(0);
		const later = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(later.json, 'response', 'result', 'objs', 0, 'dev_mode')).toBe(now + 10_800);
	});

	it('switches off at once; stats then report when it ended; 0 if never', async () => {
		const never = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(never.json, 'response', 'result', 'objs', 0, 'dev_mode')).toBe(0);
		await api(emulator, {a: 'devmode', z: 'example.com', v: '1'});
		emulator.advanceClock(600);
		const {json} = await api(emulator, {a: 'devmode', z: 'example.com', v: '0'});
		expect(dig(json, 'response', 'expires_on')).toBe(t0 / 1000 + 600);
		expect(zone().devModeExpiresAt).toBe(0);
		const after = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(after.json, 'response', 'result', 'objs', 0, 'dev_mode')).toBe(t0 / 1000 + 600);
	});

	it('refuses v other than 0|1', async () => {
		expect((await api(emulator, {a: 'devmode', z: 'example.com', v: 'on'})).json).toEqual({result: 'error', msg: 'v must be one of 0|1', err_code: 'v'});
	});
});

describe('fpurge_ts', () => {
	it('puts attributes beside response and refuses a second purge inside the cooldown', async () => {
		const first = await api(emulator, {a: 'fpurge_ts', z: 'example.com', v: '1'});
		expect(first.text).toBe(`{"attributes":{"cooldown":20},"response":{"fpurge_ts":${t0 / 1000}},"result":"success","msg":null}`);
		expect(zone().lastPurgeAt).toBe(t0 / 1000);
		emulator.advanceClock(5);
		const second = await api(emulator, {a: 'fpurge_ts', z: 'example.com', v: '1'});
		expect(second.json).toMatchObject({result: 'error', attributes: {cooldown: 15}});
		expect(String(second.json.msg)).toMatch(/try again in 15 seconds/);
		emulator.advanceClock(15);
		expect((await api(emulator, {a: 'fpurge_ts', z: 'example.com', v: '1'})).json).toMatchObject({result: 'success', response: {fpurge_ts: t0 / 1000 + 20}});
	});

	it('requires v=1', async () => {
		expect((await api(emulator, {a: 'fpurge_ts', z: 'example.com', v: '0'})).json).toEqual({result: 'error', msg: 'v must be one of 1', err_code: 'v'});
		expect(zone().lastPurgeAt).toBe(0);
	});
});

describe('ipv46, zone_grab, pre_purge', () => {
	it('toggles IPv6', async () => {
		expect((await api(emulator, {a: 'ipv46', z: 'example.com', v: '1'})).json).toMatchObject({response: {zone: {obj: {zone_name: 'example.com'}}}, result: 'success', msg: null});
		expect(zone().ipv6).toBe(true);
		const {json} = await api(emulator, {a: 'stats', z: 'example.com'});
		// 3 = "Full", as the 2012 documentation reports IPv6 on.
		expect(dig(json, 'response', 'result', 'objs', 0, 'ipv46')).toBe(3);
		await api(emulator, {a: 'ipv46', z: 'example.com', v: '0'});
		expect(zone().ipv6).toBe(false);
		for (const v of ['2', '', '01', 'on', '3 ']) {
			expect((await api(emulator, {a: 'ipv46', z: 'example.com', v})).json).toEqual({result: 'error', msg: 'v must be one of 0|1|3', err_code: 'v'});
		}
		expect(zone().ipv6).toBe(false);
	});

	it('takes v=3 for on as well, as the 2012 documentation says', async () => {
		expect((await api(emulator, {a: 'ipv46', z: 'example.com', v: '3'})).json).toMatchObject({response: {zone: {obj: {zone_name: 'example.com'}}}, result: 'success', msg: null});
		expect(zone().ipv6).toBe(true);
		const {json} = await api(emulator, {a: 'zone_settings', z: 'example.com'});
		expect(dig(json, 'response', 'result', 'objs', 0, 'ipv46')).toBe(3);
	});

	it('allows zone_grab once per zone per day, by zid', async () => {
		const id = String(zid(emulator, 'example.com'));
		expect((await api(emulator, {a: 'zone_grab', zid: id})).text).toBe('{"msg":null,"result":"success"}');
		emulator.advanceClock(86_399);
		const refused = await api(emulator, {a: 'zone_grab', zid: id});
		expect(refused.json.result).toBe('error');
		expect(String(refused.json.msg)).toMatch(/once per zone per day/);
		// Another zone is not affected.
		expect((await api(emulator, {a: 'zone_grab', zid: String(zid(emulator, 'example.net'))})).json.result).toBe('success');
		emulator.advanceClock(1);
		expect((await api(emulator, {a: 'zone_grab', zid: id})).json.result).toBe('success');
	});

	it('purges the preloader by zone_name', async () => {
		const {json} = await api(emulator, {a: 'pre_purge', zone_name: 'example.com'});
		expect(json).toMatchObject({response: {result: 'success', msg: null}, result: 'success', msg: null});
		expect(zone().lastPreloadPurgeAt).toBe(t0 / 1000);
	});
});

describe('zone_check and zone_load_multi', () => {
	it('maps zones to zids, 0 for unknown or not the caller’s, newline on the last key', async () => {
		const {json, text} = await api(emulator, {a: 'zone_check', zones: 'example.com, example.net,example.org,nope.test'});
		expect(dig(json, 'response', 'zones')).toEqual({'example.com': zid(emulator, 'example.com'), 'example.net': zid(emulator, 'example.net'), 'example.org': 0, 'nope.test\n': 0});
		expect(text).toContain('"nope.test\\n":0');
		expect(dig(json, 'request', 'act')).toBe('zone_check');
	});

	it('answers a trailing comma with clean names and an extra "\\n": 0 (the empty last item)', async () => {
		const {json, text} = await api(emulator, {a: 'zone_check', zones: 'example.com, example.net,example.org,nope.test,'});
		expect(dig(json, 'response', 'zones')).toEqual({'example.com': zid(emulator, 'example.com'), 'example.net': zid(emulator, 'example.net'), 'example.org': 0, 'nope.test': 0, '\n': 0});
		expect(text).toContain('"nope.test":0,"\\n":0}');
		const single = await api(emulator, {a: 'zone_check', zones: 'example.net,'});
		expect(dig(single.json, 'response', 'zones')).toEqual({'example.net': zid(emulator, 'example.net'), '\n': 0});
		// Empty items in the middle are skipped; only the last one counts.
		const gaps = await api(emulator, {a: 'zone_check', zones: 'example.com,,example.net, '});
		expect(dig(gaps.json, 'response', 'zones')).toEqual({'example.com': zid(emulator, 'example.com'), 'example.net': zid(emulator, 'example.net'), '\n': 0});
	});

	it('refuses an empty zones list', async () => {
		expect((await api(emulator, {a: 'zone_check', zones: ','})).json).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
	});

	it('lists the account’s zones with string ids', async () => {
		const {json} = await api(emulator, {a: 'zone_load_multi'});
		const zones = dig(json, 'response', 'zones') as {count: number; has_more: boolean; objs: {zone_id: unknown; zone_name: string; zone_status_class: string; props: {pro: number}}[]};
		expect(zones.count).toBe(2);
		expect(zones.has_more).toBe(false);
		expect(zones.objs.map(obj => obj.zone_name)).toEqual(['example.com', 'example.net']);
		expect(zones.objs[0].zone_id).toBe(String(zid(emulator, 'example.com')));
		expect(zones.objs.map(obj => obj.props.pro)).toEqual([1, 0]);
		expect(zones.objs[0].zone_status_class).toBe('status-active');
	});

	it('gives the 2012 zone object: integer props, F setup with nameservers, dev mode in status and allow', async () => {
		const first = async () => dig((await api(emulator, {a: 'zone_load_multi'})).json, 'response', 'zones', 'objs', 0) as Record<string, unknown>;
		const before = await first();
		expect(before).toMatchObject({zone_type: 'F', zone_status: 'V', host_id: null, fqdns: ['norm.ns.cloudflare.com', 'pat.ns.cloudflare.com'], zone_status_class: 'status-active'});
		for (const value of Object.values(before.props as Record<string, unknown>)) expect(Number.isInteger(value)).toBe(true);
		expect(before.allow).toEqual(['analytics', 'threat_control', 'cf_apps', 'dns_editor', 'cf_settings', 'page_rules', 'zone_deactivate', 'zone_dev_mode1']);
		expect(Object.keys(before.confirm_code as object)).toEqual(['zone_deactivate', 'zone_dev_mode1']);
		for (const code of Object.values(before.confirm_code as object)) expect(code).toMatch(/^[0-9a-f]{32}$/);
		await api(emulator, {a: 'devmode', z: 'example.com', v: '1'});
		const during = await first();
		expect(during.zone_status_class).toBe('status-dev-mode');
		expect(during.allow).toContain('zone_dev_mode0');
		expect(Object.keys(during.confirm_code as object)).toEqual(['zone_deactivate']);
		emulator.advanceClock(3 * 3600);
		expect((await first()).zone_status_class).toBe('status-active');
	});

	it('keeps zone ids stable across runs and zone orders', async () => {
		const other = await start({zones: ['example.net', 'example.com']});
		try {
			expect(zid(other, 'example.com')).toBe(zid(emulator, 'example.com'));
			expect(other.state().zones[0]).toMatchObject({name: 'example.net', plan: 'pro'});
		} finally {
			await other.close();
		}
	});
});

describe('zones that are not yours', () => {
	it('treats another account’s zone as unknown, whatever the alias', async () => {
		const aliases: Record<string, string>[] = [{z: 'example.org'}, {zone: 'example.org'}, {zid: String(zid(emulator, 'example.org'))}, {z: 'nope.test'}];
		for (const params of aliases) {
			expect((await api(emulator, {a: 'sec_lvl', v: 'help', ...params})).json).toEqual({result: 'error', msg: 'Invalid zone.'});
		}
		expect(zone('example.org').securityLevel).toBe('med');
	});

	it('asks for a zone when none is given', async () => {
		expect((await api(emulator, {a: 'stats'})).json).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
	});

	it('accepts the zone name in any case and with a trailing dot', async () => {
		expect((await api(emulator, {a: 'sec_lvl', z: 'Example.COM.', v: 'high'})).json.result).toBe('success');
	});
});
