/**
 * The admin interface under /__emulator/: state, faults, clock and scenario. Never counted as API
 * calls, and untouched by faults and --sunset.
 *
 * Only a local program may use it, not a web page in a local browser: a page can POST a `text/plain`
 * body anywhere without a CORS preflight (CSRF), and a DNS-rebinding page reaches 127.0.0.1 under its
 * own host name (and could then read the state too). So every admin request needs a loopback peer, a
 * loopback Host header and no foreign Origin, and a request with a body must be `application/json`,
 * which a browser sends cross-origin only after a preflight that this interface never answers.
 */
import {isIPv4, isIPv6} from 'node:net';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {EmulatorCore} from './core.js';
import {FaultError, parseFault} from './faults.js';
import {scenarioNames, type ScenarioName} from './types.js';

export const adminPrefix = '/__emulator/';

/** A loopback peer address as Node reports it: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. */
export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	if (address === '::1') return true;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * A Host header (or an origin's host) naming loopback: `localhost`, `127.x.x.x` or `[::1]`
 * (`[::ffff:127.x.x.x]` too), with or without a port. Only these literal forms: a DNS-rebinding page
 * sends its own host name, and anything fancier is not worth the risk of a lax parse.
 */
export function isLoopbackHost(host: string | undefined): boolean {
	if (!host) return false;
	const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.]+))(?::(\d{1,5}))?$/.exec(host);
	if (!match) return false;
	const [, bracketed, name, port] = match;
	if (port !== undefined && Number(port) > 65_535) return false;
	if (bracketed !== undefined) return isIPv6(bracketed) && isLoopback(bracketed.toLowerCase());
	const lower = name.toLowerCase();
	return lower === 'localhost' || (isIPv4(lower) && lower.startsWith('127.'));
}

/**
 * No Origin (curl, scripts, Node's fetch), or an http(s) origin on a loopback host (a page served
 * from this machine's loopback, any port). Everything else is foreign, `null` included: sandboxed
 * frames and file:// pages send it, and it says nothing about where the request came from.
 */
export function isAllowedOrigin(origin: string | undefined): boolean {
	if (origin === undefined) return true;
	const match = /^https?:\/\/(.+)$/i.exec(origin);
	return match !== null && isLoopbackHost(match[1]);
}

/** `application/json`, parameters such as `charset` allowed. */
export function isJsonContentType(contentType: string | undefined): boolean {
	return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

export interface AdminRequestFacts {
	peer: string | undefined;
	method: string | undefined;
	host: string | undefined;
	origin: string | undefined;
	contentType: string | undefined;
}

/** Why an admin request is refused (the 403's error text), or undefined when it may proceed. */
export function adminRefusal(request: AdminRequestFacts): string | undefined {
	if (!isLoopback(request.peer)) return 'the admin interface answers loopback clients only';
	if (!isLoopbackHost(request.host)) return 'the admin interface needs a loopback Host header (localhost, 127.x.x.x or [::1])';
	if (!isAllowedOrigin(request.origin)) return 'the admin interface refuses requests from a foreign Origin';
	const bodyless = request.method === 'GET' || request.method === 'HEAD';
	if (!bodyless && !isJsonContentType(request.contentType)) return 'the admin interface accepts application/json bodies only';
	return undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	const text = `${JSON.stringify(body)}\n`;
	res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store'});
	res.end(text);
}

function parseJson(body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8') || '{}');
	} catch {
		throw new FaultError('the body must be JSON');
	}
}

export function handleAdmin(core: EmulatorCore, path: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
	const refusal = adminRefusal({
		peer: req.socket.remoteAddress,
		method: req.method,
		host: req.headers.host,
		origin: req.headers.origin,
		contentType: req.headers['content-type'],
	});
	if (refusal !== undefined) return reply(res, 403, {error: refusal});
	const what = path.slice(adminPrefix.length);
	try {
		if (what === 'state') {
			if (req.method !== 'GET') return reply(res, 405, {error: 'use GET'});
			return reply(res, 200, core.state());
		}
		if (req.method !== 'POST') return reply(res, 405, {error: 'use POST'});
		const input = parseJson(body) as Record<string, unknown> | null;
		if (what === 'faults') {
			const fault = parseFault(input);
			core.faults.set(fault);
			return reply(res, 200, {ok: true, fault: core.faults.get()});
		}
		if (what === 'clock') {
			const seconds = input?.advanceSeconds;
			if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new FaultError('advanceSeconds must be a non-negative number');
			core.clock.advance(seconds);
			return reply(res, 200, {ok: true, now: core.clock.nowSec()});
		}
		if (what === 'scenario') {
			const name = input?.name;
			if (typeof name !== 'string' || !scenarioNames.includes(name as ScenarioName)) throw new FaultError(`name must be one of ${scenarioNames.join('|')}`);
			core.setScenario(name as ScenarioName);
			return reply(res, 200, {ok: true, scenario: name});
		}
		return reply(res, 404, {error: `unknown admin path ${path}`});
	} catch (error) {
		if (error instanceof FaultError) return reply(res, 400, {error: error.message});
		throw error;
	}
}
