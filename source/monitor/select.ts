/**
 * Selectors: the monitor's state turned into the plain view models the panes render. Pure; the
 * state holds no clock, so whatever moves with time takes the `now` it is drawn at (the UI reads its
 * injected clock), never Date.
 */
import type {TrafficBreakdown, Visitor, VisitorClass} from '../backend.js';
import {analyticsLeft, callsLeft, callsLeftChangesAt, windowLabel} from './budget.js';
import {isStale, staleAfter} from './scheduler.js';
import type {MonitorMessage, MonitorState, ZoneState} from './store.js';
import {clockTime, driftText, recordWord, ruleWord, settingsSeen, settingWord, type DriftEntry} from './drift.js';

/** The header line: where we are and what the zone is set to. */
export interface HeaderView {
	zoneName: string;
	/** "1/2" when several zones are configured. */
	zonePosition?: string;
	plan?: string;
	securityLabel?: string;
	cacheLevel?: string;
	/** Seconds until dev mode ends; undefined when it is off. */
	devModeSecondsLeft?: number;
	ipv6?: boolean;
	/** Calls left in the API's window (v1 an hour, v4 five minutes; on v4 REST calls and GraphQL queries together). */
	callsLeft: number;
	/** Calls per window: the name is v1's, whose window is an hour. */
	perHour: number;
	/** The window, as the meter names it: "hour" (v1), "5 min" (v4). */
	window?: string;
	/** GraphQL queries left in the window, and per window: v4 counts them apart too. */
	analyticsLeft?: number;
	analyticsPerWindow?: number;
	/** The call meter as printed, for each room the header has: the pane prints the widest that fits. */
	meter: HeaderMeter;
	/** Fewer than a fifth of the window's calls (or GraphQL queries) are left: the meter warns. */
	budgetLow: boolean;
	demo: boolean;
	readOnly: boolean;
	/** Security level `help` (I'm Under Attack): a badge that is never dropped. */
	underAttack: boolean;
	/** Bans of the zone's lockdown while one is in force: a badge that is never dropped. */
	lockdownBans?: number;
}

/**
 * The call meter's words, widest first. v1: "292/300 calls left / hour", "292/300 calls/h", "292/300/h".
 * v4: "1180/1200 calls · 290/300 GraphQL left / 5 min" (wide terminals), "1180/1200 calls left / 5 min",
 * "1180/1200 calls/5m", "1180/1200/5m".
 */
export interface HeaderMeter {
	/** With the GraphQL queries left when the API counts them apart (else the same as `normal`). */
	wide: string;
	normal: string;
	narrow: string;
	tight: string;
}

/** The series the traffic charts plot, oldest first. */
export interface TrafficView {
	/** Requests per minute between successive polls, at the edge and at the origin. */
	edgeRequests: readonly number[];
	originRequests: readonly number[];
	/** Hits by threat IPs in the last hour, at each poll. */
	threatHits: readonly number[];
	/**
	 * The stats window ends a day ago (intervals 10–40, all a Free zone may ask for): rates between
	 * polls of such a window say nothing about now, so the chart says so instead of drawing them.
	 */
	statsDayBehind?: boolean;
}

/** The stats table. */
export interface StatsView {
	pageviews: TrafficBreakdown;
	uniques: TrafficBreakdown;
	requests: {edge: number; origin: number};
	bandwidth: {edgeKB: number; originKB: number};
	pageLoad: {withCloudflare: number; without: number};
	securityLabel: string;
	/** What the numbers cover, e.g. "last 6 h". */
	windowLabel: string;
}

/** The status line. */
export interface StatusView {
	/** Seconds since the zone's data was fetched; undefined before the first poll. */
	ageSeconds?: number;
	stale: boolean;
	/** Seconds to the next scheduled poll. */
	nextPollSeconds?: number;
	polling: boolean;
	paused: boolean;
	/** A warning that stays until the condition clears (rate limit, failures). */
	banner?: string;
	message?: MonitorMessage;
	/**
	 * The latest result of the operator's own doing (an action's progress or outcome, a refusal, a
	 * warning) while it is unseen: it outranks the banner on the status line (selectNotice).
	 */
	notice?: MonitorMessage;
}

/** One row of the threat list as drawn. */
export interface ThreatRowView {
	ip: string;
	classification: VisitorClass;
	hits: number;
	/** "lat,lon", when geo was asked for and known. */
	geo?: string;
	/** "BAD:11" once looked up. */
	score?: string;
	/** The access rule this console set for the IP. */
	rule?: 'ban' | 'wl';
}

const intervalLabels: Record<number, string> = {10: 'last year', 20: 'last 30 d', 30: 'last 7 d', 40: 'a day ago, 24 h', 100: 'last 24 h', 110: 'last 12 h', 120: 'last 6 h'};

/**
 * When dev mode ends, in ms on our clock, or undefined when it is off: `expires_on` is on the
 * server's clock, so it counts down on that (our clock plus the skew the last poll saw).
 */
export function devModeEndsAt(state: MonitorState): number | undefined {
	const zone = state.zones[state.activeZone];
	if (!zone?.stats || !(zone.stats.devModeUntil > 0)) return undefined;
	return zone.stats.devModeUntil * 1000 - serverSkew(zone);
}

/** How far the API's clock is ahead of ours (ms, negative when behind), as the zone's last poll saw it. */
export function serverSkew(zone: ZoneState | undefined): number {
	const sample = zone?.history.last();
	return sample ? sample.serverTime - sample.at : 0;
}

/** The next time after `now` when the header changes by time alone (dev mode ending, calls leaving the window). */
export function headerChangesAt(state: MonitorState, now: number): number | undefined {
	const windowMs = state.policy.windowMs;
	return earliestAfter(now, [
		devModeEndsAt(state),
		callsLeftChangesAt(state.ledger, now, state.serverCallsLeft, windowMs),
		state.policy.analytics ? callsLeftChangesAt(state.analyticsLedger, now, undefined, windowMs) : undefined,
	]);
}

/** The meter's words for these figures (HeaderMeter). */
export function headerMeter(figures: {callsLeft: number; calls: number; window: string; analyticsLeft?: number; analyticsCalls?: number}): HeaderMeter {
	const calls = `${figures.callsLeft}/${figures.calls}`;
	const short = figures.window === 'hour' ? 'h' : figures.window.replace(/\s+/g, '').replace(/min$/, 'm');
	const normal = `${calls} calls left / ${figures.window}`;
	const analytics = figures.analyticsLeft === undefined || figures.analyticsCalls === undefined ? undefined : `${figures.analyticsLeft}/${figures.analyticsCalls}`;
	return {
		wide: analytics === undefined ? normal : `${calls} calls · ${analytics} GraphQL left / ${figures.window}`,
		normal,
		narrow: `${calls} calls/${short}`,
		tight: `${calls}/${short}`,
	};
}

export function selectHeader(state: MonitorState, now: number): HeaderView {
	const zone = state.zones[state.activeZone];
	const stats = zone?.stats;
	const devSeconds = stats ? stats.devModeUntil - Math.floor((now + serverSkew(zone)) / 1000) : 0;
	const policy = state.policy;
	const left = callsLeft(policy, state.ledger, now, state.serverCallsLeft);
	const window = windowLabel(policy);
	const graphqlLeft = analyticsLeft(policy, state.analyticsLedger, now);
	const graphqlCalls = policy.analytics?.calls;
	return {
		zoneName: zone?.name ?? '',
		zonePosition: state.zones.length > 1 ? `${state.activeZone + 1}/${state.zones.length}` : undefined,
		plan: zone?.plan,
		securityLabel: stats?.securityLabel,
		cacheLevel: stats?.cacheLevel,
		devModeSecondsLeft: devSeconds > 0 ? devSeconds : undefined,
		ipv6: stats?.ipv6,
		callsLeft: left,
		perHour: policy.calls,
		window,
		...(graphqlLeft === undefined ? {} : {analyticsLeft: graphqlLeft, analyticsPerWindow: graphqlCalls}),
		meter: headerMeter({callsLeft: left, calls: policy.calls, window, analyticsLeft: graphqlLeft, analyticsCalls: graphqlCalls}),
		budgetLow: left < policy.calls * 0.2 || (graphqlLeft !== undefined && graphqlCalls !== undefined && graphqlLeft < graphqlCalls * 0.2),
		demo: state.demo,
		readOnly: state.readOnly,
		underAttack: stats?.securityLevel === 'help',
		lockdownBans: zone?.lockdown?.bans,
	};
}

/**
 * The charts' series. `stats` only gives totals over a rolling window (6 h on Pro), which move too
 * slowly to show an attack starting or a lockdown biting; the change between two polls, per minute of
 * server time, does. So the request series are rates from successive samples of the same window,
 * clamped at 0 (traffic leaving the window can make a difference negative); threat hits are plotted
 * as reported (a one-hour window from `zone_ips`).
 */
export function selectTraffic(state: MonitorState, points: number): TrafficView {
	const samples = state.zones[state.activeZone]?.history.latest(points + 1) ?? [];
	const edgeRequests: number[] = [];
	const originRequests: number[] = [];
	for (let i = 1; i < samples.length; i++) {
		const before = samples[i - 1];
		const after = samples[i];
		const minutes = (after.serverTime - before.serverTime) / 60_000;
		if (after.interval !== before.interval || !(minutes > 0)) continue;
		edgeRequests.push(Math.max(0, (after.edgeRequests - before.edgeRequests) / minutes));
		originRequests.push(Math.max(0, (after.originRequests - before.originRequests) / minutes));
	}
	const latest = samples.at(-1);
	return {
		edgeRequests: edgeRequests.slice(-points),
		originRequests: originRequests.slice(-points),
		threatHits: samples.slice(-points).map(sample => sample.threatHits),
		statsDayBehind: latest !== undefined && dayBehindIntervals.has(latest.interval) ? true : undefined,
	};
}

/** Stats intervals whose window ends a day ago (the spec: "1 day delayed"); 100–120 (Pro) reach now. */
const dayBehindIntervals: ReadonlySet<number> = new Set([10, 20, 30, 40]);

export function selectStats(state: MonitorState): StatsView | undefined {
	const stats = state.zones[state.activeZone]?.stats;
	if (!stats) return undefined;
	return {
		pageviews: stats.pageviews,
		uniques: stats.uniques,
		requests: stats.requests,
		bandwidth: stats.bandwidth,
		pageLoad: stats.pageLoad,
		securityLabel: stats.securityLabel,
		windowLabel: intervalLabels[stats.interval] ?? `interval ${stats.interval}`,
	};
}

/** A failure, refusal or warning stays until a key is pressed at least this long after it appeared. */
export const noticeReadMs = 2000;
/** A progress or success line of an action shows this long (or until a newer one replaces it). */
export const noticeInfoMs = 10_000;
/** How far back the status line looks for the operator's latest message, past poll reports. */
const noticeLookback = 50;

/**
 * True for the messages the operator's keys caused (the action service's lines, refusals, answers to
 * r and p); the rest are the poll's own reports (a failed poll, start-up), which the banner already tells.
 */
export function isOperatorMessage(message: MonitorMessage): boolean {
	return message.source === 'operator';
}

/**
 * The operator's latest message while it is unseen: a failure or warning until a key is pressed
 * `noticeReadMs` after it (`seenAt` is the time of the last one acknowledged that way, ui-state.ts),
 * a progress or success line for `noticeInfoMs`. Newer poll reports do not hide it; a newer operator
 * message replaces it.
 */
export function selectNotice(state: MonitorState, now: number, seenAt = Number.NEGATIVE_INFINITY): MonitorMessage | undefined {
	const latest = latestOperatorMessage(state);
	if (!latest) return undefined;
	if (latest.level === 'info') return now - latest.at < noticeInfoMs ? latest : undefined;
	return latest.at > seenAt ? latest : undefined;
}

function latestOperatorMessage(state: MonitorState): MonitorMessage | undefined {
	const recent = state.messages.latest(noticeLookback);
	let latest: MonitorMessage | undefined;
	for (let i = recent.length - 1; i >= 0 && !latest; i--) if (isOperatorMessage(recent[i])) latest = recent[i];
	return latest;
}

/**
 * The next time after `now` when the status line changes by time alone, besides its ages: the data
 * turning STALE, a success notice leaving, the rate-limit stop ending, a scheduled poll's quiet
 * second ending (pollQuietMs).
 */
export function statusChangesAt(state: MonitorState, now: number): number | undefined {
	const notice = latestOperatorMessage(state);
	return earliestAfter(now, [
		staleAfter(state),
		notice?.level === 'info' ? notice.at + noticeInfoMs : undefined,
		state.rateLimitedUntil,
		state.polling !== undefined && state.pollStartedAt !== undefined ? state.pollStartedAt + pollQuietMs : undefined,
	]);
}

/** The earliest of `times` after `now`, if any. */
export function earliestAfter(now: number, times: ReadonlyArray<number | undefined>): number | undefined {
	let earliest: number | undefined;
	for (const time of times) if (time !== undefined && time > now && (earliest === undefined || time < earliest)) earliest = time;
	return earliest;
}

/**
 * A scheduled poll's first second is quiet: the status line says "polling…" only once it has run this
 * long, so a quick poll changes the line once, when its data arrives; a poll the operator asked for (r)
 * says it at once.
 */
export const pollQuietMs = 1000;

export function selectStatus(state: MonitorState, now: number, seenAt?: number): StatusView {
	const zone = state.zones[state.activeZone];
	let banner: string | undefined;
	let notice = selectNotice(state, now, seenAt);
	if (state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now) {
		// An r refused for the limit repeats the banner without its countdown: the banner stays.
		if (notice?.text.startsWith('The API call limit is reached')) notice = undefined;
		banner = `API call limit reached: polling stopped for ${Math.ceil((state.rateLimitedUntil - now) / 1000)} s`;
	} else if (state.failure) {
		banner = `${state.failures > 1 ? `${state.failures} failed polls, backing off: ` : 'Poll failed: '}${state.failure.message}`;
	}
	return {
		ageSeconds: zone?.lastSuccessAt === undefined ? undefined : Math.max(0, Math.floor((now - zone.lastSuccessAt) / 1000)),
		stale: isStale(state, now),
		nextPollSeconds: state.nextPollAt === undefined ? undefined : Math.max(0, Math.ceil((state.nextPollAt - now) / 1000)),
		polling: state.polling !== undefined && (state.pollStartedAt === undefined || now - state.pollStartedAt >= pollQuietMs),
		paused: state.paused,
		banner,
		message: state.messages.last(),
		notice,
	};
}

/** The class filter `f` cycles through. */
export type ClassFilter = 'all' | VisitorClass;
export const classFilters: readonly ClassFilter[] = ['all', 'threat', 'crawler', 'regular'];

/** The zone's rows that pass the class and text filters, still sorted by hits. */
export function filterThreatRows(rows: readonly Visitor[], classFilter: ClassFilter, text: string): readonly Visitor[] {
	const needle = text.trim().toLowerCase();
	if (classFilter === 'all' && needle === '') return rows;
	return rows.filter(row => (classFilter === 'all' || row.classification === classFilter) && (needle === '' || row.ip.toLowerCase().includes(needle) || row.classification.includes(needle)));
}

/** One visible row, with its geo and looked-up score. */
export function threatRowView(row: Visitor, scores: ReadonlyMap<string, {kind: string; score: number}>, rules?: ReadonlyMap<string, 'ban' | 'wl'>): ThreatRowView {
	const score = scores.get(row.ip);
	const hasGeo = row.latitude !== undefined && row.longitude !== undefined && !(row.latitude === 0 && row.longitude === 0);
	return {
		ip: row.ip,
		classification: row.classification,
		hits: row.hits,
		geo: hasGeo ? `${row.latitude?.toFixed(1)},${row.longitude?.toFixed(1)}` : undefined,
		score: score ? `${score.kind}:${score.score}` : undefined,
		rule: rules?.get(row.ip),
	};
}

/** One drift line as the dashboard and the Log show it. */
export interface DriftLineView {
	seq: number;
	zone: string;
	/** "security level high → essentially_off" */
	text: string;
	/** hh:mm:ss when it was noticed. */
	noticed: string;
	/** `D` can put back what flarewatch had set. */
	canPutBack: boolean;
}

/** Does the drift still hold: is what it is about still as it was noticed (not put back, not changed again)? */
export function driftHolds(zone: ZoneState, entry: DriftEntry): boolean {
	const drift = zone.drift;
	if (!drift) return false;
	if (entry.what === 'dns') return entry.change === 'many' || recordWord(drift.records?.list, entry.subject) === entry.toKey;
	if (entry.what === 'rule') return entry.change === 'many' || ruleWord(drift.rules?.list, entry.subject) === entry.toKey;
	// The settings as shown (an action's answer laid over the last poll): what we just set ends it at once.
	const seen = zone.stats ? settingsSeen(zone.stats) : drift.settings?.seen;
	return seen !== undefined && settingWord(seen, entry.what) === entry.toKey;
}

function driftLine(entry: DriftEntry): DriftLineView {
	return {seq: entry.seq, zone: entry.zone, text: driftText(entry), noticed: clockTime(entry.at), canPutBack: entry.putBack !== undefined};
}

/** The zone on screen's drift that still holds, most recent first: the dashboard's lines; `D` takes the first. */
export function selectDrift(state: MonitorState): {lines: readonly DriftLineView[]; entries: readonly DriftEntry[]} {
	const zone = state.zones[state.activeZone];
	const entries = (zone?.drift?.entries ?? []).filter(entry => driftHolds(zone, entry)).reverse();
	return {lines: entries.map(driftLine), entries};
}

/** Every zone's drift, most recent first, as the Log view lists it (held or not). */
export function selectDriftLog(state: MonitorState): readonly string[] {
	const all = state.zones.flatMap(zone => zone.drift?.entries ?? []).sort((a, b) => b.seq - a.seq);
	return all.map(entry => `${clockTime(entry.at)} ${entry.zone}: ${driftText(entry)}`);
}
