/**
 * Lockdown: "I'm Under Attack" plus a ban of the threat IPs with the most hits, as many as the hour's
 * calls cover, previewed before anything is sent and undone exactly (the previous level restored, only
 * the bans it made and saw confirmed cleared). Pure planning; the action service sends a plan and keeps
 * its record in the rule registry.
 */
import type {SecurityLevel, Visitor, ZoneRef} from '../backend.js';
import {isBannable} from '../lib/ip.js';
import {quote} from '../lib/validate.js';
import type {NeverBanGuard} from './guard.js';
import type {BanState, LockdownRecord} from './registry.js';
import type {ActionRequest} from './types.js';

/**
 * Calls a lockdown leaves in the hour for what the operator does next (an unban by mistake, a level
 * change), besides the one its undo needs to restore the level.
 */
export const callsKeptAfterLockdown = 5;

export interface LockdownPlan {
	zone: ZoneRef;
	/** The level before the lockdown (restored by undo); undefined when not yet known. */
	previousLevel?: SecurityLevel;
	/** Threat IPs that will be banned, most hits first: as many as the calls left cover. */
	bans: Visitor[];
	/** Threat IPs not banned because the hour's calls would not cover them (most hits first). */
	overBudget: number;
	overBudgetHits: number;
	/** Threat IPs left out because the never-ban guard covers them. */
	guarded: Array<{ip: string; reason: string}>;
	/**
	 * Threat rows whose address is not one a ban can be sent for: it did not parse (an invisible
	 * character, `999.1.1.1`) or no visitor can have it (loopback, multicast...). Left out.
	 */
	unbannable: string[];
	/** Threat IPs that already have a rule (this machine's registry, or set this session): left alone. */
	alreadyRuled: string[];
	/** Hits of the IPs to ban, of every threat IP, and of every listed IP. */
	banHits: number;
	threatHits: number;
	totalHits: number;
	/** API calls the lockdown costs: the level change (if needed) plus one per ban. */
	callsNeeded: number;
	/** Calls left in the account's hour when planned. */
	callsLeft: number;
	/** Calls kept back: the undo's level change and a few for what comes next. */
	callsKept: number;
}

export interface LockdownInput {
	zone: ZoneRef;
	currentLevel?: SecurityLevel;
	/** The visitors listed for the zone (every class), most hits first. */
	visitors: readonly Visitor[];
	guard: NeverBanGuard;
	/** True for an IP that already has a rule this console knows of. */
	hasRule: (ip: string) => boolean;
	/** Calls left in the account's hour, as best known. */
	callsLeft: number;
}

export function planLockdown(input: LockdownInput): LockdownPlan {
	const levelChange = input.currentLevel === 'help' ? 0 : 1;
	const undoLevel = input.currentLevel && input.currentLevel !== 'help' ? 1 : 0;
	const callsKept = undoLevel + callsKeptAfterLockdown;
	const capacity = Math.max(0, input.callsLeft - levelChange - callsKept);
	const candidates: Visitor[] = [];
	const guarded: LockdownPlan['guarded'] = [];
	const alreadyRuled: string[] = [];
	const unbannable: string[] = [];
	let totalHits = 0;
	let threatHits = 0;
	for (const visitor of input.visitors) {
		totalHits += visitor.hits;
		if (visitor.classification !== 'threat') continue;
		threatHits += visitor.hits;
		if (!isBannable(visitor.ip)) {
			unbannable.push(visitor.ip);
			continue;
		}
		const reason = input.guard.check(visitor.ip);
		if (reason) guarded.push({ip: visitor.ip, reason});
		else if (input.hasRule(visitor.ip)) alreadyRuled.push(visitor.ip);
		else candidates.push(visitor);
	}
	// The console hands the rows sorted by hits already; comparing 40,000 IPs as strings would stall a frame.
	if (!sortedByHits(candidates)) candidates.sort((a, b) => b.hits - a.hits);
	const bans = candidates.slice(0, capacity);
	let banHits = 0;
	for (const visitor of bans) banHits += visitor.hits;
	let overBudgetHits = 0;
	for (let index = capacity; index < candidates.length; index++) overBudgetHits += candidates[index].hits;
	return {
		zone: input.zone,
		previousLevel: input.currentLevel,
		bans,
		overBudget: Math.max(0, candidates.length - capacity),
		overBudgetHits,
		guarded,
		unbannable,
		alreadyRuled,
		banHits,
		threatHits,
		totalHits,
		callsNeeded: levelChange + bans.length,
		callsLeft: input.callsLeft,
		callsKept,
	};
}

function sortedByHits(visitors: readonly Visitor[]): boolean {
	for (let index = 1; index < visitors.length; index++) if (visitors[index - 1].hits < visitors[index].hits) return false;
	return true;
}

function plural(count: number, word: string): string {
	return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function share(part: number, whole: number): string {
	return `${whole > 0 ? Math.round((part / whole) * 100) : 0}%`;
}

/** The preview an operator confirms: what will change, what is left out and why, what it costs. */
export function describeLockdown(plan: LockdownPlan): string[] {
	const lines = [
		plan.previousLevel === 'help'
			? `Security level is already I'm Under Attack (help).`
			: `Security level: ${plan.previousLevel ?? 'unknown'} → help (I'm Under Attack).`,
		plan.bans.length === 0
			? 'No threat IPs to ban.'
			: `Ban ${plural(plan.bans.length, 'threat IP')}, most hits first: ${share(plan.banHits, plan.totalHits)} of hits (${plan.banHits} of ${plan.totalHits}).`,
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
	lines.push(
		`Costs ${plural(plan.callsNeeded, 'API call')} of ${plan.callsLeft} left this hour; keeps ${plan.callsKept} (undo, next actions).`,
		'Undo: L again or :unlock (clears only the bans this lockdown made).',
	);
	return lines;
}

export function lockdownRequests(plan: LockdownPlan): ActionRequest[] {
	const requests: ActionRequest[] = [];
	if (plan.previousLevel !== 'help') requests.push({kind: 'security-level', zone: plan.zone, level: 'help'});
	for (const visitor of plan.bans) requests.push({kind: 'ban', ip: visitor.ip});
	return requests;
}

/** The registry's record of a plan, written before its first request is sent. */
export function lockdownRecord(plan: LockdownPlan, at: number, owner: LockdownRecord['owner']): LockdownRecord {
	return {
		id: `${plan.zone.name}@${new Date(at).toISOString()}/${owner.pid}/${owner.session}`,
		at,
		previousLevel: plan.previousLevel,
		phase: 'locking',
		owner,
		bans: Object.fromEntries(plan.bans.map(visitor => [visitor.ip, 'planned' satisfies BanState])),
		leftAlone: plan.alreadyRuled.length,
		overBudget: plan.overBudget,
	};
}

/** How a lockdown's bans stand, for the dialogs, the summary and the header. */
export interface LockdownCounts {
	planned: number;
	sent: number;
	done: number;
	failed: number;
	notSent: number;
	clearing: number;
	cleared: number;
}

export function countBans(record: LockdownRecord): LockdownCounts {
	const counts: LockdownCounts = {planned: 0, sent: 0, done: 0, failed: 0, notSent: 0, clearing: 0, cleared: 0};
	for (const state of Object.values(record.bans)) {
		if (state === 'not-sent') counts.notSent++;
		else counts[state]++;
	}
	return counts;
}

/**
 * Bans the undo must clear: the confirmed ones, and those sent without a known answer (a ban of an IP
 * that had no rule; clearing it restores exactly what was there before). An interrupted undo's
 * `clearing` ones are sent again.
 */
export function bansToClear(record: LockdownRecord): string[] {
	return Object.entries(record.bans)
		.filter(([, state]) => state === 'done' || state === 'sent' || state === 'clearing')
		.map(([ip]) => ip);
}

/** Bans an interrupted lockdown still has to send (planned, or sent without an answer). */
export function bansToFinish(record: LockdownRecord): string[] {
	return Object.entries(record.bans)
		.filter(([, state]) => state === 'planned' || state === 'sent')
		.map(([ip]) => ip);
}

export interface UnlockPlan {
	requests: ActionRequest[];
	/** Bans that stay for a later undo because the hour's calls do not cover them. */
	deferred: number;
}

/** Undo: restore the level that was active before, and clear the bans it made, as many as the calls cover. */
export function unlockPlan(zone: ZoneRef, record: LockdownRecord, callsLeft: number): UnlockPlan {
	const requests: ActionRequest[] = [];
	if (record.previousLevel && record.previousLevel !== 'help' && !record.levelRestored) requests.push({kind: 'security-level', zone, level: record.previousLevel});
	const clears = bansToClear(record);
	const room = Math.max(0, callsLeft - requests.length);
	for (const ip of clears.slice(0, room)) requests.push({kind: 'clear-rule', ip});
	return {requests, deferred: Math.max(0, clears.length - room)};
}
