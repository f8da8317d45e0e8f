/**
 * The notes flarewatch writes on every access rule it makes (API v4), and how a rule's notes are read
 * back: ours name flarewatch, the operator (user@host), what was done, the reason, and for a lockdown
 * its id, so any console (on any machine) can tell our rules from others' and find a lockdown's rules
 * to undo it. The format is one line:
 *
 *   flarewatch: block by ops@bastion [lockdown L-20261207-1830-ab12]: scraping /login
 *   flarewatch: block by ops@bastion [until 2026-12-07T22:00Z]: scraping /login
 *
 * A timed ban names its end (UTC, to the minute, or the second when it is not a whole minute), so a
 * console on another machine, with no registry record of it, still clears it when it is due.
 * The action and the operator come first (the dashboard's Notes column is narrow); the reason is free
 * text, made inert and cut to fit the API's notes.
 */
import {hostname, userInfo} from 'node:os';

export const notesPrefix = 'flarewatch:';
/** Kept well under the API's notes limit, so a long reason never makes a rule fail. */
export const maxNotesLength = 400;
const maxReasonLength = 200;

export interface RuleNote {
	/** What the rule does, in our words: block, allow, challenge, lockdown... */
	action: string;
	/** user@host of the operator who asked. */
	operator: string;
	/** The lockdown (batch) the rule belongs to, if any. */
	batch?: string;
	/** When a timed ban ends: epoch ms (written to the second, parsed back the same). */
	until?: number;
	reason?: string;
}

/** `2026-12-07T22:00Z`, or with seconds when they are not 0. */
export function untilText(at: number): string {
	const iso = new Date(Math.ceil(at / 1000) * 1000).toISOString();
	return iso.slice(17, 19) === '00' ? `${iso.slice(0, 16)}Z` : `${iso.slice(0, 19)}Z`;
}

/** Control, format and bidi characters out; runs of blanks to one space; cut to `max`. */
function plain(text: string, max: number): string {
	const cleaned = text
		.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** A user or host name as it may appear in a note: letters, digits and . _ - only. */
function token(text: string, fallback: string): string {
	const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64);
	return cleaned === '' ? fallback : cleaned;
}

/** user@host of whoever runs this process; `identity` replaces the lookup (tests, a config override). */
export function operatorIdentity(identity?: {user?: string; host?: string}): string {
	let user = identity?.user;
	if (user === undefined) {
		try {
			user = userInfo().username;
		} catch {
			// No passwd entry (a container's arbitrary uid): the uid-less fallback below.
			user = undefined;
		}
	}
	return `${token(user ?? '', 'unknown')}@${token(identity?.host ?? hostname(), 'unknown')}`;
}

/** The notes for a rule we make. */
export function formatRuleNote(note: RuleNote): string {
	const action = token(note.action, 'rule');
	const batch = note.batch === undefined ? '' : ` [lockdown ${token(note.batch, 'unknown')}]`;
	const until = note.until === undefined || !Number.isFinite(note.until) ? '' : ` [until ${untilText(note.until)}]`;
	const reason = note.reason === undefined ? '' : plain(note.reason, maxReasonLength);
	const text = `${notesPrefix} ${action} by ${operatorToken(note.operator)}${batch}${until}${reason === '' ? '' : `: ${reason}`}`;
	return text.length > maxNotesLength ? text.slice(0, maxNotesLength) : text;
}

function operatorToken(operator: string): string {
	const [user = '', host = ''] = operator.split('@');
	return `${token(user, 'unknown')}@${token(host, 'unknown')}`;
}

const notePattern = /^flarewatch:\s+([A-Za-z0-9._-]+)\s+by\s+([A-Za-z0-9._-]+@[A-Za-z0-9._-]+)(?:\s+\[lockdown\s+([A-Za-z0-9._-]+)\])?(?:\s+\[until\s+(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?Z)\])?(?::\s?(.*))?$/s;

/**
 * A rule's notes read back: ours (written by formatRuleNote) or undefined for anyone else's. Older
 * notes ("flarewatch: ban", written before operators were named) count as ours, without an operator.
 */
export function parseRuleNote(notes: string): RuleNote | undefined {
	const match = notePattern.exec(notes.trim());
	if (match) {
		const [, action = '', operator = '', batch, untilAt, reason] = match;
		const until = untilAt === undefined ? Number.NaN : Date.parse(untilAt);
		return {action, operator, ...(batch === undefined ? {} : {batch}), ...(Number.isFinite(until) ? {until} : {}), ...(reason === undefined || reason === '' ? {} : {reason})};
	}
	const legacy = /^flarewatch:\s+(ban|whitelist)$/.exec(notes.trim());
	return legacy ? {action: legacy[1]!, operator: ''} : undefined;
}

/** True when flarewatch made the rule (any console, any operator). */
export function isOurRule(notes: string): boolean {
	return parseRuleNote(notes) !== undefined;
}

/** True when the rule belongs to that lockdown. */
export function isLockdownRule(notes: string, batch: string): boolean {
	return parseRuleNote(notes)?.batch === batch;
}
