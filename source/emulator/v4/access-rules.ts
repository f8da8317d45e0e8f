/**
 * IP Access rules, user-level (`/user/firewall/access_rules/rules`) and zone-level
 * (`/zones/{id}/firewall/access_rules/rules`). The same rules v1's ban/wl/nul write: every change is
 * followed by `syncRules`, which the traffic model and v1 read.
 */
import {isIPv4, isIPv6} from 'node:net';
import {ruleModes, ruleTargets, syncRules, type IpAccessRule, type RuleMode, type RuleTarget, type Zone} from '../world.js';
import {zoneOf, type V4Context} from './context.js';
import {bodyObject, combine, direction, invalid, iso, ok, paginate, sortBy, unknownObject, V4Failure, type V4Answer} from './envelope.js';

/** Rules per scope: bounded memory, as v1's ban. */
const maxRules = 10_000;
const maxNotes = 1000;

interface Scope {
	rules: IpAccessRule[];
	replace(rules: IpAccessRule[]): void;
	describe: unknown;
	base: string;
}

function userScope(context: V4Context): Scope {
	const {account} = context;
	return {
		rules: account.userRules,
		replace: rules => void (account.userRules = rules),
		describe: {id: account.id, email: account.email, type: 'user'},
		base: '/client/v4/user/firewall/access_rules/rules',
	};
}

function zoneScope(context: V4Context): Scope {
	const zone: Zone = zoneOf(context);
	return {
		rules: zone.zoneRules,
		replace: rules => void (zone.zoneRules = rules),
		describe: {id: zone.id, name: zone.name, type: 'zone'},
		base: `/client/v4/zones/${zone.id}/firewall/access_rules/rules`,
	};
}

export function scopeOf(context: V4Context): Scope {
	return context.params.zone_id === undefined ? userScope(context) : zoneScope(context);
}

function ruleObject(rule: IpAccessRule, scope: Scope): unknown {
	return {
		id: rule.id,
		paused: false,
		mode: rule.mode,
		allowed_modes: ruleModes,
		configuration: {target: rule.target, value: rule.value},
		notes: rule.notes,
		created_on: iso(rule.createdAt),
		modified_on: iso(rule.modifiedAt),
		scope: scope.describe,
	};
}

function modeOf(value: unknown): RuleMode {
	if (typeof value !== 'string' || !ruleModes.includes(value as RuleMode)) throw invalid(`mode must be one of ${ruleModes.join(', ')}.`);
	return value as RuleMode;
}

function notesOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string' || value.length > maxNotes) throw invalid(`notes must be a string of at most ${maxNotes} characters.`);
	return value;
}

/** A range of the sizes the documentation allows: IPv4 /16 or /24, IPv6 /32, /48 or /64. */
function isAllowedRange(value: string): boolean {
	const [address, bits, extra] = value.split('/');
	if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
	if (isIPv4(address)) return bits === '16' || bits === '24';
	return isIPv6(address) && ['32', '48', '64'].includes(bits);
}

/** Checks a configuration and returns its value in the form the rule keeps. */
function configurationOf(value: unknown): {target: RuleTarget; value: string} {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('configuration must be an object with target and value.');
	const {target, value: given} = value as Record<string, unknown>;
	if (typeof target !== 'string' || !ruleTargets.includes(target as RuleTarget)) throw invalid(`configuration.target must be one of ${ruleTargets.join(', ')}.`);
	if (typeof given !== 'string' || given.trim() === '') throw invalid('configuration.value must be a non-empty string.');
	const text = given.trim();
	switch (target as RuleTarget) {
		case 'ip':
			if (!isIPv4(text)) throw invalid('configuration.value must be an IPv4 address for the target ip.');
			return {target: 'ip', value: text};
		case 'ip6':
			if (!isIPv6(text)) throw invalid('configuration.value must be an IPv6 address for the target ip6.');
			return {target: 'ip6', value: text.toLowerCase()};
		case 'ip_range':
			if (!isAllowedRange(text)) throw invalid('configuration.value must be an IPv4 /16 or /24, or an IPv6 /32, /48 or /64 range.');
			return {target: 'ip_range', value: text.toLowerCase()};
		case 'asn':
			if (!/^(?:AS)?\d{1,10}$/i.test(text)) throw invalid('configuration.value must be an AS number such as AS13335.');
			return {target: 'asn', value: `AS${text.replace(/^as/i, '')}`};
		case 'country':
			if (!/^[A-Za-z][A-Za-z0-9]$/.test(text)) throw invalid('configuration.value must be a two-letter country code.');
			return {target: 'country', value: text.toUpperCase()};
	}
}

function find(context: V4Context, scope: Scope): IpAccessRule {
	const id = context.params.rule_id ?? '';
	const rule = scope.rules.find(candidate => candidate.id === id);
	if (!rule) throw unknownObject(`${scope.base}/${id}`, !/^[0-9a-f]{32}$/.test(id));
	return rule;
}

export function listRules(context: V4Context): V4Answer {
	const scope = scopeOf(context);
	const {query} = context;
	const mode = query.get('mode');
	const target = query.get('configuration.target');
	const value = query.get('configuration.value');
	const notes = query.get('notes');
	const matching = scope.rules.filter(rule =>
		combine(query, [
			...(mode !== null ? [rule.mode === mode] : []),
			...(target !== null ? [rule.target === target] : []),
			...(value !== null ? [rule.value.toLowerCase() === value.trim().toLowerCase()] : []),
			...(notes !== null ? [rule.notes.toLowerCase().includes(notes.toLowerCase())] : []),
		]),
	);
	const order = query.get('order');
	if (order !== null && !['configuration.target', 'configuration.value', 'mode'].includes(order)) throw invalid('order must be one of configuration.target, configuration.value, mode.');
	const sorted = order === null ? matching : sortBy(matching, rule => (order === 'mode' ? rule.mode : order === 'configuration.target' ? rule.target : rule.value), direction(query));
	const page = paginate(sorted, query, 20, 1000);
	return ok(
		page.items.map(rule => ruleObject(rule, scope)),
		page.info,
	);
}

export function getRule(context: V4Context): V4Answer {
	const scope = scopeOf(context);
	return ok(ruleObject(find(context, scope), scope));
}

export function createRule(context: V4Context): V4Answer {
	const scope = scopeOf(context);
	const body = bodyObject(context.body);
	const mode = modeOf(body.mode);
	const configuration = configurationOf(body.configuration);
	const notes = notesOf(body.notes);
	if (scope.rules.some(rule => rule.target === configuration.target && rule.value === configuration.value)) {
		throw new V4Failure(400, [{code: 10009, message: 'firewallaccessrules.api.duplicate_of_existing'}]);
	}
	if (scope.rules.length >= maxRules) throw invalid(`At most ${maxRules} access rules per scope.`);
	const now = context.nowSec;
	const rule: IpAccessRule = {id: context.core.world.newRuleId(), mode, ...configuration, notes, createdAt: now, modifiedAt: now, since: now};
	scope.rules.push(rule);
	syncRules(context.account);
	return ok(ruleObject(rule, scope));
}

export function editRule(context: V4Context): V4Answer {
	const scope = scopeOf(context);
	const rule = find(context, scope);
	const body = bodyObject(context.body);
	// The SDK's typed edit sends `configuration: {}`: an empty one changes nothing.
	const given = body.configuration;
	if (given !== undefined && !(typeof given === 'object' && given !== null && !Array.isArray(given) && Object.keys(given).length === 0)) {
		const configuration = configurationOf(body.configuration);
		if (configuration.target !== rule.target || configuration.value !== rule.value) throw invalid("A rule's configuration cannot be changed; create a new rule.");
	}
	const mode = body.mode === undefined ? rule.mode : modeOf(body.mode);
	const notes = body.notes === undefined ? rule.notes : notesOf(body.notes);
	const now = context.nowSec;
	if (mode !== rule.mode) rule.since = now;
	Object.assign(rule, {mode, notes, modifiedAt: now});
	syncRules(context.account);
	return ok(ruleObject(rule, scope));
}

export function deleteRule(context: V4Context): V4Answer {
	const scope = scopeOf(context);
	const rule = find(context, scope);
	scope.replace(scope.rules.filter(candidate => candidate !== rule));
	syncRules(context.account);
	return ok({id: rule.id});
}
