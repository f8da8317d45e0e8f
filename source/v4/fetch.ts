/**
 * A WHATWG-style fetch for the cloudflare SDK and for GraphQL, on the shared HTTP stack (lib/http.ts):
 * the same agent, timeout, certificate rules, proxy and scrubbing as v1, so API v4 traffic gets no
 * second, laxer path to the network. Every answer's headers are shown to `onAnswer` (the rate limit,
 * the server's clock) before anyone parses the body.
 */
import {FlarewatchError} from '../errors.js';
import type {HttpAnswer, HttpCore} from '../lib/http.js';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Statuses whose Response must have no body (the WHATWG constructor refuses one). */
const nullBodyStatuses = new Set([101, 204, 205, 304]);

export function fetchOn(core: HttpCore, onAnswer: (answer: HttpAnswer) => void): Fetch {
	return async (input, init) => {
		const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
		const method = (init?.method ?? 'GET').toUpperCase();
		const headers: Record<string, string> = {};
		new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
		headers['user-agent'] = 'flarewatch/0.1';
		const body = init?.body;
		// The SDK sends JSON text for every call we make; anything else would be a new use to look at.
		if (body !== undefined && body !== null && typeof body !== 'string') throw new FlarewatchError('validation', `A ${method} request body that is not text was not sent.`);
		// Ids in the path are not secrets; the path names the call in messages.
		const action = `${method} ${url.pathname.replace(core.base.pathname.replace(/\/+$/, ''), '') || '/'}`;
		const answer = await core.send(url, {method, headers, ...(typeof body === 'string' ? {body} : {}), ...(init?.signal ? {signal: init.signal} : {})}, action);
		onAnswer(answer);
		return new Response(nullBodyStatuses.has(answer.status) ? null : answer.body, {status: answer.status, statusText: answer.statusText, headers: answer.headers});
	};
}
