import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {securityLevels} from '../../source/backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Backend} from '../../source/v1/backend.js';
import type {V1Client} from '../../source/v1/client.js';
import {account, clientFor, emulator, rejection, zoneState, type EmulatorHandle} from './harness.js';

let emu: EmulatorHandle;
let client: V1Client;

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
	client = clientFor(emu);
});

afterAll(async () => {
	client.close();
	await emu.close();
});

describe('V1Client against the emulator', () => {
	it('zone_check: zids, 0 for unknown zones and for another account\'s zone', async () => {
		const zones = await client.checkZones(['example.com', 'example.net', 'example.org', 'unknown.example']);
		expect(zones.map(zone => zone.zid > 0)).toEqual([true, true, false, false]);
		expect(zones[0]!.zid).toBe(zoneState(emu, 'example.com').zid);
	});

	it('reports calls_left after every JSON call', async () => {
		await client.stats('example.com');
		expect(client.lastCallsLeft()?.callsLeft).toBe(account(emu).callsLeft);
		expect(client.lastCallsLeft()!.at).toBeGreaterThan(0);
	});

	it('stats: every interval on the Pro zone; Pro intervals refused for a Free zone', async () => {
		for (const interval of [10, 20, 30, 40, 100, 110, 120] as const) {
			const stats = await client.stats('example.com', interval);
			expect(stats.interval).toBe(interval);
			expect(stats.timeEnd).toBeGreaterThan(stats.timeZero);
			expect(stats.requests.edge).toBeGreaterThanOrEqual(stats.requests.origin);
		}
		const refused = await rejection(client.stats('example.net', 120));
		expect(refused.kind).toBe('api');
	});

	it('sec_lvl: every level, as stats and the emulator see it', async () => {
		for (const level of securityLevels) {
			await client.setSecurityLevel('example.com', level);
			expect(zoneState(emu, 'example.com').securityLevel).toBe(level);
			expect((await client.stats('example.com', 120)).securityLevel).toBe(level);
		}
	});

	it('cache_lvl and ipv46', async () => {
		await client.setCacheLevel('example.com', 'basic');
		expect(zoneState(emu, 'example.com').cacheLevel).toBe('basic');
		await client.setCacheLevel('example.com', 'agg');
		expect(zoneState(emu, 'example.com').cacheLevel).toBe('agg');
		await client.setIpv6('example.com', true);
		expect(zoneState(emu, 'example.com').ipv6).toBe(true);
		await client.setIpv6('example.com', false);
		expect(zoneState(emu, 'example.com').ipv6).toBe(false);
	});

	it('devmode: on for three hours, reported by stats, then off', async () => {
		const {expiresOn} = await client.setDevMode('example.net', true);
		const now = emu.state().now;
		expect(expiresOn - now).toBeGreaterThan(3 * 3600 - 5);
		expect(expiresOn - now).toBeLessThanOrEqual(3 * 3600);
		expect(zoneState(emu, 'example.net').devModeExpiresAt).toBe(expiresOn);
		expect((await client.stats('example.net')).devModeUntil).toBe(expiresOn);
		const off = await client.setDevMode('example.net', false);
		expect(off.expiresOn).toBeLessThanOrEqual(emu.state().now);
		expect(zoneState(emu, 'example.net').devModeExpiresAt).toBe(0);
	});

	it('fpurge_ts: time and cooldown; a second purge inside the cooldown is refused', async () => {
		const purge = await client.purgeCache('example.net');
		expect(purge.cooldownSeconds).toBeGreaterThan(0);
		expect(zoneState(emu, 'example.net').lastPurgeAt).toBe(purge.purgedAt);
		expect((await rejection(client.purgeCache('example.net'))).kind).toBe('api');
		emu.advanceClock(purge.cooldownSeconds + 1);
		await expect(client.purgeCache('example.net')).resolves.toMatchObject({cooldownSeconds: purge.cooldownSeconds});
	});

	it('zone_ips: hours, class and geo', async () => {
		const [zone] = await client.checkZones(['example.com']);
		const all = await client.visitors(zone!, {hours: 48});
		expect(all.length).toBeGreaterThan(0);
		const threats = await client.visitors(zone!, {hours: 1, classification: 'threat', geo: true});
		expect(threats.length).toBeGreaterThan(0);
		expect(threats.every(visitor => visitor.classification === 'threat' && visitor.latitude !== undefined)).toBe(true);
		const crawlers = await client.visitors({name: 'example.com', zid: 0}, {classification: 'crawler'});
		expect(crawlers.every(visitor => visitor.classification === 'crawler')).toBe(true);
	});

	it('zone_grab once a day, pre_purge, zone_load_multi', async () => {
		const [zone] = await client.checkZones(['example.net']);
		await client.grabSnapshot(zone!);
		expect(zoneState(emu, 'example.net').lastGrabAt).toBeGreaterThan(0);
		expect((await rejection(client.grabSnapshot(zone!))).kind).toBe('api');
		await client.preloadPurge('example.net');
		expect(zoneState(emu, 'example.net').lastPreloadPurgeAt).toBeGreaterThan(0);
		expect((await client.listZones()).map(entry => entry.name).sort()).toEqual(['example.com', 'example.net']);
	});

	it('ip_lkup, and wl/ban/nul through api.html', async () => {
		const score = await client.lookupIp('1.0.171.33');
		expect(score.ip).toBe('1.0.171.33');
		expect(['BAD', 'SE']).toContain(score.kind);
		await client.ban('203.0.113.66');
		const rules = () => emu.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === '203.0.113.66').map(rule => rule.mode);
		expect(new Set(rules())).toEqual(new Set(['ban']));
		await client.whitelist('203.0.113.66');
		expect(new Set(rules())).toEqual(new Set(['wl']));
		await client.clearRule('203.0.113.66');
		expect(rules()).toEqual([]);
		await client.ban('2001:db8::66');
	});

	it('spam reports through ajax/external-event.html', async () => {
		const before = account(emu).spamReportsLastHour;
		await client.reportSpam({author: 'Cheap Pills', authorEmail: 'spam@example.org', ip: '203.0.113.7', content: 'Buy now, "cheap"!'});
		expect(account(emu).spamReportsLastHour).toBe(before + 1);
	});

	it('DNS: rec_load_all across pages (over 180 records), rec_set, rec_new, rec_edit, rec_del (every record of the name), rec_delete', async () => {
		const zone = 'example.net';
		for (let i = 0; i < 185; i++) await client.addRecord(zone, {type: 'A', name: `host${i}`, content: `198.51.${100 + (i >> 8)}.${i % 256}`, proxied: i % 2 === 0});
		await client.createRecord(zone, {type: 'A', name: 'twin', content: '198.51.100.200', proxied: false});
		await client.createRecord(zone, {type: 'CNAME', name: 'alias', content: 'host1.example.net', proxied: true});
		const pagesBefore = account(emu).calls.byAction.rec_load_all ?? 0;
		const records = await client.listRecords(zone);
		expect(records.map(record => record.id).sort()).toEqual(zoneState(emu, zone).records.map(record => record.recId).sort());
		expect(records.find(record => record.name === 'alias.example.net')).toMatchObject({type: 'CNAME', proxied: true});
		expect((account(emu).calls.byAction.rec_load_all ?? 0) - pagesBefore).toBeGreaterThanOrEqual(2);
		const host3 = records.find(record => record.name === 'host3.example.net')!;
		const edited = await client.editRecord(zone, {...host3, content: '198.51.100.99', ttl: 300, proxied: true});
		expect(edited).toMatchObject({id: host3.id, content: '198.51.100.99', ttl: 300, proxied: true});
		expect(zoneState(emu, zone).records.find(record => record.recId === host3.id)).toMatchObject({content: '198.51.100.99', ttl: 300, proxied: true});
		await client.addRecord(zone, {type: 'A', name: 'twin.example.net', content: '198.51.100.201', proxied: false});
		await client.deleteRecordsByName(zone, 'twin.example.net');
		expect(zoneState(emu, zone).records.filter(record => record.name === 'twin.example.net')).toEqual([]);
		await client.deleteRecord(zone, host3.id);
		expect(zoneState(emu, zone).records.some(record => record.recId === host3.id)).toBe(false);
		expect((await rejection(client.deleteRecord(zone, '999999999'))).kind).toBe('api');
	});

	it('DIUP: one outcome per host', async () => {
		const outcomes = await client.updateHostsIp('198.51.100.77', ['host4.example.net', 'host5.example.net']);
		expect(outcomes).toEqual([
			{host: 'host4.example.net', outcome: 'OK'},
			{host: 'host5.example.net', outcome: 'OK'},
		]);
		expect(zoneState(emu, 'example.net').records.find(record => record.name === 'host4.example.net')?.content).toBe('198.51.100.77');
		const again = await client.updateHostsIp('198.51.100.77', ['host4.example.net']);
		expect(again).toEqual([{host: 'host4.example.net', outcome: 'E_NOUPDATE'}]);
	});

	it('V1Backend maps the port onto the client', async () => {
		const backend = new V1Backend(client);
		const [zone] = await backend.checkZones(['example.com']);
		expect((await backend.stats(zone!, 20)).interval).toBe(20);
		expect(backend.endpointLabel).toBe(emu.url);
		expect(backend.lastCallsLeft()).toEqual(client.lastCallsLeft());
	});
});

describe('refusals', () => {
	it('a wrong key is an auth failure on every path, and the message never holds the key', async () => {
		const wrong = clientFor(emu, {key: new Secret('0000000000wrongwrongwrong')});
		try {
			for (const call of [() => wrong.stats('example.com'), () => wrong.ban('203.0.113.1'), () => wrong.updateHostsIp('203.0.113.1', ['www.example.com'])]) {
				const error = await rejection(call());
				expect(error).toBeInstanceOf(FlarewatchError);
				expect(error.kind).toBe('auth');
				expect(error.message).not.toContain('0000000000wrongwrongwrong');
			}
		} finally {
			wrong.close();
		}
	});

	it('another account\'s zone is refused', async () => {
		const error = await rejection(client.setSecurityLevel('example.org', 'high'));
		expect(['api', 'auth']).toContain(error.kind);
		expect(zoneState(emu, 'example.org').securityLevel).not.toBe('high');
	});

	it('the hourly budget: E_MAXAPI is a rate-limit failure on JSON and text paths, calls_left reaches 0', async () => {
		const small = await emulator({rateLimit: 2});
		const limited = clientFor(small);
		try {
			await limited.stats('example.com');
			await limited.stats('example.com');
			const json = await rejection(limited.stats('example.com'));
			expect([json.kind, json.code]).toEqual(['rate-limit', 'E_MAXAPI']);
			const text = await rejection(limited.ban('203.0.113.1'));
			expect(text.kind).toBe('rate-limit');
			expect(limited.lastCallsLeft()?.callsLeft).toBe(0);
			small.advanceClock(3601);
			await expect(limited.stats('example.com')).resolves.toBeDefined();
		} finally {
			limited.close();
			await small.close();
		}
	});
});

describe('validation before sending', () => {
	it('every method refuses bad input with a validation error naming the field, and nothing reaches the emulator', async () => {
		const zone = {name: 'example.com', zid: 1};
		const record = {id: '10000001', name: 'www', type: 'A', content: '203.0.113.1', ttl: 1, proxied: true};
		const cases: Array<[string, () => Promise<unknown>]> = [
			['zone', () => client.stats('exa mple.com')],
			['interval', () => client.stats('example.com', 50 as never)],
			['security level', () => client.setSecurityLevel('example.com', 'max' as never)],
			['cache level', () => client.setCacheLevel('example.com', 'none' as never)],
			['zone', () => client.setDevMode('example.com.', true)],
			['zone', () => client.purgeCache('-bad.example.com')],
			['zones', () => client.checkZones([])],
			['zone', () => client.checkZones(['example.com', 'bad_zone.com'])],
			['hours', () => client.visitors(zone, {hours: 49})],
			['hours', () => client.visitors(zone, {hours: 0})],
			['class', () => client.visitors(zone, {classification: 'bot' as never})],
			['zone', () => client.grabSnapshot({name: 'localhost', zid: 1})],
			['zone', () => client.preloadPurge('x'.repeat(300))],
			['zone', () => client.setIpv6('ex\u0000ample.com', true)],
			['IP address', () => client.lookupIp('203.0.113.0/24')],
			['IP address', () => client.whitelist('fe80::1%eth0')],
			['IP address', () => client.ban('203.0.113.256')],
			['IP address', () => client.clearRule('')],
			['content', () => client.reportSpam({author: 'a', authorEmail: 'a@example.org', ip: '203.0.113.1', content: 'x'.repeat(101)})],
			['author email', () => client.reportSpam({author: 'a', authorEmail: 'nobody', ip: '203.0.113.1', content: 'x'})],
			['type', () => client.addRecord('example.com', {type: 'MX' as never, name: 'www', content: 'mail.example.com', proxied: false})],
			['content', () => client.addRecord('example.com', {type: 'A', name: 'www', content: 'example.com', proxied: false})],
			['content', () => client.createRecord('example.com', {type: 'CNAME', name: 'www', content: '203.0.113.1', proxied: false})],
			['name', () => client.addRecord('example.com', {type: 'A', name: 'w w', content: '203.0.113.1', proxied: false})],
			['ttl', () => client.addRecord('example.com', {type: 'A', name: 'www', content: '203.0.113.1', proxied: false, ttl: 60})],
			['record id', () => client.editRecord('example.com', {...record, id: '1; drop'})],
			['content', () => client.editRecord('example.com', {...record, content: '2001:db8::1'})],
			['name', () => client.deleteRecordsByName('example.com', 'www.example.net')],
			['name', () => client.deleteRecordsByName('example.com', 'www')],
			['record id', () => client.deleteRecord('example.com', '')],
			['IP address', () => client.updateHostsIp('2001:db8::1', ['www.example.com'])],
			['hosts', () => client.updateHostsIp('203.0.113.1', [])],
			['host', () => client.updateHostsIp('203.0.113.1', ['www.example.com', 'www.example.com'])],
		];
		const before = emu.state();
		const seen = () => {
			const state = emu.state();
			return state.accounts.reduce((sum, entry) => sum + entry.calls.total, 0) + state.unauthorizedCalls + state.faultedCalls;
		};
		const count = seen();
		for (const [field, call] of cases) {
			const error = await rejection(call());
			expect(error.kind, field).toBe('validation');
			expect(error.field).toBe(field);
		}
		expect(seen()).toBe(count);
		expect(emu.state().zones).toEqual(before.zones);
	});

	it('refuses an empty key or a bad email at construction', () => {
		expect(() => clientFor(emu, {key: new Secret('')})).toThrow(expect.objectContaining({kind: 'validation', field: 'key'}));
		expect(() => clientFor(emu, {email: 'not an email'})).toThrow(expect.objectContaining({kind: 'validation', field: 'email'}));
	});
});
