/**
 * The GraphQL Analytics face, called in process through `answerGraphql`, next to the v1 face of the
 * same emulator core served over loopback HTTP: the two must tell the same story.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {otherAccount} from '../../source/emulator/index.js';
import {answerGraphql} from '../../source/emulator/v4/graphql.js';
import {zoneTagOf} from '../../source/emulator/v4/graphql-zone-id.js';
import {dig, form, raw, t0} from './helpers.js';
import {closeCores, openCore, type CoreFixture} from './v4-helpers.js';

afterEach(closeCores);

async function v1(fixture: CoreFixture, params: Record<string, string>): Promise<unknown> {
	const reply = await raw(fixture.url, '/api_json.html', {body: form({email: fixture.email, tkn: fixture.key, ...params}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
	const json = JSON.parse(reply.text) as Record<string, unknown>;
	expect(json.result, reply.text.slice(0, 300)).toBe('success');
	return json;
}

interface Answer {
	status: number;
	data: unknown;
	errors: {message: string; path?: string[]; locations?: unknown[]; extensions?: Record<string, unknown>}[] | null;
}

function gql(fixture: CoreFixture, query: string, variables?: Record<string, unknown>, email = fixture.email): Answer {
	const answer = answerGraphql({world: fixture.core, accountEmail: email, body: {query, variables}, now: fixture.core.clock.nowMs()});
	const body = answer.body as {data: unknown; errors: Answer['errors']};
	return {status: answer.status, data: body.data, errors: body.errors};
}

/** The rows of the first zone's dataset, failing loudly on errors. */
function rows<T>(answer: Answer, dataset: string): T[] {
	expect(answer.errors, JSON.stringify(answer.errors)).toBeNull();
	expect(answer.status).toBe(200);
	return dig(answer.data, 'viewer', 'zones', 0, dataset) as T[];
}

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
const pro = zoneTagOf('example.com');
const free = zoneTagOf('example.net');

function adaptive(tag: string, from: number, to: number, selection: string, extra = ''): string {
	return `{ viewer { zones(filter: {zoneTag: "${tag}"}) { httpRequestsAdaptiveGroups(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [count_DESC]) { ${selection} } } } }`;
}

interface Group {
	count: number;
	dimensions: Record<string, string | number>;
}

describe('the zone id', () => {
	it('is 32 hex from the zone name, the same for any case', () => {
		expect(pro).toMatch(/^[0-9a-f]{32}$/);
		expect(zoneTagOf('Example.COM')).toBe(pro);
		expect(free).not.toBe(pro);
	});
});

describe('httpRequestsAdaptiveGroups', () => {
	it('lists the same top IPs with the same counts as v1 zone_ips over the last hour', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(2 * 3600);
		const now = fixture.core.clock.nowSec();
		const listed = dig(await v1(fixture, {a: 'zone_ips', z: 'example.com', hours: '1'}), 'response', 'ips') as {ip: string; hits: number}[];
		const groups = rows<Group>(gql(fixture, adaptive(pro, now - 3600, now, 'count dimensions { clientIP }')), 'httpRequestsAdaptiveGroups');
		expect(listed.length).toBeGreaterThan(50);
		expect(groups.map(group => [group.dimensions.clientIP, group.count])).toEqual(listed.map(row => [row.ip, row.hits]));
	});

	it('groups by country, network and status, and the groups add up to the same total', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(1800);
		const now = fixture.core.clock.nowSec();
		const total = (selection: string) => rows<Group>(gql(fixture, adaptive(pro, now - 900, now, selection)), 'httpRequestsAdaptiveGroups');
		const byIp = total('count dimensions { clientIP }');
		const sum = (list: Group[]) => list.reduce((acc, group) => acc + group.count, 0);
		const byCountry = total('count dimensions { clientCountryName }');
		const byAsn = total('count dimensions { clientAsn }');
		const byStatus = total('count dimensions { edgeResponseStatus }');
		expect(sum(byCountry)).toBe(sum(byIp));
		expect(sum(byAsn)).toBe(sum(byIp));
		expect(sum(byStatus)).toBe(sum(byIp));
		for (const group of byCountry) expect(group.dimensions.clientCountryName).toMatch(/^[A-Z]{2}$/);
		for (const group of byAsn) expect(group.dimensions.clientAsn).toMatch(/^\d+$/);
		// Under attack at "medium", half the threats' requests are challenged (403), the rest pass (200).
		expect(byStatus.map(group => group.dimensions.edgeResponseStatus).sort()).toEqual([200, 403]);
		// Counts are sorted as asked.
		expect(byIp.map(group => group.count)).toEqual([...byIp.map(group => group.count)].sort((x, y) => y - x));
	});

	it('splits by minute, each minute equal to the same minute asked alone', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(1200);
		const now = fixture.core.clock.nowSec();
		const query = `{ viewer { zones(filter: {zoneTag: "${pro}"}) { httpRequestsAdaptiveGroups(limit: 100, filter: {datetime_geq: "${iso(now - 600)}", datetime_lt: "${iso(now)}"}, orderBy: [datetimeMinute_ASC]) { count dimensions { datetimeMinute } } } } }`;
		const minutes = rows<Group>(gql(fixture, query), 'httpRequestsAdaptiveGroups');
		expect(minutes.map(group => group.dimensions.datetimeMinute)).toEqual(Array.from({length: 10}, (_, i) => iso(now - 600 + 60 * i)));
		const third = minutes[3];
		const start = Date.parse(String(third.dimensions.datetimeMinute)) / 1000;
		const alone = rows<Group>(gql(fixture, adaptive(pro, start, start + 60, 'count')), 'httpRequestsAdaptiveGroups');
		expect(alone).toEqual([{count: third.count}]);
	});

	it('filters by IP and status, and honours limit and orderBy', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(1800);
		const now = fixture.core.clock.nowSec();
		const top = rows<Group>(gql(fixture, adaptive(pro, now - 600, now, 'count dimensions { clientIP }')), 'httpRequestsAdaptiveGroups');
		const ip = String(top[0].dimensions.clientIP);
		const one = rows<Group>(gql(fixture, adaptive(pro, now - 600, now, 'count dimensions { clientIP edgeResponseStatus }', `, clientIP: "${ip}"`)), 'httpRequestsAdaptiveGroups');
		expect(new Set(one.map(group => group.dimensions.clientIP))).toEqual(new Set([ip]));
		expect(one.reduce((acc, group) => acc + group.count, 0)).toBe(top[0].count);
		const passed = rows<Group>(gql(fixture, adaptive(pro, now - 600, now, 'count', ', edgeResponseStatus_in: [200], AND: [{clientIP_neq: "192.0.2.1"}]')), 'httpRequestsAdaptiveGroups');
		const all = rows<Group>(gql(fixture, adaptive(pro, now - 600, now, 'count dimensions { edgeResponseStatus }')), 'httpRequestsAdaptiveGroups');
		expect(passed[0].count).toBe(all.find(group => group.dimensions.edgeResponseStatus === 200)?.count);
		const limited = `{ viewer { zones(filter: {zoneTag: "${pro}"}) { httpRequestsAdaptiveGroups(limit: 3, filter: {datetime_geq: "${iso(now - 600)}", datetime_lt: "${iso(now)}"}, orderBy: [count_ASC]) { count dimensions { clientIP } } } } }`;
		const smallest = rows<Group>(gql(fixture, limited), 'httpRequestsAdaptiveGroups');
		expect(smallest).toHaveLength(3);
		expect(smallest[0].count).toBeLessThanOrEqual(smallest[2].count);
		expect(smallest[2].count).toBeLessThanOrEqual(top.at(-1)?.count ?? 0);
		// A window in the future, or before the attack began, has nothing in it.
		expect(rows<Group>(gql(fixture, adaptive(pro, now + 60, now + 120, 'count')), 'httpRequestsAdaptiveGroups')).toEqual([]);
	});

	it('shows each zone its own traffic', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const now = fixture.core.clock.nowSec();
		const query = `{ viewer { zones(filter: {zoneTag_in: ["${pro}", "${free}"]}) { zoneTag httpRequestsAdaptiveGroups(limit: 1, filter: {datetime_geq: "${iso(now - 300)}", datetime_lt: "${iso(now)}"}) { count } } } }`;
		const answer = gql(fixture, query);
		expect(answer.errors).toBeNull();
		const zones = dig(answer.data, 'viewer', 'zones') as {zoneTag: string; httpRequestsAdaptiveGroups: {count: number}[]}[];
		expect(zones.map(zone => zone.zoneTag)).toEqual([pro, free]);
		expect(zones[0].httpRequestsAdaptiveGroups[0].count).not.toBe(zones[1].httpRequestsAdaptiveGroups[0].count);
	});
});

interface Minute {
	dimensions?: {datetimeMinute: string};
	sum: {requests: number; cachedRequests: number; bytes: number; threats: number; pageViews: number; responseStatusMap: {edgeResponseStatus: number; requests: number}[]; countryMap: {clientCountryName: string; requests: number}[]};
	uniq: {uniques: number};
}

describe('httpRequests1mGroups', () => {
	const sums = 'sum { requests cachedRequests bytes threats pageViews responseStatusMap { edgeResponseStatus requests } countryMap { clientCountryName requests } } uniq { uniques }';
	const minutes = (from: number, to: number, selection: string, order = '') =>
		`{ viewer { zones(filter: {zoneTag: "${pro}"}) { httpRequests1mGroups(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"}${order}) { ${selection} } } } }`;

	it('totals over v1 stats’ window equal v1 stats', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(3 * 3600);
		const now = fixture.core.clock.nowSec();
		const obj = dig(await v1(fixture, {a: 'stats', z: 'example.com', interval: '120'}), 'response', 'result', 'objs', 0) as {
			requestsServed: {cloudflare: number; user: number};
			bandwidthServed: {cloudflare: number};
			trafficBreakdown: {pageviews: {regular: number; threat: number; crawler: number}; uniques: {regular: number; threat: number; crawler: number}};
		};
		const [total] = rows<Minute>(gql(fixture, minutes(now - 6 * 3600, now, sums)), 'httpRequests1mGroups');
		expect(total.sum.requests).toBe(obj.requestsServed.cloudflare);
		expect(total.sum.cachedRequests).toBe(obj.requestsServed.cloudflare - obj.requestsServed.user);
		expect(total.sum.threats).toBe(obj.trafficBreakdown.pageviews.threat);
		expect(total.sum.pageViews).toBe(obj.trafficBreakdown.pageviews.regular + obj.trafficBreakdown.pageviews.threat + obj.trafficBreakdown.pageviews.crawler);
		expect(total.uniq.uniques).toBe(obj.trafficBreakdown.uniques.regular + obj.trafficBreakdown.uniques.threat + obj.trafficBreakdown.uniques.crawler);
		expect(Math.abs(total.sum.bytes / 1024 - obj.bandwidthServed.cloudflare)).toBeLessThan(1);
	});

	it('gives each minute the model’s requests for that minute, the same in any query', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(3600);
		const now = fixture.core.clock.nowSec();
		const list = rows<Minute>(gql(fixture, minutes(now - 1800, now, `dimensions { datetimeMinute } ${sums}`, ', orderBy: [datetimeMinute_ASC]')), 'httpRequests1mGroups');
		expect(list).toHaveLength(30);
		const zone = fixture.core.world.zoneOf(fixture.core.world.accounts[0], 'example.com');
		if (!zone) throw new Error('no zone');
		for (const minute of list) {
			const start = Date.parse(minute.dimensions?.datetimeMinute ?? '') / 1000;
			const edge = fixture.core.traffic.measure(zone, start, start + 60).edge;
			expect(minute.sum.requests).toBe(Math.round(edge[0] + edge[1] + edge[2]));
		}
		// The same minute in a narrower query, and the last minutes first with a limit.
		const start = Date.parse(list[10].dimensions?.datetimeMinute ?? '') / 1000;
		const [alone] = rows<Minute>(gql(fixture, minutes(start, start + 60, sums)), 'httpRequests1mGroups');
		expect(alone.sum).toEqual(list[10].sum);
		const latest = rows<Minute>(gql(fixture, minutes(now - 1800, now, 'dimensions { datetimeMinute } sum { requests }', ', orderBy: [datetimeMinute_DESC]').replace('limit: 10000', 'limit: 2')), 'httpRequests1mGroups');
		expect(latest.map(minute => minute.dimensions?.datetimeMinute)).toEqual([iso(now - 60), iso(now - 120)]);
		// Minute figures add up to the window's within rounding (each minute is rounded on its own).
		const [window] = rows<Minute>(gql(fixture, minutes(now - 1800, now, 'sum { requests }')), 'httpRequests1mGroups');
		expect(Math.abs(list.reduce((acc, minute) => acc + minute.sum.requests, 0) - window.sum.requests)).toBeLessThanOrEqual(15);
	});

	it('is not open to a Free zone', async () => {
		const fixture = await openCore();
		const now = fixture.core.clock.nowSec();
		const answer = gql(fixture, minutes(now - 600, now, 'sum { requests }').replace(pro, free));
		expect(answer.status).toBe(403);
		expect(answer.data).toBeNull();
		expect(answer.errors?.[0].message).toMatch(/^does not have access to the path/);
		expect(answer.errors?.[0].path).toEqual(['viewer', 'zones', '0', 'httpRequests1mGroups']);
	});
});

interface FirewallEvent {
	action: string;
	source: string;
	clientIP: string;
	datetime: string;
	rayName: string;
	ruleId: string;
	clientCountryName: string;
	clientAsn: string;
	userAgent: string;
}

function events(tag: string, from: number, to: number, extra = '', order = 'datetime_DESC', limit = 10_000): string {
	return `{ viewer { zones(filter: {zoneTag: "${tag}"}) { firewallEventsAdaptive(limit: ${limit}, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [${order}]) { action source clientIP datetime rayName ruleId clientCountryName clientAsn userAgent } } } }`;
}

function eventGroups(tag: string, from: number, to: number, dims: string, extra = ''): string {
	return `{ viewer { zones(filter: {zoneTag: "${tag}"}) { firewallEventsAdaptiveGroups(limit: 10000, filter: {datetime_geq: "${iso(from)}", datetime_lt: "${iso(to)}"${extra}}, orderBy: [count_DESC]) { count dimensions { ${dims} } } } } }`;
}

describe('firewall events', () => {
	it('show a v1 ban as blocks of that IP from the ban on, and its 403s agree', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(1800);
		const listed = dig(await v1(fixture, {a: 'zone_ips', z: 'example.com', hours: '1', class: 't'}), 'response', 'ips') as {ip: string}[];
		const ip = listed[0].ip;
		const bannedAt = fixture.core.clock.nowSec();
		expect(rows<FirewallEvent>(gql(fixture, events(pro, bannedAt - 600, bannedAt, `, clientIP: "${ip}", action: "block"`)), 'firewallEventsAdaptive')).toEqual([]);
		await v1(fixture, {a: 'ban', key: ip});
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		const blocks = rows<FirewallEvent>(gql(fixture, events(pro, now - 600, now, `, clientIP: "${ip}"`)), 'firewallEventsAdaptive').filter(event => event.action === 'block');
		expect(blocks.length).toBeGreaterThan(20);
		for (const event of blocks) {
			expect(event.source).toBe('ip');
			expect(event.ruleId).toMatch(/^[0-9a-f]{32}$/);
			expect(event.rayName).toMatch(/^[0-9a-f]{16}$/);
			expect(Date.parse(event.datetime) / 1000).toBeGreaterThanOrEqual(bannedAt);
			expect(Date.parse(event.datetime) / 1000).toBeLessThan(now);
		}
		expect(blocks.map(event => event.datetime)).toEqual([...blocks.map(event => event.datetime)].sort().reverse());
		// The grouped events count the same, and so do the 403s of the request groups.
		const grouped = rows<Group>(gql(fixture, eventGroups(pro, now - 600, now, 'action source clientIP', `, clientIP: "${ip}"`)), 'firewallEventsAdaptiveGroups');
		expect(grouped.find(group => group.dimensions.action === 'block')?.count).toBe(blocks.length);
		const all = rows<FirewallEvent>(gql(fixture, events(pro, now - 600, now, `, clientIP: "${ip}"`)), 'firewallEventsAdaptive');
		const statuses = rows<Group>(gql(fixture, adaptive(pro, now - 600, now, 'count dimensions { edgeResponseStatus }', `, clientIP: "${ip}"`)), 'httpRequestsAdaptiveGroups');
		expect(statuses.find(group => group.dimensions.edgeResponseStatus === 403)?.count).toBe(all.length);
		// The ban was user-level (no zone): the Free zone blocks it too if that IP visits there; either way nothing else is blocked.
		const others = rows<Group>(gql(fixture, eventGroups(pro, now - 600, now, 'action clientIP', ', action: "block"')), 'firewallEventsAdaptiveGroups');
		expect(others.map(group => group.dimensions.clientIP)).toEqual([ip]);
	});

	it('show "I\'m under attack" (v1 sec_lvl help) as JavaScript challenges of threats', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(1800);
		const before = fixture.core.clock.nowSec();
		const earlier = rows<Group>(gql(fixture, eventGroups(pro, before - 600, before, 'action source')), 'firewallEventsAdaptiveGroups');
		expect(earlier.map(group => group.dimensions.action)).toEqual(['managed_challenge']);
		await v1(fixture, {a: 'sec_lvl', z: 'example.com', v: 'help'});
		fixture.core.clock.advance(300);
		const now = fixture.core.clock.nowSec();
		const after = rows<Group>(gql(fixture, eventGroups(pro, before, now, 'action source')), 'firewallEventsAdaptiveGroups');
		expect(after).toHaveLength(1);
		expect(after[0].dimensions).toEqual({action: 'jschallenge', source: 'securitylevel'});
		// Far more of the same traffic is stopped: 97% of threats instead of 50%.
		const perMinute = (list: Group[], seconds: number) => (list[0].count / seconds) * 60;
		expect(perMinute(after, 300)).toBeGreaterThan(1.5 * perMinute(earlier, 600));
		// Events by minute, oldest first; and the newest events come first with a small limit.
		const byMinute = rows<Group>(gql(fixture, eventGroups(pro, before, now, 'datetimeMinute')), 'firewallEventsAdaptiveGroups');
		expect(byMinute.reduce((acc, group) => acc + group.count, 0)).toBe(after[0].count);
		const newest = rows<FirewallEvent>(gql(fixture, events(pro, before, now, '', 'datetime_DESC', 5)), 'firewallEventsAdaptive');
		const oldest = rows<FirewallEvent>(gql(fixture, events(pro, before, now, '', 'datetime_ASC', 5)), 'firewallEventsAdaptive');
		expect(newest).toHaveLength(5);
		expect(newest[0].datetime >= newest[4].datetime).toBe(true);
		expect(oldest[0].datetime <= oldest[4].datetime).toBe(true);
		expect(newest[0].datetime > oldest[0].datetime).toBe(true);
		// Ordered by a field: the first events of the whole list sorted by that field (ties oldest first).
		const window = rows<FirewallEvent>(gql(fixture, events(pro, now - 120, now, '', 'datetime_ASC')), 'firewallEventsAdaptive');
		const byIp = rows<FirewallEvent>(gql(fixture, events(pro, now - 120, now, '', 'clientIP_ASC', 20)), 'firewallEventsAdaptive');
		expect(byIp).toEqual([...window].sort((x, y) => (x.clientIP < y.clientIP ? -1 : x.clientIP > y.clientIP ? 1 : 0)).slice(0, 20));
		const every = rows<FirewallEvent>(gql(fixture, events(pro, before, now)), 'firewallEventsAdaptive');
		expect(every).toHaveLength(Math.min(10_000, after[0].count));
		if (every.length === after[0].count) expect(newest).toEqual(every.slice(0, 5));
	});
});

describe('errors', () => {
	it('answers unknown fields and bad arguments with GraphQL validation errors, HTTP 200, data null', async () => {
		const fixture = await openCore();
		const now = fixture.core.clock.nowSec();
		const unknownField = gql(fixture, adaptive(pro, now - 60, now, 'count dimensions { clientIP bogus }'));
		expect(unknownField.status).toBe(200);
		expect(unknownField.data).toBeNull();
		expect(unknownField.errors?.[0].message).toContain('Cannot query field "bogus"');
		expect(unknownField.errors?.[0].locations).toHaveLength(1);
		expect(unknownField.errors?.[0].extensions?.timestamp).toBe(new Date(t0).toISOString());
		const unknownFilter = gql(fixture, adaptive(pro, now - 60, now, 'count', ', colo: "AMS"'));
		expect(unknownFilter.errors?.[0].message).toContain('"colo" is not defined by type "ZoneHttpRequestsAdaptiveGroupsFilter_InputObject"');
		const unknownArg = gql(fixture, `{ viewer { zones(filter: {zoneTag: "${pro}"}) { httpRequestsAdaptiveGroups(limit: 1, size: 3) { count } } } }`);
		expect(unknownArg.errors?.[0].message).toContain('Unknown argument "size"');
		const noLimit = gql(fixture, `{ viewer { zones(filter: {zoneTag: "${pro}"}) { httpRequestsAdaptiveGroups { count } } } }`);
		expect(noLimit.errors?.[0].message).toContain('argument "limit" of type "uint64!" is required');
		const badOrder = gql(fixture, adaptive(pro, now - 60, now, 'count').replace('count_DESC', 'hits_DESC'));
		expect(badOrder.errors?.[0].message).toContain('Value "hits_DESC" does not exist');
		const badTime = gql(fixture, adaptive(pro, now - 60, now, 'count').replace(iso(now - 60), 'yesterday'));
		expect(badTime.errors?.[0].message).toBe('error parsing args for "httpRequestsAdaptiveGroups": filter: datetime_geq: not an iso8601 time');
		expect(badTime.errors?.[0].path).toEqual(['viewer', 'zones', '0', 'httpRequestsAdaptiveGroups']);
		const badLimit = gql(fixture, adaptive(pro, now - 60, now, 'count').replace('limit: 10000', 'limit: 10001'));
		expect(badLimit.errors?.[0].message).toBe('limit must be positive number and not greater than 10000');
		const syntax = gql(fixture, '{ viewer { zones(');
		expect(syntax.status).toBe(400);
		expect(syntax.errors?.[0].message).toMatch(/^Syntax Error/);
		const notJson = answerGraphql({world: fixture.core, accountEmail: fixture.email, body: 'not json', now: fixture.core.clock.nowMs()});
		expect(notJson.status).toBe(400);
		expect(dig(notJson.body, 'data')).toBeNull();
	});

	it('accepts variables typed as clients type them, and checks their values', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(600);
		const now = fixture.core.clock.nowSec();
		for (const [zoneType, filterType] of [['string', 'ZoneFirewallEventsAdaptiveFilter_InputObject'], ['String!', 'FirewallEventsAdaptiveFilter_InputObject']]) {
			const query = `query Events($zoneTag: ${zoneType}, $filter: ${filterType}) { viewer { zones(filter: {zoneTag: $zoneTag}) { firewallEventsAdaptive(filter: $filter, limit: 3, orderBy: [datetime_DESC]) { action datetime } } } }`;
			const list = rows<FirewallEvent>(gql(fixture, query, {zoneTag: pro, filter: {datetime_geq: iso(now - 300), datetime_leq: `${iso(now).slice(0, -1)}.000Z`}}), 'firewallEventsAdaptive');
			expect(list).toHaveLength(3);
		}
		const query = 'query($f: FirewallEventsAdaptiveFilter_InputObject) { viewer { zones(filter: {zoneTag: "' + pro + '"}) { firewallEventsAdaptive(filter: $f, limit: 3) { action } } } }';
		const wrong = gql(fixture, query, {f: {datetime_geq: 17}});
		expect(wrong.errors?.[0].message).toBe('error parsing args for "firewallEventsAdaptive": filter: datetime_geq: not an iso8601 time');
		const unknown = gql(fixture, query, {f: {nope: 1}});
		expect(unknown.errors?.[0].message).toContain('"nope" is not defined');
	});

	it('refuses ranges past the plan: too old, too wide, fields a Free zone lacks', async () => {
		const fixture = await openCore();
		fixture.core.clock.advance(3600);
		const now = fixture.core.clock.nowSec();
		const wide = gql(fixture, adaptive(free, now - 2 * 86_400, now, 'count'));
		expect(wide.status).toBe(400);
		expect(wide.data).toBeNull();
		expect(wide.errors?.[0].message).toBe(`query time range is too large for zone ${free}. Time range can't be wider than 86400s, but it's 172800s`);
		expect(wide.errors?.[0].path).toEqual(['viewer', 'zones', '0', 'httpRequestsAdaptiveGroups']);
		expect(wide.errors?.[0].extensions?.code).toBe('quota');
		// The Pro zone may span 3 days; both reach 8 days back.
		expect(gql(fixture, adaptive(pro, now - 2 * 86_400, now, 'count')).errors).toBeNull();
		const old = gql(fixture, adaptive(free, now - 9 * 86_400, now - 9 * 86_400 + 3600, 'count'));
		expect(old.errors?.[0].message).toBe('cannot request data older than 1w1d');
		expect(old.status).toBe(400);
		const oldEvents = gql(fixture, events(pro, now - 15 * 86_400, now - 15 * 86_400 + 60));
		expect(oldEvents.errors?.[0].message).toBe('cannot request data older than 2w');
		const asn = gql(fixture, adaptive(free, now - 60, now, 'count dimensions { clientAsn }'));
		expect(asn.errors?.[0].message).toMatch(/^does not have access to the path .*dimensions\.clientAsn$/);
		const settings = gql(fixture, `{ viewer { zones(filter: {zoneTag: "${free}"}) { settings { httpRequestsAdaptiveGroups { enabled maxDuration notOlderThan maxPageSize } firewallEventsAdaptiveGroups { enabled } } } } }`);
		expect(dig(settings.data, 'viewer', 'zones', 0, 'settings')).toEqual({httpRequestsAdaptiveGroups: {enabled: true, maxDuration: 86_400, notOlderThan: 691_200, maxPageSize: 10_000}, firewallEventsAdaptiveGroups: {enabled: false}});
	});

	it('hides another account’s zone exactly as a zone that does not exist', async () => {
		const fixture = await openCore();
		const other = zoneTagOf('example.org');
		const query = (tag: string) => `{ viewer { zones(filter: {zoneTag: "${tag}"}) { zoneTag } } }`;
		const foreign = gql(fixture, query(other));
		const missing = gql(fixture, query('0123456789abcdef0123456789abcdef'));
		expect(foreign.data).toBeNull();
		expect(foreign.status).toBe(403);
		expect(missing.status).toBe(403);
		expect(foreign.errors?.[0].message).toBe(`zones ['${other}'] are not authorized`);
		expect(missing.errors?.[0].message).toBe("zones ['0123456789abcdef0123456789abcdef'] are not authorized");
		expect(foreign.errors?.[0].path).toEqual(missing.errors?.[0].path);
		// Its owner sees it.
		const own = gql(fixture, query(other), undefined, otherAccount.email);
		expect(dig(own.data, 'viewer', 'zones', 0, 'zoneTag')).toBe(other);
	});
});
