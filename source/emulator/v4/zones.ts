/** API v4 zones, zone settings and cache purge, over the same zones and settings v1 changes. */
import type {EmulatorCacheLevel, EmulatorSecurityLevel} from '../types.js';
import {devModeExpiresAt, hostInZone, setCacheLevel, setDevMode, setIpv6, setSecurityLevel, type Account, type SettingName, type Zone} from '../world.js';
import {zoneOf, type V4Context} from './context.js';
import {bodyObject, combine, direction, invalid, iso, noRoute, ok, paginate, sortBy, V4Failure, type V4Answer} from './envelope.js';

/** The name servers v1's zone object shows; the same here. */
const nameServers = ['norm.ns.cloudflare.com', 'pat.ns.cloudflare.com'];

/** v1's words for the security level, and v4's. */
const securityToV4: Record<EmulatorSecurityLevel, string> = {help: 'under_attack', high: 'high', med: 'medium', low: 'low', eoff: 'essentially_off', off: 'off'};
const cacheToV4: Record<EmulatorCacheLevel, string> = {agg: 'aggressive', basic: 'basic', simplified: 'simplified'};
const settingNames: readonly SettingName[] = ['security_level', 'development_mode', 'cache_level', 'ipv6'];

function reverse<K extends string>(map: Record<K, string>): Map<string, K> {
	return new Map(Object.entries(map).map(([k, v]) => [v as string, k as K]));
}
const securityFromV4 = reverse(securityToV4);
const cacheFromV4 = reverse(cacheToV4);

export function accountName(account: Account): string {
	return `${account.email}'s Account`;
}

/** Seconds of dev mode left; negative since it last ended; 0 if it was never on. */
export function devModeRemaining(zone: Zone, nowSec: number): number {
	const last = zone.devModes.at(-1);
	if (!last) return 0;
	const expires = devModeExpiresAt(zone, nowSec);
	return expires > 0 ? expires - nowSec : last.to - nowSec;
}

function zoneObject(zone: Zone, nowSec: number): unknown {
	const pro = zone.plan === 'pro';
	const modified = Math.max(zone.createdAt, ...Object.values(zone.modifiedAt));
	return {
		id: zone.id,
		name: zone.name,
		status: 'active',
		paused: false,
		type: 'full',
		development_mode: devModeRemaining(zone, nowSec),
		name_servers: nameServers,
		original_name_servers: null,
		original_registrar: null,
		original_dnshost: null,
		vanity_name_servers: [],
		owner: {id: zone.owner.id, type: 'user', email: zone.owner.email},
		account: {id: zone.owner.id, name: accountName(zone.owner)},
		permissions: ['#zone:read', '#zone:edit', '#dns_records:read', '#dns_records:edit', '#waf:read', '#waf:edit', '#cache_purge:edit', '#zone_settings:read', '#zone_settings:edit'],
		plan: {
			id: pro ? '94f3b7b768b0458b56d2cac4fe5ec0f9' : '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
			name: pro ? 'Pro Website' : 'Free Website',
			price: pro ? 20 : 0,
			currency: 'USD',
			frequency: pro ? 'monthly' : '',
			is_subscribed: true,
			can_subscribe: false,
			legacy_id: pro ? 'pro' : 'free',
			legacy_discount: false,
			externally_managed: false,
		},
		meta: {step: 4, custom_certificate_quota: 0, page_rule_quota: pro ? 20 : 3, phishing_detected: false},
		created_on: iso(zone.createdAt),
		modified_on: iso(modified),
		activated_on: iso(zone.createdAt),
	};
}

const zoneStatuses = ['initializing', 'pending', 'active', 'moved'];

export function listZones(context: V4Context): V4Answer {
	const {query} = context;
	const status = query.get('status');
	if (status !== null && !zoneStatuses.includes(status)) throw invalid(`status must be one of ${zoneStatuses.join(', ')}.`);
	const name = query.get('name');
	const accountId = query.get('account.id');
	const accountLabel = query.get('account.name');
	const zones = context.account.zones.filter(zone =>
		combine(query, [
			...(name !== null ? [zone.name === name.trim().toLowerCase().replace(/\.$/, '')] : []),
			...(status !== null ? [status === 'active'] : []),
			...(accountId !== null ? [accountId === zone.owner.id] : []),
			...(accountLabel !== null ? [accountLabel === accountName(zone.owner)] : []),
		]),
	);
	const order = query.get('order') ?? 'name';
	if (!['name', 'status', 'account.id', 'account.name'].includes(order)) throw invalid('order must be one of name, status, account.id, account.name.');
	const sorted = sortBy(zones, zone => (order === 'name' ? zone.name : order === 'status' ? 'active' : order === 'account.id' ? zone.owner.id : accountName(zone.owner)), direction(query));
	const page = paginate(sorted, query, 20, 50);
	return ok(
		page.items.map(zone => zoneObject(zone, context.nowSec)),
		page.info,
	);
}

export function getZone(context: V4Context): V4Answer {
	return ok(zoneObject(zoneOf(context), context.nowSec));
}

function settingObject(zone: Zone, name: SettingName, nowSec: number): Record<string, unknown> {
	const modified = zone.modifiedAt[name];
	const base = {id: name, editable: true, modified_on: modified === undefined ? null : iso(modified)};
	switch (name) {
		case 'security_level':
			return {...base, value: securityToV4[zone.securityLevel]};
		case 'cache_level':
			return {...base, value: cacheToV4[zone.cacheLevel]};
		case 'ipv6':
			return {...base, value: zone.ipv6 ? 'on' : 'off'};
		case 'development_mode':
			return {...base, value: devModeExpiresAt(zone, nowSec) > 0 ? 'on' : 'off', time_remaining: devModeRemaining(zone, nowSec)};
	}
}

function settingName(context: V4Context): SettingName {
	const name = context.params.setting ?? '';
	// A setting the emulator does not keep is a route it does not have.
	if (!settingNames.includes(name as SettingName)) throw new V4Failure(400, [noRoute]);
	return name as SettingName;
}

export function listSettings(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	return ok(settingNames.map(name => settingObject(zone, name, context.nowSec)));
}

export function getSetting(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	return ok(settingObject(zone, settingName(context), context.nowSec));
}

export function editSetting(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	const name = settingName(context);
	const value = bodyObject(context.body).value;
	const refuse = (): V4Failure => invalid(`Invalid value for zone setting ${name}`, 1007);
	if (typeof value !== 'string') throw refuse();
	const now = context.nowSec;
	switch (name) {
		case 'security_level': {
			const level = securityFromV4.get(value);
			if (!level) throw refuse();
			setSecurityLevel(zone, level, now);
			break;
		}
		case 'cache_level': {
			const level = cacheFromV4.get(value);
			if (!level) throw refuse();
			setCacheLevel(zone, level, now);
			break;
		}
		case 'ipv6':
			if (value !== 'on' && value !== 'off') throw refuse();
			setIpv6(zone, value === 'on', now);
			break;
		case 'development_mode':
			if (value !== 'on' && value !== 'off') throw refuse();
			setDevMode(zone, value === 'on', now);
			break;
	}
	return ok(settingObject(zone, name, now));
}

/** Items per purge request, per the documentation. */
const maxPurgeItems = 100;
/** As v1's zone_file_purge: the recent purges are kept for the admin state. */
const keptPurges = 100;
const maxUrlLength = 4096;
/** The documented limit of a cache tag's length. */
const maxTagLength = 1024;

const purgeKinds = ['files', 'tags', 'hosts', 'prefixes'] as const;
type PurgeKind = (typeof purgeKinds)[number];

/** Words real answers carried (python-cloudflare #179; cloudflare-php #61; tag errors quoted in opennextjs-cloudflare #655). */
const oneOf = (): V4Failure => new V4Failure(400, [{code: 1012, message: 'Request must contain one of "purge_everything", "files", "tags", "hosts" or "prefixes"'}]);
const notArray = (): V4Failure => new V4Failure(400, [{code: 1014, message: '"files", "tags", or "hosts" must be an array'}]);
/** An item's own error, followed by the summary the API adds to item errors. */
const itemError = (code: number, message: string): V4Failure => new V4Failure(400, [{code, message}, {code: 1016, message: 'One or more cache purge errors'}]);

const printable = /^[\x20-\x7e\u00a0-\uffff]+$/;

/** A file: a full http(s) URL on the zone (or a subdomain), alone or as `{url, headers}` with string headers. */
function fileOf(item: unknown, zone: Zone, index: number): string {
	let url: unknown = item;
	if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
		const {url: given, headers} = item as Record<string, unknown>;
		url = given;
		const headersOk = headers === undefined || (typeof headers === 'object' && headers !== null && !Array.isArray(headers) && Object.values(headers).every(value => typeof value === 'string'));
		if (!headersOk) throw itemError(1002, `files[${index}]: headers must be an object of header names and string values.`);
	}
	let parsed: URL | undefined;
	try {
		parsed = typeof url === 'string' && url.length <= maxUrlLength ? new URL(url) : undefined;
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw itemError(1002, `files[${index}]: not a full http:// or https:// URL.`);
	if (!hostInZone(parsed.hostname, zone)) throw itemError(1002, `files[${index}]: ${parsed.hostname} is not in the zone ${zone.name}.`);
	return url as string;
}

/** A tag, host or prefix: a non-empty printable string; hosts and prefixes name a host in the zone. */
function otherOf(kind: Exclude<PurgeKind, 'files'>, item: unknown, zone: Zone, index: number): string {
	if (typeof item !== 'string' || item === '') throw itemError(1002, `${kind}[${index}]: must be a non-empty string.`);
	if (kind === 'tags') {
		if (item.length > maxTagLength) throw itemError(1100, `Tag exceeds maximum length of ${maxTagLength} characters: ${item.slice(0, 64)}...`);
		if (!printable.test(item)) throw itemError(1315, 'Non-printable characters are forbidden in tags');
		return item;
	}
	// A host is a bare name; a prefix is host/path (the documentation writes them without a scheme; one is tolerated).
	const bare = item.replace(/^https?:\/\//i, '');
	const host = kind === 'hosts' ? bare : bare.split('/')[0];
	if ((kind === 'hosts' && bare.includes('/')) || !/^[a-z0-9.*_-]+$/i.test(host) || !hostInZone(host, zone)) throw itemError(1002, `${kind}[${index}]: ${item} is not a host in the zone ${zone.name}.`);
	return item;
}

function keep<T>(list: T[], items: T[]): void {
	list.push(...items);
	if (list.length > keptPurges) list.splice(0, list.length - keptPurges);
}

export function purgeCache(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	const body = bodyObject(context.body);
	const lists = purgeKinds.filter(key => body[key] !== undefined);
	if (body.purge_everything !== undefined) {
		if (body.purge_everything !== true || lists.length > 0) throw oneOf();
		zone.lastPurgeAt = context.nowSec;
		return ok({id: zone.id});
	}
	if (lists.length !== 1) throw oneOf();
	const kind = lists[0];
	const items = body[kind];
	if (!Array.isArray(items)) throw notArray();
	if (items.length === 0) throw oneOf();
	if (items.length > maxPurgeItems) throw invalid(`${kind} may hold at most ${maxPurgeItems} items per request.`);
	const at = context.nowSec;
	if (kind === 'files') {
		keep(zone.filePurges, items.map((item, index) => ({url: fileOf(item, zone, index), at})));
	} else {
		keep(zone.otherPurges, items.map((item, index) => ({kind, value: otherOf(kind, item, zone, index), at})));
	}
	return ok({id: zone.id});
}
