/** Commands on visitors' addresses: whitelist, ban, unban, lookup, report-spam. Account-wide, no zone. */
import {createGuard} from '../actions/guard.js';
import {inert} from '../lib/format.js';
import {canonicalIp} from '../lib/ip.js';
import {checkEmail, checkIp, checkRuleTarget, checkText, quote, requireValid, validated} from '../lib/validate.js';
import {flagValue, usageError, type CommandSpec, type ParsedArgs} from './spec.js';

function ruleCommand(name: string, action: 'wl' | 'ban' | 'nul', summary: string, done: string): CommandSpec {
	return {
		name,
		summary,
		usage: '<ip>',
		details: [`JSON: {ip, rule}, rule = "${action === 'wl' ? 'whitelist' : action === 'ban' ? 'ban' : 'none'}".`],
		examples: [`flarewatch ${name} 203.0.113.7`],
		flags: [],
		positionals: [1, 1],
		mutating: true,
		// A ban or whitelist of an address no visitor can have is a typo; clearing a rule stays possible.
		check: args => void validated('IP address', args.positionals[0]!, action === 'nul' ? checkIp : value => checkRuleTarget(value, action === 'ban' ? 'ban' : 'whitelist')),
		async run(ctx) {
			// Canonical, so the registry holds the same text for 2001:DB8::1 and 2001:db8:0::1.
			const ip = canonicalIp(ctx.args.positionals[0]!) ?? ctx.args.positionals[0]!;
			if (action === 'ban') {
				// The configured never-ban list, checked before anything is sent (the SSH address is the console's).
				const guarded = createGuard(ctx.config.neverBan, {}).check(ip);
				if (guarded) throw usageError(`${quote(ip)} is ${guarded}, so it is not banned; nothing was sent.`);
			}
			if (action === 'wl') await ctx.backend.whitelist(ip);
			else if (action === 'ban') await ctx.backend.ban(ip);
			else await ctx.backend.clearRule(ip);
			ctx.recordRule(ip, action === 'nul' ? undefined : action);
			return {lines: [`${ip} ${done}.`], json: {ip, rule: action === 'wl' ? 'whitelist' : action === 'ban' ? 'ban' : 'none'}};
		},
	};
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
	{
		name: 'lookup',
		summary: 'threat score of an IP address (logarithmic, like the Richter scale)',
		usage: '<ip>',
		details: ['JSON: {ip, kind, score}; kind BAD = threat, SE = search engine.'],
		examples: ['flarewatch lookup 1.0.171.33'],
		flags: [],
		positionals: [1, 1],
		mutating: false,
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
		check: args => void spamReport(args),
		async run(ctx) {
			const report = spamReport(ctx.args);
			if (!ctx.backend.reportSpam) throw usageError('This API takes no spam reports; nothing was sent.');
			await ctx.backend.reportSpam(report);
			return {lines: [`Spam from ${report.ip} reported.`], json: {reported: true, ip: report.ip}};
		},
	},
];
