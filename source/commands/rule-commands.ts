/**
 * `rules list|add|rm`: the IP Access rules of the configured zones and their account, whoever made
 * them (API v4). Also what `ban`, `whitelist`, `challenge` and `unban` share on v4: the notes every
 * rule we make carries (actions/rule-notes.ts), and the ownership rule: a rule flarewatch did not
 * make is only replaced or removed with `--foreign`, and the refusal quotes its notes, so the operator
 * knows whose it is before touching it.
 */
import {BlockList, isIP} from 'node:net';
import {createGuard} from '../actions/guard.js';
import {formatRuleNote, operatorIdentity, parseRuleNote} from '../actions/rule-notes.js';
import type {AccessRule, NewAccessRule, RuleMode, RuleTarget, ZoneRef} from '../backend.js';
import {ruleModes, ruleTargets} from '../backend.js';
import {FlarewatchError, isFlarewatchError, type FailureKind} from '../errors.js';
import {formatLocalTime, formatTable, inert} from '../lib/format.js';
import {canonicalIp} from '../lib/ip.js';
import {asnValue, checkRuleRange, checkRuleTarget, checkText, quote, requireValid, validated} from '../lib/validate.js';
import {flagSet, flagValue, needsCapability, usageError, type CommandContext, type CommandProblem, type CommandSpec, type ParsedArgs} from './spec.js';
import {eachZone, worstExitCode} from './zones.js';

/** Rules by id, listed whoever made them: API v4's. */
export const ruleListingNeed = needsCapability('ruleListing', 'v4', 'Rules by id are an API v4 feature; v1 has only ban, wl and nul on one address (no ids, no listing). `flarewatch ban|whitelist|unban IP` use those.');

/** The longest --reason: the notes keep 200 characters of it (rule-notes.ts). */
const maxReason = 200;

/** Our word for what a rule does, as the notes say it ("flarewatch: allow by ops@bastion"). */
const noteAction: Record<RuleMode, string> = {block: 'block', whitelist: 'allow', managed_challenge: 'challenge', challenge: 'challenge', js_challenge: 'js-challenge'};

export const reasonFlag = {name: 'reason', value: 'TEXT', description: 'why, kept in the rule\'s notes with flarewatch and your user@host (API v4)'} as const;
export const foreignFlag = {name: 'foreign', description: 'also replace or remove a rule flarewatch did not make (its notes are shown first)'} as const;

/** --reason, checked: bounded, no control characters. */
export function reasonOf(args: ParsedArgs): string | undefined {
	const reason = flagValue(args, '--reason');
	if (reason !== undefined) requireValid('reason', reason.trim() === '' ? 'is empty' : checkText(reason, maxReason));
	return reason;
}

/** The notes of a rule we make now. */
export function notesFor(mode: RuleMode, reason: string | undefined, until?: number): string {
	return formatRuleNote({action: noteAction[mode], operator: operatorIdentity(), ...(until === undefined ? {} : {until}), ...(reason === undefined ? {} : {reason})});
}

/** Flags that only mean something where rules carry notes: refused on v1 rather than silently dropped. */
export function refuseNotesFlags(ctx: CommandContext): void {
	if (ctx.backend.capabilities.ruleNotes) return;
	for (const flag of ['--reason', '--foreign']) {
		if (ctx.args.flags.has(flag)) throw usageError(`${flag} needs rule notes, which API v1 rules do not have (API v4 has them); nothing was sent.`);
	}
}

/** A rule's target and value as the API takes them: checked, and spelt one way (AS13335, CN, canonical addresses). */
export function checkRuleValue(target: RuleTarget, raw: string, mode: RuleMode): string {
	const value = raw.trim();
	switch (target) {
		case 'ip':
			// A block or challenge of an address no visitor can have is a typo; so is a whitelist of one.
			validated('IP address', value, candidate => checkRuleTarget(candidate, mode === 'whitelist' ? 'whitelist' : 'ban'));
			return canonicalIp(value) ?? value;
		case 'ip_range': {
			requireValid('range', checkRuleRange(value));
			const [address = '', bits = ''] = value.split('/');
			return `${canonicalIp(address) ?? address}/${bits}`;
		}
		case 'asn': {
			const asn = asnValue(value);
			requireValid('ASN', asn === undefined ? `${quote(raw)} is not an autonomous system number such as AS13335` : undefined);
			return asn!;
		}
		case 'country':
			requireValid('country', /^[A-Za-z]{2}$/.test(value) ? undefined : `${quote(raw)} is not a two-letter country code such as CN`);
			return value.toUpperCase();
	}
}

/**
 * The never-ban list (--never-ban, "neverBan") against a rule that blocks or challenges: an address
 * on it, or a range that holds one, is refused before anything is sent. Whitelisting is never refused.
 */
export function checkNeverBan(ctx: CommandContext, rule: Pick<NewAccessRule, 'mode' | 'target' | 'value'>): void {
	if (rule.mode === 'whitelist' || (rule.target !== 'ip' && rule.target !== 'ip_range')) return;
	const guard = createGuard(ctx.config.neverBan, {});
	const [address = '', bits] = rule.value.split('/');
	let guarded = guard.check(address);
	if (!guarded && bits !== undefined) {
		const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
		const range = new BlockList();
		range.addSubnet(address, Number(bits), type);
		guarded = guard.entries.find(entry => {
			const base = entry.pattern.split('/')[0]!;
			return isIP(base) === isIP(address) && range.check(base, type);
		})?.reason;
	}
	if (guarded) throw usageError(`${quote(rule.value)} is ${rule.target === 'ip' ? '' : 'a range holding an address '}${guarded}, so it is not ${rule.mode === 'block' ? 'banned' : 'challenged'}; nothing was sent.`);
}

/** Who made a rule, read from its notes. */
export function ownerOf(rule: AccessRule): {ours: boolean; operator: string | null} {
	const note = parseRuleNote(rule.notes);
	return {ours: note !== undefined, operator: note?.operator ? note.operator : null};
}

/** A rule in --json: every field, times in epoch seconds (null when the API did not say). */
export function ruleJson(rule: AccessRule): Record<string, unknown> {
	const {ours, operator} = ownerOf(rule);
	return {id: rule.id, scope: rule.scope, mode: rule.mode, target: rule.target, value: rule.value, notes: rule.notes, ours, operator, createdAt: rule.createdAt > 0 ? Math.floor(rule.createdAt / 1000) : null};
}

/** `block ip 203.0.113.7`, for messages. */
export function ruleText(rule: Pick<AccessRule, 'mode' | 'target' | 'value'>): string {
	return `${inert(rule.mode)} ${inert(rule.target)} ${inert(rule.value)}`;
}

function notesText(rule: AccessRule): string {
	return rule.notes === '' ? 'it has no notes' : `its notes say ${quote(rule.notes, 120)}`;
}

/** Refuses to touch a rule someone else made, unless --foreign says so; the message says whose it is. */
export function requireOwnedOrForeign(ctx: CommandContext, rule: AccessRule, doing: string): void {
	if (ownerOf(rule).ours || flagSet(ctx.args, '--foreign')) return;
	throw usageError(`Rule ${inert(rule.id)} (${ruleText(rule)}) was not made by flarewatch: ${notesText(rule)}. Add --foreign to ${doing} it anyway; nothing was changed.`);
}

function sameValue(target: string, a: string, b: string): boolean {
	if (target === 'ip' || target === 'ip_range') return (canonicalIp(a.split('/')[0]!) ?? a).toLowerCase() === (canonicalIp(b.split('/')[0]!) ?? b).toLowerCase() && a.split('/')[1] === b.split('/')[1];
	return a.toUpperCase() === b.toUpperCase();
}

/** The zone's own rules (not the account's) on that target and value. */
export async function zoneRulesOn(ctx: CommandContext, zone: ZoneRef, target: RuleTarget, value: string): Promise<{zoneRules: AccessRule[]; accountRules: AccessRule[]}> {
	const {rules} = await ctx.backend.listRules!(zone);
	const matching = rules.filter(rule => rule.target === target && sameValue(target, rule.value, value));
	return {zoneRules: matching.filter(rule => rule.scope === 'zone'), accountRules: matching.filter(rule => rule.scope === 'account')};
}

/**
 * Makes the rule in one zone, after looking at the rule it would replace (the API keeps one per
 * target and value in a zone): ours is replaced, anyone else's only with --foreign.
 */
export async function putRule(ctx: CommandContext, zone: ZoneRef, rule: NewAccessRule): Promise<{rule: AccessRule; replaced?: AccessRule}> {
	const {zoneRules} = await zoneRulesOn(ctx, zone, rule.target, rule.value);
	const [existing] = zoneRules;
	if (existing) requireOwnedOrForeign(ctx, existing, 'replace');
	const made = await ctx.backend.addRule!(zone, rule);
	return {rule: made, ...(existing ? {replaced: existing} : {})};
}

function pick<T extends string>(raw: string | undefined, allowed: readonly T[], field: string): T | undefined {
	if (raw === undefined) return undefined;
	requireValid(field, allowed.includes(raw as T) ? undefined : `${quote(raw, 30)} is not one of ${allowed.join(', ')}`);
	return raw as T;
}

interface ListFilter {
	mode?: RuleMode;
	target?: RuleTarget;
	value?: string;
	owner?: 'ours' | 'others';
}

function listFilter(args: ParsedArgs): ListFilter {
	const mode = pick(flagValue(args, '--mode'), ruleModes, 'mode');
	const target = pick(flagValue(args, '--target'), ruleTargets, 'target');
	if (flagSet(args, '--ours') && flagSet(args, '--others')) throw usageError('Give --ours or --others, not both.');
	const rawValue = flagValue(args, '--value');
	if (rawValue !== undefined) requireValid('value', rawValue.trim() === '' ? 'is empty' : checkText(rawValue, 100));
	return {
		...(mode ? {mode} : {}),
		...(target ? {target} : {}),
		...(rawValue === undefined ? {} : {value: rawValue.trim()}),
		...(flagSet(args, '--ours') ? {owner: 'ours' as const} : flagSet(args, '--others') ? {owner: 'others' as const} : {}),
	};
}

function matches(rule: AccessRule, filter: ListFilter): boolean {
	if (filter.mode && rule.mode !== filter.mode) return false;
	if (filter.target && rule.target !== filter.target) return false;
	if (filter.value !== undefined && !sameValue(rule.target, rule.value, filter.value)) return false;
	if (filter.owner && ownerOf(rule).ours !== (filter.owner === 'ours')) return false;
	return true;
}

/** Notes are free text from anyone: cut so one long note does not push the table off the screen. */
function shortNotes(notes: string): string {
	return notes.length > 60 ? `${notes.slice(0, 59)}…` : notes;
}

function ruleRows(rules: readonly AccessRule[]): string[] {
	return formatTable(
		['Id', 'Scope', 'Mode', 'Target', 'Value', 'Ours', 'Notes', 'Created'],
		rules.map(rule => [rule.id, rule.scope, rule.mode, rule.target, rule.value, ownerOf(rule).ours ? 'yes' : 'no', shortNotes(rule.notes), rule.createdAt > 0 ? formatLocalTime(rule.createdAt) : '-']),
	);
}

function addRequest(args: ParsedArgs): NewAccessRule & {reason?: string} {
	const rawMode = flagValue(args, '--mode');
	if (rawMode === undefined) throw usageError(`flarewatch rules add needs --mode ${ruleModes.join('|')}.`);
	const mode = pick(rawMode, ruleModes, 'mode')!;
	const target = pick(flagValue(args, '--target') ?? 'ip', ruleTargets, 'target')!;
	const value = checkRuleValue(target, args.positionals[0]!, mode);
	const reason = reasonOf(args);
	return {mode, target, value, notes: '', ...(reason === undefined ? {} : {reason})};
}

const ruleIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

function ruleIds(args: ParsedArgs): string[] {
	for (const id of args.positionals) requireValid('rule id', ruleIdPattern.test(id) ? undefined : `${quote(id, 70)} is not a rule id (letters, digits, - and _; flarewatch rules list shows them)`);
	return [...new Set(args.positionals)];
}

/** Failures after which the next removal would fail the same way (as zones.ts stops a command over zones). */
const stopsTheRest: ReadonlySet<FailureKind> = new Set(['auth', 'rate-limit', 'gone', 'network', 'timeout']);

export const ruleCommands: CommandSpec[] = [
	{
		name: 'rules list',
		summary: 'the IP Access rules of each zone and its account, whoever made them',
		usage: '[--mode M] [--target T] [--value V] [--ours|--others]',
		details: [
			'Ours = made by flarewatch (the notes name it, with the operator\'s user@host and the reason).',
			'JSON: {zones: [{zone, rules: [{id, scope, mode, target, value, notes, ours, operator, createdAt}], accountUnavailable?}], callsLeft}; createdAt in epoch seconds.',
		],
		examples: ['flarewatch rules list', 'flarewatch rules list --others --mode whitelist', 'flarewatch rules list --value 203.0.113.7 --json'],
		flags: [
			{name: 'mode', value: 'M', description: `only rules of this mode: ${ruleModes.join(', ')}`},
			{name: 'target', value: 'T', description: `only rules on this kind of target: ${ruleTargets.join(', ')}`},
			{name: 'value', value: 'V', description: 'only rules on this address, range, ASN or country'},
			{name: 'ours', description: 'only rules flarewatch made'},
			{name: 'others', description: 'only rules flarewatch did not make'},
		],
		positionals: [0, 0],
		mutating: false,
		needs: ruleListingNeed,
		check: args => void listFilter(args),
		async run(ctx) {
			const filter = listFilter(ctx.args);
			return eachZone(
				ctx,
				async zone => {
					const listing = await ctx.backend.listRules!(zone);
					const rules = listing.rules.filter(rule => matches(rule, filter)).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
					const heading = `${inert(zone.name)}: ${rules.length} rule${rules.length === 1 ? '' : 's'}${listing.rules.length === rules.length ? '' : ` of ${listing.rules.length}`}`;
					const unavailable = listing.accountUnavailable === undefined ? [] : [`(the account's rules could not be read: ${inert(listing.accountUnavailable)})`];
					return {
						lines: [heading, ...unavailable, ...(rules.length > 0 ? ruleRows(rules) : [])],
						json: {zone: zone.name, rules: rules.map(ruleJson), ...(listing.accountUnavailable === undefined ? {} : {accountUnavailable: listing.accountUnavailable})},
					};
				},
				{resolve: true},
			);
		},
	},
	{
		name: 'rules add',
		summary: 'add an IP Access rule to each zone, noted as flarewatch\'s',
		usage: '--mode MODE [--target ip|ip_range|asn|country] VALUE [--reason TEXT]',
		details: [
			'The notes name flarewatch, you (user@host) and the reason. A zone keeps one rule per target and value: one flarewatch made is replaced, anyone else\'s only with --foreign.',
			'Ranges: IPv4 /16 or /24, IPv6 /32, /48 or /64. ASN: AS13335 or 13335. Country: two letters (CN).',
			'JSON: {zones: [{zone, rule: {id, scope, mode, target, value, notes, ours, operator, createdAt}, replaced?}], callsLeft}.',
		],
		examples: ['flarewatch rules add --mode block 203.0.113.7 --reason "scraping /login"', 'flarewatch rules add --mode managed_challenge --target asn AS64500', 'flarewatch rules add --mode block --target country XX --zone example.com'],
		flags: [
			{name: 'mode', value: 'MODE', description: `what the rule does: ${ruleModes.join(', ')}`},
			{name: 'target', value: 'T', default: 'ip', description: `what it matches: ${ruleTargets.join(', ')}`},
			reasonFlag,
			foreignFlag,
		],
		positionals: [1, 1],
		mutating: true,
		needs: ruleListingNeed,
		check: args => void addRequest(args),
		async run(ctx) {
			const {reason, ...request} = addRequest(ctx.args);
			requireValid('mode', ctx.backend.capabilities.ruleModes.includes(request.mode) ? undefined : `${request.mode} is not a mode this API has (${ctx.backend.capabilities.ruleModes.join(', ')})`);
			requireValid('target', ctx.backend.capabilities.ruleTargets.includes(request.target) ? undefined : `${request.target} is not a target this API has (${ctx.backend.capabilities.ruleTargets.join(', ')})`);
			checkNeverBan(ctx, request);
			const rule = {...request, notes: notesFor(request.mode, reason)};
			return eachZone(
				ctx,
				async zone => {
					const {rule: made, replaced} = await putRule(ctx, zone, rule);
					const line = `${inert(zone.name)}: rule ${inert(made.id)} added: ${ruleText(made)}${replaced ? ` (replacing ${inert(replaced.mode)})` : ''}; notes ${quote(made.notes, 120)}.`;
					return {lines: [line], json: {zone: zone.name, rule: ruleJson(made), ...(replaced ? {replaced: ruleJson(replaced)} : {})}};
				},
				{resolve: true},
			);
		},
	},
	{
		name: 'rules rm',
		summary: 'remove IP Access rules by id (flarewatch rules list shows the ids)',
		usage: 'ID [ID...] [--foreign]',
		details: [
			'Each id is looked up in the rules of the configured zones and their account first; if one is not there, or was not made by flarewatch and --foreign is not given, nothing is removed (exit 2).',
			'An account rule applies to every zone of the account: removing it lifts it everywhere.',
			'JSON: {removed: [{zone, id, scope, mode, target, value, notes, ours, operator, createdAt}], callsLeft}.',
		],
		examples: ['flarewatch rules rm 92f17202ed8bd63d69a66b86a49a8f6b', 'flarewatch rules rm 92f17202ed8bd63d69a66b86a49a8f6b --foreign'],
		flags: [foreignFlag],
		positionals: [1, Infinity],
		mutating: true,
		needs: ruleListingNeed,
		check: args => void ruleIds(args),
		async run(ctx) {
			const ids = ruleIds(ctx.args);
			const found = new Map<string, {zone: ZoneRef; rule: AccessRule}>();
			for (const zone of await ctx.resolveZones()) {
				if (!zone.id) continue;
				let listing;
				try {
					listing = await ctx.backend.listRules!(zone);
				} catch (error) {
					if (!isFlarewatchError(error)) throw error;
					throw new FlarewatchError(error.kind, `${inert(zone.name)}: ${error.message} Nothing was removed.`, {...(error.code === undefined ? {} : {code: error.code}), ...(error.status === undefined ? {} : {status: error.status})});
				}
				for (const rule of listing.rules) if (ids.includes(rule.id) && !found.has(rule.id)) found.set(rule.id, {zone, rule});
			}
			const missing = ids.filter(id => !found.has(id));
			if (missing.length > 0) {
				throw usageError(`No rule with id ${missing.map(id => quote(id, 70)).join(', ')} in ${ctx.zoneNames().map(zone => inert(zone.name)).join(', ')} or the account; nothing was removed.`);
			}
			for (const {rule} of found.values()) requireOwnedOrForeign(ctx, rule, 'remove');
			const lines: string[] = [];
			const removed: Array<Record<string, unknown>> = [];
			const problems: CommandProblem[] = [];
			let stopped: FlarewatchError | undefined;
			for (const [id, {zone, rule}] of found) {
				if (stopped) {
					problems.push({zone: zone.name, error: new FlarewatchError(stopped.kind, `rule ${inert(id)} not tried after: ${stopped.message}`)});
					continue;
				}
				try {
					await ctx.backend.deleteRule!(zone, rule);
					lines.push(`${inert(zone.name)}: ${rule.scope === 'account' ? 'account ' : ''}rule ${inert(id)} removed (${ruleText(rule)}).`);
					removed.push({zone: zone.name, ...ruleJson(rule)});
				} catch (error) {
					if (!isFlarewatchError(error)) throw error;
					problems.push({zone: zone.name, error: new FlarewatchError(error.kind, `rule ${inert(id)}: ${error.message}`, {...(error.code === undefined ? {} : {code: error.code})})});
					if (stopsTheRest.has(error.kind)) stopped = error;
				}
			}
			return {lines, json: {removed}, problems, exitCode: worstExitCode(problems)};
		},
	},
];
