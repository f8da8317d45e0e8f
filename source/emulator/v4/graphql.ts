/**
 * The emulator's GraphQL Analytics API (v4 `POST /client/v4/graphql`): a real GraphQL executor
 * (graphql-js) over a subset of Cloudflare's schema, answering from the same traffic model as v1.
 * The router authenticates, then calls `answerGraphql`; docs/emulator-graphql.md has the contract.
 */
import {executeSync, GraphQLError, parse, specifiedRules, validate, VariablesInAllowedPositionRule, type DocumentNode} from 'graphql';
import type {EmulatorCore} from '../core.js';
import type {Account} from '../world.js';
import {ZoneNode, type QueryContext} from './graphql-datasets.js';
import {analyticsSchema} from './graphql-schema.js';

/**
 * `now` is the simulated clock in epoch milliseconds (`core.clock.nowMs()`); a value that can only
 * be seconds (before 1973 in ms) is taken as seconds, so a caller passing `nowSec()` is not off by 1000×.
 */
export function answerGraphql(request: {world: EmulatorCore; accountEmail: string; body: unknown; now: number}): {status: number; body: unknown} {
	const nowMs = request.now < 1e11 ? request.now * 1000 : request.now;
	const timestamp = new Date(nowMs).toISOString();
	const account = request.world.world.account(request.accountEmail.trim().toLowerCase());
	if (!account) return {status: 403, body: failure([new GraphQLError('not authorized for that account')], timestamp)};
	const parsed = readBody(request.body);
	if (typeof parsed === 'string') return {status: 400, body: failure([new GraphQLError(parsed)], timestamp)};
	let document: DocumentNode;
	try {
		document = parse(parsed.query);
	} catch (error) {
		// A query that does not parse never ran: 400, as the API documents for parse errors.
		return {status: 400, body: failure([asGraphqlError(error)], timestamp)};
	}
	const schema = analyticsSchema();
	const invalid = validate(schema, document, rules);
	if (invalid.length > 0) return {status: 200, body: failure(invalid, timestamp)};
	const context: QueryContext = {core: request.world, nowSec: Math.floor(nowMs / 1000)};
	const result = executeSync({schema, document, rootValue: {viewer: () => new Viewer(account)}, contextValue: context, variableValues: parsed.variables, operationName: parsed.operationName});
	if (result.errors && result.errors.length > 0) return {status: statusFor(result.errors), body: failure(result.errors, timestamp)};
	return {status: 200, body: {data: result.data ?? null, errors: null}};
}

/**
 * The documented statuses: 403 for zones the caller may not read, 400 for a query past a limit (too
 * old, too wide, too many rows); other errors come with 200, as a GraphQL answer.
 */
function statusFor(errors: readonly GraphQLError[]): number {
	const codes = errors.map(error => error.extensions?.code);
	if (codes.includes('authz')) return 403;
	if (codes.includes('quota')) return 400;
	return 200;
}

/**
 * graphql-js's rules but one: clients declare the same variable as `string` or `String!`, and a
 * filter as either of its published type names, and the real API takes them all; the resolvers
 * check the values themselves.
 */
const rules = specifiedRules.filter(rule => rule !== VariablesInAllowedPositionRule);

/** A query can name this many zones (the real API's global limit). */
const maxZones = 10;

interface GraphqlRequest {
	query: string;
	variables?: Record<string, unknown>;
	operationName?: string;
}

/** The request, or why it is not one (answered 400: the query never ran). */
function readBody(body: unknown): GraphqlRequest | string {
	let value = body;
	if (typeof value === 'string' || Buffer.isBuffer(value)) {
		try {
			value = JSON.parse(String(value));
		} catch {
			return 'failed to recognize JSON request: the body is not JSON';
		}
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'failed to recognize JSON request: expected an object with "query"';
	const {query, variables, operationName} = value as Record<string, unknown>;
	if (typeof query !== 'string' || query.trim() === '') return 'failed to recognize JSON request: "query" is missing';
	if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return 'failed to recognize JSON request: "variables" is not an object';
	if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return 'failed to recognize JSON request: "operationName" is not a string';
	return {query, variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: operationName ?? undefined};
}

function asGraphqlError(error: unknown): GraphQLError {
	return error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error));
}

/**
 * Cloudflare's error answer: `data` null, each error with message, locations, path (zone indexes as
 * strings, as its docs show them) and `extensions.timestamp`.
 */
function failure(list: readonly GraphQLError[], timestamp: string): {data: null; errors: unknown[]} {
	return {
		data: null,
		errors: list.map(error => {
			const entry: Record<string, unknown> = {message: error.message};
			if (error.locations) entry.locations = error.locations;
			if (error.path) entry.path = error.path.map(String);
			entry.extensions = {...error.extensions, timestamp};
			return entry;
		}),
	};
}

class Viewer {
	constructor(private readonly account: Account) {}

	zones(args: {filter?: Record<string, unknown> | null}): ZoneNode[] {
		const tags: string[] = [];
		const gather = (filter: Record<string, unknown> | null | undefined) => {
			if (!filter) return;
			if (typeof filter.zoneTag === 'string') tags.push(filter.zoneTag);
			if (Array.isArray(filter.zoneTag_in)) for (const tag of filter.zoneTag_in) tags.push(String(tag));
			if (Array.isArray(filter.AND)) for (const part of filter.AND) gather(part as Record<string, unknown>);
		};
		gather(args.filter);
		if (tags.length === 0) throw new GraphQLError('empty zone filters not allowed');
		const unique = [...new Set(tags.map(tag => tag.toLowerCase()))];
		if (unique.length > maxZones) throw new GraphQLError(`a query can include up to ${maxZones} zones`);
		// Another account's zone is as unknown as a zone that does not exist: both are "not authorized".
		const byTag = new Map(this.account.zones.map(zone => [zone.id, zone]));
		const missing = unique.filter(tag => !byTag.has(tag));
		if (missing.length > 0) throw new GraphQLError(`zones [${missing.map(tag => `'${tag}'`).join(' ')}] are not authorized`, {extensions: {code: 'authz'}});
		return unique.map((tag, index) => new ZoneNode(byTag.get(tag) as NonNullable<ReturnType<typeof byTag.get>>, tag, index));
	}
}
