/**
 * `response` → domain types, per action. Lenient where the service was inconsistent (numbers as
 * strings, `ttl` as a string, padded zone keys), strict where a wrong shape would mislead the console:
 * a missing counter is a decode failure, not a zero.
 */
import {FlarewatchError} from '../errors.js';
import type {CacheLevel, DnsRecord, SecurityLevel, StatsInterval, ThreatScore, Visitor, VisitorClass, ZoneStats} from '../backend.js';
import {statsIntervals} from '../backend.js';
import {scrub} from '../lib/secret.js';
import {quote} from '../lib/validate.js';
import {coerceNumber, excerptOf, isRecord, type DecodeContext} from './decode.js';

/** `base[key]` for a message, with a key from the wire: secret-free, bounded and printable (see `quote`). */
function member(ctx: DecodeContext, base: string, key: string): string {
	return `${base}[${quote(scrub(key, ctx.secrets))}]`;
}

function shapeFailure(ctx: DecodeContext, path: string, expected: string, value: unknown): FlarewatchError {
	let shown: string;
	try {
		shown = value === undefined ? 'nothing' : excerptOf(JSON.stringify(value) ?? String(value), ctx.secrets, 40);
	} catch {
		shown = typeof value;
	}
	return new FlarewatchError('decode', `The answer to ${ctx.action} has ${shown} where ${path} should be ${expected}.`, {excerpt: shown});
}

function object(ctx: DecodeContext, value: unknown, path: string): Record<string, unknown> {
	if (!isRecord(value)) throw shapeFailure(ctx, path, 'an object', value);
	return value;
}

function array(ctx: DecodeContext, value: unknown, path: string): unknown[] {
	if (!Array.isArray(value)) throw shapeFailure(ctx, path, 'a list', value);
	return value;
}

function number(ctx: DecodeContext, value: unknown, path: string): number {
	const result = coerceNumber(value);
	if (result === undefined) throw shapeFailure(ctx, path, 'a number', value);
	return result;
}

function optionalNumber(value: unknown): number | undefined {
	return value === null ? undefined : coerceNumber(value);
}

function string(ctx: DecodeContext, value: unknown, path: string): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw shapeFailure(ctx, path, 'a string', value);
}

function breakdown(ctx: DecodeContext, value: unknown, path: string) {
	const source = object(ctx, value, path);
	return {
		regular: number(ctx, source.regular, `${path}.regular`),
		threat: number(ctx, source.threat, `${path}.threat`),
		crawler: number(ctx, source.crawler, `${path}.crawler`),
	};
}

/** "High", "Medium", "I'm Under Attack!", "Essentially Off" → the API value, when recognisable. */
export function securityLevelFromLabel(label: string): SecurityLevel | undefined {
	const text = label.trim().toLowerCase();
	if (text === 'help' || text.includes('attack')) return 'help';
	if (text.startsWith('high')) return 'high';
	if (text.startsWith('med')) return 'med';
	if (text.startsWith('low')) return 'low';
	if (text === 'eoff' || text.startsWith('essentially')) return 'eoff';
	return undefined;
}

/** `stats`: `response.result.objs[0]` plus the window. */
export function decodeStats(ctx: DecodeContext, response: unknown): ZoneStats {
	const result = object(ctx, object(ctx, response, 'response').result, 'response.result');
	const objs = array(ctx, result.objs, 'response.result.objs');
	const obj = object(ctx, objs[0], 'response.result.objs[0]');
	const at = (key: string) => `objs[0].${key}`;
	const traffic = object(ctx, obj.trafficBreakdown, at('trafficBreakdown'));
	const bandwidth = object(ctx, obj.bandwidthServed, at('bandwidthServed'));
	const requests = object(ctx, obj.requestsServed, at('requestsServed'));
	const pageLoad = object(ctx, obj.pageLoadTime, at('pageLoadTime'));
	const interval = number(ctx, obj.interval, at('interval'));
	if (!statsIntervals.includes(interval as StatsInterval)) throw shapeFailure(ctx, at('interval'), 'a known interval', obj.interval);
	const serverTime = optionalNumber(obj.currentServerTime) ?? optionalNumber(obj.cachedServerTime) ?? Date.now();
	const label = obj.userSecuritySetting === undefined || obj.userSecuritySetting === null ? '' : string(ctx, obj.userSecuritySetting, at('userSecuritySetting'));
	const securityLevel = securityLevelFromLabel(label);
	const ipv6 = optionalNumber(obj.ipv46);
	const cache = obj.cache_lvl;
	return {
		timeZero: number(ctx, result.timeZero, 'response.result.timeZero'),
		timeEnd: optionalNumber(result.timeEnd) ?? serverTime,
		interval: interval as StatsInterval,
		pageviews: breakdown(ctx, traffic.pageviews, at('trafficBreakdown.pageviews')),
		uniques: breakdown(ctx, traffic.uniques, at('trafficBreakdown.uniques')),
		bandwidth: {edgeKB: number(ctx, bandwidth.cloudflare, at('bandwidthServed.cloudflare')), originKB: number(ctx, bandwidth.user, at('bandwidthServed.user'))},
		requests: {edge: number(ctx, requests.cloudflare, at('requestsServed.cloudflare')), origin: number(ctx, requests.user, at('requestsServed.user'))},
		pageLoad: {withCloudflare: number(ctx, pageLoad.cloudflare, at('pageLoadTime.cloudflare')), without: number(ctx, pageLoad.without, at('pageLoadTime.without'))},
		...(securityLevel === undefined ? {} : {securityLevel}),
		securityLabel: label,
		devModeUntil: optionalNumber(obj.dev_mode) ?? 0,
		...(ipv6 === undefined ? {} : {ipv6: ipv6 !== 0}),
		...(cache === 'agg' || cache === 'basic' ? {cacheLevel: cache as CacheLevel} : {}),
		serverTime,
	};
}

/** A zone as v1 names it: the numeric zid zone_check gives, 0 when not active or not the account's. */
export interface V1Zone {
	name: string;
	zid: number;
}

/** `zone_check`: keys trimmed (the real service appended "\n" to the last one). */
export function decodeZoneCheck(ctx: DecodeContext, response: unknown, asked: readonly string[]): V1Zone[] {
	const zones = object(ctx, object(ctx, response, 'response').zones, 'response.zones');
	const byName = new Map<string, number>();
	for (const [key, value] of Object.entries(zones)) byName.set(key.trim().toLowerCase(), number(ctx, value, member(ctx, 'response.zones', key.trim())));
	return asked.map(name => ({name, zid: byName.get(name.toLowerCase()) ?? 0}));
}

/** A Map, not an object: a classification of "constructor" or "__proto__" must not find a member. */
const classes: ReadonlyMap<string, VisitorClass> = new Map([
	['regular', 'regular'],
	['crawler', 'crawler'],
	['threat', 'threat'],
	['r', 'regular'],
	['s', 'crawler'],
	['c', 'crawler'],
	['t', 'threat'],
]);

/** `zone_ips`: `response.ips`. */
export function decodeVisitors(ctx: DecodeContext, response: unknown): Visitor[] {
	const ips = array(ctx, object(ctx, response, 'response').ips, 'response.ips');
	return ips.map((entry, index) => {
		const path = `response.ips[${index}]`;
		const ip = object(ctx, entry, path);
		const classification = classes.get(string(ctx, ip.classification, `${path}.classification`).toLowerCase());
		if (!classification) throw shapeFailure(ctx, `${path}.classification`, 'regular, crawler or threat', ip.classification);
		const latitude = optionalNumber(ip.latitude);
		const longitude = optionalNumber(ip.longitude);
		return {
			ip: string(ctx, ip.ip, `${path}.ip`),
			classification,
			hits: number(ctx, ip.hits, `${path}.hits`),
			...(latitude === undefined || longitude === undefined ? {} : {latitude, longitude}),
		};
	});
}

/** `ip_lkup`: `{"1.0.171.33": "BAD:11"}`. */
export function decodeLookup(ctx: DecodeContext, response: unknown, ip: string): ThreatScore {
	const answer = object(ctx, response, 'response');
	const entries = Object.entries(answer);
	const value = (Object.hasOwn(answer, ip) ? answer[ip] : undefined) ?? (entries.length === 1 ? entries[0]![1] : undefined);
	const text = string(ctx, value, member(ctx, 'response', ip));
	const match = /^\s*([A-Za-z]+)\s*:\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
	if (!match) throw shapeFailure(ctx, member(ctx, 'response', ip), 'KIND:score', value);
	return {ip, kind: match[1]!.toUpperCase(), score: Number(match[2])};
}

/** One DNS record; `ttl`, `service_mode` and `prio` arrive as strings. */
export function decodeRecord(ctx: DecodeContext, value: unknown, path: string): DnsRecord {
	const rec = object(ctx, value, path);
	const prio = optionalNumber(rec.prio);
	const serviceMode = optionalNumber(rec.service_mode);
	return {
		id: string(ctx, rec.rec_id, `${path}.rec_id`),
		name: string(ctx, rec.name, `${path}.name`),
		type: string(ctx, rec.type, `${path}.type`),
		content: string(ctx, rec.content, `${path}.content`),
		ttl: number(ctx, rec.ttl, `${path}.ttl`),
		proxied: serviceMode === 1,
		...(prio === undefined ? {} : {prio}),
	};
}

/** One page of `rec_load_all`. */
export function decodeRecordPage(ctx: DecodeContext, response: unknown): {records: DnsRecord[]; hasMore: boolean} {
	const recs = object(ctx, object(ctx, response, 'response').recs, 'response.recs');
	const objs = array(ctx, recs.objs, 'response.recs.objs');
	return {records: objs.map((rec, index) => decodeRecord(ctx, rec, `response.recs.objs[${index}]`)), hasMore: recs.has_more === true || recs.has_more === 1 || recs.has_more === '1'};
}

/** `rec_new` / `rec_edit`: `response.rec.obj`. */
export function decodeRecordObj(ctx: DecodeContext, response: unknown): DnsRecord {
	const rec = object(ctx, object(ctx, response, 'response').rec, 'response.rec');
	return decodeRecord(ctx, rec.obj, 'response.rec.obj');
}

/** A zone as `zone_load_multi` lists it. */
export interface ZoneSummary {
	zid: number;
	name: string;
	/** e.g. "status-active"; empty when absent. */
	status: string;
}

export function decodeZoneList(ctx: DecodeContext, response: unknown): {zones: ZoneSummary[]; hasMore: boolean} {
	const zones = object(ctx, object(ctx, response, 'response').zones, 'response.zones');
	const objs = array(ctx, zones.objs, 'response.zones.objs');
	return {
		zones: objs.map((entry, index) => {
			const zone = object(ctx, entry, `response.zones.objs[${index}]`);
			return {
				zid: number(ctx, zone.zone_id, `response.zones.objs[${index}].zone_id`),
				name: string(ctx, zone.zone_name, `response.zones.objs[${index}].zone_name`),
				status: typeof zone.zone_status_class === 'string' ? zone.zone_status_class : '',
			};
		}),
		hasMore: zones.has_more === true,
	};
}

/** A numeric field somewhere in `response` (devmode's expires_on, fpurge_ts), by path. */
export function decodeNumberAt(ctx: DecodeContext, root: unknown, keys: readonly string[], rootName = 'response'): number {
	let value: unknown = root;
	let path = rootName;
	for (const key of keys) {
		value = object(ctx, value, path)[key];
		path = `${path}.${key}`;
	}
	return number(ctx, value, path);
}
