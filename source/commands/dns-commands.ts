/**
 * `dns list|add|edit|rm|update-ip`: records of the configured zones. What a command may send follows the
 * backend's capabilities: v1 creates A and CNAME records; v4 every type it lists, with a priority (MX,
 * SRV, URI) and a comment. Arguments are checked twice before anything is sent: by what any API accepts
 * when parsed (no backend yet), then by the chosen API's rules (lib/dns-records.ts).
 */
import type {Capabilities, DnsRecord, NewDnsRecord, ZoneRef} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {checkAnyContentFor, checkContentFor, checkRecordComment, checkRecordPriority, checkRecordTtl, checkRecordTypeIn, isProxiable, maxCommentLength, needsPriority, priorityTypes, proxiableTypes, ttlRange, type RecordApi} from '../lib/dns-records.js';
import {formatTable, inert} from '../lib/format.js';
import {checkHostname, checkIpv4, checkRecordName, parseIntegerIn, quote, requireValid, validated} from '../lib/validate.js';
import {flagSet, flagValue, needsCapability, usageError, type CommandContext, type CommandSpec, type ParsedArgs} from './spec.js';
import {eachZone} from './zones.js';

/** The JSON form of a record. */
export function recordJson(record: DnsRecord): Record<string, unknown> {
	return {
		id: record.id,
		name: record.name,
		type: record.type,
		content: record.content,
		ttl: record.ttl,
		proxied: record.proxied,
		...(record.prio === undefined ? {} : {prio: record.prio}),
		...(record.comment === undefined ? {} : {comment: record.comment}),
	};
}

/** A comment in a table: one line, at most 40 characters. */
function cut(text: string, max = 40): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The table of records; on an API with priorities and comments (v4), their columns too. */
function recordRows(records: readonly DnsRecord[], capabilities: Pick<Capabilities, 'recordTypes' | 'recordComments'>): string[] {
	const priority = capabilities.recordTypes.some(needsPriority);
	const comment = capabilities.recordComments;
	return formatTable(
		['Id', 'Name', 'Type', 'Content', ...(priority ? ['Prio'] : []), 'TTL', 'Proxied', ...(comment ? ['Comment'] : [])],
		records.map(record => [
			record.id,
			record.name,
			record.type,
			record.content,
			...(priority ? [record.prio === undefined ? '' : String(record.prio)] : []),
			record.ttl === 1 ? 'auto' : String(record.ttl),
			record.proxied ? 'yes' : 'no',
			...(comment ? [cut(record.comment ?? '')] : []),
		]),
		['left', 'left', 'left', 'left', ...(priority ? ['right' as const] : []), 'right', 'left', 'left'],
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

/** The rules arguments are checked by: the API's (in run), or what any API accepts (before the backend is open). */
interface Rules {
	api: RecordApi;
	types?: readonly string[];
	comments: boolean;
}

/** What any API accepts: the widest TTL range, any type's content bound, comments allowed. */
const anyApi: Rules = {api: 'v4', comments: true};

function rulesOf(capabilities: Capabilities): Rules {
	return {api: capabilities.api, types: capabilities.recordTypes, comments: capabilities.recordComments};
}

function ttlFlag(args: ParsedArgs, rules: Rules): number | undefined {
	const raw = flagValue(args, '--ttl');
	if (raw === undefined) return undefined;
	const ttl = parseIntegerIn(raw, 1, 4294967295);
	if (typeof ttl === 'string') throw new FlarewatchError('validation', `Invalid ttl: ${ttl}.`, {field: 'ttl'});
	if (rules.types) {
		requireValid('ttl', checkRecordTtl(ttl, rules.api));
	} else if (checkRecordTtl(ttl, 'v1') !== undefined && checkRecordTtl(ttl, 'v4') !== undefined) {
		// Before the API is known: what neither takes (run() checks again by the API's own rule).
		const v1 = ttlRange('v1');
		const v4 = ttlRange('v4');
		requireValid('ttl', `${ttl} is not a TTL; use 1 (automatic), or ${v1.min} and more on API v1, ${v4.min} to ${v4.max} on API v4`);
	}
	return ttl;
}

function priorityFlag(args: ParsedArgs): number | undefined {
	const raw = flagValue(args, '--priority');
	if (raw === undefined) return undefined;
	const priority = parseIntegerIn(raw, 0, 65_535);
	if (typeof priority === 'string') throw new FlarewatchError('validation', `Invalid priority: ${priority}.`, {field: 'priority'});
	requireValid('priority', checkRecordPriority(priority));
	return priority;
}

function commentFlag(args: ParsedArgs, rules: Rules): string | undefined {
	const comment = flagValue(args, '--comment');
	if (comment === undefined) return undefined;
	if (!rules.comments) throw new FlarewatchError('validation', `Invalid comment: DNS records carry comments on API v4 only; this is API ${rules.api}.`, {field: 'comment'});
	validated('comment', comment, checkRecordComment);
	return comment;
}

/** One of the record's fields, given as an argument or as its flag (not both). */
function addField(args: ParsedArgs, index: number, flag: string): string | undefined {
	const positional = args.positionals[index];
	const flagged = flagValue(args, flag);
	if (positional !== undefined && flagged !== undefined) throw usageError(`Give the record's ${flag.slice(2)} as an argument or as ${flag}, not both.`);
	return positional ?? flagged;
}

/** `dns add`'s record, checked by `rules` (the API's, or any API's before the backend is open). */
function checkAdd(args: ParsedArgs, rules: Rules): NewDnsRecord {
	if (args.positionals.length !== 0 && args.positionals.length !== 3) throw usageError('Give the type, name and content as three arguments, or as --type, --name and --content; see flarewatch dns add --help.');
	const typeText = addField(args, 0, '--type');
	const name = addField(args, 1, '--name');
	const content = addField(args, 2, '--content');
	if (typeText === undefined || name === undefined || content === undefined) throw usageError('flarewatch dns add needs a type, a name and a content (arguments, or --type, --name and --content).');
	// Types are written in capitals; "mx" is MX.
	const type = /^[A-Za-z0-9]{1,10}$/.test(typeText) ? typeText.toUpperCase() : typeText;
	requireValid('type', rules.types ? checkRecordTypeIn(type, rules.types, rules.api) : /^[A-Z0-9]{1,10}$/.test(type) ? undefined : `${quote(typeText, 20)} is not a record type`);
	validated('name', name, checkRecordName);
	validated('content', content, value => (rules.types ? checkContentFor(type, value, rules.api) : type === 'A' || type === 'CNAME' ? checkContentFor(type, value, 'v1') : checkAnyContentFor(value, 'v4')));
	const ttl = ttlFlag(args, rules);
	const prio = priorityFlag(args);
	if (needsPriority(type)) requireValid('priority', prio === undefined ? `${type} records need --priority (0 to 65535, lower first)` : undefined);
	else if (prio !== undefined) requireValid('priority', `only ${priorityTypes.join(', ')} records take one, not ${type}`);
	const proxied = flagSet(args, '--proxied');
	if (proxied) requireValid('proxied', isProxiable(type) ? undefined : `${type} records cannot be proxied (only ${proxiableTypes.join(', ')})`);
	const comment = commentFlag(args, rules);
	return {type, name, content, proxied, ...(ttl === undefined ? {} : {ttl}), ...(prio === undefined ? {} : {prio}), ...(comment === undefined ? {} : {comment})};
}

type RecordChange = Partial<Pick<DnsRecord, 'content' | 'name' | 'ttl' | 'proxied' | 'prio' | 'comment'>> & {id: string};

function checkEdit(args: ParsedArgs, rules: Rules): RecordChange {
	const id = args.positionals[0]!;
	requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(id) ? undefined : 'must be letters, digits, - or _');
	if (flagSet(args, '--proxied') && flagSet(args, '--no-proxied')) throw usageError('Give --proxied or --no-proxied, not both.');
	const content = flagValue(args, '--content');
	// The record's type is only known after reading the records; what no type accepts is refused before that read.
	if (content !== undefined) validated('content', content, value => checkAnyContentFor(value, rules.types ? rules.api : 'v4'));
	const name = flagValue(args, '--name');
	if (name !== undefined) validated('name', name, checkRecordName);
	const ttl = ttlFlag(args, rules);
	const proxied = flagSet(args, '--proxied') ? true : flagSet(args, '--no-proxied') ? false : undefined;
	const prio = priorityFlag(args);
	const comment = commentFlag(args, rules);
	if (content === undefined && name === undefined && ttl === undefined && proxied === undefined && prio === undefined && comment === undefined) {
		throw usageError('flarewatch dns edit needs at least one of --content, --name, --ttl, --proxied, --no-proxied, --priority, --comment.');
	}
	return {
		id,
		...(content === undefined ? {} : {content}),
		...(name === undefined ? {} : {name}),
		...(ttl === undefined ? {} : {ttl}),
		...(proxied === undefined ? {} : {proxied}),
		...(prio === undefined ? {} : {prio}),
		...(comment === undefined ? {} : {comment}),
	};
}

/** The edited record, checked by the API's rules for its type. */
function checkEdited(next: DnsRecord, change: RecordChange, api: RecordApi): void {
	validated('content', next.content, value => checkContentFor(next.type, value, api));
	if (change.prio !== undefined && !needsPriority(next.type)) requireValid('priority', `only ${priorityTypes.join(', ')} records take one, not ${next.type}`);
	if (change.proxied) requireValid('proxied', isProxiable(next.type) ? undefined : `${next.type} records cannot be proxied (only ${proxiableTypes.join(', ')})`);
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
		details: ['On API v4 with each record\'s priority (MX, SRV, URI) and comment.', 'JSON: {zones: [{zone, records: [{id, name, type, content, ttl, proxied, prio?, comment?}]}], callsLeft}; ttl 1 = automatic.'],
		examples: ['flarewatch dns list --zone example.com'],
		flags: [],
		positionals: [0, 0],
		mutating: false,
		async run(ctx) {
			return eachZone(ctx, async zone => {
				const records = await ctx.backend.listRecords(zone);
				return {lines: [`${inert(zone.name)}: ${records.length} record${records.length === 1 ? '' : 's'}`, ...(records.length > 0 ? recordRows(records, ctx.backend.capabilities) : [])], json: {zone: zone.name, records: records.map(recordJson)}};
			});
		},
	},
	{
		name: 'dns add',
		summary: 'create a record (API v1: A or CNAME; v4: every type it lists)',
		usage: '<type> <name> <content> [--priority N] [--comment TEXT] [--proxied] [--ttl T]',
		details: [
			'Or --type, --name and --content instead of the three arguments. name: a label (www), a full name or @ for the apex.',
			'A content is an IPv4 address, AAAA an IPv6 address; CNAME, MX, NS and PTR content a host name; TXT up to 2,048 characters.',
			'API v4: MX, SRV and URI need --priority; types with parts take their zone-file form as content: SRV "weight port target",',
			'CAA "flags tag value", HTTPS/SVCB "priority target params", LOC "d m s N|S d m s E|W altitude", DS, TLSA, SSHFP... as dig shows them.',
			'JSON: {zone, record: {id, name, type, content, ttl, proxied, prio?, comment?}}.',
		],
		examples: [
			'flarewatch dns add A www 203.0.113.7 --proxied',
			'flarewatch dns add CNAME shop shops.example.net',
			'flarewatch dns add --type MX --name @ --content mail.example.com --priority 10 --comment "primary mail"',
			"flarewatch dns add SRV _sip._udp '5 5060 sip.example.com' --priority 10",
		],
		flags: [
			{name: 'type', value: 'T', description: 'the record type, instead of the first argument'},
			{name: 'name', value: 'N', description: 'the name, instead of the second argument'},
			{name: 'content', value: 'C', description: 'the content, instead of the third argument'},
			{name: 'priority', value: 'N', description: 'MX, SRV and URI (API v4): 0 to 65535, lower is preferred'},
			{name: 'comment', value: 'TEXT', description: `API v4: a note on the record, at most ${maxCommentLength} characters`},
			{name: 'proxied', description: "through Cloudflare's proxy (orange cloud): A, AAAA and CNAME only"},
			{name: 'ttl', value: 'T', default: '1 = automatic', description: 'time to live in seconds: 1, or 120 and more (API v4: 60 to 86400)'},
		],
		positionals: [0, 3],
		mutating: true,
		check: args => void checkAdd(args, anyApi),
		async run(ctx) {
			const record = checkAdd(ctx.args, rulesOf(ctx.backend.capabilities));
			const zone = zoneFor(ctx, record.name);
			const created = await ctx.backend.addRecord(zone, record);
			return {lines: [`${inert(zone.name)}: record created.`, ...recordRows([created], ctx.backend.capabilities)], json: {zone: zone.name, record: recordJson(created)}};
		},
	},
	{
		name: 'dns edit',
		summary: 'change a record (by id, see dns list)',
		usage: '<rec-id> [--content C] [--name N] [--ttl T] [--proxied|--no-proxied] [--priority N] [--comment TEXT]',
		details: ['Reads the records first, then sends the changed record (v1: rec_edit, the whole record; v4: the fields it has).', '--comment "" removes the comment (API v4).', 'JSON: {zone, record}.'],
		examples: ['flarewatch dns edit 9001 --content 203.0.113.8', 'flarewatch dns edit 9001 --no-proxied', 'flarewatch dns edit 3c9d6e3f0e2a4b5c8d7e6f5a4b3c2d1e --priority 20 --comment "backup mail"'],
		flags: [
			{name: 'content', value: 'C', description: 'the new content (an IPv4 address for A, a host name for CNAME and MX...)'},
			{name: 'name', value: 'N', description: 'the new name'},
			{name: 'ttl', value: 'T', description: 'the new time to live: 1 (automatic), or 120 seconds and more (API v4: 60 to 86400)'},
			{name: 'proxied', description: "through Cloudflare's proxy"},
			{name: 'no-proxied', description: "not through Cloudflare's proxy"},
			{name: 'priority', value: 'N', description: 'the new priority of an MX, SRV or URI record: 0 to 65535'},
			{name: 'comment', value: 'TEXT', description: `API v4: the new comment, at most ${maxCommentLength} characters ("" removes it)`},
		],
		positionals: [1, 1],
		mutating: true,
		check: args => void checkEdit(args, anyApi),
		async run(ctx) {
			const {api} = ctx.backend.capabilities;
			const change = checkEdit(ctx.args, rulesOf(ctx.backend.capabilities));
			const zone = zoneFor(ctx, undefined);
			const current = (await ctx.backend.listRecords(zone)).find(record => record.id === change.id);
			if (!current) throw new FlarewatchError('validation', `${inert(zone.name)} has no record with id ${JSON.stringify(change.id)}; see flarewatch dns list.`, {field: 'record id'});
			const next: DnsRecord = {...current, ...change};
			checkEdited(next, change, api);
			const edited = await ctx.backend.editRecord(zone, next);
			return {lines: [`${inert(zone.name)}: record ${inert(edited.id)} changed.`, ...recordRows([edited], ctx.backend.capabilities)], json: {zone: zone.name, record: recordJson(edited)}};
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
		needs: needsCapability('hostsUpdate', 'v1', 'DIUP is a v1 call; API v4 has none. `flarewatch dns edit <rec-id> --content IP` changes each A record.'),
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
