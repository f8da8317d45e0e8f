/** `dns list|add|edit|rm|update-ip`: records of the configured zones. */
import type {DnsRecord, ZoneRef} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {formatTable, inert} from '../lib/format.js';
import {checkAnyRecordContent, checkHostname, checkIpv4, checkRecordContent, checkRecordName, checkRecordType, checkTtl, parseIntegerIn, requireValid, validated} from '../lib/validate.js';
import {flagSet, flagValue, usageError, type CommandContext, type CommandSpec, type ParsedArgs} from './spec.js';
import {eachZone} from './zones.js';

/** The JSON form of a record. */
export function recordJson(record: DnsRecord): Record<string, unknown> {
	return {id: record.id, name: record.name, type: record.type, content: record.content, ttl: record.ttl, proxied: record.proxied, ...(record.prio === undefined ? {} : {prio: record.prio})};
}

function recordRows(records: readonly DnsRecord[]): string[] {
	return formatTable(
		['Id', 'Name', 'Type', 'Content', 'TTL', 'Proxied'],
		records.map(record => [record.id, record.name, record.type, record.content, record.ttl === 1 ? 'auto' : String(record.ttl), record.proxied ? 'yes' : 'no']),
		['left', 'left', 'left', 'left', 'right', 'left'],
	);
}

function inZone(name: string, zone: string): boolean {
	const lower = name.toLowerCase();
	return lower === zone.toLowerCase() || lower.endsWith(`.${zone.toLowerCase()}`);
}

/** The one zone a record command works on: the one `name` falls in, or the only one configured. */
function zoneFor(ctx: CommandContext, name: string | undefined): ZoneRef {
	const zones = ctx.zoneNames();
	const matching = name === undefined ? [] : zones.filter(zone => inZone(name, zone.name));
	if (matching.length >= 1) return matching.sort((a, b) => b.name.length - a.name.length)[0]!;
	if (zones.length === 1) return zones[0]!;
	throw usageError(`Several zones are configured; pick one with --zone${name === undefined ? '' : ' or give a full name inside one of them'}.`);
}

/** `@` → the apex, a short label → label.zone, a name already inside the zone unchanged. */
export function fullName(name: string, zone: string): string {
	if (name === '@') return zone;
	return inZone(name, zone) ? name : `${name}.${zone}`;
}

function ttlFlag(args: ParsedArgs): number | undefined {
	const raw = flagValue(args, '--ttl');
	if (raw === undefined) return undefined;
	const ttl = parseIntegerIn(raw, 1, 4294967295);
	if (typeof ttl === 'string') throw new FlarewatchError('validation', `Invalid ttl: ${ttl}.`, {field: 'ttl'});
	requireValid('ttl', checkTtl(ttl));
	return ttl;
}

function checkAdd(args: ParsedArgs): {type: 'A' | 'CNAME'; name: string; content: string; proxied: boolean; ttl?: number} {
	const [type, name, content] = args.positionals as [string, string, string];
	requireValid('type', checkRecordType(type));
	validated('name', name, checkRecordName);
	validated('content', content, value => checkRecordContent(type, value));
	const ttl = ttlFlag(args);
	return {type: type as 'A' | 'CNAME', name, content, proxied: flagSet(args, '--proxied'), ...(ttl === undefined ? {} : {ttl})};
}

function checkEdit(args: ParsedArgs): {id: string; content?: string; name?: string; ttl?: number; proxied?: boolean} {
	const id = args.positionals[0]!;
	requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(id) ? undefined : 'must be letters, digits, - or _');
	if (flagSet(args, '--proxied') && flagSet(args, '--no-proxied')) throw usageError('Give --proxied or --no-proxied, not both.');
	const content = flagValue(args, '--content');
	// The record's type is only known after rec_load_all; what no type accepts is refused before that read.
	if (content !== undefined) validated('content', content, checkAnyRecordContent);
	const name = flagValue(args, '--name');
	if (name !== undefined) validated('name', name, checkRecordName);
	const ttl = ttlFlag(args);
	const proxied = flagSet(args, '--proxied') ? true : flagSet(args, '--no-proxied') ? false : undefined;
	if (content === undefined && name === undefined && ttl === undefined && proxied === undefined) throw usageError('flarewatch dns edit needs at least one of --content, --name, --ttl, --proxied, --no-proxied.');
	return {id, ...(content === undefined ? {} : {content}), ...(name === undefined ? {} : {name}), ...(ttl === undefined ? {} : {ttl}), ...(proxied === undefined ? {} : {proxied})};
}

function checkUpdateIp(args: ParsedArgs): {ip: string; hosts: string[]} {
	const [ip, ...hosts] = args.positionals as [string, ...string[]];
	validated('IP address', ip, checkIpv4);
	for (const host of hosts) validated('host', host, checkHostname);
	return {ip, hosts};
}

export const dnsCommands: CommandSpec[] = [
	{
		name: 'dns list',
		summary: 'every DNS record of each zone',
		usage: '',
		details: ['JSON: {zones: [{zone, records: [{id, name, type, content, ttl, proxied, prio?}]}], callsLeft}; ttl 1 = automatic.'],
		examples: ['flarewatch dns list --zone example.com'],
		flags: [],
		positionals: [0, 0],
		mutating: false,
		async run(ctx) {
			return eachZone(ctx, async zone => {
				const records = await ctx.backend.listRecords(zone);
				return {lines: [`${inert(zone.name)}: ${records.length} record${records.length === 1 ? '' : 's'}`, ...(records.length > 0 ? recordRows(records) : [])], json: {zone: zone.name, records: records.map(recordJson)}};
			});
		},
	},
	{
		name: 'dns add',
		summary: 'create an A or CNAME record',
		usage: '<A|CNAME> <name> <content> [--proxied] [--ttl 1|120..]',
		details: ['name: a label (www), a full name or @ for the apex. A content is an IPv4 address; CNAME content a host name.', 'JSON: {zone, record: {id, name, type, content, ttl, proxied}}.'],
		examples: ['flarewatch dns add A www 203.0.113.7 --proxied', 'flarewatch dns add CNAME shop shops.example.net'],
		flags: [
			{name: 'proxied', description: "through Cloudflare's proxy (orange cloud)"},
			{name: 'ttl', value: 'T', default: '1 = automatic', description: 'time to live in seconds: 1, or 120 and more'},
		],
		positionals: [3, 3],
		mutating: true,
		check: args => void checkAdd(args),
		async run(ctx) {
			const record = checkAdd(ctx.args);
			const zone = zoneFor(ctx, record.name);
			const created = await ctx.backend.addRecord(zone, record);
			return {lines: [`${inert(zone.name)}: record created.`, ...recordRows([created])], json: {zone: zone.name, record: recordJson(created)}};
		},
	},
	{
		name: 'dns edit',
		summary: 'change a record (by id, see dns list)',
		usage: '<rec-id> [--content C] [--name N] [--ttl T] [--proxied|--no-proxied]',
		details: ['Reads the records first (rec_load_all), then sends the whole changed record (rec_edit).', 'JSON: {zone, record}.'],
		examples: ['flarewatch dns edit 9001 --content 203.0.113.8', 'flarewatch dns edit 9001 --no-proxied'],
		flags: [
			{name: 'content', value: 'C', description: 'the new content (an IPv4 address for A, a host name for CNAME)'},
			{name: 'name', value: 'N', description: 'the new name'},
			{name: 'ttl', value: 'T', description: 'the new time to live: 1 (automatic), or 120 seconds and more'},
			{name: 'proxied', description: "through Cloudflare's proxy"},
			{name: 'no-proxied', description: "not through Cloudflare's proxy"},
		],
		positionals: [1, 1],
		mutating: true,
		check: args => void checkEdit(args),
		async run(ctx) {
			const change = checkEdit(ctx.args);
			const zone = zoneFor(ctx, undefined);
			const current = (await ctx.backend.listRecords(zone)).find(record => record.id === change.id);
			if (!current) throw new FlarewatchError('validation', `${inert(zone.name)} has no record with id ${JSON.stringify(change.id)}; see flarewatch dns list.`, {field: 'record id'});
			const next: DnsRecord = {...current, ...change};
			validated('content', next.content, value => checkRecordContent(next.type, value));
			const edited = await ctx.backend.editRecord(zone, next);
			return {lines: [`${inert(zone.name)}: record ${inert(edited.id)} changed.`, ...recordRows([edited])], json: {zone: zone.name, record: recordJson(edited)}};
		},
	},
	{
		name: 'dns rm',
		summary: 'delete every record of a name',
		usage: '<name>',
		details: ['All records of that name go (rec_del). A short label is completed with the zone; @ is the apex.', 'JSON: {zone, name, deleted}.'],
		examples: ['flarewatch dns rm www', 'flarewatch dns rm old.example.com'],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		check: args => void validated('name', args.positionals[0]!, checkRecordName),
		async run(ctx) {
			const name = ctx.args.positionals[0]!;
			const zone = zoneFor(ctx, name);
			const fqdn = fullName(name, zone.name);
			await ctx.backend.deleteRecordsByName(zone, fqdn);
			return {lines: [`${inert(zone.name)}: every record named ${inert(fqdn)} deleted.`], json: {zone: zone.name, name: fqdn, deleted: true}};
		},
	},
	{
		name: 'dns update-ip',
		summary: 'point the A records of hosts at a new IPv4 address (DIUP)',
		usage: '<ip> <host>...',
		details: ['Outcome per host: OK, or E_NOUPDATE when it already pointed there. Exit code 1 when a host was refused.', 'JSON: {ip, hosts: [{host, outcome}]}.'],
		examples: ['flarewatch dns update-ip 203.0.113.8 www.example.com example.com'],
		flags: [],
		positionals: [2, Infinity],
		mutating: true,
		check: args => void checkUpdateIp(args),
		async run(ctx) {
			const {ip, hosts} = checkUpdateIp(ctx.args);
			const outcomes = await ctx.backend.updateHostsIp(ip, hosts);
			const lines = [`A records pointed at ${ip}:`, ...formatTable(['Host', 'Outcome'], outcomes.map(o => [o.host, o.outcome === 'E_NOUPDATE' ? 'unchanged (E_NOUPDATE)' : o.outcome]))];
			const refused = outcomes.some(o => o.outcome !== 'OK' && o.outcome !== 'E_NOUPDATE');
			return {lines, json: {ip, hosts: outcomes}, exitCode: refused ? 1 : 0};
		},
	},
];
