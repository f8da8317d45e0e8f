/**
 * V4Backend against the emulator's API v4 face over loopback HTTP. What it reads must agree with what
 * the v1 face reports for the same window, and what it changes must show through the v1 face.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Backend, ZoneRef} from '../../source/backend.js';
import {openBackend} from '../../source/backends.js';
import {FlarewatchError} from '../../source/errors.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Backend} from '../../source/v1/backend.js';
import {V1Client} from '../../source/v1/client.js';
import {V4Backend, type V4Options} from '../../source/v4/backend.js';

/** A whole minute, so v1's windows (ending at the second) and v4's (on whole minutes) are the same. */
const t0 = Date.UTC(2014, 5, 1, 12, 0, 0);

let emulator: EmulatorHandle;
let backend: V4Backend;
let v1: V1Client;
const open: {close(): void}[] = [];

async function start(options: Parameters<typeof startEmulator>[0] = {port: 0}): Promise<void> {
	emulator = await startEmulator({now: () => t0, quiet: true, ...options, port: 0});
	backend = v4Backend();
	v1 = new V1Client({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key)});
	open.push(v1);
}

function v4Backend(options: Partial<V4Options> = {}): V4Backend {
	const made = new V4Backend({endpoint: emulator.url, token: new Secret(emulator.token), ...options});
	open.push(made);
	return made;
}

function v4Calls(): number {
	return emulator.state().accounts.find(account => account.email === emulator.email)!.calls.v4.total;
}

async function failure(promise: Promise<unknown>): Promise<FlarewatchError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(FlarewatchError);
		return error as FlarewatchError;
	}
	throw new Error('expected a failure');
}

afterEach(async () => {
	for (const each of open.splice(0)) each.close();
	await emulator?.close();
});

describe('V4Backend: reading', () => {
	beforeEach(() => start({port: 0, scenario: 'attack'}));

	it('checks zones: the account’s have ids (32 hex), others have none; endpoint with or without /client/v4', async () => {
		const zones = await backend.checkZones(['example.com', 'example.net', 'example.org', 'missing.test']);
		expect(zones.map(zone => zone.name)).toEqual(['example.com', 'example.net', 'example.org', 'missing.test']);
		expect(zones[0]!.id).toMatch(/^[0-9a-f]{32}$/);
		expect(zones[1]!.id).toMatch(/^[0-9a-f]{32}$/);
		expect(zones[0]!.id).not.toBe(zones[1]!.id);
		// example.org is another account's: unknown to this one, as in v1.
		expect(zones.slice(2).map(zone => zone.id)).toEqual(['', '']);
		const explicit = v4Backend({endpoint: `${emulator.url}/client/v4`});
		expect(await explicit.checkZones(['example.com'])).toEqual([zones[0]]);
		expect(explicit.endpointLabel).toBe(`${emulator.url}/client/v4`);
		// The Ratelimit header's remaining calls.
		expect(backend.lastCallsLeft()?.callsLeft).toBe(1200 - 4);
	});

	it('works with email + global key too', async () => {
		const legacy = v4Backend({token: undefined, email: emulator.email, key: new Secret(emulator.key)});
		expect((await legacy.checkZones(['example.com']))[0]!.id).toMatch(/^[0-9a-f]{32}$/);
	});

	it('stats on a Pro zone agree with v1 stats for the same window', async () => {
		const [zone] = await backend.checkZones(['example.com']);
		const [v4, old] = [await backend.stats(zone!, 120), await v1.stats('example.com', 120)];
		expect([v4.timeZero, v4.timeEnd]).toEqual([old.timeZero, old.timeEnd]);
		expect(v4.requests).toEqual(old.requests);
		expect(v4.pageviews.threat).toBe(old.pageviews.threat);
		// Crawlers cannot be told apart on v4: their page views are in regular.
		expect(v4.pageviews.regular + v4.pageviews.crawler).toBe(old.pageviews.regular + old.pageviews.crawler);
		expect(v4.uniques.regular).toBe(old.uniques.regular + old.uniques.threat + old.uniques.crawler);
		expect(v4.bandwidth.edgeKB).toBeCloseTo(old.bandwidth.edgeKB, 0);
		expect(v4).toMatchObject({interval: 120, securityLevel: 'med', securityLabel: old.securityLabel, cacheLevel: 'agg', ipv6: false, devModeUntil: 0, pageLoad: {withCloudflare: 0, without: 0}});
		expect(Math.abs(v4.serverTime - t0)).toBeLessThan(60_000);
	});

	it('stats on a Free zone: requests from the adaptive dataset, over the last day at most', async () => {
		const [, zone] = await backend.checkZones(['example.com', 'example.net']);
		const v4 = await backend.stats(zone!, 20);
		// A day, less the part of a minute that would start it more than 24 hours ago.
		expect(v4.timeEnd - v4.timeZero).toBeGreaterThanOrEqual(86_400_000 - 60_000);
		expect(v4.timeEnd - v4.timeZero).toBeLessThanOrEqual(86_400_000);
		const day = await v1.visitors({name: 'example.net', zid: 0}, {hours: 24});
		// v1's day against v4's day less its first minute: the same traffic but that minute's.
		const daySum = day.reduce((sum, visitor) => sum + visitor.hits, 0);
		expect(v4.requests.edge).toBeLessThanOrEqual(daySum);
		expect(v4.requests.edge).toBeGreaterThan(daySum * 0.99);
		// No cache figures on Free: the origin is never shown as lighter than the edge.
		expect(v4.requests.origin).toBe(v4.requests.edge);
	});

	it('a day of stats between whole minutes: the window starts inside the last 24 hours, which the API accepts', async () => {
		// The demo starts 90 s into its attack: the clock is then half-way through a minute.
		emulator.advanceClock(90);
		const [com] = await backend.checkZones(['example.com']);
		for (const interval of [10, 20, 30, 40, 100] as const) {
			const stats = await backend.stats(com!, interval);
			expect(stats.timeEnd - stats.timeZero).toBeGreaterThanOrEqual(86_400_000 - 60_000);
			expect(stats.timeEnd - stats.timeZero).toBeLessThan(86_400_000);
			expect(stats.timeZero).toBeGreaterThanOrEqual(stats.serverTime - 86_400_000);
		}
	});

	it('visitors: the top IPs and their counts are v1 zone_ips’, with a country; threats are the IPs answered 403', async () => {
		const [zone] = await backend.checkZones(['example.com']);
		const v4 = await backend.visitors(zone!, {hours: 6});
		const old = await v1.visitors({name: 'example.com', zid: 0}, {hours: 6});
		expect(v4.map(visitor => [visitor.ip, visitor.hits])).toEqual(old.map(visitor => [visitor.ip, visitor.hits]));
		expect(v4.filter(visitor => visitor.country !== undefined).length).toBeGreaterThan(v4.length / 2);
		const threats = new Set(v4.filter(visitor => visitor.classification === 'threat').map(visitor => visitor.ip));
		// At the default level (med) half of a threat's requests are challenged: v1's threats are v4's.
		expect(threats).toEqual(new Set(old.filter(visitor => visitor.classification === 'threat').map(visitor => visitor.ip)));
		expect(await backend.visitors(zone!, {hours: 6, classification: 'threat'})).toHaveLength(threats.size);
		const geo = await backend.visitors(zone!, {hours: 6, geo: true});
		expect(geo[0]).toMatchObject({latitude: 0, longitude: 0});
	});

	it('looks a zone up on first use when checkZones was not called', async () => {
		const fresh = v4Backend();
		const before = v4Calls();
		await fresh.setIpv6({name: 'example.com', id: ''}, true);
		await fresh.setIpv6({name: 'example.com', id: ''}, false);
		// One lookup, then the two changes.
		expect(v4Calls() - before).toBe(3);
	});
});

describe('V4Backend: changing, seen through the v1 face', () => {
	let zone: ZoneRef;
	beforeEach(async () => {
		await start();
		[zone] = (await backend.checkZones(['example.com'])) as [ZoneRef];
	});

	it('round-trips every setting', async () => {
		for (const level of ['help', 'high', 'low', 'eoff', 'med'] as const) {
			await backend.setSecurityLevel(zone, level);
			expect((await v1.stats('example.com', 120)).securityLevel).toBe(level);
			expect((await backend.stats(zone, 120)).securityLevel).toBe(level);
		}
		await backend.setCacheLevel(zone, 'basic');
		expect((await v1.stats('example.com', 120)).cacheLevel).toBe('basic');
		await backend.setCacheLevel(zone, 'agg');
		expect((await v1.stats('example.com', 120)).cacheLevel).toBe('agg');
		await backend.setIpv6(zone, true);
		expect((await v1.stats('example.com', 120)).ipv6).toBe(true);
		const {expiresOn} = await backend.setDevMode(zone, true);
		expect(expiresOn).toBe(t0 / 1000 + 3 * 3600);
		expect((await v1.stats('example.com', 120)).devModeUntil).toBe(expiresOn);
		expect((await backend.stats(zone, 120)).devModeUntil).toBe(expiresOn);
		expect(await backend.setDevMode(zone, false)).toEqual({expiresOn: 0});
		expect(emulator.state().zones[0]!.devModeExpiresAt).toBe(0);
	});

	it('purges everything', async () => {
		const result = await backend.purgeCache(zone);
		expect(result).toEqual({purgedAt: t0 / 1000, cooldownSeconds: 0});
		expect(emulator.state().zones[0]!.lastPurgeAt).toBe(t0 / 1000);
	});

	it('bans, whitelists and clears as rules of the zone, with their notes; v1 sees them on that zone only', async () => {
		const rules = () =>
			emulator
				.state()
				.zones.filter(each => each.name !== 'example.org')
				.map(each => each.accessRules.map(rule => ({ip: rule.ip, mode: rule.mode})));
		const [com, net] = await backend.checkZones(['example.com', 'example.net']);
		await backend.ban('198.51.100.7', {zone: com!, notes: 'flarewatch: ban by ops@host: scraping'});
		expect(rules()).toEqual([[{ip: '198.51.100.7', mode: 'ban'}], []]);
		// A whitelist for an IP with a rule already: the rule changes mode and notes (v4 refuses a second rule).
		await backend.whitelist('198.51.100.7', {zone: com!, notes: 'flarewatch: whitelist by ops@host'});
		expect(rules()[0]).toEqual([{ip: '198.51.100.7', mode: 'wl'}]);
		const listed = await backend.listRules(com!);
		expect(listed.rules.filter(rule => rule.scope === 'zone')).toEqual([expect.objectContaining({mode: 'whitelist', target: 'ip', value: '198.51.100.7', notes: 'flarewatch: whitelist by ops@host'})]);
		await backend.ban('2001:db8::7', {zone: net!});
		expect(rules()[1]).toContainEqual({ip: '2001:db8::7', mode: 'ban'});
		await backend.clearRule('198.51.100.7', {zone: com!});
		await backend.clearRule('2001:db8::7', {zone: net!});
		expect(rules()).toEqual([[], []]);
		// Nothing to clear is not an error, as v1's nul.
		await backend.clearRule('198.51.100.7', {zone: com!});
		// Without a zone there is nothing to put the rule in: refused before anything is sent.
		const before = v4Calls();
		await expect(backend.ban('198.51.100.8')).rejects.toMatchObject({kind: 'validation', field: 'zone'});
		expect(v4Calls()).toBe(before);
	});

	it('rules on ranges, ASNs and countries; a managed challenge; values checked before sending', async () => {
		const [com] = await backend.checkZones(['example.com']);
		const range = await backend.addRule(com!, {mode: 'block', target: 'ip_range', value: '203.0.113.0/24', notes: 'flarewatch: lockdown L1'});
		expect(range).toMatchObject({target: 'ip_range', value: '203.0.113.0/24', mode: 'block', scope: 'zone'});
		expect(range.createdAt).toBeGreaterThan(0);
		const asn = await backend.addRule(com!, {mode: 'managed_challenge', target: 'asn', value: '64500', notes: 'n'});
		expect(asn).toMatchObject({target: 'asn', value: 'AS64500', mode: 'managed_challenge'});
		await backend.addRule(com!, {mode: 'block', target: 'country', value: 'T1', notes: 'n'}).catch(() => undefined);
		const before = v4Calls();
		for (const bad of [
			{target: 'ip_range', value: '203.0.113.0/20'},
			{target: 'ip_range', value: '2001:db8::/56'},
			{target: 'asn', value: 'AS0'},
			{target: 'country', value: 'china'},
			{target: 'ip', value: '999.1.1.1'},
		] as const) {
			await expect(backend.addRule(com!, {mode: 'block', ...bad, notes: ''})).rejects.toMatchObject({kind: 'validation'});
		}
		expect(v4Calls()).toBe(before);
		await backend.deleteRule(com!, range);
		await backend.deleteRule(com!, asn);
		expect((await backend.listRules(com!)).rules.filter(rule => rule.scope === 'zone' && rule.target !== 'country')).toEqual([]);
	});

	it('creates, lists, edits and deletes DNS records', async () => {
		const added = await backend.addRecord(zone, {type: 'A', name: 'api', content: '192.0.2.50', proxied: true});
		expect(added).toMatchObject({name: 'api.example.com', type: 'A', content: '192.0.2.50', ttl: 1, proxied: true});
		const listed = await backend.listRecords(zone);
		expect(listed).toContainEqual(added);
		expect(listed.map(record => record.id).sort()).toHaveLength((await v1.listRecords('example.com')).length);
		const edited = await backend.editRecord(zone, {...added, content: '192.0.2.51', ttl: 300, proxied: false});
		expect(edited).toMatchObject({id: added.id, content: '192.0.2.51', ttl: 300, proxied: false});
		expect((await v1.listRecords('example.com')).find(record => record.name === 'api.example.com')).toMatchObject({content: '192.0.2.51', ttl: 300});
		await backend.deleteRecord(zone, added.id);
		expect((await v1.listRecords('example.com')).some(record => record.name === 'api.example.com')).toBe(false);

		await backend.addRecord(zone, {type: 'A', name: 'twin', content: '192.0.2.1', proxied: false});
		await backend.addRecord(zone, {type: 'A', name: 'twin.example.com', content: '192.0.2.2', proxied: false});
		await backend.deleteRecordsByName(zone, 'twin.example.com');
		expect((await v1.listRecords('example.com')).some(record => record.name === 'twin.example.com')).toBe(false);
		expect((await failure(backend.deleteRecordsByName(zone, 'twin.example.com'))).kind).toBe('api');
		expect((await failure(backend.deleteRecordsByName(zone, 'www.example.net'))).kind).toBe('validation');
	});

	it('refuses what v4 does not have, with a clear message and nothing sent', async () => {
		const before = v4Calls();
		for (const attempt of [backend.lookupIp('198.51.100.7'), backend.grabSnapshot(zone), backend.preloadPurge(zone), backend.updateHostsIp('192.0.2.1', ['www.example.com'])]) {
			const error = await failure(attempt);
			expect(error.kind).toBe('api');
			expect(error.message).toMatch(/not available on API v4\.$/);
		}
		expect((backend as Backend).reportSpam).toBeUndefined();
		expect(v4Calls()).toBe(before);
	});
});

describe('V4Backend: failures', () => {
	it('a wrong token is an auth failure', async () => {
		await start();
		const stranger = v4Backend({token: new Secret('not-a-token-of-anyone-at-all')});
		const error = await failure(stranger.checkZones(['example.com']));
		expect(error.kind).toBe('auth');
		expect(error.status).toBe(403);
	});

	it('a zone not on the account is an api failure', async () => {
		await start();
		const error = await failure(backend.stats({name: 'example.org', id: ''}, 120));
		expect(error.kind).toBe('api');
		expect(error.message).toContain('example.org');
	});

	it('429 is a rate-limit failure carrying the wait from Retry-After', async () => {
		await start({port: 0, v4RateLimit: 2});
		await backend.checkZones(['example.com', 'example.net']);
		expect(backend.lastCallsLeft()?.callsLeft).toBe(0);
		const error = await failure(backend.setIpv6({name: 'example.com', id: 'f'.repeat(32)}, true));
		expect(error.kind).toBe('rate-limit');
		expect(error.status).toBe(429);
		expect(error.retryAfterSeconds).toBe(300);
		expect(error.message).toContain('300 s');
	});

	it('GraphQL’s 429 is a rate-limit failure too', async () => {
		await start({port: 0, graphqlRateLimit: 1});
		const [zone] = await backend.checkZones(['example.com']);
		await backend.visitors(zone!, {hours: 1});
		const error = await failure(backend.visitors(zone!, {hours: 1}));
		expect(error.kind).toBe('rate-limit');
		expect(error.retryAfterSeconds).toBeGreaterThan(0);
	});

	it('a server that does not answer in time: timeout within our timeout, exactly one request sent', async () => {
		await start();
		const slow = v4Backend({timeoutMs: 400});
		const [zone] = await slow.checkZones(['example.com']);
		const before = v4Calls();
		emulator.setFault({mode: 'latency', ms: 1500});
		const started = Date.now();
		const error = await failure(slow.setSecurityLevel(zone!, 'high'));
		expect(error.kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(1200);
		// The emulator counts the call when its delayed answer runs: one, so the SDK did not retry.
		await new Promise(resolve => setTimeout(resolve, 1600));
		expect(v4Calls() - before).toBe(1);
	});

	it('an HTTP 500 is not retried', async () => {
		await start();
		const [zone] = await backend.checkZones(['example.com']);
		emulator.setFault({mode: 'http500'});
		const before = emulator.state().faultedCalls;
		const error = await failure(backend.setSecurityLevel(zone!, 'high'));
		expect(error.kind).toBe('http');
		expect(emulator.state().faultedCalls - before).toBe(1);
	});

	it('a never-answering server times out (the emulator’s timeout fault)', async () => {
		await start();
		const slow = v4Backend({timeoutMs: 300});
		emulator.setFault({mode: 'timeout'});
		const started = Date.now();
		expect((await failure(slow.checkZones(['example.com']))).kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('scrubs the token from a message when a server echoes it', async () => {
		const token = 'echo-me-token-Zq81Lm0PxR7';
		const server = http.createServer((request, response) => {
			response.writeHead(400, {'content-type': 'application/json'});
			response.end(JSON.stringify({success: false, errors: [{code: 1002, message: `bad header ${request.headers.authorization ?? ''} (${encodeURIComponent(token)})`}], messages: [], result: null}));
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		try {
			const echoing = new V4Backend({endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: new Secret(token)});
			open.push(echoing);
			for (const attempt of [echoing.checkZones(['example.com']), echoing.ban('198.51.100.7', {zone: {name: 'example.com', id: ''}})]) {
				const error = await failure(attempt);
				expect(error.kind).toBe('validation');
				expect(error.message).toContain('[redacted]');
				expect(error.message).not.toContain(token);
				expect(error.message).not.toContain(encodeURIComponent(token));
			}
		} finally {
			server.close();
		}
		emulator = undefined as unknown as EmulatorHandle;
	});

	it('needs a token or an email and key', () => {
		expect(() => new V4Backend({endpoint: 'http://127.0.0.1:1'})).toThrow(FlarewatchError);
	});
});

describe('openBackend', () => {
	it('opens v1 by default and v4 when asked', () => {
		const options = {endpoint: 'http://127.0.0.1:1', email: 'demo@example.com', key: new Secret('e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9')};
		const v1Backend = openBackend(options);
		const v4 = openBackend({...options, api: 'v4'});
		expect(v1Backend).toBeInstanceOf(V1Backend);
		expect(v4).toBeInstanceOf(V4Backend);
		expect(v4.endpointLabel).toBe('http://127.0.0.1:1/client/v4');
		v1Backend.close();
		v4.close();
	});
});
