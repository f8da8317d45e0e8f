/**
 * GraphQL Analytics (POST /client/v4/graphql) for the port's `stats` and `visitors`: the queries, and
 * their answers read into the port's shapes. A plain POST on our fetch: no GraphQL client library for
 * two fixed queries.
 *
 * What v4 cannot say, and what we answer instead:
 * - Crawlers: the datasets have no visitor class, so crawlers count as `regular`; `threat` is an IP
 *   with requests the edge answered 403 (blocked or challenged) in the window. An origin's own 403s
 *   would count too: the adaptive dataset does not tell them apart without firewall events, which Free
 *   zones cannot group.
 * - Page load times: not in v4; 0.
 * - Uniques by class: v4 counts uniques only in total; they go to `regular`.
 * - Free zones have no per-minute rollups (no cached requests, page views or uniques): requests and bytes
 *   come from the adaptive dataset, and the origin figures are the edge figures (nothing claimed as
 *   cached, so the origin's load is never understated).
 * - Windows: the rollups reach one day back, the adaptive dataset is one day wide on Free zones, so a
 *   window longer than a day (intervals 10, 20, 30, 40; visitors over more than 24 h on a Free zone) is cut
 *   to the last 24 h; `timeZero`/`timeEnd` say which window the figures cover.
 */
import type {FirewallEvent, IpDetails, StatsInterval, TrafficBreakdown, Visitor} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {ipv4Key, canonicalIp} from '../lib/ip.js';
import {asnValue} from '../lib/validate.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** The most rows one query may ask for (the API's limit). */
export const maxRows = 10_000;

const spans: Record<StatsInterval, number> = {10: day, 20: day, 30: day, 40: day, 100: day, 110: 12 * hour, 120: 6 * hour};

/**
 * A window on whole minutes ending at the server's current minute (the rollups count minutes by their
 * start). A day-long window starts at the first whole minute inside the last 24 hours: the datasets
 * refuse a start older than a day measured from now, not from the minute.
 */
export function windowFor(serverNowMs: number, spanMs: number): {from: number; to: number} {
	const to = Math.floor(serverNowMs / minute) * minute;
	const oldest = Math.ceil((serverNowMs - day) / minute) * minute;
	return {from: Math.max(to - Math.min(spanMs, day), oldest), to};
}

export function statsWindow(serverNowMs: number, interval: StatsInterval): {from: number; to: number} {
	return windowFor(serverNowMs, spans[interval]);
}

/** ISO 8601 with whole seconds, as the API writes times. */
export function isoTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface GraphqlRequest {
	query: string;
	variables: Record<string, unknown>;
}

/** Pro and above: the per-minute rollups over the window, as one group. */
export function rollupQuery(zoneTag: string, from: number, to: number): GraphqlRequest {
	return {
		query: `query ($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  totals: httpRequests1mGroups(limit: 1, filter: {datetime_geq: $from, datetime_lt: $to}) { sum { requests cachedRequests bytes cachedBytes threats pageViews } uniq { uniques } }
} } }`,
		variables: {zoneTag, from: isoTime(from), to: isoTime(to)},
	};
}

/** Free zones: the adaptive dataset, all requests and the ones answered 403. */
export function adaptiveTotalsQuery(zoneTag: string, from: number, to: number): GraphqlRequest {
	return {
		query: `query ($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  all: httpRequestsAdaptiveGroups(limit: 1, filter: {datetime_geq: $from, datetime_lt: $to}) { count sum { edgeResponseBytes } }
  stopped: httpRequestsAdaptiveGroups(limit: 1, filter: {datetime_geq: $from, datetime_lt: $to, edgeResponseStatus: 403}) { count }
} } }`,
		variables: {zoneTag, from: isoTime(from), to: isoTime(to)},
	};
}

/**
 * The top client IPs with their country, the IPs with requests answered 403, and what the firewall did
 * to each (blocked or challenged, with the ASN). Free zones may not group firewall events or ask the
 * request dataset for ASNs, so there the events themselves are read (at most `maxRows`) and counted here.
 */
export function visitorsQuery(zoneTag: string, from: number, to: number, free: boolean): GraphqlRequest {
	const asn = free ? '' : ' clientAsn clientASNDescription';
	const firewall = free
		? 'events: firewallEventsAdaptive(limit: $limit, filter: {datetime_geq: $from, datetime_lt: $to}, orderBy: [datetime_DESC]) { clientIP action clientAsn clientASNDescription }'
		: 'firewall: firewallEventsAdaptiveGroups(limit: $limit, filter: {datetime_geq: $from, datetime_lt: $to}, orderBy: [count_DESC]) { count dimensions { clientIP action } }';
	return {
		query: `query ($zoneTag: string, $from: Time, $to: Time, $limit: uint64) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  top: httpRequestsAdaptiveGroups(limit: $limit, filter: {datetime_geq: $from, datetime_lt: $to}, orderBy: [count_DESC]) { count dimensions { clientIP clientCountryName${asn} } }
  stopped: httpRequestsAdaptiveGroups(limit: $limit, filter: {datetime_geq: $from, datetime_lt: $to, edgeResponseStatus: 403}, orderBy: [count_DESC]) { count dimensions { clientIP } }
  ${firewall}
} } }`,
		variables: {zoneTag, from: isoTime(from), to: isoTime(to), limit: maxRows},
	};
}

/** One address's recent firewall events (newest first) and its requests' country. */
export function ipEventsQuery(zoneTag: string, ip: string, from: number, to: number): GraphqlRequest {
	return {
		query: `query ($zoneTag: string, $ip: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  events: firewallEventsAdaptive(limit: 20, filter: {clientIP: $ip, datetime_geq: $from, datetime_lt: $to}, orderBy: [datetime_DESC]) { action source datetime clientRequestPath userAgent rayName clientAsn clientASNDescription clientCountryName }
  requests: httpRequestsAdaptiveGroups(limit: 1, filter: {clientIP: $ip, datetime_geq: $from, datetime_lt: $to}) { count dimensions { clientCountryName } }
} } }`,
		variables: {zoneTag, ip, from: isoTime(from), to: isoTime(to)},
	};
}

// Reading answers -----------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one zone's object out of `data.viewer.zones[0]`. */
export function zoneData(data: unknown, action: string): Json {
	const zones = isObject(data) && isObject(data.viewer) ? data.viewer.zones : undefined;
	const zone = Array.isArray(zones) ? (zones[0] as unknown) : undefined;
	if (!isObject(zone)) throw new FlarewatchError('decode', `The answer to ${action} has no zone in data.viewer.zones.`);
	return zone;
}

function rows(zone: Json, alias: string, action: string): Json[] {
	const value = zone[alias];
	if (!Array.isArray(value)) throw new FlarewatchError('decode', `The answer to ${action} has no ${alias} list.`);
	return value.filter(isObject);
}

function count(value: unknown, what: string, action: string): number {
	if (value === undefined || value === null) return 0;
	const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw new FlarewatchError('decode', `The answer to ${action} has a ${what} that is not a count.`);
	return number;
}

function at(object: unknown, key: string): unknown {
	return isObject(object) ? object[key] : undefined;
}

export interface Totals {
	edgeRequests: number;
	originRequests: number;
	edgeBytes: number;
	originBytes: number;
	pageviews: TrafficBreakdown;
	uniques: TrafficBreakdown;
}

/** The rollups' one group (none when the window had no requests). */
export function readRollup(data: unknown, action: string): Totals {
	const [group] = rows(zoneData(data, action), 'totals', action);
	const sum = at(group, 'sum');
	const requests = count(at(sum, 'requests'), 'requests', action);
	const cached = Math.min(requests, count(at(sum, 'cachedRequests'), 'cachedRequests', action));
	const bytes = count(at(sum, 'bytes'), 'bytes', action);
	const cachedBytes = Math.min(bytes, count(at(sum, 'cachedBytes'), 'cachedBytes', action));
	const threats = count(at(sum, 'threats'), 'threats', action);
	const pageViews = count(at(sum, 'pageViews'), 'pageViews', action);
	return {
		edgeRequests: requests,
		originRequests: requests - cached,
		edgeBytes: bytes,
		originBytes: bytes - cachedBytes,
		// Crawlers cannot be told apart (see above): their page views are in `regular`.
		pageviews: {regular: Math.max(0, pageViews - threats), threat: threats, crawler: 0},
		uniques: {regular: count(at(at(group, 'uniq'), 'uniques'), 'uniques', action), threat: 0, crawler: 0},
	};
}

/** The adaptive totals of a Free zone: requests, not page views (the dataset has none). */
export function readAdaptiveTotals(data: unknown, action: string): Totals {
	const zone = zoneData(data, action);
	const [all] = rows(zone, 'all', action);
	const [stopped] = rows(zone, 'stopped', action);
	const requests = count(at(all, 'count'), 'count', action);
	const bytes = count(at(at(all, 'sum'), 'edgeResponseBytes'), 'edgeResponseBytes', action);
	const threats = Math.min(requests, count(at(stopped, 'count'), 'count', action));
	return {
		edgeRequests: requests,
		// No cache figures on Free: the origin is shown as taking everything (never understated).
		originRequests: requests,
		edgeBytes: bytes,
		originBytes: bytes,
		pageviews: {regular: requests - threats, threat: threats, crawler: 0},
		// No uniques on Free.
		uniques: {regular: 0, threat: 0, crawler: 0},
	};
}

/** What the firewall did to one address: blocked and challenged requests, and its ASN when an event said it. */
interface FirewallTally {
	blocked: number;
	challenged: number;
	asn?: string;
	asnName?: string;
}

const blockActions = new Set(['block', 'drop', 'connection_close']);
const challengeActions = new Set(['challenge', 'managed_challenge', 'js_challenge', 'jschallenge', 'challenge_failed', 'managed_challenge_failed', 'js_challenge_failed']);

/** An ASN as the port writes it ("AS13335"), from the API's number (a string or a number). */
function asnText(value: unknown): string | undefined {
	return asnValue(typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '');
}

function asnName(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value.slice(0, 80) : undefined;
}

/** Grouped firewall events (Pro and above) or single events (Free), tallied per address. */
function readFirewall(zone: Json, action: string): Map<string, FirewallTally> {
	const tallies = new Map<string, FirewallTally>();
	const add = (ip: unknown, kind: unknown, count: number, asn?: unknown, name?: unknown) => {
		if (typeof ip !== 'string' || typeof kind !== 'string') return;
		const tally = tallies.get(ip) ?? {blocked: 0, challenged: 0};
		if (blockActions.has(kind)) tally.blocked += count;
		else if (challengeActions.has(kind)) tally.challenged += count;
		const asnValue = asnText(asn);
		if (asnValue !== undefined && tally.asn === undefined) {
			tally.asn = asnValue;
			const described = asnName(name);
			if (described !== undefined) tally.asnName = described;
		}
		tallies.set(ip, tally);
	};
	if (Array.isArray(zone.firewall)) {
		for (const row of rows(zone, 'firewall', action)) add(at(at(row, 'dimensions'), 'clientIP'), at(at(row, 'dimensions'), 'action'), count(at(row, 'count'), 'count', action));
	} else if (Array.isArray(zone.events)) {
		for (const row of rows(zone, 'events', action)) add(at(row, 'clientIP'), at(row, 'action'), 1, at(row, 'clientAsn'), at(row, 'clientASNDescription'));
	}
	return tallies;
}

/** The visitors, most requests first, `threat` when any of their requests was answered 403. */
export function readVisitors(data: unknown, action: string): Visitor[] {
	const zone = zoneData(data, action);
	const firewall = readFirewall(zone, action);
	const stopped = new Set<string>();
	for (const row of rows(zone, 'stopped', action)) {
		const ip = at(at(row, 'dimensions'), 'clientIP');
		if (typeof ip === 'string' && count(at(row, 'count'), 'count', action) > 0) stopped.add(ip);
	}
	const visitors: Visitor[] = [];
	for (const row of rows(zone, 'top', action)) {
		const dimensions = at(row, 'dimensions');
		const raw = at(dimensions, 'clientIP');
		if (typeof raw !== 'string' || raw === '') throw new FlarewatchError('decode', `The answer to ${action} has a group without a clientIP.`);
		// The same canonical form v1 gives (IPv6 lowercase and compressed), so rules and the guard compare like with like.
		const ip = ipv4Key(raw) >= 0 ? raw : (canonicalIp(raw) ?? raw);
		const country = at(dimensions, 'clientCountryName');
		const tally = firewall.get(raw);
		const asn = asnText(at(dimensions, 'clientAsn')) ?? tally?.asn;
		const name = asnName(at(dimensions, 'clientASNDescription')) ?? tally?.asnName;
		visitors.push({
			ip,
			classification: stopped.has(raw) ? 'threat' : 'regular',
			hits: count(at(row, 'count'), 'count', action),
			...(typeof country === 'string' && /^[A-Z]{2}$/.test(country) && country !== 'XX' ? {country} : {}),
			...(asn === undefined ? {} : {asn}),
			...(asn !== undefined && name !== undefined ? {asnName: name} : {}),
			...(tally ? {blocked: tally.blocked, challenged: tally.challenged} : {}),
		});
	}
	return visitors;
}

/** An address's details out of `ipEventsQuery`'s answer. */
export function readIpDetails(data: unknown, ip: string, action: string): IpDetails {
	const zone = zoneData(data, action);
	const events: FirewallEvent[] = [];
	let asn: string | undefined;
	let name: string | undefined;
	let country: string | undefined;
	for (const row of rows(zone, 'events', action)) {
		const time = Date.parse(String(at(row, 'datetime') ?? ''));
		if (Number.isNaN(time)) throw new FlarewatchError('decode', `The answer to ${action} has an event without a time.`);
		const text = (key: string, max: number) => {
			const value = at(row, key);
			return typeof value === 'string' ? value.slice(0, max) : '';
		};
		const userAgent = text('userAgent', 200);
		const rayName = text('rayName', 40);
		events.push({at: time, action: text('action', 40), source: text('source', 40), path: text('clientRequestPath', 200), ...(userAgent ? {userAgent} : {}), ...(rayName ? {rayName} : {})});
		asn ??= asnText(at(row, 'clientAsn'));
		name ??= asnName(at(row, 'clientASNDescription'));
		const eventCountry = at(row, 'clientCountryName');
		if (country === undefined && typeof eventCountry === 'string' && /^[A-Z]{2}$/.test(eventCountry) && eventCountry !== 'XX') country = eventCountry;
	}
	if (country === undefined) {
		const [request] = Array.isArray(zone.requests) ? rows(zone, 'requests', action) : [];
		const requestCountry = at(at(request, 'dimensions'), 'clientCountryName');
		if (typeof requestCountry === 'string' && /^[A-Z]{2}$/.test(requestCountry) && requestCountry !== 'XX') country = requestCountry;
	}
	return {ip, events, ...(country === undefined ? {} : {country}), ...(asn === undefined ? {} : {asn}), ...(asn !== undefined && name !== undefined ? {asnName: name} : {})};
}
