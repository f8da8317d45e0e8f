/** API v4 DNS records: the same records v1's rec_* actions list and edit (`Zone.records`). */
import {contentError, fqdnOf, isHostname, isProxiable, maxRecordsPerZone, recordConflicts, recordTypes, type DnsRecord} from '../records.js';
import {hexId, type Zone} from '../world.js';
import {zoneOf, type V4Context} from './context.js';
import {bodyObject, combine, direction, iso, ok, paginate, sortBy, textFilters, V4Failure, type V4Answer} from './envelope.js';

const maxComment = 100;

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

/**
 * Reads a record from the body. `base` (PATCH) supplies what is left out; without it (POST, PUT)
 * type, name and content are required and the rest takes its default. Unknown fields are ignored.
 */
function recordInput(body: Record<string, unknown>, zone: Zone, base?: DnsRecord): RecordInput {
	const given = (key: string): unknown => body[key];
	const typeValue = given('type') ?? base?.type;
	if (typeof typeValue !== 'string' || !(recordTypes as readonly string[]).includes(typeValue.toUpperCase())) {
		throw dnsInvalid(`type must be one of ${recordTypes.join(', ')}.`);
	}
	const type = typeValue.toUpperCase();
	const nameValue = given('name');
	let name: string;
	if (nameValue === undefined && base) name = base.name;
	else if (typeof nameValue !== 'string' || nameValue.trim() === '') throw dnsInvalid('name is required.');
	else name = fqdnOf(nameValue, zone.name);
	if (!isHostname(name)) throw dnsInvalid('name must be a valid host name.');
	const contentValue = given('content') ?? base?.content;
	if (typeof contentValue !== 'string') throw dnsInvalid('content is required.');
	const content = contentValue.trim();
	const problem = contentError(type, content);
	if (problem) throw dnsInvalid(problem);
	const ttlValue = given('ttl') ?? base?.ttl ?? 1;
	if (typeof ttlValue !== 'number' || !Number.isInteger(ttlValue) || (ttlValue !== 1 && (ttlValue < 60 || ttlValue > 86_400))) {
		throw dnsInvalid('ttl must be 1 (automatic) or between 60 and 86400.');
	}
	const proxiedValue = given('proxied') ?? base?.proxied ?? false;
	if (typeof proxiedValue !== 'boolean') throw dnsInvalid('proxied must be true or false.');
	if (proxiedValue && !isProxiable(type)) throw dnsInvalid(`A ${type} record cannot be proxied.`);
	let prio: number | null = null;
	if (type === 'MX' || type === 'SRV') {
		const prioValue = given('priority') ?? base?.prio;
		if (typeof prioValue !== 'number' || !Number.isInteger(prioValue) || prioValue < 0 || prioValue > 65_535) throw dnsInvalid('priority must be a number between 0 and 65535.');
		prio = prioValue;
	}
	const commentValue = given('comment') === undefined ? (base?.comment ?? null) : given('comment');
	if (commentValue !== null && (typeof commentValue !== 'string' || commentValue.length > maxComment)) throw dnsInvalid(`comment must be a string of at most ${maxComment} characters.`);
	const tagsValue = given('tags') ?? base?.tags ?? [];
	if (!Array.isArray(tagsValue) || tagsValue.some(tag => typeof tag !== 'string' || !/^[^:\s]+:.*$/.test(tag))) throw dnsInvalid('tags must be a list of "name:value" strings.');
	return {type, name, content, ttl: ttlValue, proxied: proxiedValue, prio, comment: commentValue === '' ? null : commentValue, tags: tagsValue as string[]};
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
