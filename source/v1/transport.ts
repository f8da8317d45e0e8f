/**
 * The v1 wire: one urlencoded POST per call on the shared HTTP stack (lib/http.ts: node-fetch, a
 * keep-alive agent, the timeout, the HTTPS rule, HTTPS_PROXY/NO_PROXY, scrubbing). No retries and no
 * sleeps: callers own policy. Every failure is a FlarewatchError whose message and cause are scrubbed
 * of the key; anything but HTTP 200 is a failure, 410 the shutdown.
 */
import {FlarewatchError, goneMessage} from '../errors.js';
import {excerptOf, HttpCore, type HttpOptions} from '../lib/http.js';
import {scrub} from '../lib/secret.js';
import type {WireParams} from './wire.js';

/** How to reach the API. */
export type TransportOptions = HttpOptions;

/** Sends requests to one endpoint. `close()` releases kept-alive sockets. */
export class Transport {
	/** Where requests go, safe to show. */
	readonly endpointLabel: string;
	private readonly http: HttpCore;

	constructor(options: TransportOptions = {}) {
		this.http = new HttpCore(options);
		this.endpointLabel = this.http.endpointLabel;
	}

	/** The full URL of an API path under the endpoint. */
	urlFor(path: string): URL {
		return this.http.urlFor(path);
	}

	/**
	 * POSTs `params` urlencoded to `path`; resolves with the body of an HTTP 200 answer.
	 * `action` only names the call in messages.
	 */
	async post(path: string, params: WireParams, action: string): Promise<string> {
		const answer = await this.http.send(
			this.urlFor(path),
			{
				method: 'POST',
				body: new URLSearchParams(params).toString(),
				headers: {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/plain;q=0.9', 'user-agent': 'flarewatch/0.1'},
			},
			action,
		);
		if (answer.status !== 200) throw this.httpFailure(answer.status, answer.statusText, answer.body, action);
		return answer.body;
	}

	/** Releases kept-alive connections so a process can exit promptly. */
	close(): void {
		this.http.close();
	}

	private httpFailure(status: number, statusText: string, body: string, action: string): FlarewatchError {
		const secrets = this.http.secrets;
		// Scrubbed before the tags are stripped: stripping could cut a key holding '<' into pieces
		// that no longer match, and excerptOf only sees the first 4 KB.
		const text = excerptOf(scrub(body, secrets).replace(/<[^>]*>/g, ' '), secrets, 160);
		const label = `HTTP ${status}${statusText ? ` ${excerptOf(statusText, secrets, 40)}` : ''}`;
		// The shutdown is for good: one fixed sentence saying what to do instead; the server's text stays in excerpt.
		if (status === 410) return new FlarewatchError('gone', goneMessage, {status, excerpt: text});
		return new FlarewatchError('http', `The API answered ${label} to ${action}.`, {status, excerpt: text});
	}
}
