/**
 * A lockdown on an API whose rules carry notes and can be listed (v4). Every rule it makes names its id
 * (the batch) in its notes, so any console, on any machine, finds them by listing the zone's rules: the
 * undo removes exactly the rules that name its batch, never a rule anyone else made, nor one of ours
 * made by hand. Its record's `bans` are keyed by rule: the IP itself, or `asn:AS64500`, `country:CN`.
 */
import {randomBytes} from 'node:crypto';
import {securityLevels, type AccessRule, type SecurityLevel, type ZoneRef} from '../backend.js';
import {canonicalIp} from '../lib/ip.js';
import type {UnlockPlan} from './lockdown.js';
import type {BanState, LockdownRecord} from './registry.js';
import {formatRuleNote, isLockdownRule, parseRuleNote} from './rule-notes.js';
import type {ActionRequest} from './types.js';

/** What one rule of a lockdown matches. */
export type LockdownTarget = 'ip' | 'asn' | 'country';

/** A lockdown's id, as its rules' notes carry it: `L-20261207-1830-ab12` (UTC, then 4 random hex digits). */
export function newBatchId(at: number, random: string = randomBytes(2).toString('hex')): string {
	const iso = new Date(at).toISOString();
	return `L-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}-${random}`;
}

/** The key of a rule in a lockdown's record: an IP as itself (v1's records are the same), others prefixed. */
export function ruleKey(target: string, value: string): string {
	if (target === 'asn' || target === 'country') return `${target}:${value.toUpperCase()}`;
	return canonicalIp(value) ?? value;
}

export function keyTarget(key: string): {target: LockdownTarget; value: string} {
	const match = /^(asn|country):(.+)$/.exec(key);
	return match ? {target: match[1] as 'asn' | 'country', value: match[2]} : {target: 'ip', value: key};
}

/** The notes on each rule of a lockdown; the level before it rides along, so another machine can restore it. */
export function lockdownNotes(operator: string, batch: string, previousLevel: SecurityLevel | undefined): string {
	const level = previousLevel && previousLevel !== 'help' ? `; level was ${previousLevel}` : '';
	return formatRuleNote({action: 'block', operator, batch, reason: `lockdown${level}`});
}

/** The level a lockdown's notes say it found, if they say one. */
export function levelInNotes(notes: string): SecurityLevel | undefined {
	const said = /\blevel was ([a-z]+)\b/.exec(parseRuleNote(notes)?.reason ?? '')?.[1];
	return securityLevels.find(level => level === said);
}

/** The request that makes one rule of a lockdown. */
export function blockRequest(zone: ZoneRef, key: string, notes: string): ActionRequest {
	const {target, value} = keyTarget(key);
	return {kind: 'rule-add', zone, rule: {mode: 'block', target, value, notes}};
}

/** A lockdown seen in a zone's listed rules: whoever made it, from whichever machine. */
export interface FoundLockdown {
	batch: string;
	/** user@host, as its notes say. */
	operator: string;
	/** Epoch ms of its newest rule (0 when the API gave no dates). */
	at: number;
	rules: AccessRule[];
	/** The level before it, when its notes say. */
	previousLevel?: SecurityLevel;
}

/** The lockdowns whose rules are listed, the most recent first. */
export function findLockdowns(rules: readonly AccessRule[]): FoundLockdown[] {
	const found = new Map<string, FoundLockdown>();
	for (const rule of rules) {
		const note = parseRuleNote(rule.notes);
		if (note?.batch === undefined) continue;
		const entry = found.get(note.batch) ?? {batch: note.batch, operator: note.operator, at: 0, rules: []};
		entry.rules.push(rule);
		entry.at = Math.max(entry.at, rule.createdAt);
		entry.previousLevel ??= levelInNotes(rule.notes);
		found.set(note.batch, entry);
	}
	// Batch ids begin with their UTC minute: the tie-break when the API gave no dates.
	return [...found.values()].sort((a, b) => b.at - a.at || (a.batch < b.batch ? 1 : -1));
}

/**
 * The record of a lockdown found by its notes (this machine's registry did not have it). Its level
 * before is what its notes say; when they say none, medium, and the undo says that it is a guess.
 */
export function foundRecord(found: FoundLockdown): LockdownRecord {
	return {
		id: `notes:${found.batch}`,
		at: found.at,
		previousLevel: found.previousLevel ?? 'med',
		...(found.previousLevel ? {} : {levelAssumed: true}),
		phase: 'locked',
		owner: {pid: 0, session: 'notes'},
		bans: Object.fromEntries(found.rules.map(rule => [ruleKey(rule.target, rule.value), 'done' satisfies BanState])),
		leftAlone: 0,
		overBudget: 0,
		batch: found.batch,
		operator: found.operator,
		madeElsewhere: true,
	};
}

/**
 * The undo of a lockdown whose rules carry its batch: the level back, then every listed rule naming the
 * batch removed by its id, as many as the calls cover. Rules it made that are no longer listed are gone
 * already (someone removed them): `gone` names them, and nothing is sent for them. An assumed level
 * (notes without one) is only set when the zone is still under attack.
 */
export function unlockPlanByNotes(zone: ZoneRef, record: LockdownRecord, listed: readonly AccessRule[], callsLeft: number, currentLevel?: SecurityLevel): UnlockPlan {
	const requests: ActionRequest[] = [];
	const assumedButMoved = record.levelAssumed === true && currentLevel !== undefined && currentLevel !== 'help';
	if (record.previousLevel && record.previousLevel !== 'help' && !record.levelRestored && !assumedButMoved) requests.push({kind: 'security-level', zone, level: record.previousLevel});
	const batch = record.batch ?? '';
	const rules = listed.filter(rule => isLockdownRule(rule.notes, batch));
	const listedKeys = new Set(rules.map(rule => ruleKey(rule.target, rule.value)));
	const gone = Object.entries(record.bans)
		.filter(([key, state]) => (state === 'done' || state === 'sent' || state === 'clearing') && !listedKeys.has(key))
		.map(([key]) => key);
	const room = Math.max(0, callsLeft - requests.length);
	for (const rule of rules.slice(0, room)) {
		requests.push({kind: 'rule-delete', zone, rule});
	}
	return {requests, deferred: Math.max(0, rules.length - room), gone};
}
