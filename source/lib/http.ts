/**
 * The one HTTP stack every adapter sends through: node-fetch on a keep-alive agent, a timeout through
 * AbortSignal, the HTTPS rule, an explicit certificate check with an optional extra CA, HTTPS_PROXY /
 * NO_PROXY. No retries and no sleeps: callers own policy. Every failure is a FlarewatchError whose
 * message and cause are scrubbed of the secrets; every body is scrubbed before anyone reads it.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import fetch, {type RequestInit} from 'node-fetch';
import {FlarewatchError} from '../errors.js';
import {checkEndpoint, defaultEndpoint, defaultTimeoutMs} from './endpoint.js';
import {inert} from './format.js';
import {proxyFor, TunnelAgent} from './proxy.js';
import {scrub, type Secret} from './secret.js';

/** Far above any real answer (a 50,000-IP zone_ips is a few MB); stops a hostile endless body. */
const maxBodyBytes = 64 * 1024 * 1024;

/** How to reach the API. */
export interface HttpOptions {
	/** Base URL; default https://www.cloudflare.com. Plain http only for loopback hosts. */
	endpoint?: string;
	/** Per request, including reading the body; default 10 s. */
	timeoutMs?: number;
	/** Where HTTPS_PROXY / NO_PROXY are read from; default none (no proxy). */
	env?: Readonly<Record<string, string | undefined>>;
	/** Extra trusted certificates (PEM), e.g. the emulator's self-signed one for --tls. */
	ca?: string | Buffer;
	/** Values scrubbed from every message (the key, the token). */
	secrets?: readonly Secret[];
}

/** One request as sent. */
export interface HttpRequest {
	method: string;
	headers: Record<string, string>;
	body?: string;
	/** The caller's own abort (an SDK's); ours is the timeout. */
	signal?: AbortSignal;
}

/** An answer of any status, its body read whole and scrubbed. */
export interface HttpAnswer {
	status: number;
	statusText: string;
	headers: [string, string][];
	body: string;
}

const networkReasons: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed',
	ENOTFOUND: 'the host name did not resolve',
	EAI_AGAIN: 'the host name could not be resolved right now',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ETIMEDOUT: 'the connection timed out',
	EPROXY: 'the proxy refused the tunnel',
	UND_ERR_SOCKET: 'the connection was closed',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted',
	SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain is not trusted',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate could not be verified',
	CERT_HAS_EXPIRED: 'its certificate has expired',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another name',
};

function errorCode(error: unknown): string | undefined {
	for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
		if (typeof current === 'object' && 'code' in current && typeof (current as {code: unknown}).code === 'string') return (current as {code: string}).code;
		current = typeof current === 'object' && 'cause' in current ? (current as {cause: unknown}).cause : undefined;
	}
	return undefined;
}

/** A short, printable, secret-free excerpt of a body for error reports. */
export function excerptOf(body: string, secrets: ReadonlyArray<Secret | string>, length = 80): string {
	// Scrubbed before it is cut: a key straddling the cut would leave its first part unmatched.
	const flat = inert(scrub(body, secrets).slice(0, 4096), ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

export function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Sends requests to one endpoint. `close()` releases kept-alive sockets. */
export class HttpCore {
	/** Where requests go, safe to show. */
	readonly endpointLabel: string;
	readonly base: URL;
	readonly timeoutMs: number;
	readonly secrets: readonly Secret[];
	private readonly agent: http.Agent;

	constructor(options: HttpOptions = {}) {
		this.base = checkEndpoint(options.endpoint ?? defaultEndpoint);
		this.endpointLabel = this.base.origin + this.base.pathname.replace(/\/+$/, '');
		this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
		if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new FlarewatchError('validation', 'The timeout must be a positive number of milliseconds.', {field: 'timeout'});
		this.secrets = options.secrets ?? [];
		// rejectUnauthorized explicitly: Node's default follows NODE_TLS_REJECT_UNAUTHORIZED=0, which
		// would send the key to any server. A CA file adds trust (Node's `ca` alone would replace the
		// public roots, hence both); nothing here removes the check.
		const agentOptions: https.AgentOptions = {
			keepAlive: true,
			maxSockets: 8,
			rejectUnauthorized: true,
			...(options.ca ? {ca: [...tls.rootCertificates, String(options.ca)]} : {}),
		};
		let proxy: URL | undefined;
		try {
			proxy = proxyFor(this.base, options.env ?? {});
		} catch (error) {
			throw new FlarewatchError('validation', `HTTPS_PROXY is not usable: ${scrub(error instanceof Error ? error.message : String(error), this.secrets)}.`, {field: 'HTTPS_PROXY'});
		}
		this.agent = proxy ? new TunnelAgent(proxy, agentOptions, this.timeoutMs) : this.base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent({keepAlive: true, maxSockets: 8});
	}

	/** The full URL of an API path under the endpoint. */
	urlFor(path: string): URL {
		return new URL(this.base.pathname.replace(/\/+$/, '') + path, this.base);
	}

	/**
	 * Sends one request to `url` (which must be on the endpoint's origin: the agent and the key are
	 * for that host only) and reads the whole answer, whatever its status. `action` only names the
	 * call in messages.
	 */
	async send(url: URL, request: HttpRequest, action: string): Promise<HttpAnswer> {
		if (url.origin !== this.base.origin) throw new FlarewatchError('validation', `Refusing to send ${action} to ${url.host}, which is not the endpoint ${this.base.host}.`, {field: 'endpoint'});
		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, this.timeoutMs);
		const abort = () => controller.abort();
		request.signal?.addEventListener('abort', abort, {once: true});
		if (request.signal?.aborted) controller.abort();
		const init: RequestInit = {
			method: request.method,
			headers: request.headers,
			...(request.body === undefined ? {} : {body: request.body}),
			agent: this.agent,
			signal: controller.signal,
			redirect: 'manual',
			compress: true,
		};
		try {
			const response = await fetch(url, init);
			const body = await this.readBody(response.body, action);
			// The one place server text enters: a key echoed in any form, in a message or in a field
			// (a record's content, a note), is masked before anything decodes, stores or shows it.
			return {status: response.status, statusText: response.statusText, headers: [...response.headers], body: scrub(body, this.secrets)};
		} catch (error) {
			if (error instanceof FlarewatchError) throw error;
			if (timedOut) throw new FlarewatchError('timeout', `No answer from ${this.base.host} to ${action} within ${formatSeconds(this.timeoutMs)}.`);
			throw this.networkFailure(error, action);
		} finally {
			clearTimeout(timer);
			request.signal?.removeEventListener('abort', abort);
		}
	}

	/** Releases kept-alive connections so a process can exit promptly. */
	close(): void {
		this.agent.destroy();
	}

	private async readBody(stream: NodeJS.ReadableStream | null, action: string): Promise<string> {
		if (!stream) return '';
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of stream) {
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
			size += buffer.length;
			if (size > maxBodyBytes) throw new FlarewatchError('decode', `The answer to ${action} is larger than ${maxBodyBytes / 1024 / 1024} MB.`);
			chunks.push(buffer);
		}
		return Buffer.concat(chunks).toString('utf8');
	}

	private networkFailure(error: unknown, action: string): FlarewatchError {
		const code = errorCode(error);
		const raw = error instanceof Error ? error.message : String(error);
		const reason = (code && networkReasons[code]) ?? excerptOf(raw.replace(/^request to \S+ failed, reason: /, ''), this.secrets, 120).replace(/\.$/, '');
		const cause = Object.assign(new Error(scrub(raw, this.secrets)), code ? {code} : {});
		return new FlarewatchError('network', `Could not reach ${this.base.host} for ${action}: ${reason || 'the connection failed'}.`, {cause, ...(code ? {code} : {})});
	}
}
