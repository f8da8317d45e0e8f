/**
 * What each backend call costs against the API's limits, keyed by the port method called (never by
 * parsing URLs): how many requests it sends, and how many of them are GraphQL queries. The poller and
 * the action service record these in the ledgers (budget.ts) as each call starts.
 *
 * v1 sends one request per call (rec_load_all's further pages are not counted, as before). API v4
 * needs more for some (v4/backend.ts says which): `stats` reads the settings (REST) beside its GraphQL
 * query, a rules listing reads a page per 1,000 rules of the zone and of the account, clearing an IP's
 * rule finds it first. A GraphQL query counts among the API's calls and again among its own queries.
 */
import type {ApiName, Backend, RuleList} from '../backend.js';

export interface CallCost {
	/** Requests, every kind (REST calls and GraphQL queries alike). */
	calls: number;
	/** How many of them are GraphQL queries (counted apart on v4). */
	analytics: number;
}

export const noCost: CallCost = {calls: 0, analytics: 0};

/** A port method that sends requests. */
export type BackendCall = Exclude<{[K in keyof Backend]-?: Backend[K] extends ((...args: never[]) => unknown) | undefined ? K : never}[keyof Backend], 'lastCallsLeft' | 'close'>;

const rest = (calls: number): CallCost => ({calls, analytics: 0});
/** One GraphQL query and the REST calls beside it. */
const graphql = (restCalls = 0): CallCost => ({calls: restCalls + 1, analytics: 1});

/**
 * API v4's costs where a call is not one REST request. Further pages are counted when the answer says
 * how many there were (rulesListingPages); a zone the backend has not looked up yet costs one lookup
 * more, which does not happen after the zone check.
 */
const v4Costs: Partial<Record<BackendCall, CallCost>> = {
	// The settings, then the analytics query.
	stats: graphql(1),
	visitors: graphql(),
	ipDetails: graphql(),
	// The zone's first page and the account's (further pages: rulesListingExtra).
	listRules: rest(2),
	// The IP's rules in the zone (one page), then the one delete.
	clearRule: rest(2),
	// One page of records per 100 (most zones have one).
	listRecords: rest(1),
	// The records of that name, then (at least) one delete.
	deleteRecordsByName: rest(2),
};

/** What one call of `method` costs on `api`; `zones` is how many names checkZones is given. */
export function callCost(api: ApiName, method: string, options: {zones?: number} = {}): CallCost {
	if (api !== 'v4') return rest(1);
	if (method === 'checkZones') return rest(Math.max(1, options.zones ?? 1));
	return v4Costs[method as BackendCall] ?? rest(1);
}

/** A poll of one zone: `stats` then `visitors`. */
export function pollCost(api: ApiName): CallCost {
	return addCosts(callCost(api, 'stats'), callCost(api, 'visitors'));
}

export function addCosts(a: CallCost, b: CallCost): CallCost {
	return {calls: a.calls + b.calls, analytics: a.analytics + b.analytics};
}

/** Rules per page of a v4 listing (v4/backend.ts asks for the most the API gives). */
export const rulesPerPage = 1000;

/**
 * The requests a v4 listing made beyond the two first pages counted when it started. The adapter walks
 * each scope's pages up to the last (a short one, or the API's page count): ⌈n / 1,000⌉ requests for n
 * rules, one when there are none. The account's pages are counted only when its rules came back
 * (otherwise its one refused request was counted).
 */
export function rulesListingExtra(list: RuleList): CallCost {
	const pages = (count: number) => Math.max(1, Math.ceil(count / rulesPerPage));
	const zone = list.rules.filter(rule => rule.scope === 'zone').length;
	const account = list.rules.length - zone;
	return rest(pages(zone) - 1 + (list.accountUnavailable === undefined ? pages(account) - 1 : 0));
}
