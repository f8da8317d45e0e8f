/**
 * The incident report, as data: the facts of an incident window (audit records, what polls saw, the
 * threat IPs, the calls, the traffic) in, one secret-free JSON value out. Pure: the console and the
 * `report` command gather the facts, report-text.ts writes the Markdown from this value, report-file.ts
 * writes the files. Every string from the API or a log is made inert here, once, and the secrets are
 * scrubbed from every string, so neither output can carry an escape sequence or a key.
 */
import type {AuditRecord} from './audit-log.js';
import {parseRuleNote} from './rule-notes.js';
import {inert} from '../lib/format.js';
import {scrub} from '../lib/secret.js';

/** The window the report covers, epoch ms. */
export interface ReportWindow {
	from: number;
	until: number;
	/** How it was chosen, in words: "from the first action of this session", "--since 2h". */
	basis: string;
}

/** What a poll (or the API at report time) saw of a zone's settings. */
export interface SettingObservation {
	at: number;
	zone: string;
	/** An API value (help, high, med, low, eoff) or the label the API sent. */
	securityLevel?: string;
	devMode?: boolean;
}

/** A threat IP as the visitor list showed it. */
export interface ThreatFact {
	zone: string;
	ip: string;
	hits: number;
	classification?: string;
	country?: string;
	asn?: string;
}

/** One poll's totals (the monitor's TrafficSample). */
export interface TrafficSampleFact {
	at: number;
	serverTime: number;
	interval: number;
	edgeRequests: number;
	originRequests: number;
	threatHits: number;
}

export interface TrafficFact {
	zone: string;
	/** The console's polls (its chart's data). */
	samples?: readonly TrafficSampleFact[];
	/** One stats answer over the window (the command). */
	totals?: {label: string; edgeRequests: number; originRequests: number; threatPageviews: number; pageviews: number; threatUniques: number};
	/** Why there is no traffic (a refused stats window, a failed call). */
	unavailable?: string;
}

/** The API calls, as far as the console or the API can say. */
export interface CallFacts {
	api: 'v1' | 'v4';
	/** "hour" (v1) or "5 min" (v4). */
	window: string;
	limit: number;
	reserve?: number;
	/** Calls made in the API's current window (the console's ledger). */
	usedInWindow?: number;
	/** Calls left as the API last said. */
	left?: number;
	/** GraphQL queries (v4), counted apart. */
	analytics?: {limit: number; used: number};
	/** Calls this report itself made (the command's stats and visitors). */
	reportCalls?: number;
}

export interface ReportFacts {
	generatedAt: number;
	window: ReportWindow;
	api: 'v1' | 'v4';
	endpoint: string;
	account?: string;
	zones: readonly string[];
	demo?: boolean;
	/** Audit records; those outside the window are left out here. */
	records: readonly AuditRecord[];
	/** The lockdown each action of this session belongs to ("session#id" → batch), from the console's queue. */
	batches?: ReadonlyMap<string, string>;
	/** Actions of this session still queued or sent without an answer ("session#id"): "in flight", not "no outcome recorded". */
	inFlight?: ReadonlySet<string>;
	observations?: readonly SettingObservation[];
	threats: readonly ThreatFact[];
	calls: CallFacts;
	traffic: readonly TrafficFact[];
	/** Said in the report as it is (skipped log lines, a call that failed). */
	notes?: readonly string[];
	/** The traffic shown from this long before the window (default 30 min): the run-up to the first action. */
	trafficLeadMs?: number;
	/** Scrubbed from every string, whatever its source. */
	secrets: readonly string[];
}

export type Outcome = 'done' | 'failed' | 'unknown' | 'cancelled' | 'refused' | 'in flight' | 'no outcome recorded';

/** One action: its `sending` and outcome records as one line. */
export interface ActionLine {
	kind: 'action';
	at: string;
	finishedAt: string;
	session: string;
	id: number;
	zone?: string;
	action: string;
	/** In words: "ban 203.0.113.7 for 30m (until 22:10:00Z)". */
	what: string;
	outcome: Outcome;
	attempts: number;
	error?: string;
	ip?: string;
	/** Seconds; 0 = permanent (a ban). */
	duration?: number;
	expiresAt?: string;
	step?: number;
	expired?: boolean;
	lockdown?: string;
	params: Record<string, unknown>;
}

export interface DriftLine {
	kind: 'drift';
	at: string;
	zone?: string;
	what: string;
	from: string;
	to: string;
	detail?: string;
}

export type TimelineLine = ActionLine | DriftLine;

export interface Period {
	zone: string;
	what: 'security-level' | 'dev-mode';
	value: string;
	from: string;
	until: string;
	/** What told us: an action of ours, drift, or a poll. */
	source: 'action' | 'drift' | 'poll';
}

export interface IpDone {
	at: string;
	what: string;
	outcome: Outcome;
	duration?: number;
	expiresAt?: string;
	step?: number;
	expired?: boolean;
	lockdown?: string;
}

export interface ThreatLine {
	zone: string;
	ip: string;
	hits: number;
	classification?: string;
	country?: string;
	asn?: string;
	done: IpDone[];
}

export interface TrafficPoint {
	at: string;
	edgePerMinute?: number;
	originPerMinute?: number;
	threatHits: number;
}

export interface TrafficLine {
	zone: string;
	points: TrafficPoint[];
	totals?: TrafficFact['totals'];
	unavailable?: string;
}

/** The report: what the JSON file holds, and what the Markdown is written from. */
export interface IncidentReport {
	format: 'flarewatch-incident-report/1';
	generatedAt: string;
	window: {from: string; until: string; basis: string};
	api: 'v1' | 'v4';
	endpoint: string;
	account?: string;
	zones: string[];
	demo: boolean;
	summary: {actions: number; failed: number; drift: number; requestsSent: number};
	timeline: TimelineLine[];
	periods: Period[];
	threats: ThreatLine[];
	/** Addresses acted on in the window that are not among the top threat IPs. */
	otherAddresses: Array<{ip: string; zone?: string; hits?: number; done: IpDone[]}>;
	calls: CallFacts & {requestsSentForActions: number};
	traffic: TrafficLine[];
	notes: string[];
}

/** The run-up shown before the window in the traffic: what made the operator act. */
export const defaultTrafficLeadMs = 30 * 60_000;

/** Top threat IPs listed per zone. */
export const topThreats = 10;

// Escape sequences (CSI, OSC and the like, 7- and 8-bit) as ui/sanitize.ts removes them; this layer may not import ui/.
const escapeSequence = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|[\u001b\u009d\u0090\u009f\u009e]\]?[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[@-_ -~]?/g;

/** A string from outside made inert (one line, no escape sequences) and free of secrets. */
export function cleanText(text: unknown, secrets: readonly string[], max = 300): string {
	const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
	const cleaned = scrub(inert(value.replace(escapeSequence, ''), '?'), secrets);
	return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** Every string in a JSON value cleaned (keys too), depth-limited. */
function cleanValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (typeof value === 'string') return cleanText(value, secrets, 1000);
	if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
	if (depth > 6) return '…';
	if (Array.isArray(value)) return value.slice(0, 200).map(item => cleanValue(item, secrets, depth + 1));
	if (typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[cleanText(key, secrets, 60)] = cleanValue(item, secrets, depth + 1);
		return out;
	}
	return undefined;
}

/** Epoch ms → "2026-12-07 21:30:05Z". */
export function utcTime(epochMs: number): string {
	const d = new Date(epochMs);
	if (Number.isNaN(d.getTime())) return '?';
	return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds → "30m", "1h", "1d", "2w" when whole, else "1h 30m"; 0 = permanent. */
export function durationText(seconds: number): string {
	if (seconds === 0) return 'permanent';
	const units: Array<[string, number]> = [
		['w', 604_800],
		['d', 86_400],
		['h', 3600],
		['m', 60],
		['s', 1],
	];
	const parts: string[] = [];
	let rest = Math.round(seconds);
	for (const [unit, size] of units) {
		if (rest >= size) {
			parts.push(`${Math.floor(rest / size)}${unit}`);
			rest %= size;
		}
		if (parts.length === 2) break;
	}
	return parts.join(' ') || '0s';
}

const levelNames: Record<string, string> = {help: "I'm Under Attack", high: 'high', med: 'medium', low: 'low', eoff: 'essentially off'};

/** An API level value or label in words. */
export function levelText(level: string): string {
	const key = level.trim().toLowerCase();
	return levelNames[key] ?? (key === "i'm under attack!" || key === 'under_attack' ? "I'm Under Attack" : key === 'medium' ? 'medium' : key === 'essentially_off' || key === 'essentially off' ? 'essentially off' : level);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isoTime(value: unknown): number | undefined {
	const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
	return Number.isFinite(parsed) ? parsed : undefined;
}

/** The address an action is about, if one. */
function recordIp(action: string, params: Record<string, unknown>): string | undefined {
	const ip = text(params.ip);
	if (ip !== undefined) return ip;
	const rule = params.rule as Record<string, unknown> | undefined;
	if ((action === 'rule-add' || action === 'rule-delete') && rule && (rule.target === 'ip' || rule.target === 'ip_range')) return text(rule.value);
	return undefined;
}

/** An action's parameters in words (raw: cleaned by the caller). */
function describe(action: string, params: Record<string, unknown>): string {
	const ip = text(params.ip) ?? '?';
	const rule = (params.rule ?? {}) as Record<string, unknown>;
	const record = (params.record ?? {}) as Record<string, unknown>;
	switch (action) {
		case 'security-level':
			return `security level → ${levelText(text(params.level) ?? '?')}`;
		case 'cache-level':
			return `cache level → ${text(params.level) ?? '?'}`;
		case 'dev-mode':
			return `dev mode ${params.on === true ? 'on' : 'off'}`;
		case 'ipv6':
			return `IPv6 ${params.on === true ? 'on' : 'off'}`;
		case 'purge':
			return 'purge the whole cache';
		case 'snapshot':
			return 'zone snapshot';
		case 'ban': {
			const duration = num(params.duration);
			const expires = isoTime(params.expiresAt);
			const step = num(params.step);
			return `ban ${ip}${duration ? ` for ${durationText(duration)}` : ' (permanent)'}${expires === undefined ? '' : ` until ${utcTime(expires)}`}${step === undefined ? '' : ` (escalation step ${step + 1})`}`;
		}
		case 'whitelist':
			return `whitelist ${ip}`;
		case 'clear-rule':
			return params.expired === true ? `clear the expired ban of ${ip}` : `clear the rule of ${ip}`;
		case 'challenge':
			return `challenge ${ip}`;
		case 'rule-add':
			return `${text(rule.mode) ?? 'rule'} ${text(rule.target) ?? ''} ${text(rule.value) ?? '?'}`.replace(/\s+/g, ' ');
		case 'rule-delete':
			return `remove the ${text(rule.mode) ?? ''} rule on ${text(rule.value) ?? '?'}`.replace(/\s+/g, ' ');
		case 'lookup':
		case 'details':
			return `look up ${ip}`;
		case 'purge-files':
			return `purge ${Array.isArray(params.urls) ? params.urls.length : '?'} files`;
		case 'dns-add':
			return `DNS add ${text(record.type) ?? '?'} ${text(record.name) ?? '?'} → ${text(record.content) ?? '?'}`;
		case 'dns-edit':
			return `DNS edit ${text(record.type) ?? '?'} ${text(record.name) ?? '?'} → ${text(record.content) ?? '?'}`;
		case 'dns-delete-name':
			return `DNS delete every record named ${text(params.fqdn) ?? '?'}`;
		case 'dns-update-ip':
			return `point ${Array.isArray(params.hosts) ? params.hosts.join(', ') : '?'} at ${ip}`;
		default:
			return action;
	}
}

const finalOutcomes: ReadonlySet<string> = new Set(['done', 'failed', 'unknown', 'cancelled', 'refused']);

/** The records of one action (same session and id) as one line with its final outcome. */
function actionLines(records: readonly AuditRecord[], facts: ReportFacts): ActionLine[] {
	const groups = new Map<string, AuditRecord[]>();
	for (const record of records) {
		if (record.action === 'drift' || record.outcome === ('observed' as string)) continue;
		const key = `${record.session}#${record.id}`;
		const group = groups.get(key);
		if (group) group.push(record);
		else groups.set(key, [record]);
	}
	const secrets = facts.secrets;
	const lines: ActionLine[] = [];
	for (const [key, group] of groups) {
		const first = group[0]!;
		const last = [...group].reverse().find(record => finalOutcomes.has(record.outcome));
		const params = first.params;
		const ip = recordIp(first.action, params);
		const notes = text(params.notes) ?? text((params.rule as Record<string, unknown> | undefined)?.notes);
		const lockdown = facts.batches?.get(key) ?? (notes === undefined ? undefined : parseRuleNote(notes)?.batch);
		const duration = num(params.duration);
		const expiresAt = isoTime(params.expiresAt);
		const step = num(params.step);
		const attempts = Math.max(0, ...group.map(record => record.attempt ?? (record.outcome === 'sending' ? 1 : 0)));
		lines.push({
			kind: 'action',
			at: utcTime(Date.parse(first.time)),
			finishedAt: utcTime(Date.parse(group.at(-1)!.time)),
			session: cleanText(first.session, secrets, 80),
			id: first.id,
			...(first.zone === undefined ? {} : {zone: cleanText(first.zone, secrets, 253)}),
			action: cleanText(first.action, secrets, 40),
			// The operator's reason, from the rule's note (v4): what a post-mortem asks first.
			what: cleanText(`${describe(first.action, params)}${notes !== undefined && parseRuleNote(notes)?.reason ? `: ${parseRuleNote(notes)?.reason}` : ''}`, secrets),
			outcome: (last?.outcome as Outcome | undefined) ?? (facts.inFlight?.has(key) ? 'in flight' : 'no outcome recorded'),
			attempts,
			...(last?.error === undefined ? {} : {error: cleanText(last.error, secrets)}),
			...(ip === undefined ? {} : {ip: cleanText(ip, secrets, 60)}),
			...(duration === undefined ? {} : {duration}),
			...(expiresAt === undefined ? {} : {expiresAt: utcTime(expiresAt)}),
			...(step === undefined ? {} : {step}),
			...(params.expired === true ? {expired: true} : {}),
			...(lockdown === undefined ? {} : {lockdown: cleanText(lockdown, secrets, 60)}),
			params: cleanValue(params, secrets) as Record<string, unknown>,
		});
	}
	return lines;
}

function driftLines(records: readonly AuditRecord[], secrets: readonly string[]): DriftLine[] {
	return records
		.filter(record => record.action === 'drift')
		.map(record => {
			const detail = text(record.params.detail);
			return {
				kind: 'drift' as const,
				at: utcTime(Date.parse(record.time)),
				...(record.zone === undefined ? {} : {zone: cleanText(record.zone, secrets, 253)}),
				what: cleanText(text(record.params.what) ?? 'state', secrets, 40),
				from: cleanText(text(record.params.from) ?? '?', secrets),
				to: cleanText(text(record.params.to) ?? '?', secrets),
				...(detail === undefined ? {} : {detail: cleanText(detail, secrets)}),
			};
		});
}

interface SettingEvent {
	at: number;
	zone: string;
	what: Period['what'];
	value: string;
	source: Period['source'];
	/** Known to hold before `at` (drift's "from"): only fills an unknown start. */
	before?: boolean;
}

function onOffText(value: string): string {
	return /^(on|true|1|yes)$/i.test(value.trim()) ? 'on' : 'off';
}

/** Level and dev-mode changes from our actions, drift and polls. */
function settingEvents(records: readonly AuditRecord[], observations: readonly SettingObservation[], defaultZone: string | undefined): SettingEvent[] {
	const events: SettingEvent[] = [];
	const outcomeAt = new Map<string, number>();
	for (const record of records) if (record.outcome === 'done') outcomeAt.set(`${record.session}#${record.id}`, Date.parse(record.time));
	for (const record of records) {
		const zone = record.zone ?? defaultZone;
		if (zone === undefined) continue;
		const at = Date.parse(record.time);
		if (record.action === 'drift') {
			const what = text(record.params.what);
			const from = text(record.params.from);
			const to = text(record.params.to);
			if (what === 'security-level' && to !== undefined) {
				if (from !== undefined) events.push({at, zone, what: 'security-level', value: levelText(from), source: 'drift', before: true});
				events.push({at, zone, what: 'security-level', value: levelText(to), source: 'drift'});
			}
			if (what === 'dev-mode' && to !== undefined) {
				if (from !== undefined) events.push({at, zone, what: 'dev-mode', value: onOffText(from), source: 'drift', before: true});
				events.push({at, zone, what: 'dev-mode', value: onOffText(to), source: 'drift'});
			}
			continue;
		}
		if (record.outcome !== 'done') continue;
		if (record.action === 'security-level' && typeof record.params.level === 'string') events.push({at, zone, what: 'security-level', value: levelText(record.params.level), source: 'action'});
		if (record.action === 'dev-mode' && typeof record.params.on === 'boolean') events.push({at, zone, what: 'dev-mode', value: record.params.on ? 'on' : 'off', source: 'action'});
	}
	for (const observation of observations) {
		if (observation.securityLevel !== undefined) events.push({at: observation.at, zone: observation.zone, what: 'security-level', value: levelText(observation.securityLevel), source: 'poll'});
		if (observation.devMode !== undefined) events.push({at: observation.at, zone: observation.zone, what: 'dev-mode', value: observation.devMode ? 'on' : 'off', source: 'poll'});
	}
	return events.sort((a, b) => a.at - b.at);
}

/** Periods of one setting over the window: consecutive equal values merged, the start filled from before it. */
function periodsOf(events: readonly SettingEvent[], window: ReportWindow, secrets: readonly string[]): Period[] {
	let current: {value: string; since: number; source: Period['source']} | undefined;
	const periods: Period[] = [];
	const close = (end: number) => {
		if (current && end > current.since) periods.push({zone: '', what: 'security-level', value: cleanText(current.value, secrets, 60), from: utcTime(current.since), until: utcTime(end), source: current.source});
	};
	for (const event of events) {
		if (event.at > window.until) break;
		const at = Math.max(event.at, window.from);
		if (event.before) {
			if (!current) current = {value: event.value, since: window.from, source: event.source};
			continue;
		}
		if (current?.value === event.value) continue;
		close(at);
		current = {value: event.value, since: at, source: event.source};
	}
	close(window.until);
	return periods;
}

/** Builds the report. Records outside the window are left out; so are threat rows of other classes. */
export function buildReport(facts: ReportFacts): IncidentReport {
	const {window, secrets} = facts;
	const inWindow = facts.records.filter(record => {
		const at = Date.parse(record.time);
		return at >= window.from && at <= window.until;
	});
	const actions = actionLines(inWindow, facts);
	const drift = driftLines(inWindow, secrets);
	const timeline: TimelineLine[] = [...actions, ...drift].sort((a, b) => a.at.localeCompare(b.at) || (a.kind === 'action' && b.kind === 'action' ? a.id - b.id : 0));

	// Settings before the window tell where it starts: every record is read, not only the window's.
	const events = settingEvents(facts.records, facts.observations ?? [], facts.zones.length === 1 ? facts.zones[0] : undefined);
	const periods: Period[] = [];
	for (const zone of facts.zones) {
		for (const what of ['security-level', 'dev-mode'] as const) {
			for (const period of periodsOf(
				events.filter(event => event.zone === zone && event.what === what),
				window,
				secrets,
			))
				periods.push({...period, zone: cleanText(zone, secrets, 253), what});
		}
	}

	const doneOn = (ip: string, zone: string | undefined): IpDone[] =>
		actions
			.filter(line => line.ip !== undefined && line.ip.toLowerCase() === ip.toLowerCase() && line.action !== 'lookup' && line.action !== 'details' && (zone === undefined || line.zone === undefined || line.zone === zone))
			.map(line => ({
				at: line.at,
				what: line.what,
				outcome: line.outcome,
				...(line.duration === undefined ? {} : {duration: line.duration}),
				...(line.expiresAt === undefined ? {} : {expiresAt: line.expiresAt}),
				...(line.step === undefined ? {} : {step: line.step}),
				...(line.expired ? {expired: true} : {}),
				...(line.lockdown === undefined ? {} : {lockdown: line.lockdown}),
			}));
	const threats: ThreatLine[] = [];
	for (const zone of facts.zones) {
		const rows = facts.threats
			.filter(row => row.zone === zone && (row.classification === undefined || row.classification === 'threat'))
			.slice()
			.sort((a, b) => b.hits - a.hits)
			.slice(0, topThreats);
		for (const row of rows) {
			const zoneName = cleanText(zone, secrets, 253);
			threats.push({
				zone: zoneName,
				ip: cleanText(row.ip, secrets, 60),
				hits: row.hits,
				...(row.classification === undefined ? {} : {classification: cleanText(row.classification, secrets, 20)}),
				...(row.country === undefined ? {} : {country: cleanText(row.country, secrets, 10)}),
				...(row.asn === undefined ? {} : {asn: cleanText(row.asn, secrets, 20)}),
				done: doneOn(cleanText(row.ip, secrets, 60), zoneName),
			});
		}
	}
	const listed = new Set(threats.map(row => row.ip.toLowerCase()));
	const otherAddresses: IncidentReport['otherAddresses'] = [];
	for (const line of actions) {
		if (line.ip === undefined || listed.has(line.ip.toLowerCase()) || line.action === 'lookup' || line.action === 'details') continue;
		listed.add(line.ip.toLowerCase());
		// Its hits when the visitor list showed it (below the top), so the operator sees how big it was.
		const seen = facts.threats.filter(row => row.ip.toLowerCase() === line.ip!.toLowerCase()).reduce<number | undefined>((most, row) => Math.max(most ?? 0, row.hits), undefined);
		otherAddresses.push({ip: line.ip, ...(line.zone === undefined ? {} : {zone: line.zone}), ...(seen === undefined ? {} : {hits: seen}), done: doneOn(line.ip, undefined)});
	}

	const traffic: TrafficLine[] = facts.traffic.map(fact => ({
		zone: cleanText(fact.zone, secrets, 253),
		points: trafficPoints(fact.samples ?? [], {...window, from: window.from - (facts.trafficLeadMs ?? defaultTrafficLeadMs)}),
		...(fact.totals ? {totals: fact.totals} : {}),
		...(fact.unavailable === undefined ? {} : {unavailable: cleanText(fact.unavailable, secrets)}),
	}));

	const requestsSent = inWindow.filter(record => record.outcome === 'sending').length;
	return {
		format: 'flarewatch-incident-report/1',
		generatedAt: utcTime(facts.generatedAt),
		window: {from: utcTime(window.from), until: utcTime(window.until), basis: cleanText(window.basis, secrets)},
		api: facts.api,
		endpoint: cleanText(facts.endpoint, secrets),
		...(facts.account ? {account: cleanText(facts.account, secrets)} : {}),
		zones: facts.zones.map(zone => cleanText(zone, secrets, 253)),
		demo: facts.demo ?? false,
		summary: {actions: actions.length, failed: actions.filter(line => line.outcome === 'failed').length, drift: drift.length, requestsSent},
		timeline,
		periods,
		threats,
		otherAddresses,
		calls: {...facts.calls, requestsSentForActions: requestsSent},
		traffic,
		notes: (facts.notes ?? []).map(note => cleanText(note, secrets)),
	};
}

/**
 * Rates between successive polls of the same stats window, per minute of server time (as the
 * dashboard's chart: selectTraffic), and threat hits as each poll saw them.
 */
function trafficPoints(samples: readonly TrafficSampleFact[], window: {from: number; until: number}): TrafficPoint[] {
	const points: TrafficPoint[] = [];
	let before: TrafficSampleFact | undefined;
	for (const sample of samples) {
		const inside = sample.at >= window.from && sample.at <= window.until;
		if (inside) {
			const minutes = before ? (sample.serverTime - before.serverTime) / 60_000 : 0;
			const rated = before !== undefined && before.interval === sample.interval && minutes > 0;
			points.push({
				at: utcTime(sample.at),
				...(rated ? {edgePerMinute: Math.round(Math.max(0, (sample.edgeRequests - before!.edgeRequests) / minutes)), originPerMinute: Math.round(Math.max(0, (sample.originRequests - before!.originRequests) / minutes))} : {}),
				threatHits: sample.threatHits,
			});
		}
		before = sample;
	}
	return points;
}

/** The JSON file's text: the report, secrets scrubbed once more over the whole text. */
export function reportJson(report: IncidentReport, secrets: readonly string[]): string {
	return `${scrub(JSON.stringify(report, null, 2), secrets)}\n`;
}
