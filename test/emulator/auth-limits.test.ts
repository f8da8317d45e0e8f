import {afterEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {admin, api, form, plain, raw, start} from './helpers.js';

let emulator: EmulatorHandle;
afterEach(() => emulator?.close());

const demo = () => emulator.state().accounts[0];

describe('authentication', () => {
	it.each([
		['a wrong key', {tkn: 'wrong'}],
		['a wrong email', {email: 'nobody@example.com'}],
		['no key', {tkn: ''}],
		['another account’s key', {tkn: '5f4e3d2c1b0a99887766554433221100ffeedd'}],
	])('refuses %s with E_UNAUTH, counting nothing on the account', async (_name, override) => {
		emulator = await start();
		const {json, status} = await api(emulator, {a: 'stats', z: 'example.com', email: emulator.email, tkn: emulator.key, ...override}, false);
		expect(status).toBe(200);
		expect(json).toEqual({result: 'error', msg: 'Unknown token or email', err_code: 'E_UNAUTH'});
		expect(demo().calls.total).toBe(0);
		expect(emulator.state().unauthorizedCalls).toBe(1);
	});

	it('serves several accounts, each seeing only its zones', async () => {
		emulator = await start({accounts: [{email: 'second@example.com', key: 'second-key-123', zones: ['second.test']}]});
		const second = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'second.test,example.com', u: 'second@example.com', tkn: 'second-key-123'})}`);
		const zones = (JSON.parse(second.text) as {response: {zones: Record<string, number>}}).response.zones;
		expect(zones['second.test']).toBeGreaterThan(0);
		expect(zones['example.com\n']).toBe(0);
		expect(emulator.state().accounts.map(account => [account.email, account.calls.total])).toEqual([
			['demo@example.com', 0],
			['second@example.com', 1],
			['other@example.org', 0],
		]);
		expect(emulator.state().zones.find(zone => zone.name === 'second.test')?.plan).toBe('free');
	});
});

describe('counting', () => {
	it('counts every API request that reaches the account, by action; admin calls never count', async () => {
		emulator = await start();
		await api(emulator, {a: 'stats', z: 'example.com'});
		await api(emulator, {a: 'stats', z: 'nope.test'});
		await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'bad'});
		await api(emulator, {a: 'bogus'});
		await plain(emulator, {a: 'ban', key: '192.0.2.1'});
		await admin(emulator, 'state');
		await admin(emulator, 'clock', {advanceSeconds: 1});
		expect(demo().calls).toEqual({total: 5, byAction: {stats: 2, sec_lvl: 1, '(invalid)': 1, ban: 1}, v4: {total: 0, byRoute: {}}});
		expect(demo().callsLeft).toBe(295);
	});
});

describe('the hourly budget', () => {
	it('refuses with E_MAXAPI at HTTP 200 once spent, over a sliding window', async () => {
		emulator = await start({rateLimit: 5});
		for (let i = 0; i < 3; i++) await api(emulator, {a: 'zone_check', zones: 'example.com'});
		emulator.advanceClock(1800);
		for (let i = 0; i < 2; i++) await api(emulator, {a: 'zone_check', zones: 'example.com'});
		const refused = await api(emulator, {a: 'zone_check', zones: 'example.com', calls_left: ''});
		expect(refused.status).toBe(200);
		expect(refused.json).toEqual({result: 'error', msg: 'You have exceeded your allowed number of API calls.', err_code: 'E_MAXAPI', calls_left: 0});
		expect(await plain(emulator, {a: 'wl', key: '192.0.2.1'})).toBe('E_MAXAPI');
		// Refused calls still reached the account but took nothing from the budget.
		expect(demo().calls.total).toBe(7);
		emulator.advanceClock(1800);
		// The first three fell out of the window; the two later ones did not.
		const after = await api(emulator, {a: 'zone_check', zones: 'example.com', calls_left: '1'});
		expect(after.json.result).toBe('success');
		expect(after.json.calls_left).toBe(2);
		expect(demo().callsLeft).toBe(2);
	});

	it('adds calls_left to any request, errors included', async () => {
		emulator = await start();
		const changed = await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'high', calls_left: ''});
		expect(changed.text).toMatch(/"result":"success","msg":null,"calls_left":299\}$/);
		expect((await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'x', calls_left: ''})).json).toMatchObject({result: 'error', calls_left: 298});
		expect((await api(emulator, {a: 'stats', z: 'example.com'})).json.calls_left).toBeUndefined();
	});

	it('keeps budgets per account', async () => {
		emulator = await start({rateLimit: 2, accounts: [{email: 'b@example.com', key: 'b-key-123456', zones: ['b.test']}]});
		await api(emulator, {a: 'zone_check', zones: 'example.com'});
		await api(emulator, {a: 'zone_check', zones: 'example.com'});
		expect((await api(emulator, {a: 'zone_check', zones: 'example.com'})).json.err_code).toBe('E_MAXAPI');
		const other = await raw(emulator.url, `/api_json.html?${form({a: 'zone_check', zones: 'b.test', u: 'b@example.com', tkn: 'b-key-123456'})}`);
		expect(JSON.parse(other.text)).toMatchObject({result: 'success'});
	});
});

describe('wl / ban / nul', () => {
	it('sets and removes rules through api.html in plain text', async () => {
		emulator = await start();
		expect(await plain(emulator, {a: 'ban', key: '192.0.2.10'})).toBe('OK');
		expect(await plain(emulator, {a: 'wl', key: '2001:db8::5'})).toBe('OK');
		const rules = () => emulator.state().zones.filter(zone => zone.owner === 'demo@example.com').map(zone => zone.accessRules.map(rule => `${rule.ip}:${rule.mode}`));
		expect(rules()).toEqual([
			['192.0.2.10:ban', '2001:db8::5:wl'],
			['192.0.2.10:ban', '2001:db8::5:wl'],
		]);
		expect(await plain(emulator, {a: 'nul', key: '192.0.2.10'})).toBe('OK');
		expect(rules()).toEqual([['2001:db8::5:wl'], ['2001:db8::5:wl']]);
		expect(emulator.state().zones.find(zone => zone.name === 'example.org')?.accessRules).toEqual([]);
	});

	it.each([
		[{a: 'ban', key: '300.1.2.3'}, 'E_INVLDIP'],
		[{a: 'ban', key: '192.0.2.0/24'}, 'E_INVLDIP'],
		[{a: 'ban', key: ''}, 'E_INVLDINPUT'],
		[{a: 'stats'}, 'E_INVLDINPUT'],
		[{a: 'ban', key: '192.0.2.1', tkn: 'wrong'}, 'E_UNAUTH'],
	])('answers %j with %s', async (params, code) => {
		emulator = await start();
		expect(await plain(emulator, params)).toBe(code);
	});

	it('answers through api_json.html with action and ip, optionally for one zone', async () => {
		emulator = await start();
		const {json} = await api(emulator, {a: 'ban', key: '192.0.2.20', z: 'example.net'});
		expect(json).toMatchObject({response: {result: {action: 'BAN', ip: '192.0.2.20'}}, result: 'success', msg: null});
		expect(emulator.state().zones.map(zone => zone.accessRules.length)).toEqual([0, 1, 0]);
		expect((await api(emulator, {a: 'wl', key: '192.0.2.20'})).json).toMatchObject({response: {result: {action: 'WL'}}});
		expect((await api(emulator, {a: 'nul', key: '192.0.2.20'})).json).toMatchObject({response: {result: {action: 'NUL'}}});
		expect((await api(emulator, {a: 'ban', key: 'x'})).json).toMatchObject({result: 'error', err_code: 'E_INVLDIP'});
	});
});

describe('spam reports', () => {
	const report = (extra: Record<string, string> = {}) => {
		const params = {u: emulator.email, tkn: emulator.key, evnt_t: 'CF_USER_SPAM', evnt_v: JSON.stringify({a: 'spammer', am: 'spam@example.net', ip: '192.0.2.9', content: 'buy now'}), ...extra};
		return raw(emulator.url, `/ajax/external-event.html?${form(params)}`).then(reply => JSON.parse(reply.text) as Record<string, unknown>);
	};

	it('accepts CF_USER_SPAM and WP_SPAM, email + t for the key, and refuses the rest', async () => {
		emulator = await start();
		expect(await report()).toEqual({result: 'success', msg: null});
		expect(await report({evnt_t: 'WP_SPAM', u: '', email: emulator.email, tkn: '', t: emulator.key})).toEqual({result: 'success', msg: null});
		expect(await report({evnt_t: 'OTHER'})).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
		expect(await report({evnt_v: '{not json'})).toMatchObject({result: 'error', err_code: 'E_INVLDINPUT'});
		expect(await report({tkn: 'wrong'})).toMatchObject({err_code: 'E_UNAUTH'});
		expect(demo().spamReportsLastHour).toBe(2);
		expect(demo().callsLeft).toBe(300);
	});

	it('allows 150 per hour', async () => {
		emulator = await start();
		for (let i = 0; i < 150; i++) expect((await report()).result).toBe('success');
		expect(await report()).toEqual({result: 'error', msg: 'Spam reports are limited to 150 per hour.', err_code: 'E_MAXAPI'});
		emulator.advanceClock(3600);
		expect((await report()).result).toBe('success');
	});
});
