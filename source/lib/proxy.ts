/**
 * HTTPS through an HTTP proxy: `HTTPS_PROXY` and `NO_PROXY`, as curl reads them, with a small
 * CONNECT-tunnel agent on node:http and node:tls (servers often sit behind a proxy; no extra package).
 * Certificate checks happen end to end inside the tunnel, exactly as without a proxy.
 */
import http from 'node:http';
import https from 'node:https';
import {isIP} from 'node:net';
import tls from 'node:tls';
import type {Duplex} from 'node:stream';

/** The proxy for `target`, or undefined to connect directly. Only https targets are proxied. */
export function proxyFor(target: URL, env: Readonly<Record<string, string | undefined>>): URL | undefined {
	if (target.protocol !== 'https:') return undefined;
	const configured = env.HTTPS_PROXY ?? env.https_proxy;
	if (!configured) return undefined;
	if (bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
	const proxy = new URL(configured.includes('://') ? configured : `http://${configured}`);
	if (proxy.protocol !== 'http:') throw new Error(`only http:// proxies are supported, not ${proxy.protocol}`);
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

/** An https.Agent that reaches every origin through `CONNECT host:port` on an HTTP proxy. */
export class TunnelAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		options: https.AgentOptions,
	) {
		super(options);
	}

	override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
		const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
		const port = Number(options.port ?? 443);
		const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
		const headers: Record<string, string> = {host: authority};
		if (this.proxy.username) {
			const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
			headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
		}
		const request = http.request({host: this.proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(this.proxy.port || 80), method: 'CONNECT', path: authority, headers, agent: false});
		const done = (error: Error | null, stream?: Duplex) => {
			if (!callback) return;
			const cb = callback;
			callback = undefined;
			if (error) cb(error, undefined as unknown as Duplex);
			else cb(null, stream!);
		};
		request.once('connect', (response, socket, head) => {
			if (response.statusCode !== 200) {
				socket.destroy();
				done(Object.assign(new Error(`the proxy refused the tunnel with HTTP ${response.statusCode}`), {code: 'EPROXY'}));
				return;
			}
			if (head.length > 0) socket.unshift(head);
			const secure = tls.connect({...(options as tls.ConnectionOptions), socket, servername: options.servername ?? (isIP(host) ? undefined : host)});
			secure.once('secureConnect', () => done(null, secure));
			secure.once('error', error => done(error));
		});
		request.once('error', error => done(error));
		request.setTimeout(30_000, () => request.destroy(Object.assign(new Error('the proxy did not answer'), {code: 'ETIMEDOUT'})));
		request.end();
		return undefined;
	}
}
