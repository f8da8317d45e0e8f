/**
 * Commands on visitors' addresses: whitelist, ban, unban, challenge, lookup, report-spam. On API v1
 * account-wide, no zone; on API v4 rules live in zones, so they act on each configured zone, with notes.
 */
import type {RuleMode, ZoneRef} from '../backend.js';
import {withBanDone, withoutExpiry} from '../actions/bans.js';
import {FlarewatchError} from '../errors.js';
import {formatDuration, isDurationError, parseDuration} from '../lib/duration.js';
import {inert} from '../lib/format.js';
import {canonicalIp} from '../lib/ip.js';
import {checkEmail, checkIp, checkRuleTarget, checkText, requireValid, validated} from '../lib/validate.js';
import {checkNeverBan, foreignFlag, notesFor, putRule, reasonFlag, reasonOf, refuseNotesFlags, requireOwnedOrForeign, ruleJson, zoneRulesOn} from './rule-commands.js';
import {flagValue, needsCapability, usageError, type CommandContext, type CommandNeed, type CommandResult, type CommandSpec, type ParsedArgs} from './spec.js';
import {eachZone} from './zones.js';

type IpAction = 'wl' | 'ban' | 'nul' | 'challenge';

/** The rule each action makes (v4's words), and what --json calls it. */
const modeOf: Record<Exclude<IpAction, 'nul'>, RuleMode> = {wl: 'whitelist', ban: 'block', challenge: 'managed_challenge'};
const ruleName: Record<IpAction, string> = {wl: 'whitelist', ban: 'ban', nul: 'none', challenge: 'challenge'};

/** A challenge needs an API with challenge rules. */
const challengeNeed: CommandNeed = {
	available: capabilities => capabilities.ruleModes.includes('managed_challenge'),
	only: 'v4',
	missing: 'API v1 has no challenge rules, only ban and whitelist. `flarewatch ban IP` blocks the address.',
};

function ruleCommand(name: string, action: IpAction, summary: string, done: string): CommandSpec {
	const v4Json = action === 'nul' ? '{zones: [{zone, ip, rule: "none", removed: [rule], accountRules: [rule]}]}' : `{zones: [{zone, ip, rule: "${ruleName[action]}", id, mode, notes, replaced?}]}`;
	return {
		name,
		summary,
		usage: action === 'nul' ? '<ip> [--foreign]' : action === 'ban' ? '<ip> [--for DURATION] [--reason TEXT] [--foreign]' : '<ip> [--reason TEXT] [--foreign]',
		details: [
			action === 'challenge'
				? 'A managed challenge rule in each configured zone (API v4), with notes naming flarewatch, you (user@host) and the reason.'
				: `API v1: account-wide, no zone needed. API v4: ${action === 'nul' ? 'removes the rules on the address in each configured zone' : 'a rule in each configured zone, with notes naming flarewatch, you (user@host) and the reason'}; a rule flarewatch did not make is ${action === 'nul' ? 'removed' : 'replaced'} only with --foreign.`,
			`JSON: ${action === 'challenge' ? '' : `v1 {ip, rule}, rule = "${ruleName[action]}"; v4 `}${v4Json}.`,
			...(action === 'ban' ? ['--for 30m: a timed ban (30s, 10m, 1h, 1d, 2w; 0 = permanent, the default), cleared when due by a running console or `flarewatch expire`; the JSON adds expiresAt.'] : []),
		],
		examples: action === 'nul' ? [`flarewatch ${name} 203.0.113.7`] : [`flarewatch ${name} 203.0.113.7`, `flarewatch ${name} 203.0.113.7 --zone example.com --reason "scraping /login"`, ...(action === 'ban' ? ['flarewatch ban 203.0.113.7 --for 30m'] : [])],
		flags: action === 'nul' ? [foreignFlag] : action === 'ban' ? [forFlag, reasonFlag, foreignFlag] : [reasonFlag, foreignFlag],
		positionals: [1, 1],
		mutating: true,
		...(action === 'challenge' ? {needs: challengeNeed} : {}),
		// A ban or whitelist of an address no visitor can have is a typo; clearing a rule stays possible.
		check: args => {
			validated('IP address', args.positionals[0]!, action === 'nul' ? checkIp : value => checkRuleTarget(value, action === 'wl' ? 'whitelist' : 'ban'));
			reasonOf(args);
			durationOf(args);
		},
		async run(ctx) {
			// Canonical, so the registry and the rules hold the same text for 2001:DB8::1 and 2001:db8:0::1.
			const ip = canonicalIp(ctx.args.positionals[0]!) ?? ctx.args.positionals[0]!;
			refuseNotesFlags(ctx);
			// The configured never-ban list, checked before anything is sent (the SSH address is the console's).
			if (action !== 'nul') checkNeverBan(ctx, {mode: modeOf[action], target: 'ip', value: ip});
			if (ctx.backend.capabilities.ruleScope === 'zone') return action === 'nul' ? clearInZones(ctx, ip) : ruleInZones(ctx, ip, action, done);
			const timed = action === 'ban' ? timing(ctx) : undefined;
			if (action === 'wl') await ctx.backend.whitelist(ip);
			else if (action === 'ban') await ctx.backend.ban(ip);
			else if (action === 'nul') await ctx.backend.clearRule(ip);
			else throw usageError(challengeNeed.missing);
			ctx.recordRule(ip, action === 'nul' ? undefined : action);
			recordExpiry(ctx, ip, action, timed);
			return {lines: [`${ip} ${done}${timedWords(timed)}.`], json: {ip, rule: ruleName[action], ...timedJson(timed)}};
		},
	};
}

/** API v4: the rule goes in each configured zone, noted as ours. */
function ruleInZones(ctx: CommandContext, ip: string, action: Exclude<IpAction, 'nul'>, done: string): Promise<CommandResult> {
	const mode = modeOf[action];
	const timed = action === 'ban' ? timing(ctx) : undefined;
	const notes = notesFor(mode, reasonOf(ctx.args), timed?.until);
	return eachZone(
		ctx,
		async zone => {
			const {rule, replaced} = await putRule(ctx, zone, {mode, target: 'ip', value: ip, notes});
			recordExpiry(ctx, ip, action, timed, zone);
			const line = `${inert(zone.name)}: ${ip} ${done}${timedWords(timed)}${replaced && replaced.mode !== rule.mode ? ` (was ${inert(replaced.mode)})` : ''}; rule ${inert(rule.id)}.`;
			return {lines: [line], json: {zone: zone.name, ip, rule: ruleName[action], id: rule.id, mode: rule.mode, notes: rule.notes, ...timedJson(timed), ...(replaced ? {replaced: ruleJson(replaced)} : {})}};
		},
		{resolve: true},
	);
}

/** API v4: the zone's rules on the address go (anyone else's only with --foreign); the account's are named. */
function clearInZones(ctx: CommandContext, ip: string): Promise<CommandResult> {
	return eachZone(
		ctx,
		async zone => {
			const {zoneRules, accountRules} = await zoneRulesOn(ctx, zone, 'ip', ip);
			// Every rule is checked before any is removed: a refusal changes nothing.
			for (const rule of zoneRules) requireOwnedOrForeign(ctx, rule, 'remove');
			for (const rule of zoneRules) await ctx.backend.deleteRule!(zone, rule);
			// A timed ban cleared by hand: nothing left to expire.
			recordExpiry(ctx, ip, 'nul', undefined, zone);
			const removed = zoneRules.length === 0 ? 'had no rule in this zone' : `has no rule any more (removed ${zoneRules.map(rule => `${inert(rule.mode)} rule ${inert(rule.id)}`).join(', ')})`;
			const account = accountRules.map(rule => ` An account rule still applies to it: ${inert(rule.id)} (${inert(rule.mode)}); flarewatch rules rm ${inert(rule.id)} removes it.`).join('');
			return {lines: [`${inert(zone.name)}: ${ip} ${removed}.${account}`], json: {zone: zone.name, ip, rule: 'none', removed: zoneRules.map(ruleJson), accountRules: accountRules.map(ruleJson)}};
		},
		{resolve: true},
	);
}

const forFlag = {name: 'for', value: 'DURATION', description: 'a timed ban: 30s, 10m, 1h, 1d, 2w (0 = permanent, the default)'};

/** `--for`, in seconds, or undefined; a wrong one is a usage error naming it (nothing sent). */
function durationOf(args: ParsedArgs): number | undefined {
	const text = flagValue(args, '--for');
	if (text === undefined) return undefined;
	const seconds = parseDuration(text);
	if (isDurationError(seconds)) throw new FlarewatchError('validation', `--for: ${seconds.error}.`, {field: 'for'});
	return seconds;
}

interface Timing {
	seconds: number;
	/** Epoch ms; undefined when permanent. */
	until?: number;
}

/** The ban's duration and end, from now; undefined without --for (permanent, as before). */
function timing(ctx: CommandContext): Timing | undefined {
	const seconds = durationOf(ctx.args);
	if (seconds === undefined) return undefined;
	return {seconds, ...(seconds > 0 ? {until: ctx.now() + seconds * 1000} : {})};
}

function timedWords(timed: Timing | undefined): string {
	return timed?.until === undefined ? '' : ` for ${formatDuration(timed.seconds)} (until ${new Date(timed.until).toISOString()})`;
}

function timedJson(timed: Timing | undefined): Record<string, unknown> {
	return timed === undefined ? {} : {duration: timed.seconds, ...(timed.until === undefined ? {} : {expiresAt: new Date(timed.until).toISOString()})};
}

/**
 * The registry follows the rule: a ban's expiry (a permanent one drops any), and a whitelist or clear
 * drops the address's, so a running console or `flarewatch expire` never clears a rule made since.
 */
function recordExpiry(ctx: CommandContext, ip: string, action: IpAction, timed: Timing | undefined, zone?: ZoneRef): void {
	if (action === 'challenge') return;
	const zoneName = ctx.backend.capabilities.ruleScope === 'zone' ? zone?.name : undefined;
	ctx.registry.update(records =>
		action === 'ban'
			? withBanDone(records, {ip, ...(zone && zoneName ? {zone: {name: zone.name, id: zone.id}} : {}), duration: timed?.seconds ?? 0, ...(timed?.until === undefined ? {} : {expiresAt: new Date(timed.until).toISOString()})}, ctx.now(), ctx.config.bans)
			: withoutExpiry(records, ip, zoneName),
	);
}

/** A Map, not an object: a kind from the server ("constructor", "__proto__") must not find a member. */
const kindMeaning: ReadonlyMap<string, string> = new Map([
	['BAD', 'a threat'],
	['SE', 'a search engine'],
]);

function spamReport(args: ParsedArgs) {
	const need = (flag: string) => {
		const value = flagValue(args, flag);
		if (value === undefined) throw usageError(`flarewatch report-spam needs ${flag}.`);
		return value;
	};
	const report = {author: need('--author'), authorEmail: need('--author-email'), ip: need('--ip'), content: need('--content')};
	requireValid('author', checkText(report.author, 100));
	validated('author email', report.authorEmail, checkEmail);
	validated('IP address', report.ip, checkIp);
	requireValid('content', checkText(report.content, 100));
	return report;
}

export const ipCommands: CommandSpec[] = [
	ruleCommand('whitelist', 'wl', 'always let an IP address through', 'whitelisted'),
	ruleCommand('ban', 'ban', 'block an IP address', 'banned'),
	ruleCommand('unban', 'nul', 'remove the whitelist or ban rule of an IP address', 'has no rule any more'),
	ruleCommand('challenge', 'challenge', 'a managed challenge for an IP address', 'challenged'),
	{
		name: 'lookup',
		summary: 'threat score of an IP address (logarithmic, like the Richter scale)',
		usage: '<ip>',
		details: ['JSON: {ip, kind, score}; kind BAD = threat, SE = search engine.'],
		examples: ['flarewatch lookup 1.0.171.33'],
		flags: [],
		positionals: [1, 1],
		mutating: false,
		needs: needsCapability('ipLookup', 'v1', 'ip_lkup is a v1 call; API v4 has no threat score. `flarewatch rules list --value IP` shows the rules on an address.'),
		check: args => void validated('IP address', args.positionals[0]!, checkIp),
		async run(ctx) {
			const score = await ctx.backend.lookupIp(ctx.args.positionals[0]!);
			const meaning = kindMeaning.get(score.kind) ?? `kind ${inert(score.kind)}`;
			return {lines: [`${score.ip}: score ${score.score} (${score.kind}, ${meaning}).`], json: {ip: score.ip, kind: score.kind, score: score.score}};
		},
	},
	{
		name: 'report-spam',
		summary: 'report spam your site received (150 per hour)',
		usage: '--author A --author-email E --ip IP --content TEXT',
		details: ['JSON: {reported, ip}.'],
		examples: ['flarewatch report-spam --author "Cheap Pills" --author-email spam@example.org --ip 203.0.113.7 --content "Buy now"'],
		flags: [
			{name: 'author', value: 'A', description: 'the name the spam was signed with'},
			{name: 'author-email', value: 'E', description: 'the email the spam gave'},
			{name: 'ip', value: 'IP', description: 'the address it came from'},
			{name: 'content', value: 'TEXT', description: 'up to 100 characters of the spam'},
		],
		positionals: [0, 0],
		mutating: true,
		needs: needsCapability('spamReport', 'v1', 'Spam reports (external-event) are a v1 call; API v4 takes none. `flarewatch ban IP --reason spam` blocks the sender.'),
		check: args => void spamReport(args),
		async run(ctx) {
			const report = spamReport(ctx.args);
			if (!ctx.backend.reportSpam) throw usageError('This API takes no spam reports; nothing was sent.');
			await ctx.backend.reportSpam(report);
			return {lines: [`Spam from ${report.ip} reported.`], json: {reported: true, ip: report.ip}};
		},
	},
];
