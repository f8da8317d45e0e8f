/**
 * The lockdown's words: the preview an operator confirms (what changes, what is left out and why, what
 * it costs, and the choice between one ASN or country rule and the top IPs), and the undo's dialog.
 * Pure: plans and records in, lines out.
 */
import {inert} from '../lib/format.js';
import {quote} from '../lib/validate.js';
import {securityLabels} from '../monitor/reduce-actions.js';
import type {LockdownPlan, RuleOffer, UnlockPlan} from './lockdown.js';
import {keyTarget, ruleKey} from './lockdown-rules.js';
import type {LockdownRecord} from './registry.js';

/** The plan with the operator's choice: the one rule of its offer, or the bans of the top IPs. */
export function chooseLockdown(plan: LockdownPlan, use: LockdownPlan['use']): LockdownPlan {
	const rule = use === 'rule' && plan.offer !== undefined && plan.offer.withheld === undefined;
	return {...plan, use: rule ? 'rule' : 'ips', callsNeeded: plan.levelChange + (rule ? 1 : plan.bans.length)};
}

function plural(count: number, word: string): string {
	return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function share(part: number, whole: number): string {
	return `${whole > 0 ? Math.round((part / whole) * 100) : 0}%`;
}

function offerName(offer: RuleOffer): string {
	return offer.target === 'asn' ? `${offer.value}${offer.name ? ` (${inert(offer.name.slice(0, 40), '?')})` : ''}` : `country ${offer.value}`;
}

function offerKind(offer: RuleOffer): string {
	return offer.target === 'asn' ? 'ASN' : 'country';
}

/** The offer of one rule, and the keys that choose, when the preview has one. */
function offerLines(plan: LockdownPlan, offer: RuleOffer): string[] {
	const head = `${offerName(offer)} carries ${share(offer.hits, plan.threatHits)} of threat requests (${plural(offer.ips, 'threat IP')})`;
	const ips = `the top ${plan.bans.length.toLocaleString('en-US')} IPs`;
	const lines: string[] = [];
	if (offer.withheld) lines.push(`${head}, but ${offer.withheld}: no ${offerKind(offer)} rule is offered.`);
	else if (offer.conflicts.length > 0) {
		const shown = offer.conflicts.slice(0, 2).map(conflict => `${conflict.ip} (${conflict.reason})`);
		const more = offer.conflicts.length > 2 ? ` and ${offer.conflicts.length - 2} more` : '';
		lines.push(
			`${head}, but a rule for it would also block ${shown.join(', ')}${more}: banning IPs stays the default.`,
			`[y] ban ${ips}  [a] one ${offerKind(offer)} rule anyway  [n] cancel`,
		);
	} else lines.push(`${head}: one rule blocks it.`, `[y] one ${offerKind(offer)} rule  [i] block ${ips} instead  [n] cancel`);
	if (offer.unchecked > 0 && !offer.withheld) {
		lines.push(`${offer.unchecked} never-ban ${offer.unchecked === 1 ? 'entry is' : 'entries are'} not among the visitors: not checked against ${offer.value}.`);
	}
	return lines;
}

/** True when the preview's default is the one rule (offered, nothing it would wrongly block). */
function ruleIsDefault(plan: LockdownPlan): boolean {
	return plan.offer !== undefined && plan.offer.withheld === undefined && plan.offer.conflicts.length === 0;
}

/** The preview an operator confirms: what will change, what is left out and why, what it costs. */
export function describeLockdown(plan: LockdownPlan): string[] {
	const offered = plan.offer !== undefined && plan.offer.withheld === undefined;
	const banLine = `Ban ${plural(plan.bans.length, 'threat IP')}, most hits first: ${share(plan.banHits, plan.totalHits)} of hits (${plan.banHits} of ${plan.totalHits}).`;
	const lines = [
		plan.previousLevel === 'help'
			? `Security level is already I'm Under Attack (help).`
			: `Security level: ${plan.previousLevel ?? 'unknown'} → help (I'm Under Attack).`,
		...(plan.offer ? offerLines(plan, plan.offer) : []),
		plan.bans.length === 0 ? 'No threat IPs to ban.' : ruleIsDefault(plan) ? `Or [i]: ${banLine.charAt(0).toLowerCase()}${banLine.slice(1)}` : banLine,
	];
	if (plan.overBudget > 0) {
		lines.push(`Not banned (budget): ${plural(plan.overBudget, 'more threat IP')}, ${share(plan.overBudgetHits, plan.totalHits)} of hits.`);
	}
	if (plan.alreadyRuled.length > 0) lines.push(`Already banned or whitelisted, left alone: ${plan.alreadyRuled.length} (undo keeps them).`);
	if (plan.guarded.length > 0) {
		const shown = plan.guarded.slice(0, 3).map(entry => `${entry.ip} (${entry.reason})`);
		lines.push(`Left out (never-ban guard): ${shown.join(', ')}${plan.guarded.length > 3 ? ` and ${plan.guarded.length - 3} more` : ''}.`);
	}
	if (plan.unbannable.length > 0) {
		// Quoted: such a row is what a hostile server sent, control characters and all.
		const shown = plan.unbannable.slice(0, 2).map(ip => quote(ip, 24));
		lines.push(`Left out (not a valid visitor address): ${plural(plan.unbannable.length, 'row')}, e.g. ${shown.join(', ')}.`);
	}
	const ipCalls = plan.levelChange + plan.bans.length;
	lines.push(
		offered
			? `Costs ${plural(plan.levelChange + 1, 'API call')} (one rule) or ${ipCalls.toLocaleString('en-US')} (IPs) of ${plan.callsLeft} left ${plan.windowPhrase}; keeps ${plan.callsKept} (undo, next actions).`
			: `Costs ${plural(plan.callsNeeded, 'API call')} of ${plan.callsLeft} left ${plan.windowPhrase}; keeps ${plan.callsKept} (undo, next actions).`,
		plan.byNotes
			? `Undo: L again or :unlock, from any console: its rules' notes name lockdown ${plan.batch ?? ''}.`
			: 'Undo: L again or :unlock (clears only the bans this lockdown made).',
	);
	return lines;
}

/** What the preview's keys send: y the default, and the other choice on its own key when there is one. */
export interface LockdownChoices {
	confirm: {label: string; plan: LockdownPlan};
	alternative?: {key: 'i' | 'a'; label: string; plan: LockdownPlan};
}

export function lockdownChoices(plan: LockdownPlan): LockdownChoices {
	const offer = plan.offer;
	const ips = chooseLockdown(plan, 'ips');
	if (!offer || offer.withheld) return {confirm: {label: 'Lock down', plan: ips}};
	const rule = chooseLockdown(plan, 'rule');
	const count = plan.bans.length.toLocaleString('en-US');
	if (offer.conflicts.length > 0) return {confirm: {label: `Ban the top ${count} IPs`, plan: ips}, alternative: {key: 'a', label: `${offer.value} rule anyway`, plan: rule}};
	return {confirm: {label: `One ${offerKind(offer)} rule`, plan: rule}, alternative: {key: 'i', label: `Top ${count} IPs instead`, plan: ips}};
}


function when(at: number): string {
	return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What the record's keys are: "311 IPs, 1 ASN". */
function ruleKinds(keys: readonly string[]): string {
	const counts = {ip: 0, asn: 0, country: 0};
	for (const key of keys) counts[keyTarget(key).target]++;
	const parts = [counts.ip > 0 ? plural(counts.ip, 'IP') : '', counts.asn > 0 ? `${counts.asn} ASN` : '', counts.country > 0 ? `${counts.country} ${counts.country === 1 ? 'country' : 'countries'}` : ''];
	return parts.filter(Boolean).join(', ');
}

/** The undo's dialog: exactly what it sets back and removes, who made the lockdown, and what it costs. */
export function describeUnlock(record: LockdownRecord, plan: UnlockPlan): string[] {
	const level = plan.requests.find(request => request.kind === 'security-level');
	const lines = [
		level?.kind === 'security-level'
			? record.levelAssumed
				? `Security level back to ${level.level} (${securityLabels[level.level]}): the level before it is not known here (its notes do not say); s picks another after.`
				: `Security level back to ${level.level}.`
			: record.levelRestored
				? 'The level was already set back.'
				: record.levelAssumed
					? 'The level stays: the zone is no longer under attack.'
					: 'The level stays (it was help, or unknown, before).',
	];
	if (record.batch !== undefined) {
		const removing = plan.requests.flatMap(request => (request.kind === 'rule-delete' ? [ruleKey(request.rule.target, request.rule.value)] : []));
		const kinds = removing.length > 0 ? `: ${ruleKinds(removing)}` : '';
		lines.push(`Remove ${plural(removing.length, 'rule')} of lockdown ${record.batch}, found by their notes${kinds}.`, "Rules anyone else made, and ours made by hand, stay.");
		if (record.madeElsewhere) lines.push(`Made by ${record.operator || 'an unnamed operator'} at ${when(record.at)}, from another machine (not in this one's registry).`);
		const gone = plan.gone?.length ?? 0;
		if (gone > 0) lines.push(`${plural(gone, 'rule')} it made ${gone === 1 ? 'is' : 'are'} gone already (removed by someone): nothing to send.`);
	} else {
		const clears = plan.requests.filter(request => request.kind === 'clear-rule').length;
		lines.push(`Clear ${clears} ban${clears === 1 ? '' : 's'} this lockdown made.`, `Rules that existed before it stay (${record.leftAlone} among its threat IPs).`);
	}
	lines.push(`Costs ${plan.requests.length} API call${plan.requests.length === 1 ? '' : 's'}.`);
	const what = record.batch === undefined ? 'bans' : 'rules';
	if (plan.deferred > 0) lines.push(`${plan.deferred} ${what} do not fit this hour's calls: they stay, and L clears them later.`);
	if (!record.madeElsewhere) lines.push(`Locked down at ${when(record.at)}.`);
	return lines;
}
