/**
 * HTTPS through a proxy: `HTTPS_PROXY` and `NO_PROXY`, as curl reads them. The tunnel is
 * https-proxy-agent's (CONNECT, then TLS to the origin inside it); which proxy, if any, is chosen
 * here. Certificate checks happen end to end inside the tunnel, exactly as without a proxy.
 *
 * Why not proxy-from-env for the choice: it reads process.env only (the stack takes its environment
 * as a parameter, so tests and embedders can give their own), and it reads differently from curl,
 * whose rules the docs promise: a scheme-less HTTPS_PROXY becomes an https:// proxy, `NO_PROXY=example.com`
 * leaves www.example.com proxied, `.example.com` leaves example.com proxied, `::1` misses `[::1]`,
 * and ALL_PROXY is read too.
 */
import type {ClientRequest} from 'node:http';
import type https from 'node:https';
import type {Socket} from 'node:net';
import {HttpsProxyAgent} from 'https-proxy-agent';

/** What Node's http machinery asks a connection for (agent-base's type, not a dependency of ours). */
type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

/** The proxy for `target`, or undefined to connect directly. Only https targets are proxied. */
export function proxyFor(target: URL, env: Readonly<Record<string, string | undefined>>): URL | undefined {
	if (target.protocol !== 'https:') return undefined;
	const configured = env.HTTPS_PROXY ?? env.https_proxy;
	if (!configured) return undefined;
	if (bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
	let proxy: URL;
	try {
		proxy = new URL(configured.includes('://') ? configured : `http://${configured}`);
	} catch {
		// Not the text itself: it may hold the proxy's password.
		throw new Error('it is not a URL');
	}
	if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw new Error(`only http:// and https:// proxies are supported, not ${proxy.protocol}`);
	return proxy;
}

/** NO_PROXY: `*`, host names (a leading dot or not: the domain and its subdomains), IPs, optional `:port`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
	const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = target.port || (target.protocol === 'https:' ? '443' : '80');
	for (const raw of noProxy.split(/[\s,]+/)) {
		let entry = raw.trim().toLowerCase();
		if (!entry) continue;
		if (entry === '*') return true;
		const portMatch = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''));
		if (entry.startsWith('[')) {
			const close = entry.indexOf(']');
			const entryPort = entry.slice(close + 2);
			entry = entry.slice(1, close);
			if (entryPort && entryPort !== port) continue;
		} else if (portMatch && portMatch[2] && !entry.includes('::')) {
			if (portMatch[2] !== port) continue;
			entry = portMatch[1]!;
		}
		entry = entry.replace(/^\*?\./, '');
		if (host === entry || host.endsWith(`.${entry}`)) return true;
	}
	return false;
}

/**
 * https-proxy-agent's HttpsProxyAgent, with what flarewatch needs that it does not do itself:
 * - the origin's TLS is checked with our options (it takes its agent options for the connection to
 *   the proxy only; the origin's TLS would otherwise follow NODE_TLS_REJECT_UNAUTHORIZED and lack the CA);
 * - an https:// proxy is checked with the same options;
 * - a proxy that refuses the tunnel is an error (it would hand the proxy's answer on as the origin's);
 * - the CONNECT has a deadline, and `destroy()` ends the ones pending (each holds one of the
 *   agent's sockets until it settles, so a silent proxy would otherwise wedge the agent);
 * - the proxy's credentials go in a header, never in the URL it holds (which its DEBUG output prints).
 */
export class TunnelAgent extends HttpsProxyAgent<string> {
	private readonly originTls: {rejectUnauthorized: true; ca?: https.AgentOptions['ca']};
	private readonly closing = new AbortController();

	constructor(
		proxy: URL,
		options: https.AgentOptions,
		private readonly connectTimeoutMs = 30_000,
	) {
		const bare = new URL(proxy.href);
		bare.username = '';
		bare.password = '';
		const headers: Record<string, string> = {};
		if (proxy.username || proxy.password) {
			const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
			headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
		}
		super(bare, {...options, rejectUnauthorized: true, headers});
		this.originTls = {rejectUnauthorized: true, ...(options.ca ? {ca: options.ca} : {})};
	}

	override async connect(request: ClientRequest, options: ConnectOptions): Promise<Socket> {
		const attempt = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			attempt.abort();
		}, this.connectTimeoutMs);
		const abort = () => attempt.abort();
		this.closing.signal.addEventListener('abort', abort, {once: true});
		let status: number | undefined;
		request.once('proxyConnect', (answer: {statusCode: number}) => (status = answer.statusCode));
		// The socket to the proxy is opened synchronously in super.connect, before its first await:
		// the signal is this attempt's only while it reads connectOpts (the pinned version's code).
		this.connectOpts.signal = attempt.signal;
		let pending: Promise<Socket>;
		try {
			pending = super.connect(request, {...options, ...this.originTls});
		} finally {
			delete this.connectOpts.signal;
		}
		try {
			const socket = await pending;
			if (status !== 200) {
				socket.destroy();
				throw Object.assign(new Error(`the proxy refused the tunnel with HTTP ${status ?? 'no status'}`), {code: 'EPROXY'});
			}
			return socket;
		} catch (error) {
			if (timedOut) throw Object.assign(new Error('the proxy did not answer'), {code: 'ETIMEDOUT'});
			throw error;
		} finally {
			clearTimeout(timer);
			this.closing.signal.removeEventListener('abort', abort);
		}
	}

	/** Closes kept-alive sockets, and the tunnels still being opened. */
	override destroy(): void {
		this.closing.abort();
		super.destroy();
	}
}
