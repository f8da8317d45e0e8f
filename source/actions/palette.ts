/**
 * The `:` command palette: every action by name with arguments (`:ban 203.0.113.7`, `:sec high`,
 * `:dns add A www 203.0.113.7 --proxied`). Pure: text in, a typed command or one clear error out.
 * Input is validated here, so nothing invalid ever reaches the queue.
 */
import {cacheLevels, securityLevels, type CacheLevel, type Capabilities, type SecurityLevel, type ZoneRef} from '../backend.js';
import {featureAvailable, featureMissing, type Feature} from './capability.js';
import {canonicalIp} from '../lib/ip.js';
import {checkContentFor, checkRecordComment, checkRecordTtl, checkRecordTypeIn, isProxiable, needsPriority} from '../lib/dns-records.js';
import {isDurationError, parseDuration} from '../lib/duration.js';
import {checkHostname, checkIp, checkIpv4, checkPurgeUrl, checkRecordName, parseIntegerIn, quote} from '../lib/validate.js';
import type {ActionRequest} from './types.js';

export type PaletteCommand =
	/** `reason`: typed after the command (`:ban IP 30m scraping`), prefilled in the confirmation's reason. */
	| {type: 'action'; request: ActionRequest; reason?: string}
	| {type: 'zone'; name: string}
	| {type: 'lockdown'}
	| {type: 'unlock'}
	| {type: 'attack-toggle'}
	| {type: 'refresh'}
	| {type: 'pause'}
	| {type: 'help'}
	/** The incident report, written at once. */
	| {type: 'export'}
	| {type: 'quit'};

export type PaletteResult = {ok: true; command: PaletteCommand} | {ok: false; error: string};

export interface PaletteContext {
	zone: ZoneRef;
	/** Names of the zones the console watches (for `:zone`). */
	zones: readonly string[];
	/** What the API can do (without: v1's), for the commands whose arguments differ by API. */
	capabilities?: Capabilities;
}

/** A usage line with what it needs of the API: listed only when `needs` is there and `without` is not. */
interface UsageEntry {
	usage: string;
	description: string;
	needs?: Feature;
	without?: Feature;
}

const usageTable: readonly UsageEntry[] = [
	{usage: ':sec help|high|med|low|eoff', description: 'set the security level'},
	{usage: ':attack', description: "I'm Under Attack on, or back to the previous level"},
	{usage: ':lockdown / :unlock', description: 'preview and run a lockdown / undo it'},
	{usage: ':dev on|off', description: 'development mode'},
	{usage: ':cache agg|basic', description: 'cache level'},
	{usage: ':purge', description: 'purge the whole cache', without: 'purge-files'},
	{usage: ':purge [URL...]', description: 'all, or up to 100 files', needs: 'purge-files'},
	{usage: ':ipv6 on|off', description: 'IPv6 support'},
	{usage: ':grab', description: 'take a zone snapshot', needs: 'snapshot'},
	{usage: ':ban IP [30m] / :wl IP / :unban IP', description: 'ban (0 = permanent), whitelist, clear', without: 'challenge'},
	{usage: ':ban / :wl / :challenge IP', description: 'block [30m] [reason], allow, challenge', needs: 'challenge'},
	{usage: ':unban IP', description: "remove the IP's listed rules", needs: 'rule-listing'},
	{usage: ':lookup IP', description: 'threat score of an IP', needs: 'lookup'},
	{usage: ':lookup IP', description: 'country, ASN, firewall log', without: 'lookup', needs: 'details'},
	{usage: ':dns add A|CNAME NAME CONTENT [--proxied] [--ttl=N]', description: 'add a record', without: 'any-record'},
	{usage: ':dns add TYPE NAME CONTENT', description: 'add a record; --ttl=N --priority=N --proxied --comment=TEXT (last)', needs: 'any-record'},
	{usage: ':dns rm NAME', description: 'delete every record of that name'},
	{usage: ':dns update-ip IP HOST...', description: 'point A records at an IP (DIUP)', needs: 'hosts-update'},
	{usage: ':zone NAME', description: 'switch zone'},
	{usage: ':refresh / :pause', description: 'poll now / pause or resume polling'},
	// :export (the incident report) shares the last line: the 80x24 help page has no row to spare.
	{usage: ':help / :q', description: 'help / quit; :export'},
];

/** The commands of the API behind the console (without capabilities: v1's), for the help overlay. */
export function paletteUsageFor(capabilities?: Capabilities): Array<[usage: string, description: string]> {
	return usageTable
		.filter(entry => (entry.needs === undefined || featureAvailable(entry.needs, capabilities)) && (entry.without === undefined || !featureAvailable(entry.without, capabilities)))
		.map(entry => [entry.usage, entry.description]);
}

/** Usage lines of the v1 console, for the help overlay and the README. */
export const paletteUsage: ReadonlyArray<[usage: string, description: string]> = paletteUsageFor();

/** The most URLs one file purge takes (the API's limit). */
export const maxPurgeUrls = 100;

function parsePurge(args: string[], zone: ZoneRef): PaletteResult {
	if (args.length === 0) return action({kind: 'purge', zone});
	if (args.length > maxPurgeUrls) return fail(`${args.length} URLs given; :purge takes at most ${maxPurgeUrls} at a time`);
	const urls: string[] = [];
	for (const [index, url] of args.entries()) {
		const problem = checkPurgeUrl(url, zone.name);
		if (problem) return fail(`URL ${index + 1}: ${problem}; nothing was purged`);
		if (!urls.includes(url)) urls.push(url);
	}
	return action({kind: 'purge-files', zone, urls});
}

const maxInput = 1024;

export function parsePalette(input: string, context: PaletteContext): PaletteResult {
	if (input.length > maxInput) return fail(`the command is ${input.length} characters long; at most ${maxInput}`);
	if (/[\u0000-\u001f\u007f]/.test(input)) return fail('the command contains control characters');
	const words = input.trim().replace(/^:/, '').trim().split(/\s+/).filter(Boolean);
	const [name, ...args] = words;
	const zone = context.zone;
	switch (name?.toLowerCase()) {
		case undefined:
			return fail('type a command, e.g. :sec high (:help lists them)');
		case 'q':
		case 'quit':
			return none(args, {type: 'quit'});
		case 'help':
		case '?':
			return none(args, {type: 'help'});
		case 'refresh':
			return none(args, {type: 'refresh'});
		case 'export':
			return none(args, {type: 'export'});
		case 'pause':
		case 'resume':
			return none(args, {type: 'pause'});
		case 'lockdown':
			return none(args, {type: 'lockdown'});
		case 'unlock':
			return none(args, {type: 'unlock'});
		case 'attack':
		case 'uam':
			return none(args, {type: 'attack-toggle'});
		case 'purge':
			if (args.length > 0 && !featureAvailable('purge-files', context.capabilities)) {
				return fail(`this command takes no arguments here: ${context.capabilities ? featureMissing('purge-files', context.capabilities) : 'purging single files is an API v4 call'}`);
			}
			return parsePurge(args, zone);
		case 'grab':
		case 'snapshot':
			return none(args, {type: 'action', request: {kind: 'snapshot', zone}});
		case 'sec':
		case 'security':
		case 'level': {
			const level = oneOf(args, securityLevels, 'security level');
			return isSecurityLevel(level) ? action({kind: 'security-level', zone, level}) : fail(level);
		}
		case 'cache': {
			const level = oneOf(args, cacheLevels, 'cache level');
			return isCacheLevel(level) ? action({kind: 'cache-level', zone, level}) : fail(level);
		}
		case 'dev':
		case 'devmode': {
			const on = onOff(args, 'dev');
			return typeof on === 'boolean' ? action({kind: 'dev-mode', zone, on}) : fail(on);
		}
		case 'ipv6': {
			const on = onOff(args, 'ipv6');
			return typeof on === 'boolean' ? action({kind: 'ipv6', zone, on}) : fail(on);
		}
		case 'ban':
			return parseBan(args, context);
		case 'wl':
		case 'whitelist':
		case 'unban':
		case 'clear':
		case 'nul':
		case 'lookup': {
			const ip = singleIp(args, name);
			if (ip.value === undefined) return fail(ip.error);
			const kinds = {ban: 'ban', wl: 'whitelist', whitelist: 'whitelist', unban: 'clear-rule', clear: 'clear-rule', nul: 'clear-rule', lookup: 'lookup'} as const;
			return action({kind: kinds[name.toLowerCase() as keyof typeof kinds], ip: ip.value});
		}
		case 'challenge': {
			const ip = singleIp(args, name);
			// The notes are written when the confirmation's reason is accepted.
			return ip.value === undefined ? fail(ip.error) : action({kind: 'challenge', zone, ip: ip.value, notes: ''});
		}
		case 'zone': {
			if (args.length !== 1) return fail(`:zone takes one zone name (${context.zones.join(', ')})`);
			const match = context.zones.find(candidate => candidate.toLowerCase() === args[0].toLowerCase());
			return match ? ok({type: 'zone', name: match}) : fail(`${quote(args[0])} is not one of the watched zones (${context.zones.join(', ')})`);
		}
		case 'dns':
			return parseDns(args, zone, context.capabilities);
		default:
			return fail(`unknown command ${quote(name)} (:help lists them)`);
	}
}

function parseDns(args: string[], zone: ZoneRef, capabilities?: Capabilities): PaletteResult {
	const [sub, ...rest] = args;
	switch (sub) {
		case 'add':
			return parseDnsAdd(rest, zone, capabilities);
		case 'rm':
		case 'del':
		case 'delete': {
			if (rest.length !== 1) return fail('usage: :dns rm NAME (every record of that name is deleted)');
			const problem = checkRecordName(rest[0]) ?? checkHostname(qualify(rest[0], zone.name));
			return problem ? fail(`record name ${problem}`) : action({kind: 'dns-delete-name', zone, fqdn: qualify(rest[0], zone.name)});
		}
		case 'update-ip': {
			const [ip, ...hosts] = rest;
			if (!ip || hosts.length === 0) return fail('usage: :dns update-ip IP HOST...');
			const ipProblem = checkIpv4(ip);
			if (ipProblem) return fail(ipProblem);
			for (const host of hosts) {
				const problem = checkHostname(host);
				if (problem) return fail(`host ${problem}`);
			}
			return action({kind: 'dns-update-ip', ip, hosts});
		}
		default:
			return fail('usage: :dns add|rm|update-ip ...');
	}
}

/** `www` → `www.example.com`, `@` → `example.com`, an FQDN inside the zone stays as it is. */
export function qualify(name: string, zoneName: string): string {
	if (name === '@') return zoneName;
	const lower = name.toLowerCase();
	if (lower === zoneName || lower.endsWith(`.${zoneName}`)) return lower;
	return `${lower}.${zoneName}`;
}

/** `:ban IP [DURATION] [reason...]`: a word that starts with a digit (or says permanent) is the duration, and must be one. */
function parseBan(args: string[], context: PaletteContext): PaletteResult {
	const [address, ...rest] = args;
	if (address === undefined || (rest[0] !== undefined && checkIp(rest[0]) === undefined)) return fail(':ban takes one IP address, then a duration if you like (30s, 10m, 1h, 1d, 2w, 0 = permanent)');
	const ip = singleIp([address], 'ban');
	if (ip.value === undefined) return fail(ip.error);
	let duration: number | undefined;
	if (rest[0] !== undefined && /^(\d|perm)/i.test(rest[0])) {
		const parsed = parseDuration(rest.shift() as string);
		if (isDurationError(parsed)) return fail(parsed.error);
		duration = parsed;
	}
	const reason = rest.join(' ').trim();
	if (reason !== '' && !(context.capabilities?.ruleNotes ?? false)) return fail(`this API's rules carry no notes, so no reason: :ban IP [DURATION] (${quote(rest[0] ?? '')} is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent)`);
	return ok({type: 'action', request: {kind: 'ban', ip: ip.value, ...(duration === undefined ? {} : {duration})}, ...(reason === '' ? {} : {reason})});
}

function singleIp(args: string[], name: string): {value: string; error?: undefined} | {value?: undefined; error: string} {
	if (args.length !== 1) return {error: `:${name} takes one IP address`};
	const problem = checkIp(args[0]);
	// Canonical, so `:ban 2001:DB8::1` meets the same guard entry and registry record as a threat row.
	return problem ? {error: problem} : {value: canonicalIp(args[0]) ?? args[0]};
}

function oneOf<T extends string>(args: string[], values: readonly T[], what: string): T | string {
	if (args.length !== 1) return `give one ${what}: ${values.join('|')}`;
	const value = values.find(candidate => candidate === args[0].toLowerCase());
	return value ?? `${quote(args[0])} is not a ${what}; use ${values.join('|')}`;
}

function onOff(args: string[], name: string): boolean | string {
	if (args.length === 1 && /^(on|1|true)$/i.test(args[0])) return true;
	if (args.length === 1 && /^(off|0|false)$/i.test(args[0])) return false;
	return `:${name} takes on or off`;
}

function isSecurityLevel(value: string): value is SecurityLevel {
	return (securityLevels as readonly string[]).includes(value);
}

function isCacheLevel(value: string): value is CacheLevel {
	return (cacheLevels as readonly string[]).includes(value);
}

function none(args: string[], command: PaletteCommand): PaletteResult {
	return args.length === 0 ? ok(command) : fail(`this command takes no arguments, got ${quote(args.join(' '))}`);
}

function action(request: ActionRequest): PaletteResult {
	return ok({type: 'action', request});
}

function ok(command: PaletteCommand): PaletteResult {
	return {ok: true, command};
}

function fail(error: string): PaletteResult {
	return {ok: false, error};
}

/**
 * `:dns add` with the API's record types: v1's A and CNAME, as always; on v4 every type it lists, the
 * content as the rest of the words (CAA, SRV and the other structured types are written as zone files
 * write them), a priority for MX, SRV and URI, and a comment, which takes the rest of the line.
 */
function parseDnsAdd(words: string[], zone: ZoneRef, capabilities?: Capabilities): PaletteResult {
	const api = capabilities?.api ?? 'v1';
	const types = capabilities?.recordTypes ?? ['A', 'CNAME'];
	const anyType = featureAvailable('any-record', capabilities);
	const usage = anyType ? 'usage: :dns add TYPE NAME CONTENT... [--proxied] [--ttl=N] [--priority=N] [--comment=TEXT...]' : 'usage: :dns add A|CNAME NAME CONTENT [--proxied] [--ttl=N]';
	const commentAt = anyType ? words.findIndex(word => word.startsWith('--comment=')) : -1;
	const comment = commentAt >= 0 ? [words[commentAt].slice('--comment='.length), ...words.slice(commentAt + 1)].join(' ').trim() : undefined;
	const before = commentAt >= 0 ? words.slice(0, commentAt) : words;
	const flags = before.filter(word => word.startsWith('--'));
	const positional = before.filter(word => !word.startsWith('--'));
	let proxied = false;
	let ttl = 1;
	let priority: number | undefined;
	const known = anyType ? '--proxied, --no-proxied, --ttl=N, --priority=N, --comment=TEXT' : '--proxied, --no-proxied, --ttl=N';
	for (const flag of flags) {
		if (flag === '--proxied') proxied = true;
		else if (flag === '--no-proxied') proxied = false;
		else if (flag.startsWith('--ttl=')) {
			const parsed = parseIntegerIn(flag.slice(6), 1, 4294967295);
			if (typeof parsed === 'string') return fail(`--ttl: ${parsed}`);
			const problem = checkRecordTtl(parsed, api);
			if (problem) return fail(`--ttl: ${problem}`);
			ttl = parsed;
		} else if (anyType && flag.startsWith('--priority=')) {
			const parsed = parseIntegerIn(flag.slice(11), 0, 65_535);
			if (typeof parsed === 'string') return fail(`--priority: ${parsed}`);
			priority = parsed;
		} else return fail(`unknown option ${quote(flag)} for :dns add (${known})`);
	}
	if (anyType ? positional.length < 3 : positional.length !== 3) return fail(usage);
	const [typeText, name, ...contentWords] = positional;
	const type = typeText.toUpperCase();
	const content = contentWords.join(' ');
	const typeProblem = checkRecordTypeIn(type, types, api);
	if (typeProblem) return fail(anyType ? typeProblem : `${quote(typeText)} is not a record type this console creates (A or CNAME)`);
	const nameProblem = checkRecordName(name);
	if (nameProblem) return fail(`record name ${nameProblem}`);
	const contentProblem = checkContentFor(type, content, api);
	if (contentProblem) return fail(`${type} content ${contentProblem}`);
	if (needsPriority(type) && priority === undefined) return fail(`${type} needs --priority=N (0 to 65535, lower first)`);
	if (!needsPriority(type) && priority !== undefined) return fail(`--priority is for MX, SRV and URI records, not ${type}`);
	if (proxied && !isProxiable(type)) return fail(`--proxied: Cloudflare proxies A, AAAA and CNAME records, not ${type}`);
	if (comment !== undefined) {
		const problem = checkRecordComment(comment);
		if (problem) return fail(`--comment: ${problem}`);
	}
	return action({kind: 'dns-add', zone, record: {type, name, content, ttl, proxied, ...(priority === undefined ? {} : {prio: priority}), ...(comment ? {comment} : {})}});
}
