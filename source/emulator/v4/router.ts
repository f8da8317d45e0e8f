/**
 * API v4 under `/client/v4`: authentication, the five-minute REST limit, counting, routing, and the
 * envelope. The server (`../server.ts`) hands every `/client/v4` request here, after faults.
 *
 * GraphQL: `POST /client/v4/graphql` goes to the handler given as `graphql` in `createV4Router`'s
 * options (the server passes the engine of ./graphql.ts, loaded on first use); without one it answers
 * like any unknown route (400, code 7000). The handler's signature:
 *
 *     (request: {account: Account, body: unknown, now: number, core: EmulatorCore}) => {status: number, body: unknown}
 *
 * `account` is the authenticated account (world.ts), `body` the parsed JSON body (undefined when
 * empty; a body that is not JSON is refused before the handler runs), `now` the simulated time in
 * epoch seconds (`core.clock.nowSec()`), and `core` the whole emulator (`core.world` for the zones,
 * `core.traffic` for the traffic model). The router has already authenticated, counted the call and
 * taken it from the REST limit; the answer is sent as JSON with the limit's headers.
 */
import type {EmulatorCore} from '../core.js';
import type {Account} from '../world.js';
import {createRule, deleteRule, editRule, getRule, listRules} from './access-rules.js';
import {getAccount, listAccounts} from './accounts.js';
import type {V4Context} from './context.js';
import {createRecord, deleteRecord, getRecord, listRecords, updateRecord} from './dns.js';
import {failureBody, noRoute, ok, V4Failure, type V4Answer, type V4Message} from './envelope.js';
import {editSetting, getSetting, getZone, listSettings, listZones, purgeCache} from './zones.js';

export const v4Prefix = '/client/v4';

export interface GraphqlRequest {
	account: Account;
	body: unknown;
	/** Simulated time, epoch seconds. */
	now: number;
	core: EmulatorCore;
}
/** May answer later: the server loads the GraphQL engine only when the first query arrives. */
export type GraphqlHandler = (request: GraphqlRequest) => {status: number; body: unknown} | Promise<{status: number; body: unknown}>;


export interface V4RouterOptions {
	/** Answers POST /graphql (the server gives the GraphQL engine); without one, an unknown route. */
	graphql?: GraphqlHandler;
}

export interface V4Request {
	method: string;
	/** The path, `/client/v4` included, without the query. */
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

type Handler = (context: V4Context) => V4Answer;

interface Route {
	method: string;
	/** Segments after /client/v4; `:name` captures one. */
	segments: string[];
	/** The route's name in the admin state's `calls.v4.byRoute`. */
	name: string;
	handler: Handler | 'graphql';
}

function route(method: string, pattern: string, handler: Handler | 'graphql'): Route {
	return {method, segments: pattern.split('/').filter(Boolean), name: `${method} ${pattern}`, handler};
}

const rules = '/firewall/access_rules/rules';
const routes: Route[] = [
	route('GET', '/user/tokens/verify', verifyToken),
	route('GET', '/zones', listZones),
	route('GET', '/zones/:zone_id', getZone),
	route('GET', '/zones/:zone_id/settings', listSettings),
	route('GET', '/zones/:zone_id/settings/:setting', getSetting),
	route('PATCH', '/zones/:zone_id/settings/:setting', editSetting),
	route('POST', '/zones/:zone_id/purge_cache', purgeCache),
	route('GET', `/zones/:zone_id${rules}`, listRules),
	route('POST', `/zones/:zone_id${rules}`, createRule),
	route('GET', `/zones/:zone_id${rules}/:rule_id`, getRule),
	route('PATCH', `/zones/:zone_id${rules}/:rule_id`, editRule),
	route('DELETE', `/zones/:zone_id${rules}/:rule_id`, deleteRule),
	route('GET', '/accounts', listAccounts),
	route('GET', '/accounts/:account_id', getAccount),
	route('GET', `/accounts/:account_id${rules}`, listRules),
	route('POST', `/accounts/:account_id${rules}`, createRule),
	route('GET', `/accounts/:account_id${rules}/:rule_id`, getRule),
	route('PATCH', `/accounts/:account_id${rules}/:rule_id`, editRule),
	route('DELETE', `/accounts/:account_id${rules}/:rule_id`, deleteRule),
	route('GET', `/user${rules}`, listRules),
	route('POST', `/user${rules}`, createRule),
	route('GET', `/user${rules}/:rule_id`, getRule),
	route('PATCH', `/user${rules}/:rule_id`, editRule),
	route('DELETE', `/user${rules}/:rule_id`, deleteRule),
	route('GET', '/zones/:zone_id/dns_records', listRecords),
	route('POST', '/zones/:zone_id/dns_records', createRecord),
	route('GET', '/zones/:zone_id/dns_records/:record_id', getRecord),
	route('PUT', '/zones/:zone_id/dns_records/:record_id', context => updateRecord(context, false)),
	route('PATCH', '/zones/:zone_id/dns_records/:record_id', context => updateRecord(context, true)),
	route('DELETE', '/zones/:zone_id/dns_records/:record_id', deleteRecord),
	route('POST', '/graphql', 'graphql'),
];

function verifyToken(context: V4Context): V4Answer {
	// The notes: verifying with email + key answers 1001; the status is our choice.
	if (context.auth !== 'token') throw new V4Failure(400, [{code: 1001, message: 'Missing "Authorization" header'}]);
	return ok({id: context.account.id, status: 'active'}, undefined, [{code: 10000, message: 'This API Token is valid and active', type: null}]);
}

/** Matches a path; `methodMismatch` when the path exists for another method. */
function match(method: string, segments: string[]): {route: Route; params: Record<string, string>} | 'methodMismatch' | undefined {
	let mismatch = false;
	for (const candidate of routes) {
		if (candidate.segments.length !== segments.length) continue;
		const params: Record<string, string> = {};
		const fits = candidate.segments.every((part, index) => {
			if (part.startsWith(':')) {
				params[part.slice(1)] = segments[index];
				return segments[index] !== '';
			}
			return part === segments[index];
		});
		if (!fits) continue;
		if (candidate.method === method) return {route: candidate, params};
		mismatch = true;
	}
	return mismatch ? 'methodMismatch' : undefined;
}

function header(request: V4Request, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

const invalidHeaders = (code: number, message: string): V4Failure => new V4Failure(400, [{code: 6003, message: 'Invalid request headers', error_chain: [{code, message}]}]);
const authenticationError = (): V4Failure => new V4Failure(403, [{code: 10000, message: 'Authentication error'}]);

/** Who is calling: a Bearer token, or X-Auth-Email + X-Auth-Key. */
function authenticate(core: EmulatorCore, request: V4Request): {account: Account; auth: 'token' | 'key'} {
	const authorization = header(request, 'authorization');
	if (authorization !== undefined) {
		const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
		if (token === undefined) throw invalidHeaders(6111, 'Invalid format for Authorization header');
		const account = core.world.accountByToken(token);
		if (!account) throw authenticationError();
		return {account, auth: 'token'};
	}
	const email = header(request, 'x-auth-email');
	const key = header(request, 'x-auth-key');
	if (email === undefined && key === undefined) throw invalidHeaders(6111, 'Invalid format for Authorization header');
	if (email === undefined || !/^[^\s@]+@[^\s@]+$/.test(email.trim())) throw invalidHeaders(6102, 'Invalid format for X-Auth-Email header');
	if (key === undefined || key.trim() === '') throw invalidHeaders(6103, 'Invalid format for X-Auth-Key header');
	const account = core.authenticate(email.trim().toLowerCase(), key.trim());
	if (!account) throw authenticationError();
	return {account, auth: 'key'};
}

/**
 * The limit's headers: remaining calls and seconds to reset, and the policy (quota, window); and `Date`
 * from the simulated clock, which a client reads as the server's time (as it would the real API's).
 */
function limitHeaders(account: Account, nowSec: number): Record<string, string> {
	const blocked = account.v4BlockedUntil > nowSec;
	const remaining = blocked ? 0 : account.v4Budget.remaining(nowSec);
	const reset = blocked ? account.v4BlockedUntil - nowSec : account.v4Budget.resetIn(nowSec);
	return {
		Ratelimit: `"default";r=${remaining};t=${reset}`,
		'Ratelimit-Policy': `"default";q=${account.v4Budget.limit};w=300`,
		Date: new Date(nowSec * 1000).toUTCString(),
	};
}

/** Over the limit, every call is refused for the next five minutes (the documentation's words). */
function takeFromLimit(account: Account, nowSec: number): boolean {
	if (account.v4BlockedUntil > nowSec) return false;
	if (account.v4Budget.take(nowSec)) return true;
	account.v4BlockedUntil = nowSec + 300;
	return false;
}

function parseBody(body: Buffer): unknown {
	if (body.length === 0 || body.toString('utf8').trim() === '') return undefined;
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch {
		throw new V4Failure(400, [{code: 6007, message: 'Malformed JSON in request body'}]);
	}
}

function failure(error: V4Failure, headers?: Record<string, string>): V4Answer {
	return {status: error.status, body: failureBody(error.errors), headers: {...headers, ...error.headers}};
}

export function count(account: Account, name: string): void {
	account.v4Calls.total++;
	account.v4Calls.byRoute[name] = (account.v4Calls.byRoute[name] ?? 0) + 1;
}

/** The 429 answer (also the `maxapi` fault's, without an account). */
export const rateLimited: V4Message = {code: 971, message: 'Please wait and consider throttling your request speed'};

export function createV4Router(core: EmulatorCore, options: V4RouterOptions = {}): (request: V4Request) => V4Answer | Promise<V4Answer> {
	return request => {
		let identity: {account: Account; auth: 'token' | 'key'};
		try {
			identity = authenticate(core, request);
		} catch (error) {
			if (!(error instanceof V4Failure)) throw error;
			core.unauthorizedCalls++;
			return failure(error);
		}
		const {account, auth} = identity;
		const nowSec = core.clock.nowSec();
		const segments = request.path.slice(v4Prefix.length).split('/').filter((part, index) => index > 0 || part !== '');
		const found = match(request.method, segments.length === 1 && segments[0] === '' ? [] : segments);
		count(account, typeof found === 'object' ? found.route.name : found === 'methodMismatch' ? '(method not allowed)' : '(no route)');
		if (!takeFromLimit(account, nowSec)) {
			const headers = limitHeaders(account, nowSec);
			return failure(new V4Failure(429, [rateLimited]), {...headers, 'Retry-After': String(Math.max(1, account.v4BlockedUntil - nowSec))});
		}
		const headers = limitHeaders(account, nowSec);
		try {
			if (found === 'methodMismatch') throw new V4Failure(405, [{code: 7001, message: 'Method not allowed for this route'}]);
			const graphql = options.graphql;
			if (!found || (found.route.handler === 'graphql' && !graphql)) throw new V4Failure(400, [noRoute]);
			const body = parseBody(request.body);
			if (found.route.handler === 'graphql') {
				// The GraphQL limit comes on top of the REST one, and answers in GraphQL's shape.
				if (!account.graphqlBudget.take(nowSec)) {
					const retry = String(Math.max(1, account.graphqlBudget.resetIn(nowSec)));
					const timestamp = new Date(nowSec * 1000).toISOString();
					return {status: 429, body: {data: null, errors: [{message: 'rate limiter budget depleted, try again after 5 minutes', path: null, extensions: {timestamp}}]}, headers: {...headers, 'Retry-After': retry}};
				}
				const answer = (graphql as GraphqlHandler)({account, body, now: nowSec, core});
				if (answer instanceof Promise) return answer.then(done => ({status: done.status, body: done.body, headers}));
				return {status: answer.status, body: answer.body, headers};
			}
			const answer = found.route.handler({core, account, auth, query: request.query, body, nowSec, path: request.path, params: found.params});
			return {...answer, headers: {...headers, ...answer.headers}};
		} catch (error) {
			if (!(error instanceof V4Failure)) throw error;
			return failure(error, headers);
		}
	};
}
