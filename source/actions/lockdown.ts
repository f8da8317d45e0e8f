/**
 * Lockdown: "I'm Under Attack" plus a ban of the threat IPs with the most hits, as many as the hour's
 * calls cover, previewed before anything is sent and undone exactly (the previous level restored, only
 * the bans it made and saw confirmed cleared). Where the API has ASN or country rules and one network
 * or country carries more than half of the threat requests, the preview offers one rule for it
 * instead. Pure planning; the action service sends a plan and keeps its record in the rule registry.
 */
import type {RuleTarget, SecurityLevel, Visitor, ZoneRef} from '../backend.js';
import {isBannable} from '../lib/ip.js';
import type {NeverBanGuard} from './guard.js';
import {blockRequest, lockdownNotes, ruleKey} from './lockdown-rules.js';
import type {BanState, LockdownRecord} from './registry.js';
import type {ActionRequest} from './types.js';

// The preview's words live beside the plan; imported from here as they always were.
export {describeLockdown, describeUnlock, lockdownChoices, chooseLockdown, type LockdownChoices} from './lockdown-preview.js';

/**
 * Calls a lockdown leaves in the hour for what the operator does next (an unban by mistake, a level
 * change), besides the one its undo needs to restore the level.
 */
export const callsKeptAfterLockdown = 5;

/** One network (ASN) or country that carries more than half of the threat requests. */
export interface RuleOffer {
	target: 'asn' | 'country';
	/** AS64500, or a two-letter country code. */
	value: string;
	/** The network's name, when the API gave one. */
	name?: string;
	/** Threat hits it carries, and its threat IPs. */
	hits: number;
	ips: number;
	/**
	 * Addresses seen in it that the rule would block and must not: never-ban ones and whitelisted ones.
	 * With any, the preview says so and banning IPs stays the default.
	 */
	conflicts: Array<{ip: string; reason: string}>;
	/** Never-ban entries not among the visitors (ranges, addresses not seen): their network is not known here. */
	unchecked: number;
	/** Why no rule is offered for it after all (the target has a rule already; no call left for it). */
	withheld?: string;
}

export interface LockdownPlan {
	zone: ZoneRef;
	/** The level before the lockdown (restored by undo); undefined when not yet known. */
	previousLevel?: SecurityLevel;
	/** 1 when the level is to be set to help, 0 when it is already. */
	levelChange: number;
	/**
	 * The API lists rules and they carry notes (v4): the lockdown's rules name `batch` in their notes,
	 * and its undo finds them by listing the zone's rules.
	 */
	byNotes: boolean;
	batch?: string;
	/** A network or country that carries more than half of the threat requests (byNotes APIs only). */
	offer?: RuleOffer;
	/** What is sent: the bans of the top threat IPs, or the one rule of `offer`. */
	use: 'ips' | 'rule';
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
	/** How the API's window is said: "this hour", "in this 5-minute window". */
	windowPhrase: string;
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
	/** The API's window in a sentence ("this hour", "in this 5-minute window"); default "this hour". */
	windowPhrase?: string;
	/** The lockdown's id for its rules' notes (APIs with notes). */
	batch?: string;
	/** APIs that list rules and carry notes (v4): what a network or country rule needs to know. */
	rules?: RuleContext;
}

export interface RuleContext {
	/** The targets the API's rules may have (only `asn` and `country` matter here). */
	targets: readonly RuleTarget[];
	/** True for an address with a whitelist rule (listed, or made by this machine). */
	whitelisted(ip: string): boolean;
	/** The rule this ASN or country has already (whoever made it), described; undefined when none. */
	existing(target: 'asn' | 'country', value: string): string | undefined;
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
	const offer = input.rules ? ruleOffer(input, input.rules, threatHits, capacity) : undefined;
	return {
		zone: input.zone,
		previousLevel: input.currentLevel,
		levelChange,
		byNotes: input.rules !== undefined,
		...(input.batch === undefined ? {} : {batch: input.batch}),
		...(offer ? {offer} : {}),
		use: 'ips',
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
		windowPhrase: input.windowPhrase ?? 'this hour',
		callsKept,
	};
}

/**
 * The ASN (else the country) carrying more than half of the threat requests, if one does: exactly
 * half is not enough. Visitors in it that the never-ban guard covers or that are whitelisted are
 * conflicts; so is a rule the target has already, which adding one would change (withheld).
 */
const ruleValuePattern = {asn: /^AS\d{1,10}$/, country: /^(?!XX)[A-Z]{2}$/};

function ruleOffer(input: LockdownInput, rules: RuleContext, threatHits: number, capacity: number): RuleOffer | undefined {
	if (threatHits <= 0) return undefined;
	for (const target of ['asn', 'country'] as const) {
		if (!rules.targets.includes(target)) continue;
		const tally = new Map<string, {hits: number; ips: number; name?: string}>();
		for (const visitor of input.visitors) {
			const value = target === 'asn' ? visitor.asn : visitor.country;
			// Only a value a rule can be made for (and shown safely): AS13335, or a two-letter code (XX is unknown, T1 Tor).
			if (visitor.classification !== 'threat' || !value || !ruleValuePattern[target].test(value)) continue;
			const entry = tally.get(value) ?? {hits: 0, ips: 0, ...(target === 'asn' && visitor.asnName ? {name: visitor.asnName} : {})};
			entry.hits += visitor.hits;
			entry.ips++;
			tally.set(value, entry);
		}
		const top = [...tally].find(([, entry]) => entry.hits * 2 > threatHits);
		if (!top) continue;
		const [value, entry] = top;
		const conflicts: RuleOffer['conflicts'] = [];
		const seen = new Set<string>();
		for (const visitor of input.visitors) {
			seen.add(visitor.ip);
			if ((target === 'asn' ? visitor.asn : visitor.country) !== value) continue;
			const guarded = input.guard.check(visitor.ip);
			if (guarded) conflicts.push({ip: visitor.ip, reason: guarded});
			else if (rules.whitelisted(visitor.ip)) conflicts.push({ip: visitor.ip, reason: 'whitelisted'});
		}
		const existing = rules.existing(target, value);
		const withheld = existing ? `it has a rule already (${existing})` : capacity < 1 ? 'the calls left do not cover one more' : undefined;
		return {
			target,
			value,
			...(entry.name === undefined ? {} : {name: entry.name}),
			hits: entry.hits,
			ips: entry.ips,
			conflicts,
			unchecked: input.guard.entries.filter(guardEntry => !seen.has(guardEntry.pattern)).length,
			...(withheld ? {withheld} : {}),
		};
	}
	return undefined;
}

function sortedByHits(visitors: readonly Visitor[]): boolean {
	for (let index = 1; index < visitors.length; index++) if (visitors[index - 1].hits < visitors[index].hits) return false;
	return true;
}

/** The record's keys of what a plan sends: the IPs to ban, or its one rule's. */
function planKeys(plan: LockdownPlan): string[] {
	if (plan.use === 'rule' && plan.offer) return [ruleKey(plan.offer.target, plan.offer.value)];
	return plan.bans.map(visitor => (plan.byNotes ? ruleKey('ip', visitor.ip) : visitor.ip));
}

/**
 * The requests of a plan: the level, then a ban per IP (v1), or a rule per key carrying the lockdown's
 * notes (`operator`, its batch and the level before) on APIs with notes.
 */
export function lockdownRequests(plan: LockdownPlan, operator = ''): ActionRequest[] {
	const requests: ActionRequest[] = [];
	if (plan.previousLevel !== 'help') requests.push({kind: 'security-level', zone: plan.zone, level: 'help'});
	return [...requests, ...ruleRequests(plan.zone, planKeys(plan), plan.byNotes ? {operator, batch: plan.batch ?? '', previousLevel: plan.previousLevel} : undefined)];
}

/** The request for each key of a lockdown: v1's ban of the IP, or a rule with the lockdown's notes. */
export function ruleRequests(zone: ZoneRef, keys: readonly string[], notes?: {operator: string; batch: string; previousLevel?: SecurityLevel}): ActionRequest[] {
	if (!notes) return keys.map(ip => ({kind: 'ban', ip}));
	const text = lockdownNotes(notes.operator, notes.batch, notes.previousLevel);
	return keys.map(key => blockRequest(zone, key, text));
}

/** The registry's record of a plan, written before its first request is sent. */
export function lockdownRecord(plan: LockdownPlan, at: number, owner: LockdownRecord['owner'], operator?: string): LockdownRecord {
	return {
		id: `${plan.zone.name}@${new Date(at).toISOString()}/${owner.pid}/${owner.session}`,
		at,
		previousLevel: plan.previousLevel,
		phase: 'locking',
		owner,
		bans: Object.fromEntries(planKeys(plan).map(key => [key, 'planned' satisfies BanState])),
		leftAlone: plan.alreadyRuled.length,
		overBudget: plan.use === 'rule' ? 0 : plan.overBudget,
		...(plan.byNotes && plan.batch !== undefined ? {batch: plan.batch} : {}),
		...(plan.byNotes && operator ? {operator} : {}),
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
	/** By notes: keys of rules it made that are listed no more (removed by someone): nothing to send. */
	gone?: string[];
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

