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
		// The route names the call in messages, short enough that a status line keeps the reason after it:
		// the path under /client/v4, its 32-hex ids (not secrets, but 32 columns each) as :id.
		const route = url.pathname.replace(/^.*?\/client\/v4(?=\/|$)/, '').replace(/\/[0-9a-f]{32}(?=\/|$)/gi, '/:id');
		const action = `${method} ${route || '/'}`;
		const answer = await core.send(url, {method, headers, ...(typeof body === 'string' ? {body} : {}), ...(init?.signal ? {signal: init.signal} : {})}, action);
		onAnswer(answer);
		// API v4 answers JSON only. The SDK would hand an HTML page (a proxy's, a captive portal's) back as
		// text, and the caller would misread it as an empty answer: say what came instead.
		const type = answer.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
		if (answer.status >= 200 && answer.status < 300 && !/json/i.test(type) && /^\s*</.test(answer.body)) {
			throw new FlarewatchError('decode', `The answer to ${action} was an HTML page, not JSON.`);
		}
		return new Response(nullBodyStatuses.has(answer.status) ? null : answer.body, {status: answer.status, statusText: answer.statusText, headers: answer.headers});
	};
}
