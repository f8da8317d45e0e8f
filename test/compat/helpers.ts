/**
 * Shared plumbing for the compatibility suite: an emulator on loopback, exact-bytes HTTP requests,
 * and runners for the real tools the v1-era clients used (curl, python3's urllib).
 * Nothing here interprets the API: each test states what its client family sent and read.
 */
import {execFile, execFileSync} from 'node:child_process';
import http from 'node:http';
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulator/index.js';

/** Simulated time starts here and only moves when a test advances it, so cooldowns are deterministic. */
export const t0 = Date.UTC(2015, 2, 10, 9, 0, 0);

/** The path every JSON client posted to. */
export const jsonPath = '/api_json.html';

export async function startCompat(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
	return startEmulator({port: 0, quiet: true, seed: 1, scenario: 'attack', now: () => t0, rateLimit: 100_000, ...options});
}

export interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

export interface SendInit {
	method?: string;
	headers?: Record<string, string>;
	/** Sent byte for byte: a string is taken as latin1 so that "raw" characters stay raw. */
	body?: Buffer | string;
}

/** One request with exact bytes on the wire, for clients that built requests by string concatenation. */
export function send(url: string, target: string, init: SendInit = {}): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const base = new URL(url);
		const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body, 'latin1');
		const headers: Record<string, string> = {Host: base.host, ...init.headers};
		if (body !== undefined && !Object.keys(headers).some(name => name.toLowerCase() === 'content-length')) headers['Content-Length'] = String(body.length);
		const request = http.request({host: base.hostname, port: base.port, path: target, method: init.method ?? (body ? 'POST' : 'GET'), headers, agent: false}, response => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', reject);
		});
		request.on('error', reject);
		if (body) request.write(body);
		request.end();
	});
}

/** A parsed JSON value; the real service sent strict JSON, so a strict parse is what clients did first. */
export type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

export function parseStrict(text: string): Json {
	return JSON.parse(text) as Json;
}

/** Digs along a path without `any`; undefined when a step is missing. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
	let current = value;
	for (const step of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[step];
	}
	return current;
}

export function asRecord(value: unknown): Record<string, unknown> {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
	return value as Record<string, unknown>;
}

export function asArray(value: unknown): unknown[] {
	if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
	return value;
}

/** `a=1&b=2` exactly as PHP's http_build_query, Python's urlencode and Node's querystring produced it. */
export function urlencoded(params: Record<string, string>): string {
	return new URLSearchParams(params).toString();
}

function hasTool(name: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** Fails loudly instead of skipping: a missing tool would otherwise hide every discrepancy it guards. */
export function requireTool(name: string, debianPackage: string): void {
	if (!hasTool(name)) throw new Error(`${name} is required by test/compat (Debian: apt-get install -y ${debianPackage})`);
}

export interface ToolRun {
	stdout: string;
	stderr: string;
	code: number;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<ToolRun> {
	return new Promise(resolve => {
		execFile(file, args, {env: {...process.env, ...env}, timeout: 15_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({stdout: String(stdout), stderr: String(stderr), code});
		});
	});
}

export interface CurlReply {
	status: number;
	body: string;
}

const statusMarker = '\n__compat_http_status__:';

/** Runs the real curl with a client's own arguments and returns the body and HTTP status it saw. */
export async function curl(args: string[]): Promise<CurlReply> {
	const result = await run('curl', ['-s', '-S', '--max-time', '10', '-w', `${statusMarker}%{http_code}`, ...args]);
	if (result.code !== 0) throw new Error(`curl failed (${result.code}): ${result.stderr}`);
	const at = result.stdout.lastIndexOf(statusMarker);
	return {status: Number(result.stdout.slice(at + statusMarker.length)), body: result.stdout.slice(0, at)};
}

/**
 * Runs a Python 3 script (the client's logic, written with urllib as the wrappers did) and returns
 * the JSON report it prints last. A TypeError inside the script is how a typed client broke in real
 * life, so a non-zero exit fails the test with Python's own traceback.
 */
export async function python(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
	const result = await run('python3', ['-c', script], env);
	if (result.code !== 0) throw new Error(`python3 client failed (${result.code}):\n${result.stderr}`);
	const lines = result.stdout.trim().split('\n');
	return asRecord(JSON.parse(lines[lines.length - 1]));
}

/** The environment every Python client script reads its endpoint and credentials from. */
export function pythonEnv(emulator: EmulatorHandle): Record<string, string> {
	return {CF_URL: emulator.url, CF_EMAIL: emulator.email, CF_KEY: emulator.key};
}

export function zoneId(emulator: EmulatorHandle, name: string): number {
	const zone = emulator.state().zones.find(candidate => candidate.name === name);
	if (!zone) throw new Error(`no zone ${name}`);
	return zone.zid;
}

export function recordsNamed(emulator: EmulatorHandle, zone: string, fqdn: string): {recId: string; type: string; content: string; ttl: number; proxied: boolean}[] {
	const found = emulator.state().zones.find(candidate => candidate.name === zone);
	if (!found) throw new Error(`no zone ${zone}`);
	return found.records.filter(record => record.name === fqdn);
}

/**
 * What typed clients needed of one DNS record (Java casts `(String) rec_id`, Go asserts `.(string)` on
 * rec_id/service_mode/display_name, Python concatenates rec_id and service_mode into URLs).
 * Returns every violation so that one failure names them all.
 */
export function recordTypeProblems(rec: unknown): string[] {
	const record = asRecord(rec);
	const problems: string[] = [];
	const expectString = (key: string) => {
		if (typeof record[key] !== 'string') problems.push(`${key} should be a string, got ${JSON.stringify(record[key])}`);
	};
	for (const key of ['rec_id', 'rec_tag', 'zone_name', 'name', 'display_name', 'type', 'content', 'display_content', 'ttl', 'service_mode']) expectString(key);
	if (record.prio !== null && typeof record.prio !== 'string') problems.push(`prio should be null or a string, got ${JSON.stringify(record.prio)}`);
	if (typeof record.ttl === 'string' && !/^\d+$/.test(record.ttl)) problems.push(`ttl should be digits, got ${record.ttl}`);
	if (record.service_mode !== '0' && record.service_mode !== '1') problems.push(`service_mode should be "0" or "1", got ${JSON.stringify(record.service_mode)}`);
	for (const key of ['ttl_ceil', 'auto_ttl']) {
		if (!Number.isInteger(record[key])) problems.push(`${key} should be an integer, got ${JSON.stringify(record[key])}`);
	}
	const props = record.props;
	if (props === null || typeof props !== 'object') problems.push('props should be an object');
	else for (const [key, value] of Object.entries(props)) if (!Number.isInteger(value)) problems.push(`props.${key} should be an integer, got ${JSON.stringify(value)}`);
	return problems;
}

/** True when the text has no whitespace outside JSON strings, as the real service's compact output. */
export function isCompactJson(text: string): boolean {
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			if (char === '\\') i++;
			else if (char === '"') inString = false;
		} else if (char === '"') {
			inString = true;
		} else if (/\s/.test(char)) {
			return false;
		}
	}
	return true;
}
