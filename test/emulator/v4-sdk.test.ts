/**
 * The official TypeScript SDK (npm `cloudflare` 7.3.0) against the emulator's API v4: a console's
 * round of calls, with no error. The SDK is only pointed at the emulator, never special-cased.
 */
import Cloudflare from 'cloudflare';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {start} from './helpers.js';

let emulator: EmulatorHandle;
let client: Cloudflare;
beforeEach(async () => {
	emulator = await start();
	// No retries: an error must show as one, not be hidden by a second attempt.
	client = new Cloudflare({apiToken: emulator.token, baseURL: `${emulator.url}/client/v4`, maxRetries: 0, timeout: 5000});
});
afterEach(() => emulator.close());

describe('the cloudflare SDK against API v4', () => {
	it('verifies its token', async () => {
		const verified = await client.user.tokens.verify();
		expect(verified.status).toBe('active');
	});

	it('runs a console scenario: zones, settings, access rules, DNS records, purge', async () => {
		const zones = [];
		for await (const zone of client.zones.list()) zones.push(zone);
		expect(zones.map(zone => zone.name)).toEqual(['example.com', 'example.net']);
		const [byName] = (await client.zones.list({name: 'example.com'})).result;
		const zone = await client.zones.get({zone_id: byName.id});
		expect(zone).toMatchObject({name: 'example.com', status: 'active', plan: {legacy_id: 'pro'}});
		const zone_id = zone.id;

		expect(await client.zones.settings.get('security_level', {zone_id})).toMatchObject({id: 'security_level', value: 'medium'});
		expect(await client.zones.settings.edit('security_level', {zone_id, value: 'under_attack'})).toMatchObject({value: 'under_attack'});
		expect(await client.zones.settings.edit('development_mode', {zone_id, value: 'on'})).toMatchObject({value: 'on', time_remaining: 10_800});
		expect(await client.zones.settings.edit('cache_level', {zone_id, value: 'basic'})).toMatchObject({value: 'basic'});
		expect(await client.zones.settings.edit('ipv6', {zone_id, value: 'on'})).toMatchObject({value: 'on'});
		expect(emulator.state().zones[0]).toMatchObject({securityLevel: 'help', cacheLevel: 'basic', ipv6: true, devModeExpiresAt: expect.any(Number)});

		const rule = await client.firewall.accessRules.create({zone_id, mode: 'block', configuration: {target: 'ip', value: '198.51.100.77'}, notes: 'botnet'});
		expect(rule).toMatchObject({mode: 'block', configuration: {target: 'ip', value: '198.51.100.77'}, notes: 'botnet'});
		const rules = [];
		for await (const each of client.firewall.accessRules.list({zone_id, mode: 'block'})) rules.push(each);
		expect(rules.map(each => each.id)).toEqual([rule.id]);
		const edited = await client.firewall.accessRules.edit(rule.id, {zone_id, mode: 'challenge', configuration: {}, notes: 'watch'});
		expect(edited).toMatchObject({mode: 'challenge', notes: 'watch'});
		expect(await client.firewall.accessRules.get(rule.id, {zone_id})).toMatchObject({mode: 'challenge'});
		expect(await client.firewall.accessRules.delete(rule.id, {zone_id})).toMatchObject({id: rule.id});

		const record = await client.dns.records.create({zone_id, type: 'A', name: 'api', content: '192.0.2.50', ttl: 1, proxied: true, comment: 'made by the SDK'});
		expect(record).toMatchObject({name: 'api.example.com', type: 'A', content: '192.0.2.50', proxied: true, comment: 'made by the SDK'});
		const records = [];
		for await (const each of client.dns.records.list({zone_id, type: 'A'})) records.push(each);
		expect(records.map(each => each.name)).toContain('api.example.com');
		const found = await client.dns.records.list({zone_id, name: {exact: 'api.example.com'}});
		expect(found.result.map(each => each.id)).toEqual([record.id]);
		const updated = await client.dns.records.update(record.id, {zone_id, type: 'A', name: 'api.example.com', content: '192.0.2.51', ttl: 300});
		expect(updated).toMatchObject({content: '192.0.2.51', ttl: 300, proxied: false});
		const patched = await client.dns.records.edit(record.id, {zone_id, type: 'A', name: 'api.example.com', ttl: 300, proxied: true});
		expect(patched).toMatchObject({content: '192.0.2.51', proxied: true});
		expect(await client.dns.records.get(record.id, {zone_id})).toMatchObject({id: record.id});
		expect(await client.dns.records.delete(record.id, {zone_id})).toMatchObject({id: record.id});
		const caa = await client.dns.records.create({zone_id, type: 'CAA', name: '@', ttl: 1, data: {flags: 0, tag: 'issue', value: 'letsencrypt.org'}});
		expect(caa).toMatchObject({type: 'CAA', content: '0 issue "letsencrypt.org"', data: {flags: 0, tag: 'issue', value: 'letsencrypt.org'}});
		const srv = await client.dns.records.create({zone_id, type: 'SRV', name: '_sip._tcp', ttl: 3600, data: {priority: 10, weight: 5, port: 5060, target: 'sip.example.com'}});
		expect(srv).toMatchObject({content: '5 5060 sip.example.com', priority: 10});
		const mx = await client.dns.records.create({zone_id, type: 'MX', name: 'relay', content: 'mx.example.net', priority: 20, ttl: 1, comment: 'backup'});
		expect(mx).toMatchObject({priority: 20, comment: 'backup'});

		expect(await client.cache.purge({zone_id, purge_everything: true})).toMatchObject({id: zone_id});
		expect(await client.cache.purge({zone_id, files: ['https://example.com/style.css']})).toMatchObject({id: zone_id});
		expect(emulator.state().zones[0].filePurges.map(purge => purge.url)).toEqual(['https://example.com/style.css']);
	});

	it('manages account-level rules by the zones\' account id, and zone rules in every mode', async () => {
		const [zone] = (await client.zones.list({name: 'example.com'})).result;
		const account_id = zone.account.id as string;
		const zone_id = zone.id;
		const challenge = await client.firewall.accessRules.create({zone_id, mode: 'managed_challenge', configuration: {target: 'ip', value: '198.51.100.20'}, notes: 'watch this one'});
		expect(challenge).toMatchObject({mode: 'managed_challenge', configuration: {target: 'ip', value: '198.51.100.20'}, notes: 'watch this one'});
		const asn = await client.firewall.accessRules.create({account_id, mode: 'block', configuration: {target: 'asn', value: 'AS14061'}, notes: 'botnet network'});
		const range = await client.firewall.accessRules.create({account_id, mode: 'js_challenge', configuration: {target: 'ip_range', value: '203.0.113.0/24'}});
		const listed = [];
		for await (const rule of client.firewall.accessRules.list({account_id, per_page: 1})) listed.push(rule);
		expect(listed.map(rule => rule.id)).toEqual([asn.id, range.id]);
		expect(listed[0].scope).toMatchObject({id: account_id, type: 'organization'});
		const found = await client.firewall.accessRules.list({account_id, configuration: {target: 'asn', value: 'AS14061'}, notes: 'BOTNET'});
		expect(found.result.map(rule => rule.id)).toEqual([asn.id]);
		expect(await client.firewall.accessRules.edit(range.id, {account_id, mode: 'block', configuration: {}})).toMatchObject({mode: 'block'});
		expect(await client.firewall.accessRules.get(range.id, {account_id})).toMatchObject({mode: 'block'});
		expect(await client.firewall.accessRules.delete(range.id, {account_id})).toMatchObject({id: range.id});
		// The zone's own list holds only its rule.
		expect((await client.firewall.accessRules.list({zone_id})).result.map(rule => rule.id)).toEqual([challenge.id]);
		await expect(client.firewall.accessRules.list({account_id: 'f'.repeat(32)})).rejects.toBeInstanceOf(Cloudflare.PermissionDeniedError);
		await expect(client.firewall.accessRules.create({account_id, mode: 'block', configuration: {target: 'country', value: 'NZ'}})).rejects.toBeInstanceOf(Cloudflare.BadRequestError);
	});

	it('throws the SDK error classes for the real statuses', async () => {
		await expect(client.zones.get({zone_id: 'f'.repeat(32)})).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
		await expect(client.zones.get({zone_id: 'nope'})).rejects.toBeInstanceOf(Cloudflare.BadRequestError);
		const stranger = new Cloudflare({apiToken: 'not-a-token-of-anyone', baseURL: `${emulator.url}/client/v4`, maxRetries: 0});
		await expect(stranger.zones.list()).rejects.toBeInstanceOf(Cloudflare.PermissionDeniedError);
	});

	it('works with the legacy email + key too', async () => {
		const legacy = new Cloudflare({apiEmail: emulator.email, apiKey: emulator.key, baseURL: `${emulator.url}/client/v4`, maxRetries: 0});
		expect((await legacy.zones.list()).result).toHaveLength(2);
	});
});
