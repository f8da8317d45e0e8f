/**
 * The rules every operator action obeys, in one place, whoever asks (a key, the palette, a dialog, a
 * lockdown): read-only mode, the address rules (one valid IP; no ban or whitelist of an address no
 * visitor can have; no ban of a never-ban address), the purge cooldown, one snapshot a day, lookups
 * answered from what was looked up lately, and the hour's call budget. Pure: the request, the monitor's state and the time in,
 * a verdict out. The action service asks before it queues, and the queue asks the budget again right before it
 * sends, since calls may have been spent meanwhile.
 */
import type {NeverBanGuard} from './guard.js';
import {describeAction, isMutating, type ActionRequest} from './types.js';
import type {ThreatScore} from '../backend.js';
import {formatAge} from '../lib/format.js';
import {checkIp, checkRuleTarget, quote} from '../lib/validate.js';
import {callsLeft, wouldEatReserve} from '../monitor/budget.js';
import type {MonitorState} from '../monitor/store.js';

const dayMs = 86_400_000;
/** A lookup of the same IP within this time is answered from the last one, with no call. */
export const lookupFreshMs = 10 * 60_000;

export type Verdict =
	| {ok: true; cost: number}
	/** Answered without a call: a lookup made lately. */
	| {ok: true; cost: 0; cached: ThreatScore; age: number}
	| {ok: false; message: string};

function refuse(message: string): Verdict {
	return {ok: false, message};
}

/** What the action service remembers besides the state: when each IP was last looked up. */
export interface RuleFacts {
	lookedUp?: {at: number; score: ThreatScore};
	/** The never-ban guard; without it no address is guarded. */
	guard?: Pick<NeverBanGuard, 'check'>;
}

/** May this request be queued at `now`? */
export function checkRequest(request: ActionRequest, state: MonitorState, now: number, facts: RuleFacts = {}): Verdict {
	if (state.readOnly && isMutating(request.kind)) return refuse(`Read-only mode (--read-only): ${describeAction(request)} is not sent. Nothing was changed.`);
	const address = addressRefusal(request, facts.guard);
	if (address) return refuse(address);
	const zone = 'zone' in request ? state.zones.find(candidate => candidate.name === request.zone.name) : undefined;
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
	const budget = budgetRefusal(request, state, now);
	return budget ? refuse(budget) : {ok: true, cost: 1};
}

/**
 * Why a request on an IP is refused, or undefined. Addresses may come from the server (a threat row), so
 * each is checked as an IP again here, and quoted: a row that did not parse is never sent anywhere.
 */
function addressRefusal(request: ActionRequest, guard: RuleFacts['guard']): string | undefined {
	if (request.kind === 'ban' || request.kind === 'whitelist') {
		const problem = checkRuleTarget(request.ip, request.kind);
		if (problem) return `Not sent: ${problem}`;
		const guarded = request.kind === 'ban' ? guard?.check(request.ip) : undefined;
		if (guarded) return `Not sent: ${quote(request.ip)} is ${guarded} (never-ban guard)`;
		return undefined;
	}
	if (request.kind === 'clear-rule' || request.kind === 'lookup') {
		const problem = checkIp(request.ip);
		return problem ? `Not sent: ${problem}` : undefined;
	}
	return undefined;
}

/**
 * Why the hour's calls cannot cover this request now, or undefined. Actions may spend the reserve kept
 * for them; a lookup is information, not defence, so it spends only the polling share.
 */
export function budgetRefusal(request: ActionRequest, state: MonitorState, now: number): string | undefined {
	if (request.kind === 'lookup' && !isRateLimited(state, now) && wouldEatReserve(state.policy, state.ledger, now, 1, state.serverCallsLeft)) {
		return `lookup refused: it would use the ${state.policy.reserve} calls kept for actions (the polling share of this hour is spent)`;
	}
	return callRefusal(state, now, `${describeAction(request)} was not sent`);
}

function isRateLimited(state: MonitorState, now: number): boolean {
	return state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now;
}

/** Why one more call the operator causes cannot be made now (`outcome` says what was not done), or undefined. */
export function callRefusal(state: MonitorState, now: number, outcome: string): string | undefined {
	if (isRateLimited(state, now)) return `the API call limit is reached (E_MAXAPI); ${outcome}`;
	if (callsLeft(state.policy, state.ledger, now, state.serverCallsLeft) < 1) return `no API calls are left this hour; ${outcome}`;
	return undefined;
}
