/**
 * Timed bans: how long a ban lasts (the configured default, or the next step of the ladder for an
 * address banned again soon after its last ban ended, as fail2ban's bantime.increment), the registry's
 * record of each timed ban until it is cleared, and the claim that makes sure one process clears it.
 * Pure functions over the registry's records; the console's runner (ban-expiry.ts) and `flarewatch
 * expire` (commands/expire-command.ts) carry them out.
 */
import type {AccessRule} from '../backend.js';
import {canonicalIp} from '../lib/ip.js';
import {formatDuration} from '../lib/duration.js';
import {expiryKey, own, withKey, type AccountRecords, type BanExpiry, type BanHistory} from './registry.js';
import {parseRuleNote} from './rule-notes.js';

/** Ban durations (config.ts `BanSettings`, repeated here: actions/ may not import config.ts). */
export interface BanPolicy {
	duration: number;
	ladder: readonly number[];
	window: number;
}

export const defaultBanPolicy: BanPolicy = {duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400};

/** How many addresses' last bans are kept for escalation (the oldest go first). */
export const maxBanHistory = 5000;
/** How long a carried-out expiry is remembered, so a stale listing's note never brings it back. */
const tombstoneMs = 2 * 86_400_000;
/** A claim older than this is taken over even if its process lives (a hung request ended long before). */
export const staleClaimMs = 10 * 60_000;
/** After a failed clear, the expiry is tried again this much later. */
export const expiryRetryMs = 60_000;

/** What a new ban of an address should last, and why. */
export interface BanOffer {
	/** Seconds; 0 = permanent. */
	duration: number;
	/** The ladder step, when escalated. */
	step?: number;
	/** The ban it escalates from. */
	previous?: BanHistory;
}

/** When the last ban ended (a permanent one: when it was made, as it was cleared by hand some time after). */
function endOf(history: BanHistory): number {
	return history.duration > 0 ? history.at + history.duration * 1000 : history.at;
}

/**
 * The duration for a ban of `ip` now: the default, or, when the address's last ban ended less than the
 * window ago, the first ladder step longer than that ban (permanent is longest), or the ladder's last.
 */
export function banOffer(records: AccountRecords, ip: string, policy: BanPolicy, now: number): BanOffer {
	const previous = records.banHistory ? own(records.banHistory, canonicalIp(ip) ?? ip) : undefined;
	if (!previous || now - endOf(previous) >= policy.window * 1000 || policy.ladder.length === 0) return {duration: policy.duration};
	const longer = (step: number): boolean => previous.duration !== 0 && (step === 0 || step > previous.duration);
	const index = policy.ladder.findIndex(longer);
	const step = index === -1 ? policy.ladder.length - 1 : index;
	return {duration: policy.ladder[step]!, step, previous};
}

/** One line on the offer, for the dialog and the commands. */
export function describeOffer(offer: BanOffer, now: number): string | undefined {
	if (!offer.previous) return undefined;
	const ago = Math.max(0, Math.round((now - offer.previous.at) / 60_000));
	return `Banned before ${ago < 60 ? `${ago} min` : `${Math.round(ago / 60)} h`} ago for ${formatDuration(offer.previous.duration)}: step ${(offer.step ?? 0) + 1} of the ladder, ${formatDuration(offer.duration)}`;
}

/** The ladder step of a duration the operator chose (for the history), or -1 when it is not one. */
function stepOf(duration: number, policy: BanPolicy): number {
	return policy.ladder.indexOf(duration);
}

/**
 * A ban (by hand or command) answered done: its expiry when timed (a permanent one drops any), and the
 * address's history, bounded.
 */
export function withBanDone(records: AccountRecords, ban: {ip: string; zone?: {name: string; id: string}; duration?: number; expiresAt?: string; step?: number}, at: number, policy: BanPolicy): AccountRecords {
	const key = expiryKey(ban.ip, ban.zone?.name);
	const duration = ban.duration ?? 0;
	const until = ban.expiresAt === undefined ? at + duration * 1000 : Date.parse(ban.expiresAt);
	const expiry: BanExpiry | undefined = duration > 0 && Number.isFinite(until) ? {ip: ban.ip, ...(ban.zone ? {zone: ban.zone} : {}), until, at} : undefined;
	const history = withKey(records.banHistory ?? {}, canonicalIp(ban.ip) ?? ban.ip, {at, duration, step: ban.step ?? stepOf(duration, policy)});
	return {...records, expiries: withKey(records.expiries ?? {}, key, expiry), banHistory: boundHistory(history, at, policy)};
}

/** The oldest entries out past `maxBanHistory`, and any that can no longer escalate anything. */
function boundHistory(history: Record<string, BanHistory>, now: number, policy: BanPolicy): Record<string, BanHistory> {
	let entries = Object.entries(history).filter(([, entry]) => now - endOf(entry) < policy.window * 1000 || entry.duration === 0);
	if (entries.length > maxBanHistory) entries = entries.sort((a, b) => a[1].at - b[1].at).slice(entries.length - maxBanHistory);
	return Object.fromEntries(entries);
}

/** A rule on the address changed by hand (whitelist, clear, removal, challenge): its timed ban's expiry goes. */
export function withoutExpiry(records: AccountRecords, ip: string, zone?: string): AccountRecords {
	const key = expiryKey(canonicalIp(ip) ?? ip, zone);
	if (!records.expiries || own(records.expiries, key) === undefined) return records;
	return {...records, expiries: withKey(records.expiries, key, undefined)};
}

/** Who is asking to clear expiries. */
export interface Claimant {
	pid: number;
	session: string;
	/** True when a process of that pid runs (registry.processAlive). */
	alive(pid: number): boolean;
}

/** True when the expiry may be claimed now: due, not waiting for a retry, unclaimed or its claim abandoned. */
export function claimable(expiry: BanExpiry, now: number, claimant: Claimant, ownClaims: ReadonlySet<string> = new Set(), key = ''): boolean {
	if (expiry.until > now || (expiry.retryAt !== undefined && expiry.retryAt > now)) return false;
	const claim = expiry.claim;
	if (!claim) return true;
	// Ours and still in flight: not again. Ours but forgotten (a crash of the send), another's dead or stale: taken over.
	if (claim.session === claimant.session) return !ownClaims.has(key);
	return !claimant.alive(claim.pid) || now - claim.at > staleClaimMs;
}

/**
 * Claims up to `limit` due expiries for the claimant, in the order they fell due. Run inside the
 * registry's locked update: the file is re-read first, so what two processes claim never overlaps.
 */
export function claimDue(records: AccountRecords, now: number, claimant: Claimant, limit: number, ownClaims: ReadonlySet<string> = new Set()): {records: AccountRecords; claimed: Array<[string, BanExpiry]>} {
	const due = Object.entries(records.expiries ?? {})
		.filter(([key, expiry]) => claimable(expiry, now, claimant, ownClaims, key))
		.sort((a, b) => a[1].until - b[1].until)
		.slice(0, Math.max(0, limit));
	if (due.length === 0) return {records, claimed: []};
	let expiries = records.expiries ?? {};
	const claimed: Array<[string, BanExpiry]> = [];
	for (const [key, expiry] of due) {
		const next: BanExpiry = {...expiry, claim: {pid: claimant.pid, session: claimant.session, at: now}};
		expiries = withKey(expiries, key, next);
		claimed.push([key, next]);
	}
	return {records: {...records, expiries}, claimed};
}

/** The number of expiries due now (claimed or not), for messages. */
export function dueCount(records: AccountRecords, now: number): number {
	return Object.values(records.expiries ?? {}).filter(expiry => expiry.until <= now).length;
}

/** A claimed expiry carried out: gone, and remembered a while (tombstone) so a stale note cannot bring it back. */
export function withExpiryDone(records: AccountRecords, key: string, now: number): AccountRecords {
	const expiry = records.expiries ? own(records.expiries, key) : undefined;
	const tombstones = Object.fromEntries(Object.entries(records.expired ?? {}).filter(([, until]) => now - until < tombstoneMs));
	return {
		...records,
		expiries: withKey(records.expiries ?? {}, key, undefined),
		expired: expiry ? withKey(tombstones, key, expiry.until) : tombstones,
		// The rule is gone: the registry no longer holds it as ours.
		rules: expiry && own(records.rules, expiry.ip)?.mode === 'ban' ? withKey(records.rules, expiry.ip, undefined) : records.rules,
	};
}

/** A claimed expiry that failed: unclaimed, due again after `expiryRetryMs`, with the reason. Only our own claim is released. */
export function withExpiryFailed(records: AccountRecords, key: string, session: string, now: number, error: string): AccountRecords {
	const expiry = records.expiries ? own(records.expiries, key) : undefined;
	if (!expiry || expiry.claim?.session !== session) return records;
	const {claim: _claim, ...rest} = expiry;
	return {...records, expiries: withKey(records.expiries ?? {}, key, {...rest, retryAt: now + expiryRetryMs, error})};
}

/**
 * APIs whose rules carry notes (v4): our block rules whose notes name an end, listed in a zone, that the
 * registry does not hold (made from another machine, or a registry lost), become expiries here. Not
 * those carried out lately (a listing from before the clear still shows them), nor anyone else's rules.
 */
export function adoptFromRules(records: AccountRecords, zone: {name: string; id: string}, rules: readonly AccessRule[], now: number): AccountRecords {
	let expiries = records.expiries ?? {};
	let changed = false;
	for (const rule of rules) {
		if (rule.scope !== 'zone' || rule.target !== 'ip' || rule.mode !== 'block') continue;
		const note = parseRuleNote(rule.notes);
		if (!note || note.until === undefined || note.batch !== undefined) continue;
		const ip = canonicalIp(rule.value) ?? rule.value;
		const key = expiryKey(ip, zone.name);
		if (own(expiries, key) !== undefined) continue;
		const done = records.expired ? own(records.expired, key) : undefined;
		if (done !== undefined && Math.abs(done - note.until) < 60_000) continue;
		expiries = withKey(expiries, key, {ip, zone, until: note.until, at: rule.createdAt || now, fromNotes: true});
		changed = true;
	}
	return changed ? {...records, expiries} : records;
}

/**
 * Whether the zone's listing (APIs that list rules) says the expiry should still be sent: 'send', or
 * 'gone' (no rule on the address any more: nothing to clear), or 'replaced' (the address's rule is
 * not our timed ban now: someone changed it, and clearing would remove their rule).
 */
export function listedVerdict(expiry: BanExpiry, rules: readonly AccessRule[] | undefined, listedAt: number): 'send' | 'gone' | 'replaced' {
	// A listing from before the ban says nothing about it.
	if (!rules || listedAt <= expiry.at) return 'send';
	const wanted = canonicalIp(expiry.ip) ?? expiry.ip;
	const onIp = rules.filter(rule => rule.scope === 'zone' && rule.target === 'ip' && (canonicalIp(rule.value) ?? rule.value) === wanted);
	if (onIp.length === 0) return 'gone';
	return onIp.every(rule => rule.mode === 'block' && parseRuleNote(rule.notes)?.until !== undefined) ? 'send' : 'replaced';
}
