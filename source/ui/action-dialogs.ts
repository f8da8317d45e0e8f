/**
 * What each operator action shows before anything is sent: the confirmation's title and lines, built
 * from plain data (the request, the highlighted row, what the console knows). Pure.
 */
import {bansToFinish, countBans, describeLockdown, describeUnlock, lockdownChoices, type LockdownPlan, type UnlockPlan} from '../actions/lockdown.js';
import type {LockdownRecord} from '../actions/registry.js';
import {describeAction, type ActionEntry, type ActionRequest} from '../actions/types.js';
import type {AccessRule, DnsRecord, ThreatScore, Visitor, ZoneRef} from '../backend.js';
import {formatAge} from '../lib/format.js';
import {quote} from '../lib/validate.js';
import {securityLabels} from '../monitor/reduce-actions.js';
import {confirmDialog, type ConfirmStep, type Dialog} from './dialog-state.js';
import {isOurs, modeWord, ourOperator} from './rule-marks.js';

/** What a confirmation may mention about the IP it is about. */
export interface IpContext {
	visitor?: Visitor;
	score?: ThreatScore;
	rule?: 'ban' | 'wl';
	/** The address's rules as last listed (APIs that list rules). */
	listed?: readonly AccessRule[];
	/** False where the API has no threat scores (v4): no Score line. */
	scores?: boolean;
}

/** What a confirmation says about the API it goes to. */
export interface ApiContext {
	/** Where a ban or whitelist lives: the whole account (v1) or the zone (v4). */
	ruleScope?: 'zone' | 'account';
	/** The purge has a cooldown the API enforces (v1). */
	purgeCooldown?: boolean;
}

const titles: Partial<Record<ActionRequest['kind'], string>> = {
	'security-level': 'Change the security level?',
	'cache-level': 'Change the cache level?',
	'dev-mode': 'Development mode?',
	purge: 'Purge the whole cache?',
	ipv6: 'Change IPv6 support?',
	snapshot: 'Take a zone snapshot?',
	ban: 'Ban this IP?',
	whitelist: 'Whitelist this IP?',
	challenge: 'Challenge this IP?',
	'clear-rule': 'Clear the rule for this IP?',
	'purge-files': 'Purge these files?',
	'dns-add': 'Add this DNS record?',
	'dns-edit': 'Change this DNS record?',
	'dns-delete-name': 'Delete every record of this name?',
	'dns-update-ip': 'Point these hosts at a new IP?',
};

export function ipLines(ip: string, context: IpContext): string[] {
	const {visitor, score, rule, listed} = context;
	const origin = [visitor?.country, visitor?.asn, visitor?.asnName].filter(Boolean).join(' ');
	const firewall = visitor?.blocked !== undefined || visitor?.challenged !== undefined ? ` (${visitor.blocked ?? 0} blocked, ${visitor.challenged ?? 0} challenged)` : '';
	return [
		`IP      ${ip}`,
		`Class   ${visitor?.classification ?? 'not in the list'}`,
		`Hits    ${visitor ? String(visitor.hits) : '-'}${firewall}`,
		...(origin === '' ? [] : [`From    ${origin}`]),
		...(context.scores === false ? [] : [`Score   ${score ? `${score.kind}:${score.score}` : 'not looked up (i looks it up)'}`]),
		...(rule && !listed?.length ? [`Rule    ${rule === 'ban' ? 'BANNED' : 'WHITELISTED'} (set this session)`] : []),
		...(listed ?? []).map(found => `Rule    ${ruleLine(found)}`),
	];
}

/** One rule in a line: what it does, where, whose. */
export function ruleLine(rule: AccessRule): string {
	const operator = ourOperator(rule);
	const owner = isOurs(rule) ? `flarewatch's${operator ? ` (${operator})` : ''}` : 'NOT made by flarewatch';
	return `${modeWord(rule.mode)} ${rule.target === 'ip' ? '' : `${rule.target} `}${rule.value} · ${rule.scope === 'account' ? 'account-wide' : 'this zone'} · ${owner}`;
}

/** A rule's notes quoted inert and bounded, or that it has none. */
export function quotedNote(rule: AccessRule): string {
	return rule.notes.trim() === '' ? 'no note' : quote(rule.notes, 80);
}

/** The confirmation for a request, with the lines that say exactly what it will do. */
export function confirmFor(request: ActionRequest, extra: {ip?: IpContext; currentLevel?: string; records?: readonly DnsRecord[]; api?: ApiContext} = {}): Dialog {
	const title = titles[request.kind] ?? 'Send this action?';
	let lines: string[] = [describeAction(request)];
	let tone: 'normal' | 'danger' = 'normal';
	switch (request.kind) {
		case 'security-level':
			lines = [`Security level of ${request.zone.name}: ${extra.currentLevel ?? 'unknown'} → ${request.level} (${securityLabels[request.level]}).`];
			break;
		case 'dev-mode':
			lines = request.on
				? [`Dev mode ON for ${request.zone.name}: the cache is bypassed for 3 hours,`, 'so every request reaches the origin. The header counts down.']
				: [`Dev mode OFF for ${request.zone.name}: caching resumes.`];
			break;
		case 'purge':
			tone = 'danger';
			lines = [`Every cached file of ${request.zone.name} is dropped: the origin serves them all again.`, ...(extra.api?.purgeCooldown === false ? [] : ['The API then refuses another purge for a while (the cooldown).'])];
			break;
		case 'purge-files':
			lines = [
				`These files of ${request.zone.name} are dropped from the cache (${request.urls.length}):`,
				...request.urls.slice(0, 8).map(url => `  ${url}`),
				...(request.urls.length > 8 ? [`  … and ${request.urls.length - 8} more`] : []),
				'A purge is not retried automatically after a network failure.',
			];
			break;
		case 'snapshot':
			lines = [`A snapshot of ${request.zone.name}; allowed once a day, it may take an hour to appear.`];
			break;
		case 'ban':
		case 'whitelist':
		case 'clear-rule':
		case 'challenge': {
			const zoneRule = extra.api?.ruleScope === 'zone' || request.kind === 'challenge';
			const where = zoneRule ? 'its note: flarewatch, you, the reason' : 'account-wide rule';
			lines = [...ipLines(request.ip, extra.ip ?? {}), '', `${describeAction(request)} (${where}).`];
			tone = request.kind === 'ban' ? 'danger' : 'normal';
			// The API keeps one rule per address in a zone: a rule made here changes the one there, whoever made it.
			const replaced = request.kind === 'clear-rule' ? undefined : extra.ip?.listed?.find(rule => rule.scope === 'zone' && !isOurs(rule));
			if (replaced) {
				lines.push(`It takes over someone else's rule here (note ${quotedNote(replaced)}).`);
				tone = 'danger';
			}
			break;
		}
		case 'dns-delete-name': {
			tone = 'danger';
			const fqdn = request.fqdn.toLowerCase();
			if (!extra.records) {
				lines = [`rec_del removes EVERY record named ${request.fqdn}.`, 'The records are not loaded: the DNS view (Tab) lists them before you delete.'];
				break;
			}
			const doomed = extra.records.filter(record => record.name.toLowerCase() === fqdn);
			lines = [
				`rec_del removes EVERY record named ${request.fqdn} (${doomed.length} known):`,
				...doomed.map(record => `  ${record.type.padEnd(5)} ${record.content}${record.proxied ? '  proxied' : ''}`),
			];
			break;
		}
		case 'dns-add':
		case 'dns-edit': {
			// Everything the record will carry, so a priority or comment typed in the palette is seen before it goes.
			const {ttl, proxied, prio, comment} = request.record;
			const details = [`TTL ${ttl === 1 ? 'auto' : ttl}`, `proxied ${proxied ? 'yes' : 'no'}`, ...(prio === undefined ? [] : [`priority ${prio}`])];
			lines = [describeAction(request), details.join(' · '), ...(comment ? [`comment ${quote(comment, 100)}`] : [])];
			if (request.kind === 'dns-edit') lines.push('rec_edit is not retried automatically after a network failure.');
			break;
		}
		default:
			break;
	}
	return confirmDialog(title, lines, {type: 'submit', requests: [request]}, {tone, confirmLabel: confirmLabels[request.kind]});
}

const confirmLabels: Partial<Record<ActionRequest['kind'], string>> = {
	ban: 'Ban',
	whitelist: 'Whitelist',
	challenge: 'Challenge',
	'purge-files': 'Purge',
	'clear-rule': 'Clear rule',
	purge: 'Purge',
	'dns-delete-name': 'Delete all',
	snapshot: 'Snapshot',
};

/**
 * The lockdown preview: the level change, how many IPs fit the hour's calls and their share of hits, who
 * is left out; where one network or country carries most threats, the choice of one rule for it (y) or
 * the top IPs (i).
 */
export function lockdownDialog(plan: LockdownPlan): Dialog {
	const lines = describeLockdown(plan);
	const preview = plan.bans.slice(0, 5).map(visitor => `  ${visitor.ip}  ${visitor.hits} hits`);
	if (plan.bans.length > 5) preview.push(`  … and ${(plan.bans.length - 5).toLocaleString('en-US')} more`);
	const choices = lockdownChoices(plan);
	const dialog = confirmDialog(`Lockdown ${plan.zone.name}?`, [...lines, ...preview], {type: 'lockdown', plan: choices.confirm.plan}, {tone: 'danger', confirmLabel: choices.confirm.label});
	const other = choices.alternative;
	return dialog.kind === 'confirm' && other ? {...dialog, alternative: {key: other.key, label: other.label, step: {type: 'lockdown', plan: other.plan}}} : dialog;
}

function when(at: number): string {
	return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The undo of a lockdown (or the rest of an interrupted undo): exactly what it clears, and its cost. */
export function unlockDialog(zone: ZoneRef, record: LockdownRecord, plan: UnlockPlan): Dialog {
	return confirmDialog(
		record.phase === 'undoing' ? `Finish undoing the lockdown of ${zone.name}?` : `Undo the lockdown of ${zone.name}?`,
		describeUnlock(record, plan),
		{type: 'unlock', zone},
		{confirmLabel: 'Undo lockdown'},
	);
}

/** A lockdown cut short (a kill, a dropped link): y sends the rest, u undoes what was sent. */
export function finishLockdownDialog(zone: ZoneRef, record: LockdownRecord, undo: UnlockPlan): Dialog {
	const counts = countBans(record);
	const left = bansToFinish(record).length;
	const dialog = confirmDialog(
		`Interrupted lockdown of ${zone.name}`,
		[
			`Started ${when(record.at)}; its sender ended before it was done.`,
			`${counts.done} bans confirmed, ${counts.sent} sent without an answer,`,
			`${counts.planned} never sent, ${counts.failed} refused by the API.`,
			'',
			`y finishes it: I'm Under Attack and the ${left} bans left (as many as the hour allows).`,
			`u undoes it instead: ${undo.requests.length} calls (level back, clear what was sent).`,
		],
		{type: 'finish-lockdown', zone},
		{tone: 'danger', confirmLabel: 'Finish'},
	);
	return dialog.kind === 'confirm' ? {...dialog, alternative: {key: 'u', label: 'Undo it', step: {type: 'unlock', zone}}} : dialog;
}

/** `R`: a failed action again, after saying what failed. */
export function retryDialog(entry: ActionEntry): Dialog {
	return confirmDialog('Send this action again?', [`#${entry.id} ${describeAction(entry.request)}`, `It failed: ${entry.message ?? 'no message'}`], {type: 'retry', id: entry.id}, {confirmLabel: 'Send again'});
}

/** The note's action word for a rule a confirmation makes (what formatRuleNote writes first). */
export const noteActions: Partial<Record<ActionRequest['kind'], string>> = {ban: 'block', whitelist: 'allow', challenge: 'challenge'};

/**
 * A rule's confirmation that first asks for the reason its note will carry: typed on one line, Enter
 * accepts it (empty is fine), and only then does y send.
 */
export function withReason(dialog: Dialog, action: string, reason = ''): Dialog {
	return dialog.kind === 'confirm' ? {...dialog, input: {purpose: 'reason', label: 'Reason:', text: reason, editing: true, action}} : dialog;
}

/** Removing listed rules by id: each rule, where it lives, whose it is and its note; stale lists say so. */
export function removeRulesDialog(zone: ZoneRef, rules: readonly AccessRule[], listedAt: number, now: number, staleness: string | undefined): Dialog {
	const requests: ActionRequest[] = rules.map(rule => ({kind: 'rule-delete', zone, rule}));
	const foreign = rules.filter(rule => !isOurs(rule));
	const lines = [
		...rules.flatMap(rule => [ruleLine(rule), `  note ${quotedNote(rule)}`]),
		'',
		`Listed ${formatAge(Math.max(0, Math.round((now - listedAt) / 1000)))} ago${staleness ? ` (${staleness})` : ''}.`,
		...(rules.some(rule => rule.scope === 'account') ? ['An account-wide rule covers every zone of the account.'] : []),
		...(foreign.length > 0 ? [`${foreign.length === 1 ? 'It was' : `${foreign.length} of them were`} not made by flarewatch: you confirm that once more.`] : []),
	];
	const step: ConfirmStep = foreign.length > 0 ? {type: 'foreign-rules', requests, lines: foreign.map(rule => `Its note: ${quotedNote(rule)}. (${ruleLine(rule).split(' · ')[0]}, ${rule.scope === 'account' ? 'account-wide' : 'this zone'})`)} : {type: 'submit', requests};
	const dialog = confirmDialog(rules.length === 1 ? `Remove the ${modeWord(rules[0].mode)} rule on ${rules[0].value}?` : `Remove these ${rules.length} rules?`, lines, step, {tone: foreign.length > 0 ? 'danger' : 'normal', confirmLabel: rules.length === 1 ? 'Remove' : 'Remove all'});
	return dialog.kind === 'confirm' ? {...dialog, wrap: true} : dialog;
}

/**
 * The second confirmation for rules someone else made: their notes first (a small terminal shows the
 * first lines), and "yes" typed, not one key.
 */
export function foreignRulesDialog(step: Extract<ConfirmStep, {type: 'foreign-rules'}>): Dialog {
	const one = step.lines.length === 1;
	const dialog = confirmDialog(
		one ? 'Not made by flarewatch: remove it?' : `${step.lines.length} rules not made by flarewatch: remove them?`,
		[...step.lines, '', `${one ? 'This rule was' : 'These rules were'} not made by flarewatch. Remove ${one ? 'it' : 'them'} anyway? Type yes, then Enter.`],
		{type: 'submit', requests: step.requests},
		{tone: 'danger', confirmLabel: 'Remove'},
	);
	return dialog.kind === 'confirm' ? {...dialog, wrap: true, input: {purpose: 'typed-yes', label: 'Type yes:', text: '', editing: true}} : dialog;
}
