/**
 * IP Access rules: account-level (`/accounts/{id}/firewall/access_rules/rules`), user-level
 * (`/user/firewall/access_rules/rules`: the same store, the emulated user having one account) and
 * zone-level (`/zones/{id}/firewall/access_rules/rules`). The same rules v1's ban/wl/nul write:
 * every change is followed by `syncRules`, which the traffic model and v1 read.
 */
import {isIPv4, isIPv6} from 'node:net';
import {canonicalIp, rangeValue} from '../rules.js';
import {ruleModes, ruleTargets, syncRules, type Account, type IpAccessRule, type RuleMode, type RuleTarget, type Zone} from '../world.js';
import {zoneOf, type V4Context} from './context.js';
import {bodyObject, combine, direction, hex32, invalid, iso, ok, paginate, sortBy, unknownObject, V4Failure, type V4Answer} from './envelope.js';
import {accountName} from './zones.js';

/** Rules per scope: the plans' limit (50,000 on every plan in Cloudflare's plan table), which also bounds memory. */
const maxRules = 50_000;
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

/**
 * The caller's account by the route's id. A malformed id is refused as an unroutable object (400,
 * 7003 + 7000), any other id but the caller's own (someone else's or none at all, alike) with 403
 * and 9109, the API's answer where a token may not reach an account (our choice of status).
 */
export function accountOf(context: V4Context): Account {
	const id = context.params.account_id ?? '';
	if (!hex32.test(id)) throw unknownObject(`/client/v4/accounts/${id}`, true);
	if (id !== context.account.id) throw new V4Failure(403, [{code: 9109, message: 'Unauthorized to access requested resource'}]);
	return context.account;
}

/** Account-level rules: the user-level store seen through the account (the scope type is the SDK's `organization`). */
function accountScope(context: V4Context): Scope {
	const account = accountOf(context);
	return {
		rules: account.userRules,
		replace: rules => void (account.userRules = rules),
		describe: {id: account.id, name: accountName(account), type: 'organization'},
		base: `/client/v4/accounts/${account.id}/firewall/access_rules/rules`,
	};
}

export function scopeOf(context: V4Context): Scope {
	if (context.params.zone_id !== undefined) return zoneScope(context);
	return context.params.account_id === undefined ? userScope(context) : accountScope(context);
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

const regionNames = new Intl.DisplayNames(['en'], {type: 'region'});

/** An ISO 3166-1 alpha-2 code, or Cloudflare's own T1 (Tor) and XX (unknown). */
function isCountryCode(code: string): boolean {
	if (code === 'T1' || code === 'XX') return true;
	if (!/^[A-Z]{2}$/.test(code)) return false;
	const name = regionNames.of(code);
	return name !== undefined && name !== code && name !== 'Unknown Region';
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
			return {target: 'ip6', value: canonicalIp(text)};
		case 'ip_range': {
			const range = rangeValue(text);
			if (range === undefined) throw invalid('configuration.value must be an IPv4 range of prefix length /16 or /24, or an IPv6 range of prefix length /32, /48 or /64.');
			return {target: 'ip_range', value: range};
		}
		case 'asn':
			if (!/^(?:AS)?\d{1,10}$/i.test(text) || Number(text.replace(/^as/i, '')) > 4_294_967_295) throw invalid('configuration.value must be an AS number such as AS13335.');
			return {target: 'asn', value: `AS${Number(text.replace(/^as/i, ''))}`};
		case 'country':
			if (!isCountryCode(text.toUpperCase())) throw invalid('configuration.value must be a two-letter ISO 3166-1 country code (or T1 for Tor).');
			return {target: 'country', value: text.toUpperCase()};
	}
}

/** The documentation: blocking a country is for Enterprise plans only, and the emulator has none. */
function checkPlan(mode: RuleMode, target: RuleTarget): void {
	if (mode === 'block' && target === 'country') throw invalid('Block by country is only available on Enterprise plans.');
}

/** A list filter's value in the form rules keep, so `configuration.value` finds a rule however it is spelled. */
function filterValue(value: string): string {
	const text = value.trim();
	if (isIPv6(text)) return canonicalIp(text);
	if (text.includes('/')) return rangeValue(text) ?? text.toLowerCase();
	if (/^as\d+$/i.test(text)) return `AS${Number(text.slice(2))}`;
	return text.length === 2 ? text.toUpperCase() : text;
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
	const given = query.get('configuration.value');
	const value = given === null ? null : filterValue(given);
	const notes = query.get('notes');
	if (mode !== null && !ruleModes.includes(mode as RuleMode)) throw invalid(`mode must be one of ${ruleModes.join(', ')}.`);
	if (target !== null && !ruleTargets.includes(target as RuleTarget)) throw invalid(`configuration.target must be one of ${ruleTargets.join(', ')}.`);
	const matching = scope.rules.filter(rule =>
		combine(query, [
			...(mode !== null ? [rule.mode === mode] : []),
			// The filter's documented targets are ip, ip_range, asn, country: ip finds ip6 rules too (our choice).
			...(target !== null ? [rule.target === target || (target === 'ip' && rule.target === 'ip6')] : []),
			...(value !== null ? [rule.value === value] : []),
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
	checkPlan(mode, configuration.target);
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
	checkPlan(mode, rule.target);
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
