/**
 * One world, two faces: what v1 sets, v4 reads, and the reverse (security level, dev mode, cache
 * level, IPv6, ban/wl as access rules, DNS records), traffic included.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {api, dig, plain, start, t0} from './helpers.js';
import {v4, zoneId} from './v4-helpers.js';

let emulator: EmulatorHandle;
let id: string;
beforeEach(async () => {
	emulator = await start({rateLimit: 10_000});
	id = zoneId(emulator, 'example.com');
});
afterEach(() => emulator.close());
const now = t0 / 1000;

const setting = async (name: string) => dig((await v4(emulator, 'GET', `/zones/${id}/settings/${name}`)).json, 'result', 'value');
const stats = async () => dig((await api(emulator, {a: 'stats', z: 'example.com', interval: '120'})).json, 'response', 'result', 'objs', 0) as Record<string, unknown>;

describe('settings', () => {
	it.each([
		['help', 'under_attack', "I'm under attack!"],
		['high', 'high', 'High'],
		['med', 'medium', 'Medium'],
		['low', 'low', 'Low'],
		['eoff', 'essentially_off', 'Essentially Off'],
	])('security level: v1 %s is v4 %s, both ways', async (v1, v4value, label) => {
		await api(emulator, {a: 'sec_lvl', z: 'example.com', v: v1});
		expect(await setting('security_level')).toBe(v4value);
		await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, {value: 'off'});
		await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, {value: v4value});
		expect((await stats()).userSecuritySetting).toBe(label);
		expect(emulator.state().zones[0].securityLevel).toBe(v1);
	});

	it('v4-only values show through v1: security off, cache simplified', async () => {
		await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, {value: 'off'});
		await v4(emulator, 'PATCH', `/zones/${id}/settings/cache_level`, {value: 'simplified'});
		expect(await stats()).toMatchObject({userSecuritySetting: 'Off', cache_lvl: 'simplified'});
	});

	it('cache level: agg = aggressive, basic = basic, both ways', async () => {
		await api(emulator, {a: 'cache_lvl', z: 'example.com', v: 'basic'});
		expect(await setting('cache_level')).toBe('basic');
		await v4(emulator, 'PATCH', `/zones/${id}/settings/cache_level`, {value: 'aggressive'});
		expect((await stats()).cache_lvl).toBe('agg');
	});

	it('dev mode: switched on through v1, seen and switched off through v4, and the reverse', async () => {
		const on = await api(emulator, {a: 'devmode', z: 'example.com', v: '1'});
		expect(dig(on.json, 'response', 'expires_on')).toBe(now + 10_800);
		emulator.advanceClock(600);
		expect((await v4(emulator, 'GET', `/zones/${id}/settings/development_mode`)).json.result).toMatchObject({value: 'on', time_remaining: 10_200});
		await v4(emulator, 'PATCH', `/zones/${id}/settings/development_mode`, {value: 'off'});
		expect(emulator.state().zones[0].devModeExpiresAt).toBe(0);
		await v4(emulator, 'PATCH', `/zones/${id}/settings/development_mode`, {value: 'on'});
		expect((await stats()).dev_mode).toBe(now + 600 + 10_800);
		expect(dig((await api(emulator, {a: 'zone_load_multi'})).json, 'response', 'zones', 'objs', 0, 'zone_status_class')).toBe('status-dev-mode');
	});

	it('IPv6: v1 1/3/0 and v4 on/off are one switch', async () => {
		await api(emulator, {a: 'ipv46', z: 'example.com', v: '3'});
		expect(await setting('ipv6')).toBe('on');
		await v4(emulator, 'PATCH', `/zones/${id}/settings/ipv6`, {value: 'off'});
		expect((await stats()).ipv46).toBe(0);
		await v4(emulator, 'PATCH', `/zones/${id}/settings/ipv6`, {value: 'on'});
		expect((await stats()).ipv46).toBe(3);
	});

	it('a v4 change keeps the v1 history: a past window still shows the old level', async () => {
		await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, {value: 'under_attack'});
		expect(emulator.state().zones[0].securityLevel).toBe('help');
		expect(dig((await v4(emulator, 'GET', `/zones/${id}/settings/security_level`)).json, 'result', 'modified_on')).toBe(new Date(t0).toISOString());
	});
});

type Rule = {id: string; mode: string; configuration: {target: string; value: string}; notes: string; scope: {type: string}};
const userRules = async (): Promise<Rule[]> => (await v4(emulator, 'GET', '/user/firewall/access_rules/rules')).json.result as Rule[];
const zoneRules = async (zone = id): Promise<Rule[]> => (await v4(emulator, 'GET', `/zones/${zone}/firewall/access_rules/rules`)).json.result as Rule[];
const v1Rules = () => emulator.state().zones.filter(zone => zone.owner === 'demo@example.com').map(zone => zone.accessRules.map(rule => `${rule.ip}:${rule.mode}`));

describe('access rules', () => {
	it('v1 ban/wl without a zone are user-level rules; nul deletes them', async () => {
		expect(await plain(emulator, {a: 'ban', key: '198.51.100.7'})).toBe('OK');
		await api(emulator, {a: 'wl', key: '2001:DB8::7'});
		expect(await userRules()).toMatchObject([
			{mode: 'block', configuration: {target: 'ip', value: '198.51.100.7'}, notes: '', scope: {type: 'user'}},
			{mode: 'whitelist', configuration: {target: 'ip6', value: '2001:db8::7'}},
		]);
		expect(await zoneRules()).toEqual([]);
		await api(emulator, {a: 'wl', key: '198.51.100.7'});
		expect((await userRules()).map(rule => rule.mode)).toEqual(['whitelist', 'whitelist']);
		await plain(emulator, {a: 'nul', key: '198.51.100.7'});
		expect((await userRules()).map(rule => rule.configuration.value)).toEqual(['2001:db8::7']);
	});

	it('a v4 user-level block of an IP is a v1 ban on every zone, and v1 nul removes it', async () => {
		const created = await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'ip', value: '198.51.100.8'}, notes: 'from v4'});
		expect(v1Rules()).toEqual([['198.51.100.8:ban'], ['198.51.100.8:ban']]);
		await v4(emulator, 'PATCH', `/user/firewall/access_rules/rules/${dig(created.json, 'result', 'id') as string}`, {mode: 'whitelist'});
		expect(v1Rules()).toEqual([['198.51.100.8:wl'], ['198.51.100.8:wl']]);
		// Challenges have no v1 meaning: the IP is neither banned nor whitelisted there.
		await v4(emulator, 'PATCH', `/user/firewall/access_rules/rules/${dig(created.json, 'result', 'id') as string}`, {mode: 'managed_challenge'});
		expect(v1Rules()).toEqual([[], []]);
		await v4(emulator, 'PATCH', `/user/firewall/access_rules/rules/${dig(created.json, 'result', 'id') as string}`, {mode: 'block'});
		expect(await plain(emulator, {a: 'nul', key: '198.51.100.8'})).toBe('OK');
		expect(await userRules()).toEqual([]);
		expect(v1Rules()).toEqual([[], []]);
		// Ranges, ASNs and countries are kept for v4 but are no v1 ban (blocking a country is for Enterprise plans).
		expect((await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'country', value: 'NZ'}})).status).toBe(400);
		for (const configuration of [{target: 'country', value: 'NZ'}, {target: 'asn', value: 'AS64496'}, {target: 'ip_range', value: '198.51.100.0/24'}]) {
			expect((await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: configuration.target === 'country' ? 'challenge' : 'block', configuration})).status).toBe(200);
		}
		expect(v1Rules()).toEqual([[], []]);
	});

	it('v1 ban with a zone is a zone-level rule; a zone rule overrides a user rule there', async () => {
		await api(emulator, {a: 'ban', key: '198.51.100.9', z: 'example.net'});
		expect(await zoneRules(zoneId(emulator, 'example.net'))).toMatchObject([{mode: 'block', configuration: {value: '198.51.100.9'}, scope: {type: 'zone'}}]);
		expect(await userRules()).toEqual([]);
		await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'whitelist', configuration: {target: 'ip', value: '198.51.100.9'}});
		expect(v1Rules()).toEqual([['198.51.100.9:wl'], ['198.51.100.9:ban']]);
	});

	it('v1 nul with a zone frees the IP on that zone only, splitting a user-level rule', async () => {
		await api(emulator, {a: 'ban', key: '198.51.100.10'});
		await api(emulator, {a: 'nul', key: '198.51.100.10', z: 'example.com'});
		expect(v1Rules()).toEqual([[], ['198.51.100.10:ban']]);
		expect(await userRules()).toEqual([]);
		expect(await zoneRules(zoneId(emulator, 'example.net'))).toMatchObject([{mode: 'block', configuration: {value: '198.51.100.10'}}]);
		// v1 ban without a zone takes over the zone-level rules for that IP.
		await api(emulator, {a: 'wl', key: '198.51.100.10'});
		expect(await zoneRules(zoneId(emulator, 'example.net'))).toEqual([]);
		expect(v1Rules()).toEqual([['198.51.100.10:wl'], ['198.51.100.10:wl']]);
	});

	it('a v4 block stops the IP at the origin in the traffic model, like a v1 ban', async () => {
		const ban = await start({scenario: 'attack', rateLimit: 10_000});
		const v4side = await start({scenario: 'attack', rateLimit: 10_000});
		try {
			ban.advanceClock(600);
			v4side.advanceClock(600);
			const ips = dig((await api(ban, {a: 'zone_ips', z: 'example.com', hours: '1', class: 't'})).json, 'response', 'ips') as {ip: string; hits: number}[];
			const top = ips.filter(entry => !entry.ip.includes(':')).sort((a, b) => b.hits - a.hits)[0].ip;
			await api(ban, {a: 'ban', key: top});
			await v4(v4side, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'ip', value: top}});
			ban.advanceClock(600);
			v4side.advanceClock(600);
			const origin = async (emulatorOf: EmulatorHandle) => dig((await api(emulatorOf, {a: 'stats', z: 'example.com', interval: '120'})).json, 'response', 'result', 'objs', 0, 'requestsServed', 'user');
			expect(await origin(v4side)).toBe(await origin(ban));
			expect(v4side.state().zones[0].accessRules).toEqual(ban.state().zones[0].accessRules);
		} finally {
			await ban.close();
			await v4side.close();
		}
	});
});

describe('DNS records', () => {
	it('v1 rec_new is listed by v4; v4 create, PATCH and delete show in rec_load_all', async () => {
		const made = await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'shop', content: '192.0.2.60', ttl: '120', service_mode: '1'});
		expect(made.json.result).toBe('success');
		const [shop] = (await v4(emulator, 'GET', `/zones/${id}/dns_records?name=shop.example.com`)).json.result as {id: string; content: string; ttl: number; proxied: boolean}[];
		expect(shop).toMatchObject({content: '192.0.2.60', ttl: 120, proxied: true});
		await v4(emulator, 'PATCH', `/zones/${id}/dns_records/${shop.id}`, {content: '192.0.2.61', proxied: false});
		const created = await v4(emulator, 'POST', `/zones/${id}/dns_records`, {type: 'TXT', name: 'note', content: 'hello', ttl: 300});
		const recs = async () => dig((await api(emulator, {a: 'rec_load_all', z: 'example.com'})).json, 'response', 'recs', 'objs') as Record<string, unknown>[];
		expect((await recs()).find(rec => rec.name === 'shop.example.com')).toMatchObject({content: '192.0.2.61', service_mode: '0', ttl: '120'});
		expect((await recs()).find(rec => rec.name === 'note.example.com')).toMatchObject({type: 'TXT', content: 'hello', ttl: '300'});
		await v4(emulator, 'DELETE', `/zones/${id}/dns_records/${dig(created.json, 'result', 'id') as string}`);
		expect((await recs()).some(rec => rec.name === 'note.example.com')).toBe(false);
		// v1 rec_edit then v4 read; v1 rec_delete then v4 404.
		const recId = (await recs()).find(rec => rec.name === 'shop.example.com')?.rec_id as string;
		await api(emulator, {a: 'rec_edit', z: 'example.com', id: recId, type: 'A', name: 'shop', content: '192.0.2.62', ttl: '1'});
		expect((await v4(emulator, 'GET', `/zones/${id}/dns_records/${shop.id}`)).json.result).toMatchObject({content: '192.0.2.62', ttl: 1});
		await api(emulator, {a: 'rec_delete', z: 'example.com', id: recId});
		expect((await v4(emulator, 'GET', `/zones/${id}/dns_records/${shop.id}`)).status).toBe(404);
	});

	it('a clash is refused whichever face made the first record', async () => {
		await v4(emulator, 'POST', `/zones/${id}/dns_records`, {type: 'CNAME', name: 'cdn', content: 'example.net'});
		expect((await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'cdn', content: '192.0.2.1'})).json.result).toBe('error');
		await api(emulator, {a: 'rec_new', z: 'example.com', type: 'A', name: 'api', content: '192.0.2.2'});
		expect((await v4(emulator, 'POST', `/zones/${id}/dns_records`, {type: 'A', name: 'api', content: '192.0.2.2'})).json).toMatchObject({errors: [{code: 81058}]});
	});
});
