/**
 * API v4 DNS records: the same records v1's rec_* actions list and edit (`Zone.records`), with every
 * type API v4 lists (dns-types.ts), structured `data`, comments and tags within the plans' limits.
 */
import {contentError, fqdnOf, isHostname, isProxiable, maxRecordsPerZone, recordConflicts, recordTypes, type DnsRecord} from '../records.js';
import {hexId, type Zone} from '../world.js';
import {zoneOf, type V4Context} from './context.js';
import {dataOf, isStructured, plainContentError, priorityTypes, structuredInput, v4RecordTypes} from './dns-types.js';
import {bodyObject, combine, direction, iso, ok, paginate, sortBy, textFilters, V4Failure, type V4Answer} from './envelope.js';

/** The plans' limits (Cloudflare's plan table): comments of 100 characters on Free, 500 on paid plans; tags on paid plans only. */
const maxComment = {free: 100, pro: 500} as const;
const maxTags = 20;
const maxTagName = 32;
const maxTagValue = 100;

/** v4 ids of records: 32 hex from v1's numeric id, so both faces name the same record. */
const ids = new WeakMap<DnsRecord, string>();
export function recordId(record: DnsRecord): string {
	let id = ids.get(record);
	if (id === undefined) {
		id = hexId(`record:${record.recId}`);
		ids.set(record, id);
	}
	return id;
}

/** DNS validation refusals: 400, code 1004 (our choice: the notes give none), the reason as the message. */
function dnsInvalid(message: string): V4Failure {
	return new V4Failure(400, [{code: 1004, message}]);
}

function recordObject(record: DnsRecord, zone: Zone): unknown {
	const object: Record<string, unknown> = {
		id: recordId(record),
		zone_id: zone.id,
		zone_name: zone.name,
		name: record.name,
		type: record.type,
		content: record.content,
		proxiable: isProxiable(record.type),
		proxied: record.proxied,
		ttl: record.ttl,
		locked: false,
		meta: {auto_added: false, managed_by_apps: false, managed_by_argo_tunnel: false, source: 'primary'},
		comment: record.comment ?? null,
		tags: record.tags ?? [],
		created_on: iso(record.createdAt),
		modified_on: iso(record.modifiedAt ?? record.createdAt),
	};
	if (record.prio !== null) object.priority = record.prio;
	if (isStructured(record.type)) {
		const data = dataOf(record.type, record.content, record.prio);
		if (data) object.data = data;
	}
	return object;
}

interface RecordInput {
	type: string;
	name: string;
	content: string;
	ttl: number;
	proxied: boolean;
	prio: number | null;
	comment: string | null;
	tags: string[];
}

/** `comment`: at most the plan's length, on one line. */
function commentOf(value: unknown, zone: Zone): string | null {
	if (value === null || value === '') return null;
	const limit = maxComment[zone.plan];
	if (typeof value !== 'string' || value.length > limit) throw dnsInvalid(`comment must be a string of at most ${limit} characters.`);
	if (/[\r\n]/.test(value)) throw dnsInvalid('comment cannot hold a newline or carriage return.');
	return value;
}

/** `tags`: "name:value" pairs, on paid plans only (none on Free), at most 20, names of letters, digits, - and _. */
function tagsOf(value: unknown, zone: Zone): string[] {
	if (!Array.isArray(value) || value.some(tag => typeof tag !== 'string' || !/^[^:\s]+:.*$/.test(tag))) throw dnsInvalid('tags must be a list of "name:value" strings.');
	const tags = value as string[];
	if (tags.length > 0 && zone.plan === 'free') throw dnsInvalid('DNS record tags are not available on the Free plan.');
	if (tags.length > maxTags) throw dnsInvalid(`A record may carry at most ${maxTags} tags.`);
	for (const tag of tags) {
		const [name, ...rest] = tag.split(':');
		const tagValue = rest.join(':');
		if (!/^[A-Za-z0-9_-]+$/.test(name) || name.length > maxTagName) throw dnsInvalid(`tag name "${name}" must be at most ${maxTagName} letters, digits, - or _.`);
		if (tagValue.length > maxTagValue || /[\r\n]/.test(tagValue)) throw dnsInvalid(`tag value of "${name}" must be at most ${maxTagValue} characters on one line.`);
	}
	return tags;
}

/** A `priority` (0 to 65,535) or an error. */
function priorityOf(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) throw dnsInvalid('priority must be a number between 0 and 65535.');
	return value;
}

/**
 * Reads a record from the body. `base` (PATCH) supplies what is left out; without it (POST, PUT)
 * type, name and content (or `data`, for the structured types) are required and the rest takes its
 * default. Unknown fields are ignored.
 */
function recordInput(body: Record<string, unknown>, zone: Zone, base?: DnsRecord): RecordInput {
	const given = (key: string): unknown => body[key];
	const typeValue = given('type') ?? base?.type;
	if (typeof typeValue !== 'string' || !(v4RecordTypes as readonly string[]).includes(typeValue.toUpperCase())) {
		throw dnsInvalid(`type must be one of ${v4RecordTypes.join(', ')}.`);
	}
	const type = typeValue.toUpperCase();
	const nameValue = given('name');
	let name: string;
	if (nameValue === undefined && base) name = base.name;
	else if (typeof nameValue !== 'string' || nameValue.trim() === '') throw dnsInvalid('name is required.');
	else name = fqdnOf(nameValue, zone.name);
	if (!isHostname(name)) throw dnsInvalid('name must be a valid host name.');
	// What the record says: kept from the base when a PATCH leaves it (and the type) alone.
	const keepsContent = base !== undefined && given('content') === undefined && given('data') === undefined && type === base.type;
	let content: string;
	let dataPriority: number | undefined;
	if (keepsContent) {
		content = base.content;
	} else if (isStructured(type)) {
		const read = structuredInput(type, given('data'), given('content'));
		if (typeof read === 'string') throw dnsInvalid(read);
		content = read.content;
		dataPriority = read.priority;
	} else {
		const contentValue = given('content') ?? (type === base?.type ? base.content : undefined);
		if (typeof contentValue !== 'string') throw dnsInvalid('content is required.');
		content = contentValue.trim();
		const problem = (recordTypes as readonly string[]).includes(type) ? contentError(type, content) : (contentError(type, content) ?? plainContentError(type, content));
		if (problem) throw dnsInvalid(problem);
	}
	const ttlValue = given('ttl') ?? base?.ttl ?? 1;
	if (typeof ttlValue !== 'number' || !Number.isInteger(ttlValue) || (ttlValue !== 1 && (ttlValue < 60 || ttlValue > 86_400))) {
		throw dnsInvalid('ttl must be 1 (automatic) or between 60 and 86400.');
	}
	const proxiedValue = given('proxied') ?? base?.proxied ?? false;
	if (typeof proxiedValue !== 'boolean') throw dnsInvalid('proxied must be true or false.');
	if (proxiedValue && !isProxiable(type)) throw dnsInvalid(`A ${type} record cannot be proxied.`);
	// MX and URI take a top-level priority; SRV's comes in its data or there. Other types ignore it.
	let prio: number | null = null;
	if (priorityTypes.has(type)) {
		const prioValue = dataPriority ?? given('priority') ?? (type === base?.type ? base.prio : undefined);
		if (prioValue === undefined || prioValue === null) throw dnsInvalid(`priority is required for ${type} records.`);
		prio = priorityOf(prioValue);
	}
	const comment = commentOf(given('comment') === undefined ? (base?.comment ?? null) : given('comment'), zone);
	const tags = tagsOf(given('tags') ?? base?.tags ?? [], zone);
	return {type, name, content, ttl: ttlValue, proxied: proxiedValue, prio, comment, tags};
}

/** The clashes the notes record: an identical record, and a CNAME sharing its name with A/AAAA/CNAME or anything else. */
function checkConflicts(zone: Zone, input: RecordInput, except?: DnsRecord): void {
	const clash = recordConflicts(zone.records, input, except);
	if (clash.identical) throw new V4Failure(400, [{code: 81058, message: 'An identical record already exists.'}]);
	if (clash.cnameThere) throw new V4Failure(400, [{code: 81054, message: 'A CNAME record with that host already exists.'}]);
	if (clash.cnameWouldShare) throw new V4Failure(400, [{code: 81053, message: 'An A, AAAA, or CNAME record with that host already exists.'}]);
}

function find(context: V4Context, zone: Zone): DnsRecord {
	const id = context.params.record_id ?? '';
	const record = zone.records.find(candidate => recordId(candidate) === id);
	if (!record) throw new V4Failure(404, [{code: 81044, message: 'Record does not exist.'}]);
	return record;
}

const orders: Record<string, (record: DnsRecord) => string | number> = {
	type: record => record.type,
	name: record => record.name,
	content: record => record.content.toLowerCase(),
	ttl: record => record.ttl,
	proxied: record => (record.proxied ? 1 : 0),
};

export function listRecords(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	const {query} = context;
	const type = query.get('type');
	const proxied = query.get('proxied');
	if (proxied !== null && proxied !== 'true' && proxied !== 'false') throw dnsInvalid('proxied must be true or false.');
	const matching = zone.records.filter(record =>
		combine(query, [
			...(type !== null ? [record.type === type.toUpperCase()] : []),
			...(proxied !== null ? [record.proxied === (proxied === 'true')] : []),
			// Names are compared as FQDNs; a relative name or "@" is completed with the zone.
			...textFilters(query, 'name', record.name, text => fqdnOf(text, zone.name)),
			...textFilters(query, 'content', record.content),
			...textFilters(query, 'comment', record.comment ?? ''),
		]),
	);
	const order = query.get('order');
	if (order !== null && !Object.hasOwn(orders, order)) throw dnsInvalid(`order must be one of ${Object.keys(orders).join(', ')}.`);
	const sorted = order === null ? matching : sortBy(matching, orders[order], direction(query));
	const page = paginate(sorted, query, 100, 5_000_000);
	return ok(
		page.items.map(record => recordObject(record, zone)),
		page.info,
	);
}

export function getRecord(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	return ok(recordObject(find(context, zone), zone));
}

export function createRecord(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	const input = recordInput(bodyObject(context.body), zone);
	checkConflicts(zone, input);
	if (zone.records.length >= maxRecordsPerZone) throw dnsInvalid(`A zone may hold at most ${maxRecordsPerZone} records.`);
	const record: DnsRecord = {recId: context.core.world.newRecordId(), ...input, createdAt: context.nowSec, modifiedAt: context.nowSec};
	zone.records.push(record);
	return ok(recordObject(record, zone));
}

/** PUT overwrites (what is left out takes its default), PATCH changes the given fields. */
export function updateRecord(context: V4Context, patch: boolean): V4Answer {
	const zone = zoneOf(context);
	const record = find(context, zone);
	const input = recordInput(bodyObject(context.body), zone, patch ? record : undefined);
	checkConflicts(zone, input, record);
	Object.assign(record, input, {modifiedAt: context.nowSec});
	return ok(recordObject(record, zone));
}

export function deleteRecord(context: V4Context): V4Answer {
	const zone = zoneOf(context);
	const record = find(context, zone);
	zone.records.splice(zone.records.indexOf(record), 1);
	return ok({id: recordId(record)});
}
