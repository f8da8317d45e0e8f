/**
 * The GraphQL face's view of the v1 traffic model: per IP, over one span, how many requests reached
 * the edge (exactly v1 `zone_ips`' hits for the same span) and what happened to them: blocked by an
 * access rule, challenged by the security level, or passed. Nothing here keeps state: every figure
 * is recomputed from the same model, seed and clock v1 reads, so the two faces cannot drift apart.
 */
import {createHash} from 'node:crypto';
import type {EmulatorCore} from '../core.js';
import {asnNames, countryCodes, CRAWLER, REGULAR, THREAT, type Population} from '../population.js';
import {peopleChallengedShare, ruleActions, ruleSources, timelinePieces} from '../rules.js';
import {passedShare, type Measurement} from '../traffic.js';
import type {EmulatorSecurityLevel} from '../types.js';
import type {Zone} from '../world.js';


export type FirewallAction = 'block' | 'challenge' | 'managed_challenge' | 'jschallenge';
export type FirewallSource = 'ip' | 'iprange' | 'asn' | 'country' | 'securitylevel';

/** `count` firewall events of one IP, laid out evenly over [from, to). */
export interface EventRun {
	ip: number;
	action: FirewallAction;
	source: FirewallSource;
	/** The access rule's id for a rule's events; empty for the security level's. */
	ruleId: string;
	from: number;
	to: number;
	count: number;
}

/** One IP's requests over a span. */
export interface IpTraffic {
	ip: number;
	hits: number;
	passed: number;
	runs: EventRun[];
}

export interface SpanTraffic {
	from: number;
	to: number;
	measurement: Measurement;
	ips: IpTraffic[];
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder), summing exactly to `total`. */
function apportion(total: number, weights: number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0);
	if (total <= 0 || sum <= 0) return weights.map(() => 0);
	const exact = weights.map(weight => (total * weight) / sum);
	const parts = exact.map(Math.floor);
	let left = total - parts.reduce((a, b) => a + b, 0);
	const order = exact.map((value, index) => [value - Math.floor(value), index]).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
	for (const [, index] of order) {
		if (left <= 0) break;
		parts[index]++;
		left--;
	}
	return parts;
}

function levelAt(zone: Zone, at: number): EmulatorSecurityLevel {
	const history = zone.securityHistory;
	for (let i = history.length - 1; i > 0; i--) if (history[i].at <= at) return history[i].value;
	return history[0].value;
}

/** [from, to) cut where the security level changed. */
function levelPieces(zone: Zone, from: number, to: number): {from: number; to: number; level: EmulatorSecurityLevel}[] {
	const cuts = [from, ...zone.securityHistory.map(change => change.at).filter(at => at > from && at < to), to].sort((x, y) => x - y);
	const pieces = [];
	for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1] > cuts[i]) pieces.push({from: cuts[i], to: cuts[i + 1], level: levelAt(zone, (cuts[i] + cuts[i + 1]) / 2)});
	return pieces;
}

/** The security level's challenges of a threat's `count` requests over [from, to), as runs; returns how many were challenged. */
function levelChallenges(zone: Zone, ip: number, count: number, from: number, to: number, runs: EventRun[]): number {
	if (count <= 0 || to <= from) return 0;
	const pieces = levelPieces(zone, from, to);
	const weights = pieces.map(piece => (piece.to - piece.from) * (1 - passedShare[piece.level]));
	const challenged = Math.min(count, Math.round((count * weights.reduce((a, b) => a + b, 0)) / (to - from)));
	const parts = apportion(challenged, weights);
	pieces.forEach((piece, index) => {
		// Under attack ("help") the interstitial is the JavaScript challenge; below it, a managed challenge.
		if (parts[index] > 0) runs.push({ip, action: piece.level === 'help' ? 'jschallenge' : 'managed_challenge', source: 'securitylevel', ruleId: '', from: piece.from, to: piece.to, count: parts[index]});
	});
	return challenged;
}

/**
 * What happened to each IP's requests in [from, to). The hits are the model's (v1 `zone_ips`); they
 * are split by the share of the IP's active time each outcome held (a time share: the day/night
 * swing within a span is ignored for the split, never for the totals). An access rule, while it
 * holds, decides alone: a block stops every request, a challenge every threat request and a few of
 * people's, a whitelist none; otherwise the security level challenges its share of threat requests.
 */
export function spanTraffic(core: EmulatorCore, zone: Zone, from: number, to: number): SpanTraffic {
	const measurement = core.traffic.measure(zone, from, to);
	const timelines = core.traffic.ruleTimelines(zone);
	const {population, hits} = measurement;
	const ips: IpTraffic[] = [];
	for (let i = 0; i < hits.length; i++) {
		const total = hits[i];
		if (total <= 0) continue;
		const start = Math.max(from, population.joinAt[i]);
		if (to - start <= 0) continue;
		const threat = population.classOf[i] === THREAT;
		const runs: EventRun[] = [];
		const timeline = timelines?.[i];
		if (!timeline) {
			const challenged = threat ? levelChallenges(zone, i, total, start, to, runs) : 0;
			ips.push({ip: i, hits: total, passed: total - challenged, runs});
			continue;
		}
		const pieces = timelinePieces(timeline, start, to);
		const counts = apportion(total, pieces.map(piece => piece.to - piece.from));
		let stopped = 0;
		pieces.forEach((piece, index) => {
			const count = counts[index];
			const rule = piece.rule;
			if (count <= 0) return;
			if (!rule) {
				if (threat) stopped += levelChallenges(zone, i, count, piece.from, piece.to, runs);
				return;
			}
			if (rule.mode === 'whitelist') return;
			const events = rule.mode === 'block' || threat ? count : Math.round(count * peopleChallengedShare);
			if (events > 0) runs.push({ip: i, action: ruleActions[rule.mode], source: ruleSources[rule.target], ruleId: rule.id, from: piece.from, to: piece.to, count: events});
			stopped += events;
		});
		ips.push({ip: i, hits: total, passed: total - stopped, runs});
	}
	return {from, to, measurement, ips};
}

/** The k-th of a run's events, epoch seconds: evenly spread, never outside [from, to). */
export function eventTime(run: EventRun, k: number): number {
	return run.from + Math.floor(((2 * k + 1) * (run.to - run.from)) / (2 * run.count));
}

/** How many of a run's events fall at or after `at`. */
export function eventsAtOrAfter(run: EventRun, at: number): number {
	if (at <= run.from) return run.count;
	if (at >= run.to) return 0;
	// eventTime(k) >= at  <=>  (2k+1)·len >= 2·(at-from)·count  <=>  k >= ceil((2·(at-from)·count - len) / (2·len))
	const length = run.to - run.from;
	const first = Math.ceil((2 * (at - run.from) * run.count - length) / (2 * length));
	return run.count - Math.min(run.count, Math.max(0, first));
}

// ---- What an IP looks like: country, network, user agent. Derived from the model's own data. ----

/** The visitor's country, two letters (XX: no known location), from the model. */
export function countryOf(population: Population, i: number): string {
	return countryCodes[population.country[i]];
}

/** The visitor's network from the model: AS number (a string, as GraphQL gives it) and name. */
export function networkOf(population: Population, i: number): [string, string] {
	const asn = population.asn[i];
	return [String(asn), asnNames.get(asn) ?? ''];
}

function hashOf(text: string): number {
	return createHash('md5').update(text).digest().readUInt32BE(0);
}

const browsers = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const bots = ['python-requests/2.31.0', 'Go-http-client/1.1', 'curl/8.4.0', 'Mozilla/5.0 (compatible; MJ12bot/v1.4.8)', 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2228.0 Safari/537.36'];
const crawlerAgents: [string, string][] = [
	['15169', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'], ['8075', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
	['13238', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'], ['136907', 'Mozilla/5.0 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)'],
	['714', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)'], ['14618', 'Mozilla/5.0 (compatible; Amazonbot/0.1)'],
];
const threatPaths = ['/wp-login.php', '/xmlrpc.php', '/', '/login', '/.env', '/search'];

/** One user agent and one path per IP: a firewall event's request, as stable as the IP. */
export function requestOf(population: Population, i: number): {userAgent: string; path: string} {
	const h = hashOf(population.ips[i]);
	const cls = population.classOf[i];
	if (cls === THREAT) return {userAgent: bots[h % bots.length], path: threatPaths[(h >>> 8) % threatPaths.length]};
	if (cls === CRAWLER) {
		const [asn] = networkOf(population, i);
		return {userAgent: crawlerAgents.find(([candidate]) => candidate === asn)?.[1] ?? bots[0], path: '/'};
	}
	return {userAgent: browsers[h % browsers.length], path: '/'};
}

/** Cloudflare's ray id form: 16 hex, here a hash of what identifies the event. */
export function rayNameOf(zoneName: string, ip: string, at: number, k: number, action: string): string {
	return createHash('md5').update(`${zoneName}|${ip}|${at}|${k}|${action}`).digest('hex').slice(0, 16);
}


export {CRAWLER, REGULAR, THREAT};
