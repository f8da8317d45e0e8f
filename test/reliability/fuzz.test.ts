/**
 * Fuzzing the client's decoding: 10,000 seeded bodies, mutated from real emulator answers (every
 * action, several scenarios, the lax fault) and from the documentation's examples, go through the real
 * V1Client methods (envelope + per-action shape decoding) with the transport replaced by a stub, then
 * the decoded stats and visitors go through the monitor's pure reducer and selectors. The contract:
 * a well-typed result or a typed FlarewatchError with a printable, bounded message; never a crash,
 * never unbounded time.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {statsIntervals} from '../../source/backend.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {FlarewatchError, type FailureKind} from '../../source/errors.js';
import {Secret} from '../../source/lib/secret.js';
import {reduce} from '../../source/monitor/reduce.js';
import {selectHeader, selectStats, selectStatus, selectTraffic} from '../../source/monitor/select.js';
import {initialState, type MonitorState} from '../../source/monitor/store.js';
import {V1Client} from '../../source/v1/client.js';
import {decodeZoneCheck} from '../../source/v1/shapes.js';
import type {Transport} from '../../source/v1/transport.js';
import {mulberry32, type Random} from './random.js';

const key = 'fuzzKEY0123456789abcdef0123456789abcd';
const zone = 'example.com';
const ref = {name: zone, zid: 969678};

type Post = Transport['post'];
/** The slice of Transport a V1Client uses; replacing it is how bodies are injected. */
type TransportLike = {post: Post; close(): void};

/** One client method as the console and the commands call it; `name` keys the seed corpus. */
interface Call {
	name: string;
	run(client: V1Client): Promise<unknown>;
	check(result: unknown): void;
}

/** Plain assertions: vitest's expect per decoded row would dominate the fuzz run's time. */
function assert(condition: boolean, what: string): void {
	if (!condition) throw new Error(`not true: ${what}`);
}

const isFiniteNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

/** Every number anywhere in a decoded value must be finite: the UI does arithmetic on them. */
function expectFiniteNumbers(value: unknown, path = 'result'): void {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Error(`${path} is ${value}`);
	} else if (Array.isArray(value)) value.forEach((item, index) => expectFiniteNumbers(item, `${path}[${index}]`));
	else if (typeof value === 'object' && value !== null) for (const [name, item] of Object.entries(value)) expectFiniteNumbers(item, `${path}.${name}`);
}

const visitorShape = (value: unknown) => {
	assert(Array.isArray(value), 'Array.isArray(value)');
	for (const visitor of value as Array<Record<string, unknown>>) {
		assert(typeof visitor.ip === 'string', 'visitor.ip is a string');
		assert(['regular', 'crawler', 'threat'].includes(String(visitor.classification)), 'visitor.classification is known');
		assert(isFiniteNumber(visitor.hits), 'isFiniteNumber(visitor.hits)');
	}
};

const recordShape = (value: unknown) => {
	const record = value as Record<string, unknown>;
	for (const field of ['id', 'name', 'type', 'content']) assert(typeof record[field] === 'string', `record.${field} is a string`);
	assert(isFiniteNumber(record.ttl), 'isFiniteNumber(record.ttl)');
	assert(typeof record.proxied === 'boolean', 'record.proxied is a boolean');
};

const nothing = (value: unknown) => assert(value === undefined, 'no value');

const calls: Call[] = [
	{
		name: 'stats',
		run: client => client.stats(zone, 120),
		check: value => {
			const stats = value as Record<string, unknown>;
			assert(statsIntervals.includes(stats.interval as never), 'stats.interval is known');
			assert(typeof stats.securityLabel === 'string', 'stats.securityLabel is a string');
			for (const field of ['timeZero', 'timeEnd', 'devModeUntil', 'serverTime']) assert(isFiniteNumber(stats[field]), 'isFiniteNumber(stats[field])');
		},
	},
	{name: 'sec_lvl', run: client => client.setSecurityLevel(zone, 'high'), check: nothing},
	{name: 'cache_lvl', run: client => client.setCacheLevel(zone, 'agg'), check: nothing},
	{name: 'devmode-on', run: client => client.setDevMode(zone, true), check: value => assert(isFiniteNumber((value as {expiresOn: unknown}).expiresOn), 'expiresOn is finite')},
	{name: 'devmode-off', run: client => client.setDevMode(zone, false), check: value => assert(isFiniteNumber((value as {expiresOn: unknown}).expiresOn), 'expiresOn is finite')},
	{
		name: 'fpurge_ts',
		run: client => client.purgeCache(zone),
		check: value => {
			const purge = value as Record<string, unknown>;
			assert(isFiniteNumber(purge.purgedAt) && isFiniteNumber(purge.cooldownSeconds), 'isFiniteNumber(purge.purgedAt) && isFiniteNumber(purge.cooldownSeconds)');
		},
	},
	{
		name: 'zone_check',
		run: client => client.checkZones([zone, 'example.net']),
		check: value => {
			assert((value as Array<{name: string}>).map(entry => entry.name).join() === `${zone},example.net`, 'zones in the order asked');
			for (const entry of value as Array<{zid: unknown}>) assert(isFiniteNumber(entry.zid), 'isFiniteNumber(entry.zid)');
		},
	},
	{name: 'zone_ips', run: client => client.visitors(ref, {hours: 1, geo: true}), check: visitorShape},
	{name: 'zone_grab', run: client => client.grabSnapshot(ref), check: nothing},
	{name: 'pre_purge', run: client => client.preloadPurge(zone), check: nothing},
	{name: 'ipv46', run: client => client.setIpv6(zone, true), check: nothing},
	{
		name: 'zone_load_multi',
		run: client => client.listZones(),
		check: value => {
			for (const entry of value as Array<Record<string, unknown>>) assert(isFiniteNumber(entry.zid) && typeof entry.name === 'string' && typeof entry.status === 'string', "isFiniteNumber(entry.zid) && typeof entry.name === 'string' && typeof entry.status === 'string'");
		},
	},
	{
		name: 'ip_lkup',
		run: client => client.lookupIp('1.0.171.33'),
		check: value => {
			const score = value as Record<string, unknown>;
			assert(score.ip === '1.0.171.33', 'score.ip is the IP asked');
			assert(typeof score.kind === 'string' && isFiniteNumber(score.score), "typeof score.kind === 'string' && isFiniteNumber(score.score)");
		},
	},
	{name: 'wl', run: client => client.whitelist('203.0.113.7'), check: nothing},
	{name: 'ban', run: client => client.ban('203.0.113.7'), check: nothing},
	{name: 'nul', run: client => client.clearRule('203.0.113.7'), check: nothing},
	{name: 'spam', run: client => client.reportSpam({author: 'A', authorEmail: 'a@example.org', ip: '203.0.113.7', content: 'buy'}), check: nothing},
	{name: 'rec_load_all', run: client => client.listRecords(zone), check: value => (value as unknown[]).forEach(recordShape)},
	{name: 'rec_set', run: client => client.createRecord(zone, {type: 'A', name: 'fz', content: '203.0.113.7', proxied: false}), check: nothing},
	{name: 'rec_new', run: client => client.addRecord(zone, {type: 'A', name: 'fy', content: '203.0.113.7', proxied: true}), check: recordShape},
	{name: 'rec_edit', run: client => client.editRecord(zone, {id: '10000001', name: 'www.example.com', type: 'A', content: '203.0.113.9', ttl: 300, proxied: true}), check: recordShape},
	{name: 'rec_del', run: client => client.deleteRecordsByName(zone, 'fz.example.com'), check: nothing},
	{name: 'rec_delete', run: client => client.deleteRecord(zone, '10000002'), check: nothing},
	{
		name: 'DIUP',
		run: client => client.updateHostsIp('203.0.113.8', ['www.example.com']),
		check: value => {
			for (const entry of value as Array<Record<string, unknown>>) assert(typeof entry.host === 'string' && /^(OK|E_[A-Z]+)$/.test(String(entry.outcome)), "typeof entry.host === 'string' && /^(OK|E_[A-Z]+)$/.test(String(entry.outcome))");
		},
	},
];

/** The documentation's example answers (lax forms included), as the seeds a real service never sent us. */
const documentationBodies: Record<string, string[]> = {
	stats: [
		'{"response":{"result":{"timeZero":1297261000000,"timeEnd":1299801600000,"count":1,"has_more":false,"objs":[{"cachedServerTime":1299804308000,"cachedExpryTime":1299804608000,"trafficBreakdown":{"pageviews":{"regular":8462,"threat":224,"crawler":2993},"uniques":{"regular":3707,"threat":148,"crawler":9}},"bandwidthServed":{"cloudflare":204419.8671875,"user":122081.63671875},"requestsServed":{"cloudflare":174917,"user":107575},"pro_zone":false,"pageLoadTime":{"without":"4.6","cloudflare":"2.4"},"currentServerTime":1299804331000,"interval":20,"zoneCDate":1297268767000,"userSecuritySetting":"Medium","dev_mode":0,"ipv46":0,"ob":0,"cache_lvl":"agg"}]}},"result":"success","msg":null}',
		'{response: {result: {timeZero: 1297261000000, timeEnd: 1299801600000, objs: [{trafficBreakdown: {pageviews: {regular: 8462, threat: 224, crawler: 2993}, uniques: {regular: 3707, threat: 148, crawler: 9}}, bandwidthServed: {cloudflare: 204419.8671875, user: 122081.63671875}, requestsServed: {cloudflare: 174917, user: 107575}, pageLoadTime: {without: 4.6, cloudflare: 2.4}, currentServerTime: 1299804331000, interval: 20, userSecuritySetting: "Medium", dev_mode: 0, ipv46: 0, cache_lvl: "agg",}]}}, result: "success", msg: null}',
	],
	zone_check: ['{"response":{"zones":{"example.com":4025956,"example.net\\n":0}},"result":"success","msg":null}'],
	zone_ips: ['{"response":{"ips":[{"ip":"1.0.171.33","classification":"threat","hits":"12","latitude":"47.6","longitude":"-122.3","zone_name":"example.com"}]},"result":"success","msg":null}'],
	ip_lkup: ['{response: {1.0.171.33: "BAD:11"}, result: "success", msg: null}', '{"response":{"1.0.171.33":"SE:3"},"result":"success","msg":null}'],
	devmode: ['{"response":{"expires_on":1299807867},"result":"success","msg":null}'],
	fpurge_ts: ['{"response":{"fpurge_ts":1299806245},"attributes":{"cooldown":20},"result":"success","msg":null}'],
	rec_load_all: ['{"response":{"recs":{"has_more":false,"count":1,"objs":[{"rec_id":"16606009","rec_tag":"7f8e","zone_name":"example.com","name":"direct.example.com","display_name":"direct","type":"A","prio":null,"content":"[server IP]","display_content":"[server IP]","ttl":"1","ttl_ceil":86400,"ssl_id":null,"ssl_status":null,"ssl_expires_on":null,"auto_ttl":1,"service_mode":"0","props":{"proxiable":1,"cloud_on":0,"cf_open":1,"ssl":0,"expired_on":null,"expiring_soon":null}}]}},"result":"success","msg":null}'],
	rec_new: ['{"request":{"act":"rec_new","tkn":"x"},"response":{"rec":{"obj":{"rec_id":"16606009","name":"sub.example.com","type":"A","content":"96.126.126.36","ttl":"1","service_mode":"1"}}},"result":"success","msg":null}'],
	errors: [
		'{"result":"error","msg":"Invalid zone.","err_code":null}',
		'{"result":"error","msg":"You have exceeded your allowed number of API calls.","err_code":"E_MAXAPI"}',
		'{"result":"error","msg":"Unknown token or email","err_code":"E_UNAUTH"}',
		'{response: {result: "error", msg: "Invalid zone."}}',
	],
	text: ['OK', 'E_INVLDIP', 'E_UNAUTH', 'E_MAXAPI', 'www.example.com OK\napi.example.com E_NOUPDATE\n'],
};

/** Which documentation seeds feed which call (the rest get the generic error and text seeds). */
const documentationFor: Record<string, string[]> = {'devmode-on': documentationBodies.devmode, 'devmode-off': documentationBodies.devmode, rec_edit: documentationBodies.rec_new};

function replaceTransport(client: V1Client, post: Post): void {
	const holder = client as unknown as {transport: TransportLike};
	holder.transport = {post, close: () => undefined};
}

/** Real answers for every call, captured by wrapping the client's own transport. */
async function captureSeeds(emu: EmulatorHandle, into: Map<string, Set<string>>, label: string): Promise<void> {
	const client = new V1Client({endpoint: emu.url, email: emu.email, key: new Secret(emu.key), timeoutMs: 3000});
	const holder = client as unknown as {transport: Transport};
	const real = holder.transport;
	let current = '';
	replaceTransport(client, async (path, params, action) => {
		const body = await real.post(path, params, action);
		const bodies = into.get(current) ?? new Set<string>();
		bodies.add(body);
		into.set(current, bodies);
		return body;
	});
	try {
		for (const call of calls) {
			current = call.name;
			try {
				await call.run(client);
			} catch (error) {
				// Refusals (a second grab, a purge cooldown, a duplicate record) are seeds too.
				if (!(error instanceof FlarewatchError)) throw new Error(`${label}/${call.name}: ${String(error)}`);
			}
		}
	} finally {
		real.close();
	}
}

// Mutations -------------------------------------------------------------------------------------------

const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const hostileStrings = ['\u001b[2J\u001b]0;pwned\u0007', '\u009b6n\u202e', '\ud800', '\\u0000\\u001b', '\u0000', 'é漢字🙂', '\uFEFF', 'x'.repeat(3000), '</script><b>', '"', '\\'];

/** Replacements for one JSON value: the type swaps of the brief. Strings here are raw JSON text. */
function swapFor(value: unknown, rng: Random): string {
	const choices: Array<() => string> = [
		() => JSON.stringify(String(value)),
		() => '[]',
		() => '[1,"2",null]',
		() => '{}',
		() => 'null',
		() => 'true',
		() => '1e999',
		() => '"1e999"',
		() => '-1e999',
		() => '"-0"',
		() => '123456789012345678901234567890',
		() => '"NaN"',
		() => '"Infinity"',
		() => '-1',
		() => '0.0000001',
		() => deep(rng.int(40, 3000)),
		() => `{"a":${deep(rng.int(10, 200))}}`,
		() => JSON.stringify(rng.pick(hostileStrings)),
		() => `"${rng.pick(['\\ud800', '\\u001b[31m', '\\x41', '\\q', '\\u12', '\\'])}"`,
		() => (typeof value === 'number' ? JSON.stringify(`${value}`) : String(rng.int(-5, 1e6))),
		() => (Array.isArray(value) ? '{"0":1}' : typeof value === 'object' && value !== null ? JSON.stringify(Object.values(value)) : '"swap"'),
	];
	return rng.pick(choices)();
}

/** Paths to the values of a JSON tree, down to a depth where real answers end (swaps nest deeper). */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
	out.push(prefix);
	if (prefix.length >= 12) return out;
	if (Array.isArray(value)) value.slice(0, 20).forEach((item, index) => paths(item, [...prefix, index], out));
	else if (typeof value === 'object' && value !== null) for (const [name, item] of Object.entries(value)) paths(item, [...prefix, name], out);
	return out;
}

const marker = '"__FUZZ_SLOT__"';

/** Replaces one value of a strict-JSON seed by a swap, keeping the rest byte-identical in meaning. */
function swapOne(seed: string, rng: Random): string {
	let tree: unknown;
	try {
		tree = JSON.parse(seed);
	} catch {
		return seed;
	}
	const all = paths(tree).filter(path => path.length > 0);
	if (all.length === 0) return swapFor(tree, rng);
	const path = rng.pick(all);
	let parent = tree as Record<string | number, unknown>;
	for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
	const last = path.at(-1)!;
	const old = parent[last];
	parent[last] = '__FUZZ_SLOT__';
	return JSON.stringify(tree).replace(marker, () => swapFor(old, rng));
}

const mutations: Array<(body: string, rng: Random) => string> = [
	// Truncation anywhere.
	(body, rng) => body.slice(0, rng.int(0, body.length)),
	// Byte flips: a few characters replaced by anything, control characters and quotes included.
	(body, rng) => {
		const chars = [...body];
		for (let n = rng.int(1, 6); n > 0 && chars.length > 0; n--) chars[rng.int(0, chars.length - 1)] = String.fromCharCode(rng.int(0, 0x7f) ^ (rng.bool(0.1) ? 0x80 : 0));
		return chars.join('');
	},
	// Type swaps, one to three.
	(body, rng) => {
		let out = body;
		for (let n = rng.int(1, 3); n > 0; n--) out = swapOne(out, rng);
		return out;
	},
	// The documentation's lax style: unquoted keys, single quotes, trailing commas.
	body => body.replace(/"([A-Za-z0-9_.]+)":/g, '$1:').replace(/\}/g, ',}'),
	body => body.replace(/"/g, "'"),
	// A byte-order mark, and whitespace the service never sent.
	body => `\uFEFF${body}`,
	body => `\r\n  ${body}\n\n`,
	// Duplicate keys: the later one wins in JSON.parse, with another type.
	(body, rng) => body.replace(/^\{/, `{"result":${rng.pick(['"error"', '"success"', '1', 'null'])},"response":${rng.pick(['[]', 'null', '{"x":1}', '"s"'])},`),
	(body, rng) => body.replace(/\}\s*$/, `,"result":${rng.pick(['"error"', '"success"', '[]'])},"err_code":${rng.pick(['"E_MAXAPI"', '"E_UNAUTH"', '7', '"\\u001b[2J"'])},"msg":${rng.pick(['null', '{}', '"\\u009b31m"'])}}`),
	// Deep nesting wrapped around or injected.
	(body, rng) => `${'{"response":'.repeat(rng.int(1, 100))}${body}${'}'.repeat(rng.int(0, 100))}`,
	(_body, rng) => (rng.bool(0.5) ? '[' : '{a:').repeat(rng.int(100, 20_000)),
	// Escapes that JSON.parse refuses but a lax reader might half-accept.
	(body, rng) => body.replace(/"([^"]{0,10})"/, `"$1${rng.pick(['\\u00', '\\x1b', '\\ud83d', '\\u001b[2J', '\\\n'])}"`),
	// Pure noise from a JSON-ish alphabet.
	(_body, rng) => {
		const alphabet = '{}[]:,"\'abc01.-+eE\\ \n\t\u001b\u009bnulltruefalse';
		return Array.from({length: rng.int(0, 200)}, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
	},
	// HTML, plain codes and host lines in the wrong place.
	(_body, rng) => rng.pick(['<html><body>502 Bad Gateway</body></html>', 'E_UNAUTH', 'E_', 'OK OK', 'www.example.com E_UNKNOWN\nx', ' ', '', 'null', '[]', '"success"', '{}']),
];

function mutate(seed: string, rng: Random): string {
	let body = seed;
	for (let n = rng.bool(0.25) ? 2 : 1; n > 0; n--) body = rng.pick(mutations)(body, rng);
	// Keep single bodies bounded: the transport refuses 64 MB; here the point is shape, not size.
	return body.length > 400_000 ? body.slice(0, 400_000) : body;
}

// The run -------------------------------------------------------------------------------------------

const failureKinds: readonly FailureKind[] = ['decode', 'api', 'auth', 'rate-limit'];
/** What the library promises of any message it builds from the wire (see format.ts `inert`). */
const unprintable = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

interface Outcome {
	ok: number;
	errors: Map<FailureKind, number>;
	slowestMs: number;
	crashes: string[];
	badMessages: string[];
}

let seeds: Map<string, Set<string>>;
const emulators: EmulatorHandle[] = [];

beforeAll(async () => {
	seeds = new Map();
	const specs = [
		{scenario: 'attack' as const, fault: undefined},
		{scenario: 'hostile' as const, fault: undefined},
		{scenario: 'calm' as const, fault: 'lax' as const},
	];
	for (const [index, spec] of specs.entries()) {
		const emu = await startEmulator({port: 0, quiet: true, seed: 11 + index, scenario: spec.scenario, rateLimit: 100_000});
		emulators.push(emu);
		if (spec.fault) emu.setFault({mode: spec.fault});
		await captureSeeds(emu, seeds, spec.scenario);
	}
});

afterAll(async () => {
	await Promise.all(emulators.map(emu => emu.close()));
});

function seedsFor(call: Call): string[] {
	const own = [...(seeds.get(call.name) ?? [])];
	const documented = documentationFor[call.name] ?? documentationBodies[call.name] ?? [];
	const generic = ['wl', 'ban', 'nul', 'DIUP'].includes(call.name) ? documentationBodies.text : documentationBodies.errors;
	return [...own, ...documented, ...generic];
}

/** The terminal page listRecords gets after the fuzzed one, so a fuzzed has_more cannot loop 1000 times. */
const lastPage = '{"response":{"recs":{"has_more":false,"count":0,"objs":[]}},"result":"success","msg":null}';

describe('fuzzing the decoders', () => {
	it('captured real answers for every call to mutate', () => {
		for (const call of calls) expect(seeds.get(call.name)?.size ?? 0, call.name).toBeGreaterThan(0);
	});

	it('10,000 seeded bodies through every client method and the monitor reducer: typed errors or typed results, no crash', async () => {
		const rng = mulberry32(20261128);
		const client = new V1Client({endpoint: 'http://127.0.0.1:9', email: 'fuzz@example.com', key: new Secret(key)});
		let body = '';
		let served = 0;
		replaceTransport(client, async () => (served++ === 0 ? body : lastPage));
		let state: MonitorState = reduce(initialState({zoneNames: [zone], policy: {perHour: 300, reserve: 30}}), {type: 'zones-resolved', zones: [{name: zone, id: String(ref.zid)}], at: 0});
		const outcome: Outcome = {ok: 0, errors: new Map(), slowestMs: 0, crashes: [], badMessages: []};
		const seedLists = new Map(calls.map(call => [call.name, seedsFor(call)]));
		const started = performance.now();
		for (let i = 0; i < 10_000; i++) {
			const call = calls[i % calls.length]!;
			const seed = rng.pick(seedLists.get(call.name)!);
			// A few seeds go through unmutated so the success path is exercised too.
			body = rng.bool(0.05) ? seed : mutate(seed, rng);
			served = 0;
			const t0 = performance.now();
			let result: unknown;
			let failure: unknown;
			try {
				result = await call.run(client);
			} catch (error) {
				failure = error;
			}
			outcome.slowestMs = Math.max(outcome.slowestMs, performance.now() - t0);
			const at = 1_000 * (i + 1);
			if (failure === undefined) {
				try {
					call.check(result);
					expectFiniteNumbers(result);
				} catch (error) {
					outcome.crashes.push(`${call.name}: ill-typed result: ${String(error).slice(0, 120)} (from ${JSON.stringify(body.slice(0, 160))}`);
					continue;
				}
				outcome.ok++;
				if (call.name === 'stats' || call.name === 'zone_ips') {
					const event = call.name === 'stats' ? {stats: result as never} : {visitors: result as never};
					state = reduce(state, {type: 'poll-finished', zone: 0, at, ...event});
				}
			} else if (failure instanceof FlarewatchError) {
				if (!failureKinds.includes(failure.kind)) outcome.crashes.push(`${call.name}: unexpected kind ${failure.kind}`);
				outcome.errors.set(failure.kind, (outcome.errors.get(failure.kind) ?? 0) + 1);
				const problem = failure.message.length === 0 ? 'empty message' : unprintable.test(failure.message) ? 'control character in message' : failure.message.length > 400 ? 'message over 400 characters' : undefined;
				if (problem) outcome.badMessages.push(`${call.name}: ${problem} (${JSON.stringify(failure.message.slice(0, 160))}, length ${failure.message.length}, from ${JSON.stringify(body.slice(0, 160))})`);
				if (i % 7 === 0) state = reduce(state, {type: 'poll-finished', zone: 0, at, failure: {kind: failure.kind, message: failure.message, at}});
			} else {
				outcome.crashes.push(`${call.name}: ${failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure)} from ${JSON.stringify(body.slice(0, 160))}`);
			}
			if (i % 50 === 0) {
				// The selectors the panes read must stay finite whatever was decoded.
				expectFiniteNumbers(selectTraffic(state, 60), 'selectTraffic');
				expectFiniteNumbers(selectStats(state) ?? {}, 'selectStats');
				expectFiniteNumbers(selectHeader(state, at).callsLeft, 'selectHeader.callsLeft');
				selectStatus(state, at);
			}
		}
		const elapsed = performance.now() - started;
		process.stderr.write(`fuzz: ${outcome.ok} results, errors ${JSON.stringify(Object.fromEntries(outcome.errors))}, slowest ${outcome.slowestMs.toFixed(1)} ms, ${elapsed.toFixed(0)} ms in all\n`);
		// One example per kind of failure, so a report names every distinct bug rather than the first.
		const distinct = (list: string[]) => [...new Map(list.map(entry => [entry.replace(/\(.*$|from .*$/, '').replace(/\[\d+\]/g, '[]'), entry])).values()];
		expect({crashes: distinct(outcome.crashes), badMessages: distinct(outcome.badMessages)}).toEqual({crashes: [], badMessages: []});
		// Both outcomes must be common, or the fuzzer is not reaching the shape decoders.
		expect(outcome.ok).toBeGreaterThan(500);
		expect(outcome.errors.get('decode') ?? 0).toBeGreaterThan(3000);
		expect(outcome.errors.get('api') ?? 0).toBeGreaterThan(100);
		// A decoder that backtracks or loops takes seconds on one body; a loaded machine slows them all a little.
		// The whole run's time is printed above, not asserted: the machine's load is not the code's.
		expect(outcome.slowestMs).toBeLessThan(1000);
	}, 60_000);
});

describe('targeted hostile answers', () => {
	const ctx = {action: 'zone_check', secrets: [key]};

	it('a zone key carrying a C1 control (CSI, U+009B) does not reach the error message', () => {
		// decodeZoneCheck builds the message path from the raw key with JSON.stringify, which escapes
		// C0 controls but not C1 ones; excerptOf strips them everywhere else.
		let message = '';
		try {
			decodeZoneCheck(ctx, {zones: {'evil\u009b2J.com': 'x'}}, [zone]);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/should be a number/);
		expect(message).not.toMatch(unprintable);
	});

	it('a huge zone key does not make a huge message', () => {
		let message = '';
		try {
			decodeZoneCheck(ctx, {zones: {[`${'a'.repeat(100_000)}.com`]: 'x'}}, [zone]);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message.length).toBeGreaterThan(0);
		expect(message.length).toBeLessThan(400);
	});

	it('numbers sent as strings beyond the double range are refused, not decoded as Infinity', async () => {
		const client = new V1Client({endpoint: 'http://127.0.0.1:9', email: 'fuzz@example.com', key: new Secret(key)});
		replaceTransport(client, async () => '{"response":{"ips":[{"ip":"203.0.113.7","classification":"threat","hits":"1e999"}]},"result":"success","msg":null}');
		let outcome: unknown;
		try {
			outcome = await client.visitors(ref);
		} catch (error) {
			outcome = error;
		}
		// coerceNumber promises "a finite number from a number or a decimal string".
		if (outcome instanceof FlarewatchError) expect(outcome.kind).toBe('decode');
		else expectFiniteNumbers(outcome);
	});
});
