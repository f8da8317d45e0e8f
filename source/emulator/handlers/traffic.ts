/** Actions that read the traffic model: stats, zone_ips, ip_lkup. */
import {isIP} from 'node:net';
import {ApiFailure, echo, zoneParam, type ActionHandler} from './context.js';
import {taint} from '../hostile.js';
import {encodeJson, encodeString, RawJson, success, type Json} from '../json.js';
import {classNames, CRAWLER, REGULAR, THREAT} from '../population.js';
import type {EmulatorSecurityLevel} from '../types.js';

const hour = 3600;
const day = 86_400;

/** Interval → [seconds back to the window's start, seconds back to its end]. */
const windows: Record<number, [number, number]> = {
	10: [366 * day, day],
	20: [31 * day, day],
	30: [8 * day, day],
	40: [2 * day, day],
	100: [24 * hour, 0],
	110: [12 * hour, 0],
	120: [6 * hour, 0],
};
const proOnly = new Set([100, 110, 120]);

/** The labels of `userSecuritySetting` (the documentation shows "High"). */
export const securityLabels: Record<EmulatorSecurityLevel, string> = {help: "I'm under attack!", high: 'High', med: 'Medium', low: 'Low', eoff: 'Essentially Off', off: 'Off'};

export const stats: ActionHandler = context => {
	const zone = zoneParam(context);
	const given = (context.params.get('interval') ?? '20').trim() || '20';
	const interval = /^\d+$/.test(given) ? Number(given) : Number.NaN;
	const window = windows[interval];
	if (!window) throw new ApiFailure('Invalid interval: use 10, 20, 30 or 40 (100, 110 and 120 for Pro zones).', 'interval');
	if (proOnly.has(interval) && zone.plan !== 'pro') throw new ApiFailure(`Interval ${interval} is only available to Pro zones; ${zone.name} is on the Free plan.`);
	const now = context.nowSec;
	const from = now - window[0];
	const to = now - window[1];
	const measurement = context.core.traffic.measure(zone, from, to);
	const [regular, crawler, threat] = measurement.edge;
	const edgeRequests = Math.round(regular + crawler + threat);
	const originRequests = Math.min(edgeRequests, Math.round(measurement.origin));
	const threatShare = edgeRequests > 0 ? threat / edgeRequests : 0;
	const lastDevMode = zone.devModes.at(-1);
	const nowMs = context.core.clock.nowMs();
	const obj: Record<string, Json> = {
		cachedServerTime: nowMs,
		cachedExpryTime: nowMs + (proOnly.has(interval) ? 30_000 : 12 * hour * 1000),
		trafficBreakdown: {
			pageviews: {regular: Math.round(regular * 0.4), threat: Math.round(threat), crawler: Math.round(crawler * 0.9)},
			uniques: {regular: measurement.uniques[REGULAR], threat: measurement.uniques[THREAT], crawler: measurement.uniques[CRAWLER]},
		},
		bandwidthServed: {cloudflare: round4(edgeRequests * 2.1), user: round4(originRequests * 2.6)},
		requestsServed: {cloudflare: edgeRequests, user: originRequests},
		// The origin slows down under attack; the edge less so.
		pageLoadTime: {without: round2(0.9 + 3 * threatShare), cloudflare: round2(0.45 + 0.6 * threatShare)},
		totalUserTimeSaved: null,
		pro_zone: zone.plan === 'pro',
		currentServerTime: nowMs,
		interval,
		zoneCDate: zone.createdAt * 1000,
		userSecuritySetting: taint(securityLabels[zone.securityLevel], context.core.hostile),
		dev_mode: lastDevMode ? lastDevMode.to : 0,
		// 3 = "Full", the value the 2012 documentation gives for IPv6 on.
		ipv46: zone.ipv6 ? 3 : 0,
		ob: 1,
		cache_lvl: zone.cacheLevel,
	};
	return success({result: {timeZero: from * 1000, timeEnd: to * 1000, count: 1, has_more: false, objs: [obj]}}, echo(context));
};

function round2(value: number): number {
	return Math.round(value * 100) / 100;
}

function round4(value: number): number {
	return Math.round(value * 10_000) / 10_000;
}

/** A Map, not an object: `class=constructor` must be refused, not matched to an inherited member. */
const classFilter: ReadonlyMap<string, number> = new Map([
	['r', REGULAR],
	['s', CRAWLER],
	['c', CRAWLER],
	['t', THREAT],
]);

export const zoneIps: ActionHandler = context => {
	const zone = zoneParam(context);
	const hoursGiven = (context.params.get('hours') ?? '24').trim() || '24';
	const hours = /^\d+$/.test(hoursGiven) ? Number(hoursGiven) : Number.NaN;
	if (!(hours >= 1 && hours <= 48)) throw new ApiFailure('hours must be a whole number between 1 and 48.', 'hours');
	const classGiven = context.params.get('class');
	let only: number | undefined;
	if (classGiven !== undefined && classGiven !== '') {
		only = classFilter.get(classGiven);
		if (only === undefined) throw new ApiFailure('class must be one of r|s|t.', 'class');
	}
	const geoGiven = context.params.get('geo');
	const geo = geoGiven !== undefined && geoGiven !== '0';
	const now = context.nowSec;
	const hostile = context.core.hostile;
	const key = `${zone.zid}:${zone.version}:${now - hours * hour}:${now}:${only ?? ''}:${geo}:${hostile}`;
	const list = context.core.traffic.listing(key, () => {
		const {population, hits, currentClass} = context.core.traffic.measure(zone, now - hours * hour, now);
		const chosen: number[] = [];
		for (let i = 0; i < hits.length; i++) {
			if (hits[i] > 0 && (only === undefined || currentClass[i] === only)) chosen.push(i);
		}
		chosen.sort((x, y) => hits[y] - hits[x] || x - y);
		const zoneName = encodeString(taint(zone.name, hostile));
		// Hand-built: flood's 50,000 rows through the generic encoder would stall every other request.
		const rows: string[] = hostile ? [encodeJson({ip: taint('203.0.113.66', true), classification: 'threat', hits: 666, zone_name: taint(zone.name, true)})] : [];
		for (const i of chosen) {
			const coordinates = geo ? `,"latitude":${population.latitude[i]},"longitude":${population.longitude[i]}` : '';
			rows.push(`{"ip":${encodeString(population.ips[i])},"classification":"${classNames[currentClass[i]]}","hits":${hits[i]}${coordinates},"zone_name":${zoneName}}`);
		}
		return `[${rows.join(',')}]`;
	});
	return success({ips: new RawJson(list)}, echo(context));
};

export const ipLookup: ActionHandler = context => {
	const ip = (context.params.get('ip') ?? '').trim();
	if (isIP(ip) === 0) throw new ApiFailure('Invalid IP address.', 'ip');
	const score = context.core.traffic.score(context.account.zones, ip, context.nowSec);
	return success({[ip]: score}, echo(context));
};
