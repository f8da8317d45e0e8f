/** DNS record actions: the 2011 rec_set/rec_del, the later rec_* family, and DIUP. */
import {isIPv4} from 'node:net';
import {ApiFailure, echo, zoneParam, type ActionContext, type ActionHandler} from './context.js';
import {taint} from '../hostile.js';
import {bareSuccess, success} from '../json.js';
import {contentError, fqdnOf, isHostname, isProxiable, maxRecordsPerZone, parseTtl, recordConflicts, recordObject, recordTypes, type DnsRecord} from '../records.js';
import type {Zone} from '../world.js';

/** Records per rec_load_all page, as the real service paged them. */
export const recordPageSize = 180;

function display(context: ActionContext, record: DnsRecord): (text: string) => string {
	return text => (record.type === 'TXT' ? taint(text, context.core.hostile) : text);
}

export const recLoadAll: ActionHandler = context => {
	const zone = zoneParam(context);
	const offsetGiven = (context.params.get('o') ?? '0').trim() || '0';
	if (!/^\d+$/.test(offsetGiven)) throw new ApiFailure('o must be a non-negative offset.', 'o');
	const offset = Number(offsetGiven);
	const page = zone.records.slice(offset, offset + recordPageSize);
	const objs = page.map(record => recordObject(record, zone.name, display(context, record), taint(zone.name, context.core.hostile)));
	return success({recs: {has_more: offset + page.length < zone.records.length, count: objs.length, objs}}, echo(context));
};

interface RecordInput {
	type: string;
	name: string;
	content: string;
	ttl: number;
	proxied: boolean;
	prio: number | null;
}

function serviceMode(value: string | undefined, fallback: boolean): boolean {
	if (value === undefined || value === '') return fallback;
	if (value !== '0' && value !== '1') throw new ApiFailure('service_mode must be 0 or 1.', 'service_mode');
	return value === '1';
}

/** Reads and checks a record from the parameters; `base` supplies values an edit leaves out. */
function recordInput(context: ActionContext, zone: Zone, base?: DnsRecord, allowed: readonly string[] = recordTypes): RecordInput {
	const {params} = context;
	const type = (params.get('type') ?? base?.type ?? '').trim().toUpperCase();
	if (!allowed.includes(type)) throw new ApiFailure(`Invalid record type: use one of ${allowed.join('|')}.`, 'type');
	const rawName = params.get('name');
	const name = rawName === undefined && base ? base.name : fqdnOf(rawName ?? '', zone.name);
	if ((rawName === undefined || rawName.trim() === '') && !base) throw new ApiFailure('A record name is required.', 'name');
	if (!isHostname(name) && name !== base?.name) throw new ApiFailure('Invalid record name.', 'name');
	const content = (params.get('content') ?? base?.content ?? '').trim();
	const problem = contentError(type, content);
	if (problem) throw new ApiFailure(problem, 'content');
	const ttl = params.get('ttl') === undefined && base ? base.ttl : parseTtl(params.get('ttl'));
	if (typeof ttl === 'string') throw new ApiFailure(ttl, 'ttl');
	const proxied = serviceMode(params.get('service_mode'), base ? base.proxied : false) && isProxiable(type);
	let prio: number | null = null;
	if (type === 'MX' || type === 'SRV') {
		const given = params.get('prio') ?? (base?.prio === null || base === undefined ? undefined : String(base.prio));
		if (given === undefined || !/^\d{1,5}$/.test(given.trim()) || Number(given) > 65_535) throw new ApiFailure('prio must be a number between 0 and 65535.', 'prio');
		prio = Number(given);
	}
	return {type, name, content, ttl, proxied, prio};
}

function checkConflicts(zone: Zone, input: RecordInput, except?: DnsRecord): void {
	const clash = recordConflicts(zone.records, input, except);
	if (clash.identical) throw new ApiFailure('A record with those settings already exists.');
	if (clash.cnameWouldShare) throw new ApiFailure('A CNAME cannot share its name with another record.');
	if (clash.cnameThere) throw new ApiFailure('A CNAME record with that name already exists.');
}

function createRecord(context: ActionContext, zone: Zone, input: RecordInput): DnsRecord {
	checkConflicts(zone, input);
	if (zone.records.length >= maxRecordsPerZone) throw new ApiFailure(`A zone may hold at most ${maxRecordsPerZone} records.`);
	const record: DnsRecord = {recId: context.core.world.newRecordId(), ...input, createdAt: context.nowSec};
	zone.records.push(record);
	return record;
}

export const recNew: ActionHandler = context => {
	const zone = zoneParam(context);
	const record = createRecord(context, zone, recordInput(context, zone));
	return success({rec: {obj: recordObject(record, zone.name, display(context, record), taint(zone.name, context.core.hostile))}}, echo(context));
};

function recordById(context: ActionContext, zone: Zone): DnsRecord {
	const id = (context.params.get('id') ?? '').trim();
	const record = zone.records.find(candidate => candidate.recId === id);
	if (!record) throw new ApiFailure('Invalid record id.');
	return record;
}

export const recEdit: ActionHandler = context => {
	const zone = zoneParam(context);
	const record = recordById(context, zone);
	const input = recordInput(context, zone, record);
	checkConflicts(zone, input, record);
	Object.assign(record, input, {modifiedAt: context.nowSec});
	return success({rec: {obj: recordObject(record, zone.name, display(context, record), taint(zone.name, context.core.hostile))}}, echo(context));
};

export const recDelete: ActionHandler = context => {
	const zone = zoneParam(context);
	const record = recordById(context, zone);
	zone.records.splice(zone.records.indexOf(record), 1);
	return bareSuccess();
};

/** The 2011 call: A or CNAME, ttl automatic, `service_mode` defaulting to the orange cloud. */
export const recSet: ActionHandler = context => {
	const zone = zoneParam(context);
	if (context.params.get('service_mode') === undefined) context.params.set('service_mode', '1');
	createRecord(context, zone, recordInput(context, zone, undefined, ['A', 'CNAME']));
	return success({result: 'success', msg: null}, echo(context));
};

/** Deletes every record of the name (the documentation's warning), whatever form the name took. */
export const recDel: ActionHandler = context => {
	const zone = zoneParam(context);
	const given = context.params.get('name') ?? '';
	if (given.trim() === '') throw new ApiFailure('A record name is required.', 'name');
	const name = fqdnOf(given, zone.name);
	const before = zone.records.length;
	zone.records = zone.records.filter(record => record.name !== name);
	if (zone.records.length === before) throw new ApiFailure(`No DNS record named ${name}.`);
	return success({result: 'success', msg: null}, echo(context));
};

/** DIUP's outcome: one line per host, or one code for the whole request. */
export type DiupOutcome = {code: string} | {lines: string[]};

export function dynamicIpUpdate(context: ActionContext): DiupOutcome {
	const ip = (context.params.get('ip') ?? '').trim();
	if (!isIPv4(ip)) return {code: 'E_INVLDIP'};
	const hosts = (context.params.get('hosts') ?? '')
		.split(',')
		.map(host => host.trim().toLowerCase().replace(/\.$/, ''))
		.filter(host => host !== '');
	if (hosts.length === 0) return {code: 'E_NOHOST'};
	if (hosts.some(host => !isHostname(host))) return {code: 'E_INVLDHST'};
	if (new Set(hosts).size !== hosts.length) return {code: 'E_DUPHST'};
	const targets = hosts.map(host => context.account.zones.flatMap(zone => zone.records.filter(record => record.type === 'A' && record.name === host)));
	if (targets.some(records => records.length === 0)) return {code: 'E_NOHOST'};
	const lines = hosts.map((host, index) => {
		const records = targets[index];
		if (records.every(record => record.content === ip)) return `${host} E_NOUPDATE`;
		for (const record of records) record.content = ip;
		return `${host} OK`;
	});
	return {lines};
}

export const diupJson: ActionHandler = context => {
	const outcome = dynamicIpUpdate(context);
	if ('code' in outcome) throw new ApiFailure(`DIUP refused: ${outcome.code}`, outcome.code);
	return success({result: 'success', msg: null, hosts: outcome.lines}, echo(context));
};
