/** Test helpers: an emulator on a free loopback port with a frozen base clock, and raw HTTP calls. */
import http from 'node:http';
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulator/index.js';

/** Simulated time starts here and moves only when a test advances it. */
export const t0 = Date.UTC(2014, 5, 1, 12, 0, 0);

export async function start(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
	return startEmulator({port: 0, now: () => t0, quiet: true, ...options});
}

export interface RawReply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

/** One request with exact bytes, no client library in between. */
export function raw(url: string, path: string, init: {method?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean} = {}): Promise<RawReply> {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body, 'latin1');
		const headers: Record<string, string> = {...init.headers};
		if (body !== undefined && !init.chunked && headers['Content-Length'] === undefined) headers['Content-Length'] = String(body.length);
		const request = http.request({host: target.hostname, port: target.port, path, method: init.method ?? (body ? 'POST' : 'GET'), headers, agent: false}, response => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', reject);
		});
		request.on('error', reject);
		// Chunked: written in pieces with no declared length.
		if (body && init.chunked) for (let i = 0; i < body.length; i += 65_536) request.write(body.subarray(i, i + 65_536));
		else if (body) request.write(body);
		request.end();
	});
}

export function form(params: Record<string, string>): string {
	return new URLSearchParams(params).toString();
}

/** A urlencoded POST to /api_json.html with the demo credentials; returns the parsed JSON and raw text. */
export async function api(emulator: EmulatorHandle, params: Record<string, string>, credentials = true): Promise<{json: Record<string, unknown>; text: string; status: number}> {
	const all = credentials ? {email: emulator.email, tkn: emulator.key, ...params} : params;
	const reply = await raw(emulator.url, '/api_json.html', {body: form(all), headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
	return {json: JSON.parse(reply.text) as Record<string, unknown>, text: reply.text, status: reply.status};
}

/** A GET to /api.html (plain text) with the demo credentials. */
export async function plain(emulator: EmulatorHandle, params: Record<string, string>): Promise<string> {
	const reply = await raw(emulator.url, `/api.html?${form({u: emulator.email, tkn: emulator.key, ...params})}`);
	return reply.text;
}

export async function admin(emulator: EmulatorHandle, path: string, body?: unknown): Promise<RawReply> {
	return raw(emulator.url, `/__emulator/${path}`, body === undefined ? {} : {body: JSON.stringify(body), headers: {'Content-Type': 'application/json'}});
}

/** Digs into a parsed envelope without `any`. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
	let current = value;
	for (const step of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[step];
	}
	return current;
}

export function zid(emulator: EmulatorHandle, name: string): number {
	const zone = emulator.state().zones.find(candidate => candidate.name === name);
	if (!zone) throw new Error(`no zone ${name}`);
	return zone.zid;
}
