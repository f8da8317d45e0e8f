/**
 * IP Access rules of every target and mode, made through API v4 (zone- and account-level), as the
 * traffic model applies them: GraphQL's firewall events and statuses, v1's stats and zone_ips. And
 * the visitors' networks: one ASN carries most of a scenario's threats, so one rule can stop them.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {asnNames, botnetAsn, countryCodes, floodAsn, REGULAR, THREAT, type Population} from '../../source/emulator/population.js';
import type {Zone} from '../../source/emulator/world.js';
import {answerGraphql} from '../../source/emulator/v4/graphql.js';
import {dig, form, raw} from './helpers.js';
import {closeCores, openCore, type CoreFixture} from './v4-helpers.js';

afterEach(closeCores);

async function rest(fixture: CoreFixture, method: string, path: string, body?: unknown): Promise<{status: number; json: Record<string, unknown>}> {
	const headers: Record<string, string> = {Authorization: `Bearer ${fixture.core.options.token}`};
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const reply = await raw(fixture.url, `/client/v4${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
	return {status: reply.status, json: JSON.parse(reply.text) as Record<string, unknown>};
}

/** Makes a rule through API v4 and returns its id. */
async function rule(fixture: CoreFixture, scope: 'account' | Zone, mode: string, target: string, value: string): Promise<string> {
	const base = scope === 'account' ? `/accounts/${fixture.core.world.accounts[0].id}` : `/zones/${scope.id}`;
	const made = await rest(fixture, 'POST', `${base}/firewall/access_rules/rules`, {mode, configuration: {target, value}, notes: 'test'});
	expect(made.status, JSON.stringify(made.json)).toBe(200);
	return dig(made.json, 'result', 'id') as string;
}

async function v1(fixture: CoreFixture, params: Record<string, string>): Promise<unknown> {
	const reply = await raw(fixture.url, '/api_json.html', {body: form({email: fixture.core.options.email, tkn: fixture.core.options.key, ...params}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
	return JSON.parse(reply.text) as unknown;
}

function gql<T>(fixture: CoreFixture, query: string, dataset: string, zone = 0): T[] {
	const answer = answerGraphql({world: fixture.core, accountEmail: fixture.core.options.email, body: {query}, now: fixture.core.clock.nowMs()});
	const body = answer.body as {data: unknown; errors: unknown};
	expect(body.errors, JSON.stringify(body.errors)).toBeNull();
	return dig(body.data, 'viewer', 'zones', zone, dataset) as T[];
}

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');

interface Group {
	count: number;
	dimensions: Record<string, string | number>;
}

function eventGroups(fixture: CoreFixture, zone: Zone, from: number, to: number, dims: string, extra = ''): Group[] {
	return gql<Group>(fixture, `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { firewallEventsAdaptiveGroups(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [count_DESC]) { count dimensions { ${dims} } } } } }`, 'firewallEventsAdaptiveGroups');
}

function requestGroups(fixture: CoreFixture, zone: Zone, from: number, to: number, dims: string, extra = ''): Group[] {
	return gql<Group>(fixture, `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { httpRequestsAdaptiveGroups(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [count_DESC]) { count dimensions { ${dims} } } } } }`, 'httpRequestsAdaptiveGroups');
}

function events(fixture: CoreFixture, zone: Zone, from: number, to: number, fields: string, extra = ''): Record<string, string>[] {
	return gql<Record<string, string>>(fixture, `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { firewallEventsAdaptive(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [datetime_DESC]) { ${fields} } } } }`, 'firewallEventsAdaptive');
}

/** The attack botnet's bots (they joined after the start; the botnet's network). */
function botnet(population: Population): string[] {
	return population.ips.filter((ip, i) => population.asn[i] === botnetAsn && Number.isFinite(population.joinAt[i]));
}

const sum = (groups: Group[]) => groups.reduce((total, group) => total + group.count, 0);

/** Threat hits per ASN over a window, straight from the model. */
function threatsByAsn(fixture: CoreFixture, zone: Zone, from: number, to: number): {total: number; byAsn: Map<number, number>} {
	const {hits, population} = fixture.core.traffic.measure(zone, from, to);
	const byAsn = new Map<number, number>();
	let total = 0;
	for (let i = 0; i < hits.length; i++) {
		if (population.classOf[i] !== THREAT) continue;
		total += hits[i];
		byAsn.set(population.asn[i], (byAsn.get(population.asn[i]) ?? 0) + hits[i]);
	}
	return {total, byAsn};
}

describe('the visitors\' networks', () => {
	it.each([
		['attack', botnetAsn],
		['flood', floodAsn],
	] as const)('%s: one ASN carries more than half of the threat requests', async (scenario, asn) => {
		const fixture = await openCore({scenario});
		fixture.core.clock.advance(600);
		const now = fixture.core.clock.nowSec();
		for (const zone of fixture.core.world.accounts[0].zones) {
			const {total, byAsn} = threatsByAsn(fixture, zone, now - 300, now);
			expect((byAsn.get(asn) ?? 0) / total).toBeGreaterThan(0.5);
		}
	});

	it('gives every visitor a stable network with a name and a country, and GraphQL shows the same', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const zone = fixture.core.world.zones[0];
		const population = fixture.core.traffic.population(zone);
		for (let i = 0; i < population.ips.length; i++) {
			expect(asnNames.get(population.asn[i])).toBeTruthy();
			expect(countryCodes[population.country[i]]).toMatch(/^[A-Z]{2}$/);
		}
		// The security level (medium) challenges half of the threat requests: the botnet's network leads the events.
		const now = fixture.core.clock.nowSec();
		const groups = eventGroups(fixture, zone, now - 300, now, 'clientAsn clientASNDescription');
		expect(groups[0].dimensions).toEqual({clientAsn: String(botnetAsn), clientASNDescription: 'DIGITALOCEAN-ASN'});
		expect(groups[0].count / sum(groups)).toBeGreaterThan(0.5);
		// A rebuilt emulator gives the same networks.
		const again = await openCore();
		expect(Array.from(again.core.traffic.population(again.core.world.zones[0]).asn)).toEqual(Array.from(population.asn));
	});
});

describe('rules shape traffic', () => {
	it('an account-level ASN block stops every request of that network on every zone, from the rule on, as source asn', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const made = fixture.core.clock.nowSec();
		const id = await rule(fixture, 'account', 'block', 'asn', `AS${botnetAsn}`);
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		const [pro, free] = fixture.core.world.accounts[0].zones;
		const asn = `, clientAsn: "${botnetAsn}"`;
		// Before the rule: the security level's challenges only; after it: the rule's blocks only, no request let through.
		expect(eventGroups(fixture, pro, made - 300, made, 'action source', asn).map(group => group.dimensions)).toEqual([{action: 'managed_challenge', source: 'securitylevel'}]);
		const after = eventGroups(fixture, pro, made, now, 'action source ruleId', asn);
		expect(after.map(group => group.dimensions)).toEqual([{action: 'block', source: 'asn', ruleId: id}]);
		const statuses = requestGroups(fixture, pro, made, now, 'edgeResponseStatus', asn);
		expect(statuses.map(group => group.dimensions.edgeResponseStatus)).toEqual([403]);
		expect(statuses[0].count).toBe(after[0].count);
		// Other networks' threats are still only challenged by the security level.
		const others = eventGroups(fixture, pro, made, now, 'action source', `, clientAsn_neq: "${botnetAsn}"`);
		expect(new Set(others.map(group => group.dimensions.source))).toEqual(new Set(['securitylevel']));
		// The Free zone (no grouped events there): its events of that network are the rule's blocks too.
		const freeEvents = events(fixture, free, made, now, 'action source ruleId clientAsn', asn);
		expect(freeEvents.length).toBeGreaterThan(100);
		expect(new Set(freeEvents.map(event => `${event.action} ${event.source} ${event.ruleId}`))).toEqual(new Set([`block asn ${id}`]));
		// v1 sees the same traffic at the edge (zone_ips counts every request), and less of it at the origin.
		const [zone] = fixture.core.world.zones;
		const withRule = fixture.core.traffic.measure(zone, made, now);
		const edgeTotal = withRule.edge[0] + withRule.edge[1] + withRule.edge[2];
		await rest(fixture, 'DELETE', `/accounts/${fixture.core.world.accounts[0].id}/firewall/access_rules/rules/${id}`);
		const without = fixture.core.traffic.measure(zone, made, now);
		expect(Array.from(without.hits)).toEqual(Array.from(withRule.hits));
		expect(without.edge[0] + without.edge[1] + without.edge[2]).toBeCloseTo(edgeTotal, 6);
		expect(withRule.origin).toBeLessThan(without.origin * 0.8);
		// The ASN rule is no v1 ban: the admin state's per-IP rules stay empty.
		expect(fixture.core.state().zones.map(each => each.accessRules)).toEqual([[], [], []]);
	});

	it('a zone-level range block stops the IPs inside the range on that zone only, as source iprange', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const [zone, other] = fixture.core.world.accounts[0].zones;
		const population = fixture.core.traffic.population(zone);
		const [bot] = botnet(population);
		const prefix = bot.slice(0, bot.lastIndexOf('.'));
		const inside = population.ips.filter(ip => ip.startsWith(`${prefix}.`));
		expect(inside.length).toBeGreaterThanOrEqual(4);
		const made = fixture.core.clock.nowSec();
		const id = await rule(fixture, zone, 'block', 'ip_range', `${prefix}.0/24`);
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		const blocked = eventGroups(fixture, zone, made, now, 'clientIP source ruleId', ', action: "block"');
		expect(blocked.map(group => group.dimensions.clientIP).sort()).toEqual([...inside].sort());
		for (const group of blocked) expect(group.dimensions).toMatchObject({source: 'iprange', ruleId: id});
		// Every request of those IPs is answered 403.
		for (const ip of inside) expect(requestGroups(fixture, zone, made, now, 'edgeResponseStatus', `, clientIP: "${ip}"`).map(group => group.dimensions.edgeResponseStatus)).toEqual([403]);
		// The other zone has no such rule.
		expect(events(fixture, other, made, now, 'source', ', action: "block"')).toEqual([]);
	});

	it('a country challenge challenges every threat request from there and a few of people\'s, as source country', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const [zone] = fixture.core.world.zones;
		const population = fixture.core.traffic.population(zone);
		// The country with the most regular visitors.
		const counts = new Map<number, number>();
		for (let i = 0; i < population.ips.length; i++) if (population.classOf[i] === REGULAR) counts.set(population.country[i], (counts.get(population.country[i]) ?? 0) + 1);
		const country = countryCodes[[...counts].sort((x, y) => y[1] - x[1])[0][0]];
		const made = fixture.core.clock.nowSec();
		const id = await rule(fixture, 'account', 'challenge', 'country', country);
		fixture.core.clock.advance(1800);
		const now = fixture.core.clock.nowSec();
		const filter = `, clientCountryName: "${country}"`;
		const events = eventGroups(fixture, zone, made, now, 'action source ruleId clientIP', filter);
		for (const group of events) expect(group.dimensions).toMatchObject({action: 'challenge', source: 'country', ruleId: id});
		const requests = requestGroups(fixture, zone, made, now, 'clientIP edgeResponseStatus', filter);
		const challengedOf = (ip: string) => requests.find(group => group.dimensions.clientIP === ip && group.dimensions.edgeResponseStatus === 403)?.count ?? 0;
		const totalOf = (ip: string) => sum(requests.filter(group => group.dimensions.clientIP === ip));
		let peopleTotal = 0;
		let peopleChallenged = 0;
		for (const ip of new Set(requests.map(group => String(group.dimensions.clientIP)))) {
			const i = population.index.get(ip) as number;
			if (population.classOf[i] === THREAT) expect(challengedOf(ip)).toBe(totalOf(ip));
			else {
				peopleTotal += totalOf(ip);
				peopleChallenged += challengedOf(ip);
			}
		}
		expect(peopleTotal).toBeGreaterThan(100);
		expect(peopleChallenged / peopleTotal).toBeGreaterThan(0.02);
		expect(peopleChallenged / peopleTotal).toBeLessThan(0.08);
		// Visitors from elsewhere are untouched by the rule.
		expect(eventGroups(fixture, zone, made, now, 'source', `, clientCountryName_neq: "${country}", source: "country"`)).toEqual([]);
	});

	it('a zone-level IP managed challenge shows that IP\'s requests as managed challenges with the rule\'s id', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const [zone] = fixture.core.world.zones;
		const listed = dig(await v1(fixture, {a: 'zone_ips', z: zone.name, hours: '1', class: 't'}), 'response', 'ips') as {ip: string}[];
		const ip = listed[0].ip;
		const made = fixture.core.clock.nowSec();
		const id = await rule(fixture, zone, 'managed_challenge', 'ip', ip);
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		const events = eventGroups(fixture, zone, made, now, 'action source ruleId', `, clientIP: "${ip}"`);
		expect(events.map(group => group.dimensions)).toEqual([{action: 'managed_challenge', source: 'ip', ruleId: id}]);
		expect(sum(events)).toBe(sum(requestGroups(fixture, zone, made, now, 'clientIP', `, clientIP: "${ip}"`)));
		// A challenge is no v1 ban: v1 still lists the IP as before.
		expect(fixture.core.state().zones[0].accessRules).toEqual([]);
	});

	it('the most specific rule wins: an IP whitelist inside a blocked network, and a zone rule before an account rule', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const [zone] = fixture.core.world.zones;
		const population = fixture.core.traffic.population(zone);
		const [freed, challenged] = botnet(population);
		const made = fixture.core.clock.nowSec();
		await rule(fixture, 'account', 'block', 'asn', `AS${botnetAsn}`);
		await rule(fixture, 'account', 'whitelist', 'ip', freed);
		const zoneRule = await rule(fixture, zone, 'js_challenge', 'ip', challenged);
		await rule(fixture, 'account', 'block', 'ip', challenged);
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		expect(eventGroups(fixture, zone, made, now, 'action', `, clientIP: "${freed}"`)).toEqual([]);
		expect(requestGroups(fixture, zone, made, now, 'edgeResponseStatus', `, clientIP: "${freed}"`).map(group => group.dimensions.edgeResponseStatus)).toEqual([200]);
		expect(eventGroups(fixture, zone, made, now, 'action ruleId', `, clientIP: "${challenged}"`).map(group => group.dimensions)).toEqual([{action: 'jschallenge', ruleId: zoneRule}]);
		// v1 shows the whitelisted bot as regular (its wl), and only the IP rules in its ban/wl view.
		const ips = dig(await v1(fixture, {a: 'zone_ips', z: zone.name, hours: '1'}), 'response', 'ips') as {ip: string; classification: string}[];
		expect(ips.find(row => row.ip === freed)?.classification).toBe('regular');
		expect(fixture.core.state().zones[0].accessRules.map(each => `${each.ip}:${each.mode}`)).toEqual([`${freed}:wl`]);
	});

	it('v1 zone_ips counts the same hits with or without rules (only a whitelist changes a classification)', async () => {
		const plainFixture = await openCore();
		const ruled = await openCore();
		for (const fixture of [plainFixture, ruled]) fixture.core.clock.advance(900);
		await rule(ruled, 'account', 'managed_challenge', 'asn', `AS${botnetAsn}`);
		await rule(ruled, ruled.core.world.zones[0], 'block', 'ip_range', '1.0.0.0/16');
		for (const fixture of [plainFixture, ruled]) fixture.core.clock.advance(900);
		const listing = async (fixture: CoreFixture) => dig(await v1(fixture, {a: 'zone_ips', z: 'example.com', hours: '1'}), 'response', 'ips');
		expect(await listing(ruled)).toEqual(await listing(plainFixture));
	});
});

describe('recent firewall events of one IP (a console\'s details)', () => {
	it('lists the newest events of an IP with its network, country, rule, path and agent', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const [zone] = fixture.core.world.zones;
		const population = fixture.core.traffic.population(zone);
		const [ip] = botnet(population);
		const i = population.index.get(ip) as number;
		const id = await rule(fixture, 'account', 'block', 'ip', ip);
		fixture.core.clock.advance(120);
		const now = fixture.core.clock.nowSec();
		const query = `query Recent($zone: string, $ip: string, $since: Time) { viewer { zones(filter: {zoneTag: $zone}) { firewallEventsAdaptive(filter: {clientIP: $ip, datetime_geq: $since}, limit: 5, orderBy: [datetime_DESC]) { action clientIP clientAsn clientASNDescription clientCountryName datetime ruleId source clientRequestPath userAgent rayName } } } }`;
		const answer = answerGraphql({world: fixture.core, accountEmail: fixture.core.options.email, body: {query, variables: {zone: zone.id, ip, since: iso(now - 3600)}}, now: fixture.core.clock.nowMs()});
		const body = answer.body as {data: unknown; errors: unknown};
		expect(body.errors).toBeNull();
		const events = dig(body.data, 'viewer', 'zones', 0, 'firewallEventsAdaptive') as Record<string, string>[];
		expect(events).toHaveLength(5);
		for (const event of events) {
			expect(event).toMatchObject({action: 'block', clientIP: ip, clientAsn: String(botnetAsn), clientASNDescription: 'DIGITALOCEAN-ASN', clientCountryName: countryCodes[population.country[i]], ruleId: id, source: 'ip'});
			expect(event.clientRequestPath).toMatch(/^\//);
			expect(event.userAgent).not.toBe('');
			expect(event.rayName).toMatch(/^[0-9a-f]{16}$/);
			expect(Date.parse(event.datetime) / 1000).toBeLessThan(now);
		}
		expect(events.map(event => event.datetime)).toEqual(events.map(event => event.datetime).sort().reverse());
		// Older events, before the rule, are the security level's.
		const older = eventGroups(fixture, zone, now - 3600, now - 120, 'action source', `, clientIP: "${ip}"`);
		expect(older.map(group => group.dimensions)).toEqual([{action: 'managed_challenge', source: 'securitylevel'}]);
	});
});
