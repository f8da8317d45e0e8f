/** API v4's REST face over loopback HTTP: every route, the error paths, the limit, faults and the admin state. */
import {afterEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {admin, api, raw, start, t0} from './helpers.js';
import {accountId, failed, v4, zoneId} from './v4-helpers.js';

let emulator: EmulatorHandle;
afterEach(() => emulator.close());
const now = t0 / 1000;

describe('authentication', () => {
	it('takes a Bearer token or X-Auth-Email + X-Auth-Key, and verifies tokens', async () => {
		emulator = await start();
		const verified = await v4(emulator, 'GET', '/user/tokens/verify');
		expect(verified.status).toBe(200);
		expect(verified.json).toMatchObject({success: true, errors: [], messages: [{code: 10000, message: 'This API Token is valid and active', type: null}], result: {id: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'active'}});
		const legacy = {'X-Auth-Email': emulator.email, 'X-Auth-Key': emulator.key};
		expect((await v4(emulator, 'GET', '/zones', undefined, legacy)).status).toBe(200);
		expect(await v4(emulator, 'GET', '/user/tokens/verify', undefined, legacy)).toMatchObject({status: 400, json: failed(1001)});
	});

	it.each([
		['no credentials', {}, 400, 6003, 6111],
		['a malformed Authorization', {Authorization: 'Token abc'}, 400, 6003, 6111],
		['an email that is none', {'X-Auth-Email': 'nobody', 'X-Auth-Key': 'k'}, 400, 6003, 6102],
		['an email without a key', {'X-Auth-Email': 'demo@example.com'}, 400, 6003, 6103],
	])('refuses %s with 400 "Invalid request headers" and the chain', async (_name, headers, status, code, chain) => {
		emulator = await start();
		const reply = await v4(emulator, 'GET', '/zones', undefined, headers);
		expect(reply.status).toBe(status);
		expect(reply.json).toEqual({success: false, errors: [{code, message: 'Invalid request headers', error_chain: [expect.objectContaining({code: chain})]}], messages: [], result: null});
	});

	it('refuses an unknown token or a wrong key with 403 "Authentication error", counted as unauthorized', async () => {
		emulator = await start();
		expect(await v4(emulator, 'GET', '/zones', undefined, {Authorization: 'Bearer someone-else'})).toMatchObject({status: 403, json: {errors: [{code: 10000, message: 'Authentication error'}]}});
		expect(await v4(emulator, 'GET', '/zones', undefined, {'X-Auth-Email': emulator.email, 'X-Auth-Key': 'wrong'})).toMatchObject({status: 403, json: failed(10000)});
		expect(emulator.state().unauthorizedCalls).toBe(2);
	});

	it('gives every account its own token, settable per account', async () => {
		emulator = await start({token: 'demo-token-given', accounts: [{email: 'b@example.com', key: 'b-key-123456', token: 'b-token-123456', zones: ['b.test']}]});
		expect(emulator.token).toBe('demo-token-given');
		const mine = await v4(emulator, 'GET', '/zones', undefined, {Authorization: 'Bearer b-token-123456'});
		expect((mine.json.result as {name: string}[]).map(zone => zone.name)).toEqual(['b.test']);
		const other = await v4(emulator, 'GET', '/zones', undefined, {Authorization: 'Bearer flarewatch-other-token-Hc5Jd8Ke2Mf6Ng9Ph'});
		expect((other.json.result as {name: string}[]).map(zone => zone.name)).toEqual(['example.org']);
	});
});

describe('routing', () => {
	it('answers an unknown route 400/7000, a known path with another method 405, and bad JSON 400', async () => {
		emulator = await start();
		expect(await v4(emulator, 'GET', '/nothing/here')).toMatchObject({status: 400, json: {success: false, errors: [{code: 7000, message: 'No route for that URI'}], result: null}});
		expect(await v4(emulator, 'DELETE', '/zones')).toMatchObject({status: 405, json: failed(7001)});
		const id = zoneId(emulator, 'example.com');
		expect(await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, '{"value":')).toMatchObject({status: 400, json: failed(6007)});
		expect(await v4(emulator, 'GET', `/zones/${id}/settings/rocket_loader`)).toMatchObject({status: 400, json: failed(7000)});
	});

	it('serves v4 under --sunset while v1 answers 410', async () => {
		emulator = await start({sunset: true});
		expect((await raw(emulator.url, '/api_json.html?a=stats')).status).toBe(410);
		expect((await v4(emulator, 'GET', '/zones')).status).toBe(200);
	});
});

describe('zones', () => {
	it('lists the account\'s zones with stable 32-hex ids, filters and pages', async () => {
		emulator = await start();
		const list = await v4(emulator, 'GET', '/zones');
		expect(list.status).toBe(200);
		expect(list.json).toMatchObject({success: true, errors: [], messages: [], result_info: {page: 1, per_page: 20, count: 2, total_count: 2, total_pages: 1}});
		const zones = list.json.result as Record<string, unknown>[];
		expect(zones.map(zone => zone.name)).toEqual(['example.com', 'example.net']);
		expect(zones[0]).toMatchObject({id: zoneId(emulator, 'example.com'), status: 'active', paused: false, type: 'full', development_mode: 0, account: {name: "demo@example.com's Account"}, owner: {email: 'demo@example.com'}, plan: {name: 'Pro Website', legacy_id: 'pro'}, created_on: expect.stringMatching(/Z$/)});
		expect(zones[1]).toMatchObject({plan: {legacy_id: 'free'}});
		expect(zoneId(emulator, 'example.com')).toMatch(/^[0-9a-f]{32}$/);
		// Stable: the same name gives the same id in another emulator.
		const again = await start();
		expect(zoneId(again, 'example.com')).toBe(zoneId(emulator, 'example.com'));
		await again.close();
		const named = await v4(emulator, 'GET', '/zones?name=example.net');
		expect((named.json.result as {name: string}[]).map(zone => zone.name)).toEqual(['example.net']);
		expect((await v4(emulator, 'GET', '/zones?name=example.org')).json.result).toEqual([]);
		expect((await v4(emulator, 'GET', '/zones?status=pending')).json.result).toEqual([]);
		expect((await v4(emulator, 'GET', '/zones?status=active&per_page=1&page=2')).json).toMatchObject({result: [{name: 'example.net'}], result_info: {page: 2, per_page: 1, count: 1, total_count: 2, total_pages: 2}});
		expect((await v4(emulator, 'GET', '/zones?page=9')).json).toMatchObject({success: true, result: [], result_info: {count: 0, total_count: 2}});
		expect((await v4(emulator, 'GET', '/zones?order=name&direction=desc')).json).toMatchObject({result: [{name: 'example.net'}, {name: 'example.com'}]});
		expect(await v4(emulator, 'GET', '/zones?status=sleeping')).toMatchObject({status: 400, json: failed(1002)});
		expect(await v4(emulator, 'GET', '/zones?page=0')).toMatchObject({status: 400, json: failed(1002)});
	});

	it('gets one zone; another account\'s zone is unknown, a malformed id refused', async () => {
		emulator = await start();
		const id = zoneId(emulator, 'example.com');
		expect((await v4(emulator, 'GET', `/zones/${id}`)).json).toMatchObject({success: true, result: {id, name: 'example.com'}});
		const foreign = zoneId(emulator, 'example.org');
		const unknown = await v4(emulator, 'GET', `/zones/${foreign}`);
		expect(unknown).toMatchObject({status: 404, json: {errors: [{code: 7003, message: `Could not route to /client/v4/zones/${foreign}, perhaps your object identifier is invalid?`}]}});
		expect(await v4(emulator, 'GET', `/zones/${'0'.repeat(32)}`)).toEqual({...unknown, json: {...unknown.json, errors: [{code: 7003, message: `Could not route to /client/v4/zones/${'0'.repeat(32)}, perhaps your object identifier is invalid?`}]}, headers: expect.anything()});
		expect(await v4(emulator, 'GET', '/zones/example.com')).toMatchObject({status: 400, json: {errors: [{code: 7003}, {code: 7000}]}});
	});
});

describe('settings', () => {
	it('lists, gets and edits the four settings, refusing bad values with 1007', async () => {
		emulator = await start();
		const id = zoneId(emulator, 'example.com');
		const all = await v4(emulator, 'GET', `/zones/${id}/settings`);
		expect(all.json.result).toEqual([
			{id: 'security_level', value: 'medium', editable: true, modified_on: null},
			{id: 'development_mode', value: 'off', editable: true, modified_on: null, time_remaining: 0},
			{id: 'cache_level', value: 'aggressive', editable: true, modified_on: null},
			{id: 'ipv6', value: 'off', editable: true, modified_on: null},
		]);
		for (const value of ['off', 'essentially_off', 'low', 'medium', 'high', 'under_attack']) {
			expect((await v4(emulator, 'PATCH', `/zones/${id}/settings/security_level`, {value})).json).toMatchObject({success: true, result: {id: 'security_level', value, modified_on: new Date(t0).toISOString()}});
		}
		for (const value of ['aggressive', 'basic', 'simplified']) {
			expect((await v4(emulator, 'PATCH', `/zones/${id}/settings/cache_level`, {value})).json).toMatchObject({result: {value}});
		}
		expect((await v4(emulator, 'PATCH', `/zones/${id}/settings/ipv6`, {value: 'on'})).json).toMatchObject({result: {value: 'on'}});
		expect((await v4(emulator, 'PATCH', `/zones/${id}/settings/development_mode`, {value: 'on'})).json).toMatchObject({result: {value: 'on', time_remaining: 10_800}});
		emulator.advanceClock(3600);
		expect((await v4(emulator, 'GET', `/zones/${id}/settings/development_mode`)).json).toMatchObject({result: {value: 'on', time_remaining: 7200}});
		expect((await v4(emulator, 'GET', `/zones/${id}`)).json).toMatchObject({result: {development_mode: 7200}});
		emulator.advanceClock(7300);
		expect((await v4(emulator, 'GET', `/zones/${id}/settings/development_mode`)).json).toMatchObject({result: {value: 'off', time_remaining: -100}});
		for (const [name, value] of [['security_level', 'help'], ['cache_level', 'agg'], ['ipv6', true], ['development_mode', 'yes']]) {
			expect(await v4(emulator, 'PATCH', `/zones/${id}/settings/${String(name)}`, {value})).toMatchObject({status: 400, json: {errors: [{code: 1007, message: `Invalid value for zone setting ${String(name)}`}]}});
		}
		expect(await v4(emulator, 'PATCH', `/zones/${id}/settings/ipv6`, ['on'])).toMatchObject({status: 400, json: failed(1002)});
	});
});

describe('purge', () => {
	it('purges everything, files on the zone (URLs or {url, headers}), tags, hosts and prefixes', async () => {
		emulator = await start();
		const id = zoneId(emulator, 'example.net');
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {purge_everything: true})).json).toEqual({success: true, errors: [], messages: [], result: {id}});
		expect(emulator.state().zones[1].lastPurgeAt).toBe(now);
		const files = ['https://example.net/a.css', {url: 'http://static.example.net/b.js?v=2', headers: {'CF-IPCountry': 'US', 'Accept-Language': 'en'}}];
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {files})).json).toMatchObject({result: {id}});
		expect(emulator.state().zones[1].filePurges).toEqual([{url: 'https://example.net/a.css', at: now}, {url: 'http://static.example.net/b.js?v=2', at: now}]);
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {files: Array.from({length: 100}, (_, n) => `https://example.net/${n}`)})).status).toBe(200);
		expect(emulator.state().zones[1].filePurges).toHaveLength(100);
		expect(emulator.state().zones[1].filePurges.at(-1)?.url).toBe('https://example.net/99');
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {tags: ['static', 'v2']})).status).toBe(200);
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {hosts: ['example.net', 'www.example.net']})).status).toBe(200);
		expect((await v4(emulator, 'POST', `/zones/${id}/purge_cache`, {prefixes: ['www.example.net/assets/']})).status).toBe(200);
		expect(emulator.state().zones[1].otherPurges.map(purge => `${purge.kind}:${purge.value}`)).toEqual(['tags:static', 'tags:v2', 'hosts:example.net', 'hosts:www.example.net', 'prefixes:www.example.net/assets/']);
		// v1's zone_file_purge list is the same list.
		expect(emulator.state().zones[0].filePurges).toEqual([]);
	});

	it.each([
		[{}, 1012],
		[{purge_everything: false}, 1012],
		[{purge_everything: true, files: ['https://example.net/']}, 1012],
		[{files: ['https://example.net/'], hosts: ['example.net']}, 1012],
		[{files: []}, 1012],
		[{files: 'https://example.net/'}, 1014],
		[{tags: 'static'}, 1014],
		[{files: Array(101).fill('https://example.net/')}, 1002],
		[{files: ['ftp://example.net/x']}, 1002],
		[{files: ['/relative.css']}, 1002],
		[{files: ['https://example.com/a.css']}, 1002],
		[{files: ['https://notexample.net/a.css']}, 1002],
		[{files: [{url: 'https://example.net/a.css', headers: ['CF-IPCountry']}]}, 1002],
		[{files: [{headers: {}}]}, 1002],
		[{tags: ['x'.repeat(1025)]}, 1100],
		[{tags: ['bad\ttag']}, 1315],
		[{tags: ['']}, 1002],
		[{hosts: ['example.com']}, 1002],
		[{hosts: ['www.example.net/path']}, 1002],
		[{prefixes: ['example.org/assets']}, 1002],
	])('refuses %j with 400 and code %i', async (body, code) => {
		emulator = await start();
		const id = zoneId(emulator, 'example.net');
		const reply = await v4(emulator, 'POST', `/zones/${id}/purge_cache`, body);
		expect(reply).toMatchObject({status: 400, json: {success: false, result: null}});
		expect((reply.json.errors as {code: number}[])[0].code).toBe(code);
		if (code === 1012) expect(reply.json.errors).toEqual([{code: 1012, message: 'Request must contain one of "purge_everything", "files", "tags", "hosts" or "prefixes"'}]);
		// An item's error comes with the summary.
		if ([1100, 1315].includes(code) || (code === 1002 && !('files' in body && (body.files as unknown[]).length > 100))) expect(reply.json.errors).toContainEqual({code: 1016, message: 'One or more cache purge errors'});
		expect(emulator.state().zones[1].filePurges).toEqual([]);
		expect(emulator.state().zones[1].otherPurges).toEqual([]);
	});
});

describe('IP Access rules', () => {
	it.each([
		['zone', 'zone'],
		['user', 'user'],
		['account', 'organization'],
	])('creates, lists with filters and pages, edits and deletes %s-level rules', async (scope, type) => {
		emulator = await start();
		const base = scope === 'zone' ? `/zones/${zoneId(emulator, 'example.com')}/firewall/access_rules/rules` : scope === 'user' ? '/user/firewall/access_rules/rules' : `/accounts/${await accountId(emulator)}/firewall/access_rules/rules`;
		const bodies = [
			{mode: 'block', configuration: {target: 'ip', value: '198.51.100.1'}, notes: 'Botnet node'},
			{mode: 'challenge', configuration: {target: 'ip6', value: '2001:DB8::1'}},
			{mode: 'whitelist', configuration: {target: 'ip_range', value: '192.0.2.0/24'}, notes: 'office'},
			{mode: 'js_challenge', configuration: {target: 'asn', value: 'as64496'}},
			{mode: 'managed_challenge', configuration: {target: 'country', value: 'nz'}, notes: 'botnet too'},
		];
		const ids: string[] = [];
		for (const body of bodies) {
			const created = await v4(emulator, 'POST', base, body);
			expect(created.status).toBe(200);
			expect(created.json.result).toMatchObject({mode: body.mode, allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'], notes: body.notes ?? '', created_on: new Date(t0).toISOString(), scope: {type}});
			ids.push((created.json.result as {id: string}).id);
		}
		const values = async (query: string) => ((await v4(emulator, 'GET', `${base}${query}`)).json.result as {configuration: {value: string}}[]).map(rule => rule.configuration.value);
		expect(await values('')).toEqual(['198.51.100.1', '2001:db8::1', '192.0.2.0/24', 'AS64496', 'NZ']);
		expect(await values('?mode=block')).toEqual(['198.51.100.1']);
		expect(await values('?configuration.target=country')).toEqual(['NZ']);
		expect(await values('?configuration.value=2001:db8::1')).toEqual(['2001:db8::1']);
		expect(await values('?configuration.value=2001:0db8:0:0::0001')).toEqual(['2001:db8::1']);
		expect(await values('?configuration.target=ip')).toEqual(['198.51.100.1', '2001:db8::1']);
		expect(await values('?configuration.target=asn&configuration.value=AS64496')).toEqual(['AS64496']);
		expect(await values('?configuration.value=192.0.2.0/24&mode=whitelist')).toEqual(['192.0.2.0/24']);
		expect(await values('?order=configuration.value')).toEqual(['192.0.2.0/24', '198.51.100.1', '2001:db8::1', 'AS64496', 'NZ']);
		expect(await values('?order=configuration.target&direction=desc')).toEqual(['192.0.2.0/24', '2001:db8::1', '198.51.100.1', 'NZ', 'AS64496']);
		expect(await values('?notes=BOTNET')).toEqual(['198.51.100.1', 'NZ']);
		expect(await values('?notes=office&mode=block&match=any')).toEqual(['198.51.100.1', '192.0.2.0/24']);
		expect(await values('?order=mode&direction=desc')).toEqual(['192.0.2.0/24', 'NZ', 'AS64496', '2001:db8::1', '198.51.100.1']);
		expect((await v4(emulator, 'GET', `${base}?per_page=2&page=3`)).json).toMatchObject({result: [{id: ids[4]}], result_info: {page: 3, per_page: 2, count: 1, total_count: 5, total_pages: 3}});
		emulator.advanceClock(60);
		const edited = await v4(emulator, 'PATCH', `${base}/${ids[0]}`, {mode: 'challenge', notes: 'downgraded'});
		expect(edited.json.result).toMatchObject({id: ids[0], mode: 'challenge', notes: 'downgraded', modified_on: new Date(t0 + 60_000).toISOString()});
		expect((await v4(emulator, 'GET', `${base}/${ids[0]}`)).json.result).toMatchObject({mode: 'challenge', notes: 'downgraded'});
		expect(await v4(emulator, 'PATCH', `${base}/${ids[0]}`, {configuration: {target: 'ip', value: '198.51.100.2'}})).toMatchObject({status: 400, json: failed(1002)});
		expect((await v4(emulator, 'DELETE', `${base}/${ids[0]}`)).json).toEqual({success: true, errors: [], messages: [], result: {id: ids[0]}});
		expect(await v4(emulator, 'GET', `${base}/${ids[0]}`)).toMatchObject({status: 404, json: failed(7003)});
		expect(await v4(emulator, 'DELETE', `${base}/nope`)).toMatchObject({status: 400, json: {errors: [{code: 7003}, {code: 7000}]}});
	});

	it.each([
		{mode: 'ban', configuration: {target: 'ip', value: '198.51.100.1'}},
		{mode: 'block'},
		{mode: 'block', configuration: {target: 'host', value: 'x'}},
		{mode: 'block', configuration: {target: 'ip', value: '2001:db8::1'}},
		{mode: 'block', configuration: {target: 'ip6', value: '198.51.100.1'}},
		{mode: 'block', configuration: {target: 'ip_range', value: '198.51.100.0/25'}},
		{mode: 'block', configuration: {target: 'ip_range', value: '2001:db8::/56'}},
		{mode: 'block', configuration: {target: 'asn', value: 'cloudflare'}},
		{mode: 'challenge', configuration: {target: 'country', value: 'NZL'}},
		{mode: 'challenge', configuration: {target: 'country', value: 'ZZ'}},
		{mode: 'challenge', configuration: {target: 'country', value: 'Q1'}},
		{mode: 'block', configuration: {target: 'country', value: 'NZ'}},
		{mode: 'block', configuration: {target: 'ip', value: '198.51.100.1'}, notes: 7},
	])('refuses %j with 400', async body => {
		emulator = await start();
		expect(await v4(emulator, 'POST', '/user/firewall/access_rules/rules', body)).toMatchObject({status: 400, json: failed(1002)});
	});

	it('keeps values in one form: ranges by their network, IPv6 compressed, ASNs as ASnnn, countries upper case (T1 and XX too)', async () => {
		emulator = await start();
		const make = async (target: string, value: string, mode = 'challenge') => ((await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode, configuration: {target, value}})).json.result as {configuration: {value: string}} | null)?.configuration.value;
		expect(await make('ip_range', '192.0.2.77/24')).toBe('192.0.2.0/24');
		expect(await make('ip_range', '10.20.30.40/16')).toBe('10.20.0.0/16');
		expect(await make('ip_range', '2001:DB8:AAAA:BBBB:1::/48')).toBe('2001:db8:aaaa::/48');
		expect(await make('ip_range', '2001:db8:1:2:3:4:5:6/64', 'block')).toBe('2001:db8:1:2::/64');
		expect(await make('ip6', '2001:0DB8:0000:0000:0000:0000:0000:0042')).toBe('2001:db8::42');
		expect(await make('asn', '013335')).toBe('AS13335');
		expect(await make('country', 't1')).toBe('T1');
		expect(await make('country', 'XX')).toBe('XX');
		// The same range, spelled another way, is a duplicate.
		expect(await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'ip_range', value: '192.0.2.1/24'}})).toMatchObject({status: 400, json: failed(10009)});
		// A country rule cannot become a block either.
		const rules = (await v4(emulator, 'GET', '/user/firewall/access_rules/rules?configuration.target=country&configuration.value=t1')).json.result as {id: string}[];
		expect(rules).toHaveLength(1);
		expect(await v4(emulator, 'PATCH', `/user/firewall/access_rules/rules/${rules[0].id}`, {mode: 'block'})).toMatchObject({status: 400, json: {errors: [{code: 1002, message: 'Block by country is only available on Enterprise plans.'}]}});
		expect(await v4(emulator, 'GET', '/user/firewall/access_rules/rules?mode=ban')).toMatchObject({status: 400, json: failed(1002)});
		expect(await v4(emulator, 'GET', '/user/firewall/access_rules/rules?configuration.target=host')).toMatchObject({status: 400, json: failed(1002)});
	});

	it('serves the account of the zones\' account.id: the same store as the user-level rules; any other account id is refused', async () => {
		emulator = await start();
		const id = await accountId(emulator);
		expect((await v4(emulator, 'GET', '/accounts')).json).toMatchObject({success: true, result: [{id, name: "demo@example.com's Account", type: 'standard'}], result_info: {count: 1, total_count: 1}});
		expect((await v4(emulator, 'GET', `/accounts/${id}`)).json.result).toMatchObject({id});
		const made = await v4(emulator, 'POST', `/accounts/${id}/firewall/access_rules/rules`, {mode: 'managed_challenge', configuration: {target: 'asn', value: 'AS14061'}, notes: 'botnet network'});
		expect(made.json.result).toMatchObject({scope: {id, name: "demo@example.com's Account", type: 'organization'}});
		const ruleId = (made.json.result as {id: string}).id;
		// The same rule through the user-level path, and a user-level rule through the account path.
		expect((await v4(emulator, 'GET', `/user/firewall/access_rules/rules/${ruleId}`)).json.result).toMatchObject({id: ruleId, scope: {type: 'user', email: 'demo@example.com'}});
		await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'ip', value: '198.51.100.3'}});
		expect(((await v4(emulator, 'GET', `/accounts/${id}/firewall/access_rules/rules`)).json.result as {configuration: {value: string}}[]).map(rule => rule.configuration.value)).toEqual(['AS14061', '198.51.100.3']);
		// A v1 ban is an account-level rule too.
		await api(emulator, {a: 'ban', key: '198.51.100.4'});
		expect((await v4(emulator, 'GET', `/accounts/${id}/firewall/access_rules/rules?configuration.value=198.51.100.4`)).json.result).toMatchObject([{mode: 'block', scope: {type: 'organization'}}]);
		// Someone else's account (or one that does not exist) is forbidden alike; a malformed id is unroutable.
		const other = await accountId(emulator, {Authorization: 'Bearer flarewatch-other-token-Hc5Jd8Ke2Mf6Ng9Ph'});
		for (const stranger of [other, 'f'.repeat(32)]) {
			expect(await v4(emulator, 'GET', `/accounts/${stranger}/firewall/access_rules/rules`)).toMatchObject({status: 403, json: {success: false, errors: [{code: 9109, message: 'Unauthorized to access requested resource'}], result: null}});
			expect(await v4(emulator, 'POST', `/accounts/${stranger}/firewall/access_rules/rules`, {mode: 'block', configuration: {target: 'ip', value: '198.51.100.5'}})).toMatchObject({status: 403, json: failed(9109)});
			expect(await v4(emulator, 'GET', `/accounts/${stranger}`)).toMatchObject({status: 403, json: failed(9109)});
		}
		expect(await v4(emulator, 'GET', '/accounts/demo/firewall/access_rules/rules')).toMatchObject({status: 400, json: {errors: [{code: 7003, message: 'Could not route to /client/v4/accounts/demo, perhaps your object identifier is invalid?'}, {code: 7000}]}});
		expect(await v4(emulator, 'DELETE', `/accounts/${id}/firewall/access_rules/rules/${'0'.repeat(32)}`)).toMatchObject({status: 404, json: failed(7003)});
	});

	it('refuses a duplicate in the same scope, not in another', async () => {
		emulator = await start();
		const body = {mode: 'block', configuration: {target: 'ip', value: '198.51.100.9'}};
		expect((await v4(emulator, 'POST', '/user/firewall/access_rules/rules', body)).status).toBe(200);
		expect(await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {...body, mode: 'challenge'})).toMatchObject({status: 400, json: {errors: [{code: 10009, message: 'firewallaccessrules.api.duplicate_of_existing'}]}});
		expect((await v4(emulator, 'POST', `/zones/${zoneId(emulator, 'example.com')}/firewall/access_rules/rules`, body)).status).toBe(200);
	});

	it('keeps accounts apart: another account\'s user rules and zones are not seen', async () => {
		emulator = await start();
		await v4(emulator, 'POST', '/user/firewall/access_rules/rules', {mode: 'block', configuration: {target: 'ip', value: '198.51.100.9'}});
		const other = {Authorization: 'Bearer flarewatch-other-token-Hc5Jd8Ke2Mf6Ng9Ph'};
		expect((await v4(emulator, 'GET', '/user/firewall/access_rules/rules', undefined, other)).json.result).toEqual([]);
		expect((await v4(emulator, 'GET', `/zones/${zoneId(emulator, 'example.com')}/firewall/access_rules/rules`, undefined, other)).status).toBe(404);
		expect(emulator.state().zones.find(zone => zone.name === 'example.org')?.accessRules).toEqual([]);
	});
});

describe('the REST limit', () => {
	it('refuses with 429 for five minutes once spent, with the Ratelimit headers and retry-after', async () => {
		emulator = await start({v4RateLimit: 3});
		const first = await v4(emulator, 'GET', '/zones');
		expect(first.headers.ratelimit).toBe('"default";r=2;t=300');
		expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=300');
		emulator.advanceClock(100);
		await v4(emulator, 'GET', '/zones');
		expect((await v4(emulator, 'GET', '/zones')).headers.ratelimit).toBe('"default";r=0;t=200');
		const refused = await v4(emulator, 'GET', '/zones');
		expect(refused).toMatchObject({status: 429, json: {success: false, errors: [{code: 971}], result: null}});
		expect(refused.headers['retry-after']).toBe('300');
		expect(refused.headers.ratelimit).toBe('"default";r=0;t=300');
		// The first call leaves the window, but the lockout holds for five minutes.
		emulator.advanceClock(250);
		expect((await v4(emulator, 'GET', '/zones')).headers['retry-after']).toBe('50');
		emulator.advanceClock(50);
		expect((await v4(emulator, 'GET', '/zones')).status).toBe(200);
		// v1's hourly budget is untouched; other accounts have their own.
		expect(emulator.state().accounts[0].callsLeft).toBe(300);
		expect((await v4(emulator, 'GET', '/zones', undefined, {Authorization: 'Bearer flarewatch-other-token-Hc5Jd8Ke2Mf6Ng9Ph'})).status).toBe(200);
	});

	it('defaults to 1200 per five minutes', async () => {
		emulator = await start();
		expect((await v4(emulator, 'GET', '/zones')).headers['ratelimit-policy']).toBe('"default";q=1200;w=300');
	});
});

describe('faults and the admin state', () => {
	it('applies faults to v4 paths, with v4 bodies for maxapi and unauth', async () => {
		emulator = await start();
		emulator.setFault({mode: 'http500', count: 1});
		expect((await raw(emulator.url, '/client/v4/zones')).status).toBe(500);
		emulator.setFault({mode: 'maxapi', count: 1});
		expect(await v4(emulator, 'GET', '/zones')).toMatchObject({status: 429, json: failed(971)});
		emulator.setFault({mode: 'unauth', count: 1});
		expect(await v4(emulator, 'GET', '/zones')).toMatchObject({status: 403, json: failed(10000)});
		emulator.setFault({mode: 'truncated', count: 1});
		const cut = await raw(emulator.url, '/client/v4/zones', {headers: {Authorization: `Bearer ${emulator.token}`}});
		expect(() => JSON.parse(cut.text)).toThrow();
		emulator.setFault({mode: 'gone', count: 1});
		expect((await raw(emulator.url, '/client/v4/zones')).status).toBe(410);
		expect(emulator.state().faultedCalls).toBe(4);
		expect(emulator.state().accounts[0].calls.v4.total).toBe(1);
	});

	it('counts v4 calls per account and route, apart from v1 calls', async () => {
		emulator = await start();
		const id = zoneId(emulator, 'example.com');
		await v4(emulator, 'GET', '/zones');
		await v4(emulator, 'GET', `/zones/${id}`);
		await v4(emulator, 'GET', `/zones/${zoneId(emulator, 'example.net')}`);
		await v4(emulator, 'PATCH', `/zones/${id}/settings/ipv6`, {value: 'on'});
		await v4(emulator, 'GET', '/bogus');
		await v4(emulator, 'PUT', '/zones');
		await admin(emulator, 'state');
		expect(emulator.state().accounts[0].calls).toEqual({
			total: 0,
			byAction: {},
			v4: {total: 6, byRoute: {'GET /zones': 1, 'GET /zones/:zone_id': 2, 'PATCH /zones/:zone_id/settings/:setting': 1, '(no route)': 1, '(method not allowed)': 1}},
		});
		const state = JSON.parse((await admin(emulator, 'state')).text) as {zones: {name: string; id: string}[]};
		expect(state.zones.map(zone => zone.id)).toEqual([id, zoneId(emulator, 'example.net'), zoneId(emulator, 'example.org')]);
	});
});
