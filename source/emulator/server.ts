/**
 * HTTP: routing, body limits, parameter parsing, faults, JSONP and the wire encoding. One request
 * handler for HTTP and HTTPS; no per-request work beyond what the answer needs.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {adminPrefix, handleAdmin} from './admin.js';
import {answerExternalEvent, answerJson, answerPlain, maxApiMessage, unauthMessage} from './api.js';
import type {Envelope} from './handlers/context.js';
import type {ConnectionGuard} from './connections.js';
import type {EmulatorCore} from './core.js';
import {encodeJson, encodeLax, failure, type Json} from './json.js';
import {parseBody, parseQuery, ParamsError, type Params} from './params.js';
import {htmlErrorPage, htmlType, jsonType, scriptType, send, sunsetText, textType} from './responses.js';
import type {FaultSpec} from './types.js';
import {failureBody, type V4Answer} from './v4/envelope.js';
import {createV4Router, rateLimited, v4Prefix, type GraphqlHandler, type V4Request} from './v4/router.js';

/** Bodies above this are refused with 413. */
export const maxBodyBytes = 1024 * 1024;

type Endpoint = 'json' | 'plain' | 'event';
/** A Map, not an object: a request target such as `__proto__` must not find an inherited member. */
const endpoints: ReadonlyMap<string, Endpoint> = new Map([
	['/api_json.html', 'json'],
	['/api.html', 'plain'],
	['/ajax/external-event.html', 'event'],
]);
const safeCallback = /^[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){0,3}$/;

/**
 * A refused body is still read, and thrown away, up to this much or this long after the 413 is sent.
 * Closing a socket while the client's bytes are still arriving makes the kernel answer them with a
 * reset, which can overtake the 413 before the client has read it; reading the rest first (a
 * "lingering close") makes the close clean. The caps keep a huge or trickled upload from tying the
 * server up: past either, the connection is dropped.
 */
export const maxDrainBytes = 16 * 1024 * 1024;
export const maxDrainMs = 5000;

function readBody(req: IncomingMessage, res: ServerResponse, done: (body: Buffer) => void): void {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > maxBodyBytes) return tooLarge(req, res, 0);
	const chunks: Buffer[] = [];
	let size = 0;
	const collect = (chunk: Buffer): void => {
		size += chunk.length;
		if (size > maxBodyBytes) {
			// Stop buffering; tooLarge counts and discards the rest.
			req.off('data', collect);
			req.off('end', finish);
			chunks.length = 0;
			tooLarge(req, res, size);
			return;
		}
		chunks.push(chunk);
	};
	const finish = (): void => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
	req.on('data', collect);
	req.on('end', finish);
	req.on('error', () => undefined);
}

/** Answers 413 with Connection: close at once, then discards the rest of the body before closing. */
function tooLarge(req: IncomingMessage, res: ServerResponse, alreadyRead: number): void {
	const socket = req.socket;
	let drained = alreadyRead;
	const close = (): void => {
		clearTimeout(deadline);
		socket.destroy();
	};
	const deadline = setTimeout(close, maxDrainMs);
	deadline.unref();
	// Node ends a Connection: close response with destroySoon(), which closes the socket as soon as the
	// 413 is written, unread bytes or not. Only half-close it here (the FIN follows the 413); the socket
	// is closed when the body has been read to its end, or a drain cap is hit.
	socket.destroySoon = () => void socket.end();
	req.on('data', (chunk: Buffer) => {
		drained += chunk.length;
		if (drained > maxDrainBytes) close();
	});
	req.on('end', close);
	req.on('close', () => clearTimeout(deadline));
	req.on('error', () => undefined);
	req.resume();
	res.setHeader('Connection', 'close');
	send(res, 413, textType, 'Request Entity Too Large\n');
}

/** A request on a connection past the cap: read to its end (so that closing sends no reset), then 503. */
function overCapacity(req: IncomingMessage, res: ServerResponse): void {
	req.on('error', () => undefined);
	req.on('end', () => {
		res.setHeader('Connection', 'close');
		send(res, 503, textType, 'Service Unavailable: too many open connections\n');
	});
	req.resume();
}

export function createHandler(core: EmulatorCore, pending: Set<ServerResponse>, guard: ConnectionGuard): (req: IncomingMessage, res: ServerResponse) => void {
	const v4 = createV4Router(core, {graphql: lazyGraphql});
	return (req, res) => {
		if (guard.refused(req.socket)) return overCapacity(req, res);
		const params: Params = new Map();
		let path: string;
		let queryError: unknown;
		try {
			path = parseQuery(req.url ?? '/', params);
		} catch (error) {
			path = (req.url ?? '/').split('?')[0];
			queryError = error;
		}
		readBody(req, res, body => {
			try {
				if (path.startsWith(adminPrefix)) return handleAdmin(core, path, req, body, res);
				// API v4 is not shut down by --sunset: it is what v1's shutdown text points to.
				if (path === v4Prefix || path.startsWith(`${v4Prefix}/`)) return serveV4(core, v4, req, res, path, body, pending);
				const endpoint = endpoints.get(path);
				if (!endpoint) return send(res, 404, textType, 'Not Found\n');
				if (core.options.sunset) return send(res, 410, textType, sunsetText);
				const fault = core.faults.next();
				if (fault?.mode === 'latency') {
					setTimeout(() => answer(core, endpoint, req, res, params, body, queryError), fault.ms ?? 1000);
					return;
				}
				if (fault && applyReplacingFault(core, fault, endpoint, res, pending)) return;
				answer(core, endpoint, req, res, params, body, queryError, fault);
			} catch {
				send(res, 500, textType, 'Internal Server Error\n');
			}
		});
	};
}

/** Faults that replace the answer entirely; the request reaches no account. */
function applyReplacingFault(core: EmulatorCore, fault: FaultSpec, endpoint: Endpoint, res: ServerResponse, pending: Set<ServerResponse>): boolean {
	const plain = endpoint === 'plain';
	switch (fault.mode) {
		case 'timeout':
			core.faultedCalls++;
			pending.add(res);
			res.on('close', () => pending.delete(res));
			return true;
		case 'reset':
			core.faultedCalls++;
			res.socket?.resetAndDestroy();
			return true;
		case 'http500':
			core.faultedCalls++;
			send(res, 500, htmlType, '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n');
			return true;
		case 'html':
			core.faultedCalls++;
			send(res, 200, htmlType, htmlErrorPage);
			return true;
		case 'gone':
			core.faultedCalls++;
			send(res, 410, textType, sunsetText);
			return true;
		case 'maxapi':
		case 'unauth': {
			core.faultedCalls++;
			const code = fault.mode === 'maxapi' ? 'E_MAXAPI' : 'E_UNAUTH';
			if (plain) send(res, 200, textType, code);
			else send(res, 200, jsonType, encodeJson(failure(fault.mode === 'maxapi' ? maxApiMessage : unauthMessage, code)));
			return true;
		}
		default:
			return false;
	}
}

function answer(core: EmulatorCore, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, params: Params, body: Buffer, queryError: unknown, fault?: FaultSpec): void {
	let problem = queryError;
	if (!problem) {
		try {
			parseBody(body, req.headers['content-type'], params);
		} catch (error) {
			problem = error;
		}
	}
	if (problem) {
		const msg = problem instanceof ParamsError ? problem.message : 'Malformed request.';
		if (endpoint === 'plain') return send(res, 200, textType, 'E_INVLDINPUT');
		return send(res, 200, jsonType, encodeJson(failure(msg, 'E_INVLDINPUT')));
	}
	if (endpoint === 'plain') {
		// The call reaches the account first; only the answer is cut (plain "OK" arrives as "O").
		const text = answerPlain(core, params);
		return send(res, 200, textType, fault?.mode === 'truncated' ? truncate(text) : text);
	}
	const callback = endpoint === 'json' ? params.get('callback') : undefined;
	if (callback !== undefined && !safeCallback.test(callback)) {
		return send(res, 200, jsonType, encodeJson(failure('Invalid callback name: use a plain JavaScript identifier.', 'E_INVLDINPUT')));
	}
	const envelope: Envelope = endpoint === 'json' ? answerJson(core, params) : answerExternalEvent(core, params);
	let text = fault?.mode === 'lax' ? encodeLax(envelope) : encodeJson(envelope);
	if (fault?.mode === 'truncated') text = truncate(text);
	if (callback !== undefined) return send(res, 200, scriptType, `${callback}(${text})`);
	send(res, 200, jsonType, text);
}

/**
 * The GraphQL engine is loaded on the first query, not with the emulator: the console's demo starts
 * the emulator in its own process and never asks GraphQL anything.
 */
let graphqlEngine: Promise<typeof import('./v4/graphql.js')> | undefined;
const lazyGraphql: GraphqlHandler = async ({core, account, body}) => {
	graphqlEngine ??= import('./v4/graphql.js');
	const {answerGraphql} = await graphqlEngine;
	return answerGraphql({world: core, accountEmail: account.email, body, now: core.clock.nowMs()});
};

/** API v4: faults first (as for v1), then the router; its answers are plain JSON (no slash escaping). */
function serveV4(core: EmulatorCore, v4: (request: V4Request) => V4Answer | Promise<V4Answer>, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, pending: Set<ServerResponse>): void {
	const question = (req.url ?? '').indexOf('?');
	const request: V4Request = {method: req.method ?? 'GET', path, query: new URLSearchParams(question === -1 ? '' : (req.url ?? '').slice(question + 1)), headers: req.headers, body};
	const fault = core.faults.next();
	const run = (): void => {
		try {
			const answer = v4(request);
			if (answer instanceof Promise) {
				answer.then(
					done => sendV4(res, done, fault),
					() => send(res, 500, textType, 'Internal Server Error\n'),
				);
				return;
			}
			sendV4(res, answer, fault);
		} catch {
			send(res, 500, textType, 'Internal Server Error\n');
		}
	};
	if (fault?.mode === 'latency') {
		setTimeout(run, fault.ms ?? 1000);
		return;
	}
	if (fault?.mode === 'maxapi' || fault?.mode === 'unauth') {
		core.faultedCalls++;
		const answer: V4Answer = fault.mode === 'maxapi' ? {status: 429, body: failureBody([rateLimited]), headers: {'Retry-After': '300'}} : {status: 403, body: failureBody([{code: 10000, message: 'Authentication error'}])};
		return sendV4(res, answer);
	}
	if (fault && applyReplacingFault(core, fault, 'json', res, pending)) return;
	run();
}

function sendV4(res: ServerResponse, answer: V4Answer, fault?: FaultSpec): void {
	if (res.headersSent || res.destroyed) return;
	let text = fault?.mode === 'lax' ? encodeLax(answer.body as Json) : JSON.stringify(answer.body);
	if (fault?.mode === 'truncated') text = truncate(text);
	for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
	send(res, answer.status, jsonType, text);
}

/** The `truncated` fault: the first half of the real answer, at least one character. */
function truncate(text: string): string {
	return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
