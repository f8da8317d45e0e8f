/**
 * Lockdown: "I'm Under Attack" plus a ban of every IP currently listed as a threat, previewed before it is
 * sent, and undone exactly (the previous level restored, only the bans it made cleared). Pure planning;
 * the console turns a plan into queued actions.
 */
import type {SecurityLevel, Visitor, ZoneRef} from '../backend.js';
import type {NeverBanGuard} from './guard.js';
import type {ActionRequest} from './types.js';

export interface LockdownPlan {
	zone: ZoneRef;
	/** The level before the lockdown (restored by undo); undefined when not yet known. */
	previousLevel?: SecurityLevel;
	/** Threat IPs that will be banned, most hits first. */
	bans: Visitor[];
	/** Threat IPs left out because the never-ban guard covers them. */
	guarded: Array<{ip: string; reason: string}>;
	/** Threat IPs that already have a rule (banned or whitelisted): left alone. */
	alreadyRuled: string[];
	/** Hits of the IPs to ban, and of every listed IP. */
	banHits: number;
	totalHits: number;
	/** API calls the lockdown costs: one level change plus one per ban. */
	callsNeeded: number;
}

export interface LockdownInput {
	zone: ZoneRef;
	currentLevel?: SecurityLevel;
	/** The visitors listed for the zone (every class). */
	visitors: readonly Visitor[];
	guard: NeverBanGuard;
	/** Access rules this console knows of, by IP. */
	rules: ReadonlyMap<string, 'ban' | 'wl'>;
}

export function planLockdown(input: LockdownInput): LockdownPlan {
	const bans: Visitor[] = [];
	const guarded: LockdownPlan['guarded'] = [];
	const alreadyRuled: string[] = [];
	let totalHits = 0;
	for (const visitor of input.visitors) {
		totalHits += visitor.hits;
		if (visitor.classification !== 'threat') continue;
		const reason = input.guard.check(visitor.ip);
		if (reason) guarded.push({ip: visitor.ip, reason});
		else if (input.rules.has(visitor.ip)) alreadyRuled.push(visitor.ip);
		else bans.push(visitor);
	}
	bans.sort((a, b) => b.hits - a.hits || a.ip.localeCompare(b.ip));
	const banHits = bans.reduce((sum, visitor) => sum + visitor.hits, 0);
	const levelChange = input.currentLevel === 'help' ? 0 : 1;
	return {zone: input.zone, previousLevel: input.currentLevel, bans, guarded, alreadyRuled, banHits, totalHits, callsNeeded: levelChange + bans.length};
}

/** The preview an operator confirms: what will change, how much of the traffic it touches. */
export function describeLockdown(plan: LockdownPlan): string[] {
	const share = plan.totalHits > 0 ? Math.round((plan.banHits / plan.totalHits) * 100) : 0;
	const lines = [
		plan.previousLevel === 'help'
			? `Security level is already I'm Under Attack (help).`
			: `Security level: ${plan.previousLevel ?? 'unknown'} → help (I'm Under Attack).`,
		plan.bans.length === 0
			? 'No threat IPs to ban.'
			: `Ban ${plan.bans.length} threat IP${plan.bans.length === 1 ? '' : 's'}: ${share}% of recent hits (${plan.banHits} of ${plan.totalHits}).`,
	];
	if (plan.guarded.length > 0) lines.push(`Left out (never-ban guard): ${plan.guarded.map(entry => `${entry.ip} (${entry.reason})`).join(', ')}.`);
	if (plan.alreadyRuled.length > 0) lines.push(`Already have a rule, left alone: ${plan.alreadyRuled.length}.`);
	lines.push(`Costs ${plan.callsNeeded} API call${plan.callsNeeded === 1 ? '' : 's'}. Undo with L again or :unlock.`);
	return lines;
}

export function lockdownRequests(plan: LockdownPlan): ActionRequest[] {
	const requests: ActionRequest[] = [];
	if (plan.previousLevel !== 'help') requests.push({kind: 'security-level', zone: plan.zone, level: 'help'});
	for (const visitor of plan.bans) requests.push({kind: 'ban', ip: visitor.ip});
	return requests;
}

/** What a lockdown did, persisted so that undo works after a restart. */
export interface LockdownRecord {
	previousLevel?: SecurityLevel;
	bannedIps: string[];
	/** Epoch ms. */
	at: number;
}

/** Undo: restore the level that was active before, and clear exactly the bans the lockdown made. */
export function unlockRequests(zone: ZoneRef, record: LockdownRecord): ActionRequest[] {
	const requests: ActionRequest[] = [];
	if (record.previousLevel && record.previousLevel !== 'help') requests.push({kind: 'security-level', zone, level: record.previousLevel});
	for (const ip of record.bannedIps) requests.push({kind: 'clear-rule', ip});
	return requests;
}
