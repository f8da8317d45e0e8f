/**
 * Emulator throughput and p99 latency at 50 concurrent connections, with autocannon, against a mix of
 * the calls a console makes while polling and acting (stats, zone_ips, sec_lvl, ip_lkup, ...), on each
 * face: v1, v4 REST and v4 GraphQL. The emulator runs in a child process so the two do not share an
 * event loop.
 */
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createRequire} from 'node:module';
import {listeningUrl} from '../listening.js';
import type {BenchFigure, BenchGroup} from './figures.js';

interface AutocannonRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	body: string;
}

interface AutocannonResult {
	requests: {average: number; total: number};
	latency: {p99: number; average: number};
	non2xx: number;
	errors: number;
	timeouts: number;
}

type Autocannon = (options: {url: string; connections: number; duration: number; requests: AutocannonRequest[]}) => Promise<AutocannonResult>;

// autocannon ships no types; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const email = 'demo@example.com';
const key = 'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9';

function call(params: Record<string, string>): AutocannonRequest {
	return {method: 'POST', path: '/api_json.html', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams({a: '', u: email, tkn: key, ...params}).toString()};
}

/** One console poll cycle plus a few actions. */
const mix: AutocannonRequest[] = [
	call({a: 'stats', z: 'example.com', interval: '120'}),
	call({a: 'zone_ips', z: 'example.com', hours: '1', class: 't'}),
	call({a: 'stats', z: 'example.com', interval: '100'}),
	call({a: 'sec_lvl', z: 'example.com', v: 'high'}),
	call({a: 'ip_lkup', ip: '66.249.66.1'}),
	call({a: 'zone_check', zones: 'example.com,example.net'}),
	call({a: 'stats', z: 'example.net', interval: '20', calls_left: ''}),
	call({a: 'rec_load_all', z: 'example.com'}),
	// Settings are re-asserted, not flipped on every request: a flip invalidates the traffic caches, which no console does 500 times a second.
	call({a: 'cache_lvl', z: 'example.com', v: 'agg'}),
	call({a: 'zone_ips', z: 'example.net', hours: '6', geo: '1'}),
];

const token = 'flarewatch-demo-token-Q7b2Kx9Lm4Np8Rs6Tv';
// The emulator's v4 zone id for example.com (world.ts: 32 hex from the name).
const zone = createHash('md5').update('zone:example.com').digest('hex');

function rest(method: string, path: string, body?: unknown): AutocannonRequest {
	return {method, path: `/client/v4${path}`, headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/json'}, body: body === undefined ? '' : JSON.stringify(body)};
}

/** A v4 console's poll and actions over REST. */
const restMix: AutocannonRequest[] = [
	rest('GET', `/zones?name=example.com`),
	rest('GET', `/zones/${zone}/settings`),
	rest('GET', `/zones/${zone}/settings/security_level`),
	rest('PATCH', `/zones/${zone}/settings/security_level`, {value: 'high'}),
	rest('GET', `/zones/${zone}/dns_records?per_page=100`),
	rest('GET', `/user/firewall/access_rules/rules?mode=block&per_page=50`),
	rest('GET', `/zones/${zone}/settings/development_mode`),
];

/** A v4 console's traffic polls over GraphQL: per-minute requests and the top IPs of the last hour. */
function graphqlMix(): AutocannonRequest[] {
	const now = Math.floor(Date.now() / 60_000) * 60_000;
	const from = new Date(now - 3_600_000).toISOString();
	const to = new Date(now).toISOString();
	const query = (selection: string) => rest('POST', '/graphql', {query: `{ viewer { zones(filter: {zoneTag: "${zone}"}) { ${selection} } } }`});
	return [
		query(`httpRequests1mGroups(limit: 60, filter: {datetime_geq: "${from}", datetime_lt: "${to}"}, orderBy: [datetimeMinute_ASC]) { dimensions { datetimeMinute } sum { requests cachedRequests threats } }`),
		query(`httpRequestsAdaptiveGroups(limit: 50, filter: {datetime_geq: "${from}", datetime_lt: "${to}"}, orderBy: [count_DESC]) { count dimensions { clientIP clientCountryName } }`),
	];
}

/** The ceiling on this machine: a bare node:http server answering "{}" to the same load. */
const bareServer = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': 2}); res.end('{}'); }); });
server.listen(0, '127.0.0.1', () => process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.once('SIGTERM', () => process.exit(0));
`;

async function startServer(args: string[]): Promise<{url: string; stop: () => Promise<void>}> {
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, NODE_ENV: 'production'}});
	const url = await listeningUrl(child, 'the bench server');
	return {
		url,
		stop: () =>
			new Promise<void>(resolve => {
				child.on('exit', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

async function measure(args: string[], requests: AutocannonRequest[] = mix): Promise<AutocannonResult> {
	const server = await startServer(args);
	try {
		// A short warm-up so the JIT and the traffic caches are in their steady state.
		await autocannon({url: server.url, connections: 10, duration: 2, requests});
		return await autocannon({url: server.url, connections: 50, duration: 10, requests});
	} finally {
		await server.stop();
	}
}

export const benchEmulator: BenchGroup = async () => {
	const bare = await measure(['-e', bareServer]);
	const result = await measure(['--import', 'tsx', 'test/emulator/bench-server.ts']);
	const v4Rest = await measure(['--import', 'tsx', 'test/emulator/bench-server.ts'], restMix);
	const v4Graphql = await measure(['--import', 'tsx', 'test/emulator/bench-server.ts'], graphqlMix());
	const failures = result.non2xx + result.errors + result.timeouts;
	const failed = (run: AutocannonResult) => run.non2xx + run.errors + run.timeouts;
	const figures: BenchFigure[] = [
		{
			group: 'emulator',
			name: 'throughput, 50 connections, API mix',
			value: result.requests.average,
			unit: 'req/s',
			comparison: {name: 'bare node:http "{}"', value: bare.requests.average},
			goal: '>= 5000 req/s',
			met: result.requests.average >= 5000,
		},
		{group: 'emulator', name: 'p99 latency, 50 connections', value: result.latency.p99, unit: 'ms', comparison: {name: 'bare node:http "{}"', value: bare.latency.p99}},
		{group: 'emulator', name: 'mean latency, 50 connections', value: result.latency.average, unit: 'ms'},
		{group: 'emulator', name: 'failed requests (non-2xx, errors, timeouts)', value: failures, unit: 'requests', goal: '0', met: failures === 0},
		{group: 'emulator', name: 'v4 REST throughput, 50 connections, console mix', value: v4Rest.requests.average, unit: 'req/s', comparison: {name: 'v1 API mix', value: result.requests.average}},
		{group: 'emulator', name: 'v4 REST p99 latency, 50 connections', value: v4Rest.latency.p99, unit: 'ms'},
		{group: 'emulator', name: 'v4 REST failed requests', value: failed(v4Rest), unit: 'requests', goal: '0', met: failed(v4Rest) === 0},
		{group: 'emulator', name: 'v4 GraphQL throughput, 50 connections (per-minute requests and top IPs, last hour)', value: v4Graphql.requests.average, unit: 'req/s', comparison: {name: 'v1 API mix', value: result.requests.average}},
		{group: 'emulator', name: 'v4 GraphQL p99 latency, 50 connections', value: v4Graphql.latency.p99, unit: 'ms'},
		{group: 'emulator', name: 'v4 GraphQL failed requests', value: failed(v4Graphql), unit: 'requests', goal: '0', met: failed(v4Graphql) === 0},
	];
	return figures;
};
