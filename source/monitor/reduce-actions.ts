/**
 * What a finished action means for the monitor's state, shown at once where the answer tells us (the
 * level in the header, the dev-mode countdown, a row's BANNED badge, the DNS list) and confirmed by the
 * next poll. Pure: the action's entry in, the state out.
 */
import type {ActionEntry} from '../actions/types.js';
import type {DnsRecord, SecurityLevel, ThreatScore, ZoneStats} from '../backend.js';
import {scoreCapacity, type AppliedSettings, type MonitorState, type ZoneState} from './store.js';

/** The label the API uses for each level (what `stats` reports). */
export const securityLabels: Record<SecurityLevel, string> = {help: "I'm under attack!", high: 'High', med: 'Medium', low: 'Low', eoff: 'Essentially Off'};

/** The stats with what actions changed laid over them. */
export function overlaySettings(stats: ZoneStats | undefined, applied: AppliedSettings | undefined): ZoneStats | undefined {
	if (!stats || !applied) return stats;
	const {at: _at, ...changes} = applied;
	const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
	return {...stats, ...defined};
}

function zoneIndex(state: MonitorState, name: string): number {
	return state.zones.findIndex(zone => zone.name.toLowerCase() === name.toLowerCase());
}

function updateZoneNamed(state: MonitorState, name: string, update: (zone: ZoneState) => ZoneState): MonitorState {
	const index = zoneIndex(state, name);
	if (index < 0) return state;
	const zones = state.zones.slice();
	zones[index] = update(zones[index]);
	return {...state, zones};
}

function applySettings(state: MonitorState, name: string, at: number, changes: Omit<AppliedSettings, 'at'>): MonitorState {
	return updateZoneNamed(state, name, zone => {
		const applied: AppliedSettings = {...zone.applied, ...changes, at};
		return {...zone, applied, stats: overlaySettings(zone.stats, applied)};
	});
}

function withRule(state: MonitorState, ip: string, rule: 'ban' | 'wl' | undefined): MonitorState {
	const rules = new Map(state.rules);
	if (rule) rules.set(ip, rule);
	else rules.delete(ip);
	return {...state, rules};
}

function withRecords(state: MonitorState, name: string, change: (records: readonly DnsRecord[]) => readonly DnsRecord[]): MonitorState {
	return updateZoneNamed(state, name, zone => (zone.records ? {...zone, records: change(zone.records)} : zone));
}

/** A lookup's score goes to every zone's list (an IP's score is not per zone). */
function withScore(state: MonitorState, score: ThreatScore): MonitorState {
	const zones = state.zones.map(zone => {
		const scores = new Map(zone.scores);
		scores.delete(score.ip);
		scores.set(score.ip, score);
		while (scores.size > scoreCapacity) scores.delete(scores.keys().next().value as string);
		return {...zone, scores};
	});
	return {...state, zones};
}

/** The state after `entry` finished successfully at `at` (epoch ms). */
export function applyActionDone(state: MonitorState, entry: ActionEntry, at: number): MonitorState {
	const request = entry.request;
	switch (request.kind) {
		case 'security-level':
			return applySettings(state, request.zone.name, at, {securityLevel: request.level, securityLabel: securityLabels[request.level]});
		case 'cache-level':
			return applySettings(state, request.zone.name, at, {cacheLevel: request.level});
		case 'ipv6':
			return applySettings(state, request.zone.name, at, {ipv6: request.on});
		case 'dev-mode': {
			const result = entry.result as {expiresOn?: number} | undefined;
			const until = request.on ? (result?.expiresOn ?? Math.floor(at / 1000) + 3 * 3600) : 0;
			return applySettings(state, request.zone.name, at, {devModeUntil: until});
		}
		case 'purge': {
			const result = entry.result as {cooldownSeconds?: number} | undefined;
			return updateZoneNamed(state, request.zone.name, zone => ({...zone, purgeAllowedAt: at + (result?.cooldownSeconds ?? 0) * 1000}));
		}
		case 'snapshot':
			return updateZoneNamed(state, request.zone.name, zone => ({...zone, lastGrabAt: at}));
		case 'ban':
			return withRule(state, request.ip, 'ban');
		case 'whitelist':
			return withRule(state, request.ip, 'wl');
		case 'clear-rule':
			return withRule(state, request.ip, undefined);
		case 'rule-delete':
			return request.rule.target === 'ip' ? withRule(state, request.rule.value, undefined) : state;
		// Shown by the rules' next listing (challenges, other rules) or by the console itself (details).
		case 'challenge':
		case 'rule-add':
		case 'details':
		case 'purge-files':
			return state;
		case 'lookup':
			return entry.result ? withScore(state, entry.result as ThreatScore) : state;
		case 'dns-add': {
			const record = entry.result as DnsRecord | undefined;
			return record ? withRecords(state, request.zone.name, records => [...records, record]) : state;
		}
		case 'dns-edit': {
			const record = (entry.result as DnsRecord | undefined) ?? request.record;
			return withRecords(state, request.zone.name, records => records.map(candidate => (candidate.id === record.id ? record : candidate)));
		}
		case 'dns-delete-name': {
			const fqdn = request.fqdn.toLowerCase();
			return withRecords(state, request.zone.name, records => records.filter(record => record.name.toLowerCase() !== fqdn));
		}
		case 'dns-update-ip': {
			const hosts = new Set(request.hosts.map(host => host.toLowerCase()));
			const zones = state.zones.map(zone =>
				zone.records ? {...zone, records: zone.records.map(record => (record.type === 'A' && hosts.has(record.name.toLowerCase()) ? {...record, content: request.ip} : record))} : zone,
			);
			return {...state, zones};
		}
	}
}
