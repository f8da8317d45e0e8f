import {afterEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle, EmulatorOptions} from '../../source/emulator/index.js';
import {api, dig, plain, start, t0} from './helpers.js';

const opened: EmulatorHandle[] = [];
afterEach(async () => {
	await Promise.all(opened.splice(0).map(emulator => emulator.close()));
});

async function open(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
	const emulator = await start({scenario: 'attack', rateLimit: 100_000, ...options});
	opened.push(emulator);
	return emulator;
}

interface Obj {
	requestsServed: {cloudflare: number; user: number};
	trafficBreakdown: {pageviews: Record<string, number>; uniques: {regular: number; threat: number; crawler: number}};
}

async function stats(emulator: EmulatorHandle, interval = '120', z = 'example.com'): Promise<Obj> {
	const {json} = await api(emulator, {a: 'stats', z, interval});
	return dig(json, 'response', 'result', 'objs', 0) as Obj;
}

interface IpRow {
	ip: string;
	classification: string;
	hits: number;
	latitude?: number;
	longitude?: number;
	zone_name: string;
}

async function ips(emulator: EmulatorHandle, params: Record<string, string> = {}): Promise<IpRow[]> {
	const {json} = await api(emulator, {a: 'zone_ips', z: 'example.com', ...params});
	return dig(json, 'response', 'ips') as IpRow[];
}

/** Requests at the edge and at the origin during the next `seconds`. */
async function delta(emulator: EmulatorHandle, seconds: number): Promise<{edge: number; origin: number}> {
	const before = await stats(emulator);
	emulator.advanceClock(seconds);
	const after = await stats(emulator);
	return {edge: after.requestsServed.cloudflare - before.requestsServed.cloudflare, origin: after.requestsServed.user - before.requestsServed.user};
}

describe('determinism', () => {
	it('serves the same traffic for the same seed and different traffic for another', async () => {
		const [a, b, c] = [await open({seed: 7}), await open({seed: 7}), await open({seed: 8})];
		for (const emulator of [a, b, c]) emulator.advanceClock(300);
		const bodies = await Promise.all([a, b, c].map(async emulator => (await api(emulator, {a: 'zone_ips', z: 'example.com', hours: '6', geo: '1'})).text));
		expect(bodies[0]).toBe(bodies[1]);
		expect(bodies[0]).not.toBe(bodies[2]);
		expect(JSON.stringify(await stats(a))).toBe(JSON.stringify(await stats(b)));
	});
});

describe('the attack', () => {
	it('ramps up a botnet within minutes, several bots sharing /24s', async () => {
		const emulator = await open();
		const first = await stats(emulator);
		expect(first.trafficBreakdown.uniques.threat).toBeLessThanOrEqual(4);
		emulator.advanceClock(60);
		const second = await stats(emulator);
		expect(second.trafficBreakdown.uniques.threat).toBeGreaterThan(15);
		emulator.advanceClock(180);
		const threats = await ips(emulator, {hours: '1', class: 't'});
		expect(threats.length).toBeGreaterThanOrEqual(70);
		const perNet = new Map<string, number>();
		for (const row of threats) perNet.set(row.ip.split('.').slice(0, 3).join('.'), (perNet.get(row.ip.split('.').slice(0, 3).join('.')) ?? 0) + 1);
		expect([...perNet.values()].filter(count => count >= 3).length).toBeGreaterThanOrEqual(5);
		expect(threats.every(row => row.classification === 'threat')).toBe(true);
		expect(threats[0].hits).toBeGreaterThanOrEqual(threats.at(-1)?.hits ?? 0);
	});

	it('stays quiet in calm', async () => {
		const emulator = await open({scenario: 'calm'});
		emulator.advanceClock(900);
		expect((await stats(emulator)).trafficBreakdown.uniques.threat).toBeLessThanOrEqual(4);
	});

	it('can be started by switching scenario at runtime', async () => {
		const emulator = await open({scenario: 'calm'});
		emulator.setScenario('attack');
		emulator.advanceClock(240);
		expect((await stats(emulator)).trafficBreakdown.uniques.threat).toBeGreaterThan(50);
		expect(emulator.state().scenario).toBe('attack');
	});
});

describe('feedback of actions on traffic', () => {
	it('under help, requests to the origin fall while the edge still counts them', async () => {
		const emulator = await open();
		emulator.advanceClock(300);
		const before = await delta(emulator, 30);
		await api(emulator, {a: 'sec_lvl', z: 'example.com', v: 'help'});
		const after = await delta(emulator, 30);
		expect(after.edge).toBeGreaterThan(before.edge * 0.95);
		expect(after.origin).toBeLessThan(before.origin * 0.25);
	});

	it('a banned IP stops reaching the origin, and still shows at the edge', async () => {
		const [control, treated] = [await open(), await open()];
		for (const emulator of [control, treated]) emulator.advanceClock(300);
		const top = (await ips(treated, {hours: '1', class: 't'})).slice(0, 20);
		for (const row of top) expect(await plain(treated, {a: 'ban', key: row.ip})).toBe('OK');
		const [withoutBan, withBan] = [await delta(control, 60), await delta(treated, 60)];
		expect(withBan.edge).toBe(withoutBan.edge);
		expect(withBan.origin).toBeLessThan(withoutBan.origin - 50);
		const banned = (await ips(treated, {hours: '1'})).find(row => row.ip === top[0].ip);
		expect(banned?.hits).toBeGreaterThan(top[0].hits);
	});

	it('a whitelisted IP is no longer a threat', async () => {
		const emulator = await open();
		emulator.advanceClock(300);
		const [top] = await ips(emulator, {hours: '1', class: 't'});
		expect(dig((await api(emulator, {a: 'ip_lkup', ip: top.ip})).json, 'response', top.ip)).toMatch(/^BAD:([1-9]\d*)$/);
		const threatsBefore = (await stats(emulator)).trafficBreakdown.uniques.threat;
		expect(await plain(emulator, {a: 'wl', key: top.ip})).toBe('OK');
		expect((await ips(emulator, {hours: '1'})).find(row => row.ip === top.ip)?.classification).toBe('regular');
		expect((await ips(emulator, {hours: '1', class: 't'})).some(row => row.ip === top.ip)).toBe(false);
		expect(dig((await api(emulator, {a: 'ip_lkup', ip: top.ip})).json, 'response', top.ip)).toBe('BAD:0');
		expect((await stats(emulator)).trafficBreakdown.uniques.threat).toBe(threatsBefore - 1);
	});

	it('dev mode bypasses the cache: the origin share rises', async () => {
		const [control, treated] = [await open({scenario: 'calm'}), await open({scenario: 'calm'})];
		await api(treated, {a: 'devmode', z: 'example.com', v: '1'});
		const [normal, dev] = [await delta(control, 600), await delta(treated, 600)];
		expect(dev.edge).toBe(normal.edge);
		expect(dev.origin).toBeGreaterThan(normal.origin * 2.5);
	});
});

describe('stats windows', () => {
	it('serves every interval for the Pro zone with its window', async () => {
		const emulator = await open();
		const now = t0 / 1000;
		const expected: Record<string, [number, number]> = {10: [366 * 86400, 86400], 20: [31 * 86400, 86400], 30: [8 * 86400, 86400], 40: [2 * 86400, 86400], 100: [86400, 0], 110: [43200, 0], 120: [21600, 0]};
		for (const [interval, [back, end]] of Object.entries(expected)) {
			const {json} = await api(emulator, {a: 'stats', z: 'example.com', interval});
			expect(dig(json, 'response', 'result')).toMatchObject({timeZero: (now - back) * 1000, timeEnd: (now - end) * 1000, count: 1, has_more: false});
			expect(dig(json, 'response', 'result', 'objs', 0, 'interval')).toBe(Number(interval));
		}
		const defaulted = await api(emulator, {a: 'stats', z: 'example.com'});
		expect(dig(defaulted.json, 'response', 'result', 'objs', 0, 'interval')).toBe(20);
	});

	it('refuses the Pro-only intervals for a Free zone, and unknown intervals', async () => {
		const emulator = await open();
		for (const interval of ['100', '110', '120']) {
			const {json} = await api(emulator, {a: 'stats', z: 'example.net', interval});
			expect(json.result).toBe('error');
			expect(String(json.msg)).toMatch(/only available to Pro zones/);
		}
		expect((await api(emulator, {a: 'stats', z: 'example.net', interval: '40'})).json.result).toBe('success');
		for (const interval of ['50', 'abc', '-10']) expect((await api(emulator, {a: 'stats', z: 'example.com', interval})).json).toMatchObject({result: 'error', err_code: 'interval'});
	});

	it('keeps the day-behind windows free of today’s attack', async () => {
		const emulator = await open();
		emulator.advanceClock(600);
		expect((await stats(emulator, '40')).trafficBreakdown.uniques.threat).toBeLessThanOrEqual(4);
		expect((await stats(emulator, '100')).trafficBreakdown.uniques.threat).toBeGreaterThan(50);
	});
});

describe('zone_ips', () => {
	it('takes zid or z, defaults to 24 hours, allows 1..48', async () => {
		const emulator = await open({scenario: 'calm'});
		const zid = String(emulator.state().zones[0].zid);
		const byZid = (await api(emulator, {a: 'zone_ips', zid})).text.replace(/"request":\{[^}]*\},/, '');
		const byName = (await api(emulator, {a: 'zone_ips', z: 'example.com', hours: '24'})).text.replace(/"request":\{[^}]*\},/, '');
		expect(byZid).toBe(byName);
		const oneHour = await ips(emulator, {hours: '1'});
		const twoDays = await ips(emulator, {hours: '48'});
		expect(twoDays.reduce((sum, row) => sum + row.hits, 0)).toBeGreaterThan(oneHour.reduce((sum, row) => sum + row.hits, 0) * 20);
		for (const hours of ['0', '49', 'x', '1.5']) expect((await api(emulator, {a: 'zone_ips', z: 'example.com', hours})).json).toMatchObject({result: 'error', err_code: 'hours'});
	});

	it('filters by class r|s|t, with c taken for crawlers', async () => {
		const emulator = await open();
		emulator.advanceClock(300);
		const all = await ips(emulator, {hours: '6'});
		for (const [cls, name] of [['r', 'regular'], ['s', 'crawler'], ['c', 'crawler'], ['t', 'threat']]) {
			const rows = await ips(emulator, {hours: '6', class: cls});
			expect(rows.length).toBe(all.filter(row => row.classification === name).length);
			expect(rows.every(row => row.classification === name)).toBe(true);
		}
		expect((await api(emulator, {a: 'zone_ips', z: 'example.com', class: 'x'})).json).toMatchObject({result: 'error', err_code: 'class'});
	});

	it('adds coordinates only with geo, 0,0 for unknown', async () => {
		const emulator = await open({scenario: 'calm'});
		const plainRows = await ips(emulator);
		expect(plainRows.every(row => row.latitude === undefined && row.zone_name === 'example.com')).toBe(true);
		const geoRows = await ips(emulator, {geo: '1'});
		expect(geoRows.every(row => typeof row.latitude === 'number' && typeof row.longitude === 'number')).toBe(true);
		expect(geoRows.some(row => row.latitude === 0 && row.longitude === 0)).toBe(true);
		expect(geoRows.some(row => row.latitude !== 0)).toBe(true);
	});
});

describe('ip_lkup', () => {
	it('scores threats (bots above background), search engines, and unknown IPs', async () => {
		const emulator = await open();
		emulator.advanceClock(3600);
		const lookup = async (ip: string) => String(dig((await api(emulator, {a: 'ip_lkup', ip})).json, 'response', ip));
		const threats = await ips(emulator, {hours: '48', class: 't'});
		const botScore = Number((await lookup(threats[0].ip)).split(':')[1]);
		const quietScore = Number((await lookup(threats.at(-1)?.ip ?? '')).split(':')[1]);
		expect(botScore).toBeGreaterThan(quietScore);
		const [crawler] = await ips(emulator, {class: 's'});
		expect(await lookup(crawler.ip)).toMatch(/^SE:\d+$/);
		expect(await lookup('192.0.2.200')).toBe('BAD:0');
		expect((await api(emulator, {a: 'ip_lkup', ip: '1.2.3'})).json).toEqual({result: 'error', msg: 'Invalid IP address.', err_code: 'ip'});
	});
});

describe('flood', () => {
	it('has 50,000 distinct IPs and answers zone_ips for all of them quickly', async () => {
		const emulator = await open({scenario: 'flood'});
		emulator.advanceClock(600);
		const started = performance.now();
		const rows = await ips(emulator, {hours: '48'});
		expect(performance.now() - started).toBeLessThan(5000);
		expect(new Set(rows.map(row => row.ip)).size).toBe(50_000);
		const again = performance.now();
		await stats(emulator, '100');
		expect(performance.now() - again).toBeLessThan(2000);
	});
});
