/**
 * Commands on a zone's settings and traffic: stats, security-level, cache-level, devmode, purge,
 * zone-check, ips, grab, ipv6, preload-purge. Each runs on every configured zone in turn (grab and
 * preload-purge on API v1 only; purge --files on v4 only).
 */
import type {CacheLevel, SecurityLevel, StatsInterval, Visitor, VisitorClass, ZoneRef, ZoneStats} from '../backend.js';
import {isActiveZone, cacheLevels, securityLevels, statsIntervals} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {formatCount, formatKilobytes, formatLocalTime, formatTable, formatWhen, inert} from '../lib/format.js';
import {checkPurgeUrl, checkZoneName, isNameInZone, parseIntegerIn, quote, requireValid} from '../lib/validate.js';
import {flagSet, flagValue, needsCapability, onOff, usageError, type CommandContext, type CommandResult, type CommandSpec, type ParsedArgs} from './spec.js';
import {eachZone} from './zones.js';

const intervalNames: Record<StatsInterval, string> = {
	10: 'the last year (a day behind)',
	20: 'the last 30 days (a day behind)',
	30: 'the last 7 days (a day behind)',
	40: 'one day (a day behind)',
	100: 'the last 24 hours',
	110: 'the last 12 hours',
	120: 'the last 6 hours',
};

/** URLs one file purge takes (the API's limit). */
const maxPurgeFiles = 100;

function parseInterval(args: ParsedArgs): StatsInterval {
	const raw = flagValue(args, '--interval') ?? '20';
	const interval = Number(raw) as StatsInterval;
	requireValid('interval', /^\d+$/.test(raw) && statsIntervals.includes(interval) ? undefined : `${quote(raw, 20)} is not one of ${statsIntervals.join(', ')}`);
	return interval;
}

/** The JSON form of `stats` for one zone: stable field names, documented in the README. */
export function statsJson(zone: ZoneRef, stats: ZoneStats): Record<string, unknown> {
	return {
		zone: zone.name,
		interval: stats.interval,
		timeZero: stats.timeZero,
		timeEnd: stats.timeEnd,
		pageviews: stats.pageviews,
		uniques: stats.uniques,
		bandwidthKB: {edge: stats.bandwidth.edgeKB, origin: stats.bandwidth.originKB},
		requests: stats.requests,
		pageLoadSeconds: stats.pageLoad,
		securityLevel: stats.securityLevel ?? null,
		securityLabel: stats.securityLabel,
		devModeOn: stats.devModeUntil * 1000 > stats.serverTime,
		devModeUntil: stats.devModeUntil,
		ipv6: stats.ipv6 ?? null,
		cacheLevel: stats.cacheLevel ?? null,
		serverTime: stats.serverTime,
	};
}

function devModeText(stats: ZoneStats): string {
	if (stats.devModeUntil === 0) return 'off';
	const until = stats.devModeUntil * 1000;
	return until > stats.serverTime ? `on, until ${formatWhen(until, stats.serverTime)}` : `off (last ended ${formatWhen(until, stats.serverTime)})`;
}

function statsLines(zone: ZoneRef, stats: ZoneStats, pageLoadTimes: boolean): string[] {
	const sum = (b: {regular: number; threat: number; crawler: number}) => b.regular + b.threat + b.crawler;
	const row = (label: string, b: {regular: number; threat: number; crawler: number}) => [label, formatCount(b.regular), formatCount(b.threat), formatCount(b.crawler), formatCount(sum(b))];
	return [
		`${inert(zone.name)}: ${intervalNames[stats.interval]}, ${formatLocalTime(stats.timeZero)} to ${formatLocalTime(stats.timeEnd)}`,
		...formatTable(undefined, [
			['Security level', stats.securityLabel || stats.securityLevel || 'unknown'],
			['Cache level', stats.cacheLevel ?? 'unknown'],
			['Dev mode', devModeText(stats)],
			['IPv6', stats.ipv6 === undefined ? 'unknown' : stats.ipv6 ? 'on' : 'off'],
			// API v4 has no page load times: its 0 is no figure, not an instant page.
			['Page load', pageLoadTimes ? `${stats.pageLoad.withCloudflare} s with Cloudflare, ${stats.pageLoad.without} s without` : 'not given by this API'],
		]),
		'',
		...formatTable(['', 'Regular', 'Threat', 'Crawler', 'Total'], [row('Page views', stats.pageviews), row('Uniques', stats.uniques)], ['left', 'right', 'right', 'right', 'right']),
		'',
		...formatTable(
			['', 'Edge', 'Origin'],
			[
				['Bandwidth', formatKilobytes(stats.bandwidth.edgeKB), formatKilobytes(stats.bandwidth.originKB)],
				['Requests', formatCount(stats.requests.edge), formatCount(stats.requests.origin)],
			],
			['left', 'right', 'right'],
		),
	];
}

function pickLevel<T extends string>(value: string, allowed: readonly T[], what: string): T {
	requireValid(what, allowed.includes(value as T) ? undefined : `${quote(value, 20)} is not one of ${allowed.join(', ')}`);
	return value as T;
}

/** A Map, not an object: `--class=constructor` or `--class=__proto__` must not find a member. */
const classByLetter: ReadonlyMap<string, VisitorClass> = new Map([
	['r', 'regular'],
	['s', 'crawler'],
	['t', 'threat'],
	['regular', 'regular'],
	['crawler', 'crawler'],
	['threat', 'threat'],
]);

export const zoneCommands: CommandSpec[] = [
	{
		name: 'stats',
		summary: 'traffic and settings of each zone',
		usage: '[--interval 10|20|30|40|100|110|120]',
		details: ['JSON: {zones: [{zone, interval, timeZero, timeEnd, pageviews, uniques, bandwidthKB, requests, pageLoadSeconds, securityLevel, securityLabel, devModeOn, devModeUntil, ipv6, cacheLevel, serverTime}], callsLeft}.'],
		examples: ['flarewatch stats --zone example.com', 'flarewatch stats --interval 120 --json'],
		flags: [{name: 'interval', value: 'N', default: '20', description: 'the period: 20 = 30 days, 30 = 7 days, 40 = 1 day, 10 = 1 year; 100/110/120 = 24/12/6 hours (Pro zones)'}],
		positionals: [0, 0],
		mutating: false,
		check: args => void parseInterval(args),
		async run(ctx) {
			const interval = parseInterval(ctx.args);
			return eachZone(ctx, async zone => {
				const stats = await ctx.backend.stats(zone, interval);
				return {lines: statsLines(zone, stats, ctx.backend.capabilities.pageLoadTimes), json: statsJson(zone, stats)};
			});
		},
	},
	{
		name: 'security-level',
		summary: 'set the security level',
		usage: '<help|high|med|low|eoff>',
		details: ['help is "I\'m Under Attack"; eoff is "essentially off".', 'JSON: {zones: [{zone, securityLevel}], callsLeft}.'],
		examples: ['flarewatch security-level help', 'flarewatch security-level med --zone example.com'],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		check: args => void pickLevel<SecurityLevel>(args.positionals[0]!, securityLevels, 'security level'),
		async run(ctx) {
			const level = pickLevel<SecurityLevel>(ctx.args.positionals[0]!, securityLevels, 'security level');
			return eachZone(ctx, async zone => {
				await ctx.backend.setSecurityLevel(zone, level);
				return {lines: [`${inert(zone.name)}: security level set to ${level}.`], json: {zone: zone.name, securityLevel: level}};
			});
		},
	},
	{
		name: 'cache-level',
		summary: 'set the caching level',
		usage: '<agg|basic>',
		details: ['JSON: {zones: [{zone, cacheLevel}], callsLeft}.'],
		examples: ['flarewatch cache-level agg'],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		check: args => void pickLevel<CacheLevel>(args.positionals[0]!, cacheLevels, 'cache level'),
		async run(ctx) {
			const level = pickLevel<CacheLevel>(ctx.args.positionals[0]!, cacheLevels, 'cache level');
			return eachZone(ctx, async zone => {
				await ctx.backend.setCacheLevel(zone, level);
				return {lines: [`${inert(zone.name)}: cache level set to ${level}.`], json: {zone: zone.name, cacheLevel: level}};
			});
		},
	},
	{
		name: 'devmode',
		summary: 'development mode on (3 hours, cache bypassed) or off',
		usage: '<on|off>',
		details: ['JSON: {zones: [{zone, devMode, expiresOn}], callsLeft}; expiresOn in epoch seconds.'],
		examples: ['flarewatch devmode on', 'flarewatch devmode off'],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		check: args => void onOff(args.positionals[0]!, 'dev mode'),
		async run(ctx) {
			const on = onOff(ctx.args.positionals[0]!, 'dev mode');
			return eachZone(ctx, async zone => {
				const {expiresOn} = await ctx.backend.setDevMode(zone, on);
				const line = on ? `${inert(zone.name)}: development mode on until ${formatWhen(expiresOn * 1000, ctx.now())}.` : `${inert(zone.name)}: development mode off.`;
				return {lines: [line], json: {zone: zone.name, devMode: on, expiresOn}};
			});
		},
	},
	{
		name: 'purge',
		summary: 'purge every cached file, or (API v4) the files given',
		usage: '[--files URL...]',
		details: [
			'The cache takes a while to rebuild: use sparingly. On API v1 a second purge inside the cooldown is refused.',
			`--files (API v4): up to ${maxPurgeFiles} http(s) URLs per zone; each URL is purged in the configured zone it belongs to, and one inside none of them is refused before anything is sent.`,
			'JSON: {zones: [{zone, purgedAt, cooldownSeconds}], callsLeft}; purgedAt in epoch seconds. With --files: {zones: [{zone, files: [URL]}], callsLeft}.',
		],
		examples: ['flarewatch purge --zone example.com', 'flarewatch purge --files https://example.com/app.css https://www.example.com/logo.png'],
		flags: [{name: 'files', description: 'purge only the URLs given as arguments (API v4)'}],
		positionals: [0, Infinity],
		mutating: true,
		check: args => void purgeFilesArgs(args),
		async run(ctx) {
			const urls = purgeFilesArgs(ctx.args);
			if (urls) return purgeFiles(ctx, urls);
			return eachZone(ctx, async zone => {
				const result = await ctx.backend.purgeCache(zone);
				const next = ctx.backend.capabilities.purgeCooldown ? `; the next purge is allowed after ${result.cooldownSeconds} s` : '';
				const line = `${inert(zone.name)}: cache purged at ${formatWhen(result.purgedAt * 1000, ctx.now())}${next}.`;
				return {lines: [line], json: {zone: zone.name, purgedAt: result.purgedAt, cooldownSeconds: result.cooldownSeconds}};
			});
		},
	},
	{
		name: 'zone-check',
		summary: 'zone ids of the given (or configured) zones; none = not a zone on this account',
		usage: '[zone...]',
		details: ['JSON: {zones: [{zone, id, active}], callsLeft}. Exit code 1 when a zone is not active.'],
		examples: ['flarewatch zone-check example.com example.net'],
		flags: [],
		positionals: [0, Infinity],
		mutating: false,
		check: args => args.positionals.forEach(zone => requireValid('zone', checkZoneName(zone))),
		async run(ctx) {
			const names = ctx.args.positionals.length > 0 ? ctx.args.positionals : ctx.zoneNames().map(zone => zone.name);
			const zones = await ctx.backend.checkZones(names);
			const lines = formatTable(['Zone', 'Id', 'Status'], zones.map(zone => [zone.name, zone.id || '-', isActiveZone(zone) ? 'active' : 'not a zone on this account (or not active)']), ['left', 'right', 'left']);
			return {lines, json: {zones: zones.map(zone => ({zone: zone.name, id: zone.id, active: isActiveZone(zone)}))}, exitCode: zones.every(zone => isActiveZone(zone)) ? 0 : 1};
		},
	},
	{
		name: 'ips',
		summary: 'visitors by IP address, most hits first',
		usage: '[--hours 1..48] [--class r|s|t] [--geo]',
		details: [
			'API v4 also gives each address\'s country and network (ASN) and how many of its requests the firewall blocked or challenged; v1 gives coordinates instead (--geo).',
			'JSON: {zones: [{zone, id, hours, class, visitors: [{ip, classification, hits, latitude?, longitude?, country?, asn?, asnName?, blocked?, challenged?}]}], callsLeft}.',
		],
		examples: ['flarewatch ips --class t --hours 1', 'flarewatch ips --geo --json'],
		flags: [
			{name: 'hours', value: '1..48', default: '24', description: 'the hours to look back'},
			{name: 'class', value: 'r|s|t', description: 'only regular visitors (r), crawlers (s, search engines) or threats (t)'},
			{name: 'geo', description: 'add latitude and longitude (0,0 = unknown; API v1)'},
		],
		positionals: [0, 0],
		mutating: false,
		check: args => void visitorQuery(args),
		async run(ctx) {
			const query = visitorQuery(ctx.args);
			if (query.geo && !ctx.backend.capabilities.visitorCoordinates) throw usageError('--geo asks for coordinates, which API v4 does not give; its country and network are in the table anyway. Nothing was sent.');
			return eachZone(ctx, async zone => {
				const visitors = [...(await ctx.backend.visitors(zone, query))].sort((a, b) => b.hits - a.hits || a.ip.localeCompare(b.ip));
				const table = visitorTable(visitors, query.geo);
				const heading = `${inert(zone.name)}: ${visitors.length} address${visitors.length === 1 ? '' : 'es'} in the last ${query.hours} hour${query.hours === 1 ? '' : 's'}`;
				return {lines: [heading, ...(visitors.length > 0 ? table : [])], json: {zone: zone.name, id: zone.id, hours: query.hours, class: query.classification ?? null, visitors}};
			}, {resolve: true});
		},
	},
	{
		name: 'grab',
		summary: 'ask for a new snapshot of the site (once per zone per day)',
		usage: '',
		details: ['JSON: {zones: [{zone, id, requested}], callsLeft}.'],
		examples: ['flarewatch grab --zone example.com'],
		flags: [],
		positionals: [0, 0],
		mutating: true,
		needs: needsCapability('snapshot', 'v1', 'zone_grab is a v1 call; API v4 takes no snapshots of a site.'),
		async run(ctx) {
			return eachZone(ctx, async zone => {
				await ctx.backend.grabSnapshot(zone);
				return {lines: [`${inert(zone.name)}: snapshot requested; it can take an hour to appear.`], json: {zone: zone.name, id: zone.id, requested: true}};
			}, {resolve: true});
		},
	},
	{
		name: 'ipv6',
		summary: 'IPv6 support on or off',
		usage: '<on|off>',
		details: ['JSON: {zones: [{zone, ipv6}], callsLeft}.'],
		examples: ['flarewatch ipv6 on'],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		check: args => void onOff(args.positionals[0]!, 'ipv6'),
		async run(ctx) {
			const on = onOff(ctx.args.positionals[0]!, 'ipv6');
			return eachZone(ctx, async zone => {
				await ctx.backend.setIpv6(zone, on);
				return {lines: [`${inert(zone.name)}: IPv6 ${on ? 'on' : 'off'}.`], json: {zone: zone.name, ipv6: on}};
			});
		},
	},
	{
		name: 'preload-purge',
		summary: "purge the preloader's cache (takes up to an hour)",
		usage: '',
		details: ['JSON: {zones: [{zone, preloadPurged}], callsLeft}.'],
		examples: ['flarewatch preload-purge'],
		flags: [],
		positionals: [0, 0],
		mutating: true,
		needs: needsCapability('preloaderPurge', 'v1', 'pre_purge is a v1 call; API v4 has no preloader. `flarewatch purge` purges the cache (`--files URL...` only those files).'),
		async run(ctx) {
			return eachZone(ctx, async zone => {
				await ctx.backend.preloadPurge(zone);
				return {lines: [`${inert(zone.name)}: preloader cache purge requested.`], json: {zone: zone.name, preloadPurged: true}};
			});
		},
	},
];

/** The columns the API filled (v4: country, network, firewall counts; v1 with --geo: coordinates). */
function visitorTable(visitors: readonly Visitor[], geo: boolean): string[] {
	const has = (field: keyof Visitor) => visitors.some(visitor => visitor[field] !== undefined);
	const columns: Array<{title: string; align: 'left' | 'right'; cells(visitor: Visitor): string[]}> = [
		{title: 'IP', align: 'left', cells: v => [v.ip]},
		{title: 'Class', align: 'left', cells: v => [v.classification]},
		{title: 'Hits', align: 'right', cells: v => [formatCount(v.hits)]},
		...(has('country') ? [{title: 'Country', align: 'left' as const, cells: (v: Visitor) => [v.country ?? '-']}] : []),
		...(has('asn') ? [{title: 'ASN', align: 'left' as const, cells: (v: Visitor) => [networkText(v)]}] : []),
		...(has('blocked') ? [{title: 'Blocked', align: 'right' as const, cells: (v: Visitor) => [v.blocked === undefined ? '-' : formatCount(v.blocked)]}] : []),
		...(has('challenged') ? [{title: 'Challenged', align: 'right' as const, cells: (v: Visitor) => [v.challenged === undefined ? '-' : formatCount(v.challenged)]}] : []),
	];
	const titles = [...columns.map(column => column.title), ...(geo ? ['Latitude', 'Longitude'] : [])];
	const align = [...columns.map(column => column.align), 'right' as const, 'right' as const];
	return formatTable(titles, visitors.map(v => [...columns.flatMap(column => column.cells(v)), ...(geo ? geoCells(v.latitude, v.longitude) : [])]), align);
}

/** `AS64500 Example Networks`, the name cut so one long name does not widen the table. */
function networkText(visitor: Visitor): string {
	if (visitor.asn === undefined) return '-';
	const name = visitor.asnName === undefined || visitor.asnName === '' ? '' : ` ${visitor.asnName.length > 24 ? `${visitor.asnName.slice(0, 23)}…` : visitor.asnName}`;
	return `${visitor.asn}${name}`;
}

/** --files and its URLs (http or https, each once); undefined for a purge of everything. */
function purgeFilesArgs(args: ParsedArgs): string[] | undefined {
	if (!flagSet(args, '--files')) {
		if (args.positionals.length > 0) throw usageError('A purge of everything takes no arguments; to purge single files (API v4), put --files before the URLs.');
		return undefined;
	}
	if (args.positionals.length === 0) throw usageError('--files needs the URLs to purge, e.g. flarewatch purge --files https://example.com/app.css.');
	for (const url of args.positionals) requireValid('file', checkPurgeUrl(url));
	return [...new Set(args.positionals)];
}

/** The configured zone a URL belongs to: the longest name its host is inside. */
function zoneOfUrl(url: string, zones: readonly ZoneRef[]): ZoneRef | undefined {
	const host = new URL(url).hostname;
	const inside = zones.filter(zone => isNameInZone(host, zone.name));
	return inside.sort((a, b) => b.name.length - a.name.length)[0];
}

/** API v4: each URL purged in its zone, every URL placed (and each zone's count checked) before anything is sent. */
function purgeFiles(ctx: CommandContext, urls: readonly string[]): Promise<CommandResult> {
	if (!ctx.backend.capabilities.purgeFiles) throw usageError('Purging single files is an API v4 call; API v1 purges a zone\'s whole cache (flarewatch purge, without --files). Nothing was sent.');
	const zones = ctx.zoneNames();
	const byZone = new Map<string, string[]>();
	for (const url of urls) {
		const zone = zoneOfUrl(url, zones);
		if (!zone) throw new FlarewatchError('validation', `Invalid file: ${quote(url, 80)} is not inside ${zones.length === 1 ? 'the zone' : 'any of the zones'} ${zones.map(each => inert(each.name)).join(', ')}; nothing was sent.`, {field: 'file'});
		byZone.set(zone.name, [...(byZone.get(zone.name) ?? []), url]);
	}
	for (const [zone, files] of byZone) {
		requireValid('files', files.length <= maxPurgeFiles ? undefined : `${files.length} URLs in ${inert(zone)}; purge at most ${maxPurgeFiles} at a time`);
	}
	return eachZone(
		ctx,
		async zone => {
			const files = byZone.get(zone.name)!;
			await ctx.backend.purgeFiles!(zone, files);
			return {lines: [`${inert(zone.name)}: ${files.length} file${files.length === 1 ? '' : 's'} purged: ${files.map(file => inert(file)).join(' ')}`], json: {zone: zone.name, files}};
		},
		{only: zone => byZone.has(zone.name)},
	);
}

/** 0,0 is the API's way of saying it does not know. */
function geoCells(latitude = 0, longitude = 0): string[] {
	return latitude === 0 && longitude === 0 ? ['unknown', ''] : [String(latitude), String(longitude)];
}

function visitorQuery(args: ParsedArgs): {hours: number; classification?: VisitorClass; geo: boolean} {
	const rawHours = flagValue(args, '--hours') ?? '24';
	const hours = parseIntegerIn(rawHours, 1, 48);
	if (typeof hours === 'string') throw new FlarewatchError('validation', `Invalid hours: ${hours}; give 1 to 48.`, {field: 'hours'});
	const rawClass = flagValue(args, '--class');
	const classification = rawClass === undefined ? undefined : classByLetter.get(rawClass);
	if (rawClass !== undefined && !classification) throw new FlarewatchError('validation', `Invalid class: ${quote(rawClass, 20)} is not r, s or t.`, {field: 'class'});
	return {hours, ...(classification ? {classification} : {}), geo: flagSet(args, '--geo')};
}
