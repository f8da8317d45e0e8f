/**
 * `flarewatch report --since 2h`: the incident report from the command line. It reads the audit log
 * (this endpoint's and account's records only) and asks the API, per zone, for one `stats` and one
 * `visitors` (threats) over the window; then writes the Markdown and JSON files (report-file.ts) and
 * prints their paths. A call that fails is named in the report and on stderr, and the report is written
 * anyway: after an incident the audit log alone is worth having.
 */
import {lstatSync} from 'node:fs';
import {readAuditLog} from '../actions/audit-read.js';
import {reportBaseName, reportsDirectory, writeReportFiles} from '../actions/report-file.js';
import {buildReport, reportJson, type SettingObservation, type ThreatFact, type TrafficFact} from '../actions/report.js';
import {reportMarkdown} from '../actions/report-text.js';
import type {StatsInterval} from '../backend.js';
import {FlarewatchError, isFlarewatchError} from '../errors.js';
import {quote} from '../lib/validate.js';
import {flagValue, usageError, type CommandContext, type CommandProblem, type CommandResult, type CommandSpec, type ParsedArgs} from './spec.js';
import {worstExitCode} from './zones.js';

const units: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86_400, w: 604_800};

/**
 * `2h`, `90m`, `1d` back from `now`, or an ISO 8601 time. Not lib/duration.ts's parser: there `0` means
 * a permanent ban, which is no span to look back over, and a ban's one-year cap does not apply here.
 */
export function parseReportTime(value: string, now: number, flag: string): number {
	const relative = /^(\d{1,6})([smhdw])$/.exec(value.trim());
	if (relative) return now - Number(relative[1]) * units[relative[2]!]! * 1000;
	if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim())) {
		const at = Date.parse(value.trim());
		if (Number.isFinite(at)) return at;
	}
	throw new FlarewatchError('validation', `Invalid ${flag}: ${quote(value, 40)} is neither a span back from now (30m, 2h, 1d, 2w) nor a time (2026-12-07T18:30Z).`, {field: flag});
}

function window(args: ParsedArgs, now: number): {from: number; until: number; basis: string} {
	const since = flagValue(args, '--since') ?? '1h';
	const untilText = flagValue(args, '--until');
	const from = parseReportTime(since, now, '--since');
	const until = untilText === undefined ? now : parseReportTime(untilText, now, '--until');
	if (!(from < until)) throw usageError(`--since (${quote(since, 40)}) must be before --until (${quote(untilText ?? 'now', 40)}).`);
	if (until > now + 60_000) throw usageError(`--until (${quote(untilText ?? '', 40)}) is in the future.`);
	return {from, until, basis: `--since ${since}${untilText === undefined ? '' : ` --until ${untilText}`}`};
}

/** The stats window that covers `hours` back from now (Pro zones; a Free zone refuses, and the report says so). */
function intervalFor(hours: number): StatsInterval {
	return hours <= 6 ? 120 : hours <= 12 ? 110 : 100;
}

/** --out must name a folder that exists (not a symbolic link): checked before any call is made. */
function checkOut(out: string | undefined): void {
	if (out === undefined) return;
	let stat;
	try {
		stat = lstatSync(out);
	} catch {
		throw usageError(`--out ${quote(out, 80)}: no such folder; nothing was sent.`);
	}
	if (stat.isSymbolicLink() || !stat.isDirectory()) throw usageError(`--out ${quote(out, 80)} is not a folder (a symbolic link is refused); nothing was sent.`);
}

const intervalLabels: Record<number, string> = {100: 'Last 24 hours', 110: 'Last 12 hours', 120: 'Last 6 hours'};

/** Failures of the account as a whole: every further call would fail the same way. */
const accountWide: ReadonlySet<string> = new Set(['auth', 'rate-limit', 'gone', 'network', 'timeout']);

async function run(ctx: CommandContext): Promise<CommandResult> {
	const now = ctx.now();
	const span = window(ctx.args, now);
	const zones = ctx.zoneNames();
	const backend = ctx.backend;
	const account = ctx.config.email ?? '';
	const zoneNames = new Set(zones.map(zone => zone.name.toLowerCase()));
	const notes: string[] = [];
	let read;
	try {
		read = readAuditLog(ctx.auditFile, {endpoint: backend.endpointLabel, account});
	} catch (error) {
		read = {records: [], skipped: 0};
		notes.push(`the audit log could not be read (${error instanceof Error ? error.message : String(error)})`);
	}
	// v1's rules are account-wide (no zone): they belong to every zone's report.
	const records = read.records.filter(record => record.zone === undefined || zoneNames.has(record.zone.toLowerCase()));
	if (read.skipped > 0) notes.push(`${read.skipped} line${read.skipped === 1 ? '' : 's'} of the audit log could not be read (a torn or foreign line)`);

	const hours = Math.min(48, Math.max(1, Math.ceil((span.until - span.from) / 3_600_000)));
	const observations: SettingObservation[] = [];
	const threats: ThreatFact[] = [];
	const traffic: TrafficFact[] = [];
	const problems: CommandProblem[] = [];
	let stopped: FlarewatchError | undefined;
	let calls = 0;
	const ask = async <T>(zone: string, what: string, call: () => Promise<T>): Promise<T | string> => {
		if (stopped) return `not asked after: ${stopped.message}`;
		calls++;
		try {
			return await call();
		} catch (error) {
			if (!isFlarewatchError(error)) throw error;
			problems.push({zone, error});
			if (accountWide.has(error.kind)) stopped = error;
			notes.push(`${zone}: ${what} failed: ${error.message}`);
			return error.message;
		}
	};
	for (const zone of zones) {
		const interval = intervalFor(hours);
		const stats = await ask(zone.name, 'stats', () => backend.stats(zone, interval));
		if (typeof stats === 'string') traffic.push({zone: zone.name, unavailable: stats});
		else {
			const sum = (b: {regular: number; threat: number; crawler: number}) => b.regular + b.threat + b.crawler;
			traffic.push({
				zone: zone.name,
				totals: {label: intervalLabels[interval] ?? `Interval ${interval}`, edgeRequests: stats.requests.edge, originRequests: stats.requests.origin, threatPageviews: stats.pageviews.threat, pageviews: sum(stats.pageviews), threatUniques: stats.uniques.threat},
			});
			const devEnds = stats.devModeUntil * 1000;
			if (devEnds > span.from && devEnds <= span.until) observations.push({at: devEnds, zone: zone.name, devMode: false});
			// What the API says now ends the window's periods; a window that ended earlier cannot use it.
			if (flagValue(ctx.args, '--until') === undefined) observations.push({at: span.until, zone: zone.name, securityLevel: stats.securityLevel ?? stats.securityLabel, devMode: devEnds > stats.serverTime});
		}
		const visitors = await ask(zone.name, 'visitors', () => backend.visitors(zone, {hours, classification: 'threat'}));
		if (typeof visitors !== 'string') {
			for (const visitor of visitors) threats.push({zone: zone.name, ip: visitor.ip, hits: visitor.hits, classification: visitor.classification, ...(visitor.country ? {country: visitor.country} : {}), ...(visitor.asn ? {asn: visitor.asn} : {})});
		}
	}
	if (hours >= 24 && span.until - span.from > 24 * 3_600_000) notes.push('the traffic and the threat IPs cover the last 24 to 48 hours only (the API keeps no more at this resolution)');

	const limits = backend.capabilities.limits;
	const left = backend.lastCallsLeft();
	const secrets = ctx.secrets;
	const report = buildReport({
		generatedAt: now,
		window: span,
		api: backend.capabilities.api,
		endpoint: backend.endpointLabel,
		...(account ? {account} : {}),
		zones: zones.map(zone => zone.name),
		records,
		observations,
		threats,
		calls: {api: backend.capabilities.api, window: limits.windowSeconds === 3600 ? 'hour' : `${Math.round(limits.windowSeconds / 60)} min`, limit: limits.calls, ...(left ? {left: left.callsLeft} : {}), reportCalls: calls},
		traffic,
		notes,
		secrets,
	});
	const out = flagValue(ctx.args, '--out');
	const written = writeReportFiles({
		directory: out ?? reportsDirectory(ctx.auditFile),
		create: out === undefined,
		baseName: reportBaseName(zones.map(zone => zone.name), now),
		markdown: reportMarkdown(report, secrets),
		json: reportJson(report, secrets),
	});
	if (!written.ok) throw new FlarewatchError('usage', `${written.problem}; nothing was written.`);
	return {
		lines: [
			`Incident report, ${report.window.from} to ${report.window.until}: ${report.summary.actions} action${report.summary.actions === 1 ? '' : 's'} (${report.summary.failed} failed), ${report.summary.drift} change${report.summary.drift === 1 ? '' : 's'} made elsewhere.`,
			written.markdown,
			written.json,
		],
		json: {markdown: written.markdown, json: written.json, from: Math.floor(span.from / 1000), until: Math.floor(span.until / 1000), summary: report.summary},
		problems,
		...(problems.length > 0 ? {exitCode: worstExitCode(problems)} : {}),
	};
}

export const reportCommands: CommandSpec[] = [
	{
		name: 'report',
		summary: 'write the incident report (Markdown and JSON) of a window',
		usage: '[--since 2h|TIME] [--until TIME] [--out DIR]',
		details: [
			'Reads the audit log (this endpoint and account) and asks the API, per zone, for the traffic and the threat IPs',
			'over the window; writes incident-<zone>-<UTC time>.md and .json (mode 0600) into the state folder\'s reports/',
			'(or --out DIR) and prints their paths. JSON: {markdown, json, from, until, summary}.',
		],
		examples: ['flarewatch report --since 2h', 'flarewatch report --since 2026-12-07T18:00Z --until 2026-12-07T20:00Z --out .'],
		flags: [
			{name: 'since', value: 'SPAN|TIME', default: '1h', description: 'the window starts this long ago (30m, 2h, 1d) or at this time (ISO 8601)'},
			{name: 'until', value: 'TIME', description: 'the window ends then (default now)'},
			{name: 'out', value: 'DIR', description: 'write the files into this folder (default: reports/ beside the audit log)'},
		],
		positionals: [0, 0],
		mutating: false,
		check: args => {
			window(args, Date.now());
			checkOut(flagValue(args, '--out'));
		},
		run,
	},
];
