/**
 * GraphQL analytics served by the emulator at POST /client/v4/graphql: the REST face's auth and limit
 * apply, the zone tag is the REST zone id, and the answer is the same engine's (v4-graphql.test.ts
 * covers the datasets themselves).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {v4, zoneId} from './v4-helpers.js';

let emulator: EmulatorHandle;
const start = Date.UTC(2026, 11, 7, 12, 0, 0);

beforeAll(async () => {
	emulator = await startEmulator({port: 0, scenario: 'attack', quiet: true, now: () => start});
	emulator.advanceClock(3600);
});
afterAll(async () => {
	await emulator.close();
});

describe('POST /client/v4/graphql', () => {
	it('answers a query for the zone the REST face names, with the token', async () => {
		const tag = zoneId(emulator, 'example.com');
		const from = new Date(start).toISOString();
		const to = new Date(start + 3600_000).toISOString();
		const query = `{ viewer { zones(filter: {zoneTag: "${tag}"}) { zoneTag httpRequestsAdaptiveGroups(limit: 5, filter: {datetime_geq: "${from}", datetime_lt: "${to}"}, orderBy: [count_DESC]) { count dimensions { clientIP } } } } }`;
		const reply = await v4(emulator, 'POST', '/graphql', {query});
		expect(reply.status).toBe(200);
		const body = reply.json as {data: {viewer: {zones: {zoneTag: string; httpRequestsAdaptiveGroups: {count: number; dimensions: {clientIP: string}}[]}[]}}; errors: unknown};
		expect(body.errors).toBeNull();
		const zone = body.data.viewer.zones[0];
		expect(zone?.zoneTag).toBe(tag);
		const groups = zone?.httpRequestsAdaptiveGroups ?? [];
		expect(groups).toHaveLength(5);
		// Most requests first: an attack's top IPs.
		expect(groups[0]!.count).toBeGreaterThanOrEqual(groups[4]!.count);
		expect(groups[4]!.count).toBeGreaterThan(0);
		expect(reply.headers.ratelimit).toBeDefined();
	});

	it('answers GraphQL validation errors for an unknown field', async () => {
		const reply = await v4(emulator, 'POST', '/graphql', {query: '{ viewer { nosuchfield } }'});
		expect(reply.status).toBe(200);
		const body = reply.json as {data: unknown; errors: {message: string}[]};
		expect(body.data).toBeNull();
		expect(body.errors[0]?.message).toContain('nosuchfield');
	});

	it('holds each account to its GraphQL queries per five minutes, on top of the REST limit, with 429 and Retry-After', async () => {
		const limited = await startEmulator({port: 0, quiet: true, now: () => start, graphqlRateLimit: 2});
		try {
			const query = {query: '{ viewer { zones(filter: {zoneTag: "0123456789abcdef0123456789abcdef"}) { zoneTag } } }'};
			expect((await v4(limited, 'POST', '/graphql', query)).status).toBe(403);
			expect((await v4(limited, 'POST', '/graphql', query)).status).toBe(403);
			const third = await v4(limited, 'POST', '/graphql', query);
			expect(third.status).toBe(429);
			expect((third.json as {errors: {message: string}[]}).errors[0]?.message).toBe('rate limiter budget depleted, try again after 5 minutes');
			expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
			// REST still answers: the GraphQL limit is its own.
			expect((await v4(limited, 'GET', '/zones')).status).toBe(200);
			limited.advanceClock(301);
			expect((await v4(limited, 'POST', '/graphql', query)).status).toBe(403);
		} finally {
			await limited.close();
		}
	});

	it('refuses a query without credentials, before the engine runs', async () => {
		const reply = await v4(emulator, 'POST', '/graphql', {query: '{ viewer { zones(filter: {}) { zoneTag } } }'}, {});
		expect(reply.status).toBe(400);
		expect(reply.json.success).toBe(false);
	});
});
