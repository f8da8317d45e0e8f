/**
 * The rules every operator action obeys, in one place, whoever asks (a key, the palette, a dialog, a
 * lockdown): read-only mode, the address rules (one valid IP; no ban or whitelist of an address no
 * visitor can have; no ban of a never-ban address), the purge cooldown, one snapshot a day, lookups
 * answered from what was looked up lately, and the hour's call budget. Pure: the request, the monitor's state and the time in,
 * a verdict out. The action service asks before it queues, and the queue asks the budget again right before it
 * sends, since calls may have been spent meanwhile.
 */
import {requestUnsupported} from './capability.js';
import type {NeverBanGuard} from './guard.js';
import {describeAction, isMutating, requestZone, type ActionRequest} from './types.js';
import type {Capabilities, IpDetails, ThreatScore} from '../backend.js';
import {formatAge} from '../lib/format.js';
import {ipv4Key, parseIpv6} from '../lib/ip.js';
import {checkIp, checkIpOrRange, checkRuleTarget, quote} from '../lib/validate.js';
import {callsLeft, windowPhrase, wouldEatReserve} from '../monitor/budget.js';
import type {MonitorState} from '../monitor/store.js';

const dayMs = 86_400_000;
/** A lookup of the same IP within this time is answered from the last one, with no call. */
export const lookupFreshMs = 10 * 60_000;

export type Verdict =
	| {ok: true; cost: number}
	/** Answered without a call: a lookup made lately. */
	| {ok: true; cost: 0; cached: ThreatScore; age: number}
	/** Answered without a call: the details of an address fetched lately. */
	| {ok: true; cost: 0; cachedDetails: IpDetails; age: number}
	| {ok: false; message: string};

function refuse(message: string): Verdict {
	return {ok: false, message};
}

/** What the action service remembers besides the state: when each IP was last looked up. */
export interface RuleFacts {
	lookedUp?: {at: number; score: ThreatScore};
	/** When the address's details (v4) were last fetched. */
	detailed?: {at: number; details: IpDetails};
	/** The never-ban guard; without it no address is guarded. `entries` lets a range be checked. */
	guard?: Pick<NeverBanGuard, 'check'> & Partial<Pick<NeverBanGuard, 'entries'>>;
	/** What the API can do; without it every request is taken to be possible. */
	capabilities?: Capabilities;
}

/** May this request be queued at `now`? */
export function checkRequest(request: ActionRequest, state: MonitorState, now: number, facts: RuleFacts = {}): Verdict {
	if (state.readOnly && isMutating(request.kind)) return refuse(`Read-only mode (--read-only): ${describeAction(request)} is not sent. Nothing was changed.`);
	const unsupported = facts.capabilities ? requestUnsupported(request, facts.capabilities) : undefined;
	if (unsupported) return refuse(`Not sent: ${unsupported}`);
	const address = addressRefusal(request, facts.guard);
	if (address) return refuse(address);
	const named = requestZone(request);
	const zone = named ? state.zones.find(candidate => candidate.name === named.name) : undefined;
	if (request.kind === 'purge' && zone) {
		const wait = (zone.purgeAllowedAt ?? 0) - now;
		if (wait > 0) return refuse(`Purge: the cooldown is on; wait ${formatAge(Math.ceil(wait / 1000))} before purging again`);
	}
	if (request.kind === 'snapshot' && zone?.lastGrabAt !== undefined) {
		const since = now - zone.lastGrabAt;
		if (since < dayMs) return refuse(`Snapshot: once a day; the next is allowed in ${formatAge(Math.ceil((dayMs - since) / 1000))}`);
	}
	if (request.kind === 'lookup' && facts.lookedUp && now - facts.lookedUp.at < lookupFreshMs) {
		return {ok: true, cost: 0, cached: facts.lookedUp.score, age: now - facts.lookedUp.at};
	}
	if (request.kind === 'details' && facts.detailed && now - facts.detailed.at < lookupFreshMs) {
		return {ok: true, cost: 0, cachedDetails: facts.detailed.details, age: now - facts.detailed.at};
	}
	const budget = budgetRefusal(request, state, now);
	return budget ? refuse(budget) : {ok: true, cost: 1};
}

/**
 * Why a request on an IP is refused, or undefined. Addresses may come from the server (a threat row), so
 * each is checked as an IP again here, and quoted: a row that did not parse is never sent anywhere.
 */
function addressRefusal(request: ActionRequest, guard: RuleFacts['guard']): string | undefined {
	if (request.kind === 'ban' || request.kind === 'whitelist' || request.kind === 'challenge') {
		// A challenge stands between the address and the site as a ban does: the same guard.
		const problem = checkRuleTarget(request.ip, request.kind === 'whitelist' ? 'whitelist' : 'ban');
		if (problem) return `Not sent: ${request.kind === 'challenge' ? problem.replace(/banned$/, 'challenged') : problem}`;
		const guarded = request.kind === 'whitelist' ? undefined : guard?.check(request.ip);
		if (guarded) return `Not sent: ${quote(request.ip)} is ${guarded} (never-ban guard)`;
		return undefined;
	}
	if (request.kind === 'clear-rule' || request.kind === 'lookup' || request.kind === 'details') {
		const problem = checkIp(request.ip);
		return problem ? `Not sent: ${problem}` : undefined;
	}
	if (request.kind === 'rule-add') return ruleAddRefusal(request.rule, guard);
	return undefined;
}

/** A rule on an address or a range obeys the same address rules and the guard (ASN and country rules name no address). */
function ruleAddRefusal(rule: Extract<ActionRequest, {kind: 'rule-add'}>['rule'], guard: RuleFacts['guard']): string | undefined {
	const allows = rule.mode === 'whitelist';
	if (rule.target === 'ip') {
		const problem = checkRuleTarget(rule.value, allows ? 'whitelist' : 'ban');
		if (problem) return `Not sent: ${problem}`;
		const guarded = allows ? undefined : guard?.check(rule.value);
		return guarded ? `Not sent: ${quote(rule.value)} is ${guarded} (never-ban guard)` : undefined;
	}
	if (rule.target === 'ip_range') {
		const problem = checkIpOrRange(rule.value);
		if (problem) return `Not sent: ${problem}`;
		const guarded = allows ? undefined : guardedInRange(rule.value, guard);
		return guarded ? `Not sent: ${quote(rule.value)} holds ${guarded} (never-ban guard)` : undefined;
	}
	return undefined;
}

/** A guarded address inside the range, if any: its network address, and each guarded entry's, are checked against the other. */
function guardedInRange(range: string, guard: RuleFacts['guard']): string | undefined {
	if (!guard?.entries) return undefined;
	const [network = ''] = range.split('/');
	for (const entry of guard.entries) {
		const [address = ''] = entry.pattern.split('/');
		// Two CIDR ranges overlap exactly when one holds the other's network address.
		if (inRange(address, range) || inRange(network, entry.pattern)) return `${entry.pattern} (${entry.reason})`;
	}
	return undefined;
}

/** True when `address` is inside the CIDR `range` (both the same family; canonical or not). */
function inRange(address: string, range: string): boolean {
	const [network = '', prefixText = ''] = range.split('/');
	const a = addressBits(address);
	const b = addressBits(network);
	if (!a || !b || a.length !== b.length) return false;
	const prefix = prefixText === '' ? a.length : Number(prefixText);
	return a.slice(0, prefix) === b.slice(0, prefix);
}

/** An IPv4 or IPv6 address as a string of bits, or undefined. */
function addressBits(address: string): string | undefined {
	const v4 = ipv4Key(address);
	if (v4 >= 0) return v4.toString(2).padStart(32, '0');
	return parseIpv6(address)?.map(group => group.toString(2).padStart(16, '0')).join('');
}

/**
 * Why the hour's calls cannot cover this request now, or undefined. Actions may spend the reserve kept
 * for them; a lookup is information, not defence, so it spends only the polling share.
 */
export function budgetRefusal(request: ActionRequest, state: MonitorState, now: number): string | undefined {
	if ((request.kind === 'lookup' || request.kind === 'details') && !isRateLimited(state, now) && wouldEatReserve(state.policy, state.ledger, now, 1, state.serverCallsLeft)) {
		return `${request.kind === 'lookup' ? 'lookup' : 'details'} refused: it would use the ${state.policy.reserve} calls kept for actions (the polling share ${windowPhrase(state.policy).replace(/^in /, 'of ')} is spent)`;
	}
	return callRefusal(state, now, `${describeAction(request)} was not sent`);
}

function isRateLimited(state: MonitorState, now: number): boolean {
	return state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now;
}

/** Why one more call the operator causes cannot be made now (`outcome` says what was not done), or undefined. */
export function callRefusal(state: MonitorState, now: number, outcome: string): string | undefined {
	if (isRateLimited(state, now)) return `the API call limit is reached (E_MAXAPI); ${outcome}`;
	if (callsLeft(state.policy, state.ledger, now, state.serverCallsLeft) < 1) return `no API calls are left ${windowPhrase(state.policy)}; ${outcome}`;
	return undefined;
}
