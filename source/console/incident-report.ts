/**
 * `E` and `:export`: the incident report from the console's own state, written at once (a local file,
 * nothing destructive, so no confirmation). The facts: this session's audit records (re-read from the
 * audit log, so drift records and timed bans' fields are there as written; the queue's list if the log
 * cannot be read), the level and dev mode as the polls saw them (watched here from the monitor's state),
 * the threat rows, the traffic history and the budget. The window runs from the session's first action
 * or drift alert to now; before anything happened, the last hour, said in the report and on the status line.
 */
import path from 'node:path';
import type {AuditIdentity, AuditRecord} from '../actions/audit-log.js';
import {readAuditLog} from '../actions/audit-read.js';
import {reportBaseName, reportsDirectory, writeReportFiles} from '../actions/report-file.js';
import {buildReport, reportJson, type SettingObservation, type ThreatFact, type TrafficFact} from '../actions/report.js';
import {reportMarkdown} from '../actions/report-text.js';
import {actionParameters, requestZone, type ActionEntry} from '../actions/types.js';
import {shownPath} from '../config.js';
import {callsInWindow, callsLeft} from '../monitor/budget.js';
import type {Monitor} from '../monitor/monitor.js';
import type {MonitorState} from '../monitor/store.js';

/** With nothing done yet in the session, the report covers this much (and says so). */
export const quietWindowMs = 3_600_000;
/** E pressed again within this long names the report just written instead of writing another (keys mashed). */
export const repeatWindowMs = 3000;
/** Threat IPs remembered per zone from each poll: the top of each visitor list. */
const rememberedThreats = 50;
/** Observations kept: changes only, so an incident's worth is far below this. */
const maxObservations = 2000;

export interface ReportExporterOptions {
	monitor: Pick<Monitor, 'getState' | 'subscribe' | 'say' | 'clock'>;
	auditFile: string;
	session: string;
	identity: AuditIdentity;
	secrets: readonly string[];
	api: 'v1' | 'v4';
	demo: boolean;
	/** Where the files go (default: reports/ beside the audit log, made 0700). */
	directory?: string;
}

export interface ReportExporter {
	/** Writes the report now; says the paths (or why not) on the status line and in the Log. Returns the Markdown path. */
	exportReport(): string | undefined;
	stop(): void;
}

/** The queue's list as audit records: what the report falls back on when the log cannot be read. */
function entriesAsRecords(entries: readonly ActionEntry[], session: string): AuditRecord[] {
	const records: AuditRecord[] = [];
	for (const entry of entries) {
		const base = {id: entry.id, session, zone: requestZone(entry.request)?.name, action: entry.request.kind, params: actionParameters(entry.request)};
		if (entry.state === 'pending') continue;
		records.push({...base, time: new Date(entry.createdAt).toISOString(), outcome: 'sending', attempt: entry.attempts});
		if (entry.state !== 'sent') records.push({...base, time: new Date(entry.updatedAt).toISOString(), outcome: entry.state, ...(entry.message ? {error: entry.message} : {})});
	}
	return records;
}

export function createReportExporter(options: ReportExporterOptions): ReportExporter {
	const {monitor} = options;
	const observations: SettingObservation[] = [];
	const lastSeen = new Map<string, {level?: string; dev?: boolean}>();
	// The most hits each top threat IP had in any poll: a ban takes an address off the visitor list, and the
	// report must still name it among the top threats, with its hits, beside the ban.
	const peaks = new Map<string, Map<string, ThreatFact>>();
	const rowsSeen = new Map<string, unknown>();
	// Level and dev mode per zone as each poll saw them; only changes are kept.
	const watch = (state: MonitorState) => {
		for (const zone of state.zones) {
			if (rowsSeen.get(zone.name) !== zone.threatRows) {
				rowsSeen.set(zone.name, zone.threatRows);
				const known = peaks.get(zone.name) ?? new Map<string, ThreatFact>();
				peaks.set(zone.name, known);
				let taken = 0;
				// The rows are sorted by hits: the first threat rows are the top ones.
				for (const row of zone.threatRows) {
					if (taken >= rememberedThreats) break;
					if (row.classification !== 'threat') continue;
					taken++;
					const before = known.get(row.ip);
					if (!before || before.hits < row.hits) known.set(row.ip, {zone: zone.name, ip: row.ip, hits: row.hits, classification: row.classification, ...(row.country ? {country: row.country} : {}), ...(row.asn ? {asn: row.asn} : {})});
				}
				// Bounded: the most hits first.
				if (known.size > rememberedThreats * 4) peaks.set(zone.name, new Map([...known].sort((a, b) => b[1].hits - a[1].hits).slice(0, rememberedThreats * 2)));
			}
			const stats = zone.stats;
			if (!stats || zone.lastSuccessAt === undefined) continue;
			const level = stats.securityLevel ?? stats.securityLabel;
			const dev = stats.devModeUntil * 1000 > stats.serverTime;
			const seen = lastSeen.get(zone.name);
			if (seen && seen.level === level && seen.dev === dev) continue;
			lastSeen.set(zone.name, {level, dev});
			// Noticed now: an action's answer changes the state between polls, so the last poll's time would be too early.
			observations.push({at: monitor.clock.now(), zone: zone.name, securityLevel: level, devMode: dev});
			if (observations.length > maxObservations) observations.splice(0, observations.length - maxObservations);
		}
	};
	watch(monitor.getState());
	const unsubscribe = monitor.subscribe(() => watch(monitor.getState()));

	let last: {at: number; markdown: string} | undefined;
	const exportReport = (): string | undefined => {
		const state = monitor.getState();
		const now = monitor.clock.now();
		if (last && now - last.at < repeatWindowMs) {
			monitor.say('info', `Report already written just now: ${shownPath(path.basename(last.markdown))} (E again in a few seconds writes a new one)`);
			return last.markdown;
		}
		const notes: string[] = [];
		let records: AuditRecord[];
		try {
			const read = readAuditLog(options.auditFile, {session: options.session, endpoint: options.identity.endpoint, account: options.identity.account});
			records = read.records;
			if (read.skipped > 0) notes.push(`${read.skipped} line${read.skipped === 1 ? '' : 's'} of the audit log could not be read`);
		} catch (error) {
			records = entriesAsRecords(state.actions, options.session);
			notes.push(`the audit log could not be read (${error instanceof Error ? error.message : String(error)}); the actions are this console's own list`);
		}
		const first = records.map(record => Date.parse(record.time)).filter(Number.isFinite).sort((a, b) => a - b)[0];
		const quiet = first === undefined;
		const window = quiet ? {from: now - quietWindowMs, until: now, basis: 'nothing done or noticed yet in this session: the last hour'} : {from: first, until: now, basis: 'from the first action or change noticed in this session'};

		const batches = new Map<string, string>();
		const inFlight = new Set<string>();
		for (const entry of state.actions) {
			if (entry.batch) batches.set(`${options.session}#${entry.id}`, entry.batch);
			if (entry.state === 'pending' || entry.state === 'sent') inFlight.add(`${options.session}#${entry.id}`);
		}
		const threats: ThreatFact[] = [];
		const traffic: TrafficFact[] = [];
		for (const zone of state.zones) {
			threats.push(...(peaks.get(zone.name)?.values() ?? []));
			traffic.push({zone: zone.name, samples: zone.history.toArray()});
		}
		const policy = state.policy;
		const used = callsInWindow(state.ledger, now, policy.windowMs).length;
		const report = buildReport({
			generatedAt: now,
			window,
			api: options.api,
			endpoint: options.identity.endpoint,
			...(options.identity.account ? {account: options.identity.account} : {}),
			zones: state.zones.map(zone => zone.name),
			demo: options.demo,
			records,
			batches,
			inFlight,
			observations,
			threats,
			calls: {
				api: options.api,
				window: policy.windowMs === 3_600_000 ? 'hour' : `${Math.round(policy.windowMs / 60_000)} min`,
				limit: policy.calls,
				reserve: policy.reserve,
				usedInWindow: used,
				left: callsLeft(policy, state.ledger, now, state.serverCallsLeft),
				...(policy.analytics ? {analytics: {limit: policy.analytics.calls, used: callsInWindow(state.analyticsLedger, now, policy.windowMs).length}} : {}),
			},
			traffic,
			notes,
			secrets: options.secrets,
		});
		const active = state.zones[state.activeZone]?.name;
		const written = writeReportFiles({
			directory: options.directory ?? reportsDirectory(options.auditFile),
			create: options.directory === undefined,
			baseName: reportBaseName(active ? [active, ...state.zones.map(zone => zone.name).filter(name => name !== active)] : [], now),
			markdown: reportMarkdown(report, options.secrets),
			json: reportJson(report, options.secrets),
		});
		if (!written.ok) {
			// Nothing is lost: the state stays, and E again writes it once the folder or the disk is fixed.
			monitor.say('error', `Report NOT written: ${written.problem}`);
			return undefined;
		}
		// Two lines, each short enough for a narrow screen: the folder (in the Log), then the file's name,
		// which the status line shows whole at 80 columns.
		last = {at: now, markdown: written.markdown};
		monitor.say('info', `Report written (.md and .json) in ${shownPath(path.dirname(written.markdown))}`);
		monitor.say('info', `Report: ${shownPath(path.basename(written.markdown))}${quiet ? '; nothing happened yet this session: it covers the last hour' : ''}`);
		return written.markdown;
	};
	return {exportReport, stop: unsubscribe};
}
