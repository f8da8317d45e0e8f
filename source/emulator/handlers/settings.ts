/** Actions that read or change a zone's settings and access rules. */
import {isIP} from 'node:net';
import {ApiFailure, echo, vParam, zoneParam, type ActionHandler, type ActionContext, type Envelope} from './context.js';
import {taint} from '../hostile.js';
import {bareSuccess, success, type Json} from '../json.js';
import {purgeCooldownSeconds, zoneGrabIntervalSeconds} from '../limits.js';
import {hashString} from '../rng.js';
import type {EmulatorCacheLevel, EmulatorSecurityLevel} from '../types.js';
import {devModeExpiresAt, ipTarget, normaliseZoneName, setCacheLevel, setDevMode, setIpv6, setSecurityLevel, syncRules, type IpAccessRule, type Zone} from '../world.js';

const securityLevels: readonly EmulatorSecurityLevel[] = ['low', 'med', 'high', 'help', 'eoff'];
const cacheLevels: readonly EmulatorCacheLevel[] = ['agg', 'basic'];
/** Access rules per zone: bounded memory whatever a client sends. */
const maxRules = 10_000;

/**
 * Setting changes answer in the fuller form of the 2012-13 response fixtures: the zone object under
 * `response.zone.obj` (the bare `{"msg":null,"result":"success"}` of other captures carries less; no
 * known client reads either).
 */
function withZone(context: ActionContext, zone: Zone, response: Record<string, Json> = {}): Envelope {
	return success({...response, zone: {obj: zoneObject(zone, context)}});
}

export const secLvl: ActionHandler = context => {
	const zone = zoneParam(context);
	setSecurityLevel(zone, vParam(context, securityLevels), context.nowSec);
	return withZone(context, zone);
};

export const cacheLvl: ActionHandler = context => {
	const zone = zoneParam(context);
	setCacheLevel(zone, vParam(context, cacheLevels), context.nowSec);
	return withZone(context, zone);
};

export const devmode: ActionHandler = context => {
	const zone = zoneParam(context);
	const on = vParam(context, ['0', '1']) === '1';
	// Switched off, expires_on is the moment it ended (what stats' dev_mode reports afterwards).
	const expiresOn = setDevMode(zone, on, context.nowSec);
	return withZone(context, zone, {expires_on: expiresOn});
};

export const fpurge: ActionHandler = context => {
	const zone = zoneParam(context);
	vParam(context, ['1']);
	const wait = zone.lastPurgeAt + purgeCooldownSeconds - context.nowSec;
	if (zone.lastPurgeAt > 0 && wait > 0) {
		throw new ApiFailure(`The cache was purged less than ${purgeCooldownSeconds} seconds ago; try again in ${wait} seconds.`, undefined, {attributes: {cooldown: wait}});
	}
	zone.lastPurgeAt = context.nowSec;
	return {attributes: {cooldown: purgeCooldownSeconds}, response: {fpurge_ts: context.nowSec}, result: 'success', msg: null};
};

export const ipv46: ActionHandler = context => {
	const zone = zoneParam(context);
	// The 2011 documentation enables with 1, the 2012 one with 3; clients of both eras exist.
	setIpv6(zone, vParam(context, ['0', '1', '3']) !== '0', context.nowSec);
	return withZone(context, zone);
};

export const zoneGrab: ActionHandler = context => {
	const zone = zoneParam(context);
	const next = zone.lastGrabAt + zoneGrabIntervalSeconds;
	if (zone.lastGrabAt > 0 && context.nowSec < next) {
		const hours = Math.ceil((next - context.nowSec) / 3600);
		throw new ApiFailure(`zone_grab is limited to once per zone per day; try again in ${hours} hour${hours === 1 ? '' : 's'}.`);
	}
	zone.lastGrabAt = context.nowSec;
	return bareSuccess();
};

export const prePurge: ActionHandler = context => {
	const zone = zoneParam(context);
	zone.lastPreloadPurgeAt = context.nowSec;
	return success({result: 'success', msg: null}, echo(context));
};

export const zoneCheck: ActionHandler = context => {
	const items = (context.params.get('zones') ?? '').split(',').map(name => name.trim());
	// The real service appended "\n" to the last item after splitting, even an empty one: a trailing
	// comma answers an extra "\n": 0 (node-cloudflare deletes that key) and leaves the names clean.
	const trailingComma = items.length > 1 && items[items.length - 1] === '';
	const names = items.filter(name => name !== '');
	if (names.length === 0) throw new ApiFailure('No zones given: pass zones=example.com,example.net.', 'E_INVLDINPUT');
	const zones: Record<string, Json> = {};
	names.forEach((name, index) => {
		const zone = context.core.world.zoneOf(context.account, normaliseZoneName(name));
		zones[index === names.length - 1 && !trailingComma ? `${name}\n` : name] = zone && !/^\d+$/.test(name) ? zone.zid : 0;
	});
	if (trailingComma) zones['\n'] = 0;
	return success({zones}, echo(context));
};

/** The nameservers the 2012 documentation shows for a full-setup ("F") zone. */
const nameservers = ['norm.ns.cloudflare.com', 'pat.ns.cloudflare.com'];

/** A stable 32-hex confirm code (the real ones were md5-like tokens, one per zone and action). */
function confirmCode(zone: Zone, action: string): string {
	return hashString(`${action}:${zone.zid}`).toString(16).padStart(8, '0').repeat(4);
}

/** The 2012 documentation's zone object; its status, confirm codes and allow list follow dev mode. */
function zoneObject(zone: Zone, context: ActionContext): Json {
	const pro = zone.plan === 'pro';
	const name = taint(zone.name, context.core.hostile);
	const devMode = devModeExpiresAt(zone, context.nowSec) > 0;
	const confirm: Record<string, Json> = {zone_deactivate: confirmCode(zone, 'zone_deactivate')};
	if (!devMode) confirm.zone_dev_mode1 = confirmCode(zone, 'zone_dev_mode1');
	return {
		zone_id: String(zone.zid),
		user_id: String(100_000 + context.core.world.accounts.indexOf(zone.owner)),
		zone_name: name,
		display_name: name,
		zone_status: 'V',
		zone_mode: '1',
		host_id: null,
		zone_type: 'F',
		host_pubname: null,
		host_website: null,
		vtxt: null,
		fqdns: nameservers,
		step: '4',
		zone_status_class: devMode ? 'status-dev-mode' : 'status-active',
		zone_status_desc: devMode ? devModeDescription : activeDescription,
		ns_vanity_map: [],
		orig_registrar: null,
		orig_dnshost: null,
		orig_ns_names: null,
		// Every prop is an integer, as typed clients expect.
		props: {dns_cname: 0, dns_partner: 0, dns_anon_partner: 0, pro: pro ? 1 : 0, expired_pro: 0, pro_sub: pro ? 1 : 0, ssl: 0, expired_ssl: 0, expired_rs_pro: 0, reseller_pro: 0, force_interal: 0, ssl_needed: 0, alexa_rank: 0},
		confirm_code: confirm,
		allow: ['analytics', 'threat_control', 'cf_apps', 'dns_editor', 'cf_settings', 'page_rules', 'zone_deactivate', devMode ? 'zone_dev_mode0' : 'zone_dev_mode1'],
	};
}

const activeDescription = 'CloudFlare powered, this website will be accelerated and protected';
const devModeDescription = "Development mode active: CloudFlare's accelerated cache is inactive on this site, so changes to cachable content (like images, CSS, or JavaScript) are visible immediately.";

export const zoneLoadMulti: ActionHandler = context => {
	const objs = context.account.zones.map(zone => zoneObject(zone, context));
	return success({zones: {has_more: false, count: objs.length, objs}}, echo(context));
};

/**
 * wl/ban/nul, shared with api.html. In API v4's terms: without a zone, a user-level rule (every zone;
 * it replaces the zone-level rules for that IP, as the old per-zone write did); with a zone, a
 * zone-level rule. `nul` with a zone on an IP covered by a user-level rule splits that rule into
 * zone-level rules on the other zones, so the IP is free on this zone only, as v1 had it.
 */
export function applyRule(context: ActionContext, action: 'wl' | 'ban' | 'nul'): string {
	const given = (context.params.get('key') ?? context.params.get('ip') ?? '').trim();
	if (given === '') throw new ApiFailure('Some other input was not valid', 'E_INVLDINPUT');
	if (isIP(given) === 0) throw new ApiFailure('Malformed IPv4 address passed in.', 'E_INVLDIP');
	const ip = isIP(given) === 6 ? given.toLowerCase() : given;
	const {account, nowSec} = context;
	const named = context.params.get('z') ?? context.params.get('zone') ?? context.params.get('zid');
	const zone = named === undefined ? undefined : zoneParam(context);
	const isThisIp = (rule: IpAccessRule): boolean => (rule.target === 'ip' || rule.target === 'ip6') && rule.value === ip;
	const mode = action === 'wl' ? 'whitelist' : 'block';
	if (action !== 'nul') {
		const scope = zone ? zone.zoneRules : account.userRules;
		if (scope.length >= maxRules && !scope.some(isThisIp)) throw new ApiFailure(`Too many access rules on this zone (at most ${maxRules}).`, 'E_INVLDINPUT');
	}
	if (zone) {
		zone.zoneRules = zone.zoneRules.filter(rule => !isThisIp(rule));
		if (action === 'nul') {
			const shared = account.userRules.filter(isThisIp);
			account.userRules = account.userRules.filter(rule => !isThisIp(rule));
			for (const rule of shared) {
				for (const other of account.zones) {
					if (other !== zone && !other.zoneRules.some(isThisIp)) other.zoneRules.push({...rule, id: context.core.world.newRuleId()});
				}
			}
		} else {
			zone.zoneRules.push(newRule(context, mode, ip, nowSec));
		}
	} else {
		for (const each of account.zones) each.zoneRules = each.zoneRules.filter(rule => !isThisIp(rule));
		const existing = account.userRules.find(isThisIp);
		if (action === 'nul') account.userRules = account.userRules.filter(rule => !isThisIp(rule));
		else if (existing && existing.mode !== mode) Object.assign(existing, {mode, modifiedAt: nowSec, since: nowSec});
		else if (!existing) account.userRules.push(newRule(context, mode, ip, nowSec));
	}
	syncRules(account);
	return ip;
}

function newRule(context: ActionContext, mode: 'block' | 'whitelist', ip: string, nowSec: number): IpAccessRule {
	return {id: context.core.world.newRuleId(), mode, target: ipTarget(ip), value: ip, notes: '', createdAt: nowSec, modifiedAt: nowSec, since: nowSec};
}

export function ruleAction(action: 'wl' | 'ban' | 'nul'): ActionHandler {
	return (context): Envelope => {
		const ip = applyRule(context, action);
		return success({result: {action: action.toUpperCase(), ip}}, echo(context));
	};
}
