/**
 * What each operator action shows before anything is sent: the confirmation's title and lines, built
 * from plain data (the request, the highlighted row, what the console knows). Pure.
 */
import {bansToFinish, countBans, describeLockdown, describeUnlock, lockdownChoices, type LockdownPlan, type UnlockPlan} from '../actions/lockdown.js';
import type {LockdownRecord} from '../actions/registry.js';
import {describeAction, type ActionEntry, type ActionRequest} from '../actions/types.js';
import type {DnsRecord, ThreatScore, Visitor, ZoneRef} from '../backend.js';
import {securityLabels} from '../monitor/reduce-actions.js';
import {confirmDialog, type Dialog} from './dialog-state.js';

/** What a confirmation may mention about the IP it is about. */
export interface IpContext {
	visitor?: Visitor;
	score?: ThreatScore;
	rule?: 'ban' | 'wl';
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
	'clear-rule': 'Clear the rule for this IP?',
	'dns-add': 'Add this DNS record?',
	'dns-edit': 'Change this DNS record?',
	'dns-delete-name': 'Delete every record of this name?',
	'dns-update-ip': 'Point these hosts at a new IP?',
};

export function ipLines(ip: string, context: IpContext): string[] {
	const {visitor, score, rule} = context;
	return [
		`IP      ${ip}`,
		`Class   ${visitor?.classification ?? 'not in the list'}`,
		`Hits    ${visitor ? String(visitor.hits) : '-'}`,
		`Score   ${score ? `${score.kind}:${score.score}` : 'not looked up (i looks it up)'}`,
		...(rule ? [`Rule    ${rule === 'ban' ? 'BANNED' : 'WHITELISTED'} (set this session)`] : []),
	];
}

/** The confirmation for a request, with the lines that say exactly what it will do. */
export function confirmFor(request: ActionRequest, extra: {ip?: IpContext; currentLevel?: string; records?: readonly DnsRecord[]} = {}): Dialog {
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
			lines = [`Every cached file of ${request.zone.name} is dropped: the origin serves them all again.`, 'The API then refuses another purge for a while (the cooldown).'];
			break;
		case 'snapshot':
			lines = [`A snapshot of ${request.zone.name}; allowed once a day, it may take an hour to appear.`];
			break;
		case 'ban':
		case 'whitelist':
		case 'clear-rule':
			lines = [...ipLines(request.ip, extra.ip ?? {}), '', `${describeAction(request)} (account-wide rule).`];
			tone = request.kind === 'ban' ? 'danger' : 'normal';
			break;
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
		case 'dns-edit':
			lines = [describeAction(request), `TTL ${request.record.ttl === 1 ? 'auto' : request.record.ttl} · proxied ${request.record.proxied ? 'yes' : 'no'}`, 'rec_edit is not retried automatically after a network failure.'];
			break;
		default:
			break;
	}
	return confirmDialog(title, lines, {type: 'submit', requests: [request]}, {tone, confirmLabel: confirmLabels[request.kind]});
}

const confirmLabels: Partial<Record<ActionRequest['kind'], string>> = {
	ban: 'Ban',
	whitelist: 'Whitelist',
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
