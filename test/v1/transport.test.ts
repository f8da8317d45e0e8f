import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {generate} from 'selfsigned';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Secret} from '../../source/lib/secret.js';
import {V1Client} from '../../source/v1/client.js';
import {bypassesProxy, proxyFor, TunnelAgent} from '../../source/lib/proxy.js';
import {checkEndpoint} from '../../source/lib/endpoint.js';
import tls from 'node:tls';
import {emulator, rejection} from './harness.js';

const key = 'transport-test-key-0123456789abcdef';
const okBody = '{"response":{"zones":{"example.com":42}},"result":"success","msg":null,"calls_left":299}';

interface Seen {
	method?: string;
	url?: string;
	contentType?: string;
	body: string;
}

let cert: string;
let server: https.Server;
let port: number;
const seen: Seen[] = [];
let connections = 0;

let proxy: net.Server;
let proxyPort: number;
/** The same proxy behind TLS (an https:// HTTPS_PROXY), on the server's certificate. */
let secureProxy: https.Server;
let secureProxyPort: number;
const tunnels: string[] = [];
/** Each tunnel's Proxy-Authorization header, or undefined. */
const authorizations: (string | undefined)[] = [];
let refuseTunnels = false;

/** A minimal CONNECT proxy: records each tunnel and splices bytes. */
function tunnel(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
	tunnels.push(req.url ?? '');
	authorizations.push(req.headers['proxy-authorization']);
	if (refuseTunnels) {
		// With a body that would pass for the API's: the proxy's answer must never be taken for the server's.
		socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${okBody.length}\r\n\r\n${okBody}`);
		return;
	}
	const [host, targetPort] = (req.url ?? '').split(':');
	const upstream = net.connect(Number(targetPort), host === 'localhost' ? '127.0.0.1' : host, () => {
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head.length > 0) upstream.write(head);
		upstream.pipe(socket);
		socket.pipe(upstream);
	});
	upstream.on('error', () => socket.destroy());
	socket.on('error', () => upstream.destroy());
}

beforeAll(async () => {
	const pems = await generate([{name: 'commonName', value: 'localhost'}], {keySize: 2048, algorithm: 'sha256', extensions: [{name: 'subjectAltName', altNames: [{type: 2, value: 'localhost'}, {type: 7, ip: '127.0.0.1'}]}]});
	cert = pems.cert;
	server = https.createServer({key: pems.private, cert: pems.cert}, (req, res) => {
		let body = '';
		req.on('data', chunk => (body += chunk));
		req.on('end', () => {
			seen.push({method: req.method, url: req.url, contentType: req.headers['content-type'], body});
			res.writeHead(200, {'content-type': 'application/json'});
			res.end(okBody);
		});
	});
	server.on('secureConnection', () => connections++);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;

	proxy = http.createServer((_req, res) => res.writeHead(405).end()) as unknown as net.Server;
	(proxy as unknown as http.Server).on('connect', tunnel);
	await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
	proxyPort = (proxy.address() as AddressInfo).port;
	secureProxy = https.createServer({key: pems.private, cert: pems.cert}, (_req, res) => res.writeHead(405).end());
	secureProxy.on('connect', tunnel);
	await new Promise<void>(resolve => secureProxy.listen(0, '127.0.0.1', resolve));
	secureProxyPort = (secureProxy.address() as AddressInfo).port;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise(resolve => server.close(resolve));
	(proxy as unknown as http.Server).closeAllConnections();
	await new Promise(resolve => proxy.close(resolve));
	secureProxy.closeAllConnections();
	await new Promise(resolve => secureProxy.close(resolve));
});

function client(env: Record<string, string> = {}, extra: {ca?: string; timeoutMs?: number} = {ca: undefined}) {
	return new V1Client({endpoint: `https://localhost:${port}`, email: 'ops@example.com', key: new Secret(key), env, ...('ca' in extra ? {ca: extra.ca} : {}), timeoutMs: extra.timeoutMs ?? 2000});
}

describe('the endpoint rule', () => {
	it('refuses plain http off loopback, before anything is sent', () => {
		for (const endpoint of ['http://www.cloudflare.com', 'http://10.0.0.1:8787', 'http://127.example.com', 'ftp://localhost', 'not a url', 'https://user:pw@host.example', 'https://host.example/?a=1']) {
			expect(() => checkEndpoint(endpoint), endpoint).toThrow(expect.objectContaining({kind: 'validation', field: 'endpoint'}));
			expect(() => new V1Client({endpoint, email: 'a@b.example', key: new Secret(key)})).toThrow();
		}
		for (const endpoint of ['http://127.0.0.1:8787', 'http://localhost:1', 'http://[::1]:8787', 'https://www.cloudflare.com', 'https://api.example.com/v1']) {
			expect(() => checkEndpoint(endpoint), endpoint).not.toThrow();
		}
	});

	it('explains an endpoint written without its scheme and shows the URL meant', () => {
		expect(() => checkEndpoint('localhost:34177')).toThrow('has no scheme; write it as a URL, such as "http://localhost:34177"');
		expect(() => checkEndpoint('api.example.com')).toThrow('such as "https://api.example.com"');
	});
});

describe('HTTPS', () => {
	it('keeps certificate checks on: a self-signed server is refused unless its certificate is trusted', async () => {
		const untrusted = client({}, {});
		const error = await rejection(untrusted.checkZones(['example.com']));
		untrusted.close();
		expect(error.kind).toBe('network');
		expect(error.message).toMatch(/certificate/);
		const trusted = client({}, {ca: cert});
		await expect(trusted.checkZones(['example.com'])).resolves.toEqual([{name: 'example.com', zid: 42}]);
		trusted.close();
	});

	it('POSTs urlencoded, the key only in the body, calls_left asked for; one kept-alive connection', async () => {
		const before = {requests: seen.length, connections};
		const trusted = client({}, {ca: cert});
		await trusted.checkZones(['example.com']);
		await trusted.checkZones(['example.com']);
		trusted.close();
		const request = seen[before.requests]!;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/api_json.html');
		expect(request.contentType).toBe('application/x-www-form-urlencoded');
		const params = new URLSearchParams(request.body);
		expect(Object.fromEntries(params)).toEqual({a: 'zone_check', zones: 'example.com', email: 'ops@example.com', tkn: key, calls_left: '1'});
		expect(connections - before.connections).toBe(1);
		expect(trusted.lastCallsLeft()?.callsLeft).toBe(299);
	});

	it('honours HTTPS_PROXY with a CONNECT tunnel, end-to-end TLS intact', async () => {
		tunnels.length = 0;
		const proxied = client({HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`}, {ca: cert});
		await expect(proxied.checkZones(['example.com'])).resolves.toEqual([{name: 'example.com', zid: 42}]);
		proxied.close();
		expect(tunnels).toEqual([`localhost:${port}`]);
		const lower = client({https_proxy: `127.0.0.1:${proxyPort}`}, {});
		expect((await rejection(lower.checkZones(['example.com']))).message).toMatch(/certificate/);
		lower.close();
		expect(tunnels).toHaveLength(2);
	});

	it('honours NO_PROXY', async () => {
		tunnels.length = 0;
		const direct = client({HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'example.org,localhost'}, {ca: cert});
		await direct.checkZones(['example.com']);
		direct.close();
		expect(tunnels).toEqual([]);
	});

	it('a proxy that refuses the tunnel is a network failure', async () => {
		refuseTunnels = true;
		const refused = client({HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`}, {ca: cert});
		try {
			const error = await rejection(refused.checkZones(['example.com']));
			expect(error.kind).toBe('network');
			expect(error.message).toMatch(/proxy/);
		} finally {
			refused.close();
			refuseTunnels = false;
		}
	});

	it('keeps one tunnel alive for several calls, and close() releases it', async () => {
		tunnels.length = 0;
		const before = connections;
		const proxied = client({HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`}, {ca: cert});
		await proxied.checkZones(['example.com']);
		await proxied.checkZones(['example.com']);
		await proxied.checkZones(['example.com']);
		expect(tunnels).toHaveLength(1);
		expect(connections - before).toBe(1);
		proxied.close();
		// The next client opens a new tunnel: the old one was released, not handed on.
		const again = client({HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`}, {ca: cert});
		await again.checkZones(['example.com']);
		again.close();
		expect(tunnels).toHaveLength(2);
	});

	it('sends user:pass from the proxy URL as Proxy-Authorization, and never shows them', async () => {
		tunnels.length = 0;
		authorizations.length = 0;
		const password = 'pr0xy-Secret%2Fpw';
		const withCredentials = `http://ops%40corp:${password}@127.0.0.1:${proxyPort}`;
		const proxied = client({HTTPS_PROXY: withCredentials}, {ca: cert});
		await proxied.checkZones(['example.com']);
		proxied.close();
		expect(authorizations).toEqual([`Basic ${Buffer.from('ops@corp:pr0xy-Secret/pw').toString('base64')}`]);
		// The agent holds (and its DEBUG output prints) the proxy's URL without them.
		const agent = new TunnelAgent(new URL(withCredentials), {});
		expect(agent.proxy.href).toBe(`http://127.0.0.1:${proxyPort}/`);
		agent.destroy();
		const shown: string[] = [];
		refuseTunnels = true;
		try {
			const refused = client({HTTPS_PROXY: withCredentials}, {ca: cert});
			shown.push(String(await rejection(refused.checkZones(['example.com']))));
			refused.close();
		} finally {
			refuseTunnels = false;
		}
		const untrusted = client({HTTPS_PROXY: withCredentials}, {});
		shown.push(String(await rejection(untrusted.checkZones(['example.com']))));
		untrusted.close();
		const closedPort = await new Promise<number>(resolve => {
			const probe = net.createServer().listen(0, '127.0.0.1', () => {
				const free = (probe.address() as AddressInfo).port;
				probe.close(() => resolve(free));
			});
		});
		const unreachable = client({HTTPS_PROXY: `http://ops:${password}@127.0.0.1:${closedPort}`}, {ca: cert});
		shown.push(String(await rejection(unreachable.checkZones(['example.com']))));
		unreachable.close();
		for (const bad of [`http://ops:${password}@proxy host:3128`, `socks5://ops:${password}@127.0.0.1:1080`]) {
			try {
				client({HTTPS_PROXY: bad}, {ca: cert}).close();
				shown.push('no error');
			} catch (error) {
				shown.push(String(error));
			}
		}
		expect(shown).toHaveLength(5);
		expect(shown[0]).toMatch(/proxy/);
		expect(shown[1]).toMatch(/certificate/);
		expect(shown[2]).toMatch(/refused/);
		expect(shown[3]).toMatch(/HTTPS_PROXY is not usable: it is not a URL/);
		expect(shown[4]).toMatch(/HTTPS_PROXY is not usable: only http:\/\/ and https:\/\/ proxies/);
		for (const message of shown) {
			expect(message).not.toContain('pr0xy');
			expect(message).not.toContain(Buffer.from('ops@corp:pr0xy-Secret/pw').toString('base64'));
		}
	});

	it('reaches the server through an https:// proxy, whose certificate is checked like the server\'s', async () => {
		tunnels.length = 0;
		const proxied = client({HTTPS_PROXY: `https://localhost:${secureProxyPort}`}, {ca: cert});
		await expect(proxied.checkZones(['example.com'])).resolves.toEqual([{name: 'example.com', zid: 42}]);
		proxied.close();
		expect(tunnels).toEqual([`localhost:${port}`]);
		// Untrusted, the proxy gets no CONNECT (the TLS to it fails first).
		const untrusted = client({HTTPS_PROXY: `https://localhost:${secureProxyPort}`}, {});
		expect((await rejection(untrusted.checkZones(['example.com']))).message).toMatch(/certificate/);
		untrusted.close();
		expect(tunnels).toHaveLength(1);
	});

	it('a proxy that never answers the CONNECT is a timeout, and its socket is let go', async () => {
		const held = new Set<net.Socket>();
		const silent = net.createServer(socket => {
			held.add(socket);
			socket.resume(); // reads the CONNECT, answers nothing; sees the end of the connection
			socket.on('close', () => held.delete(socket));
			socket.on('error', () => undefined);
		});
		await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
		const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
		try {
			const waiting = client({HTTPS_PROXY: silentUrl}, {ca: cert, timeoutMs: 300});
			const error = await rejection(waiting.checkZones(['example.com']));
			expect(error.kind).toBe('timeout');
			// Let go by its own deadline, without close(): a silent proxy does not use up the agent.
			await expect.poll(() => held.size, {timeout: 2000}).toBe(0);
			const again = await rejection(waiting.checkZones(['example.com']));
			expect(again.kind).toBe('timeout');
			waiting.close();
			// close() ends a CONNECT still waiting.
			const closing = client({HTTPS_PROXY: silentUrl}, {ca: cert, timeoutMs: 60_000});
			const pending = rejection(closing.checkZones(['example.com']));
			await expect.poll(() => held.size, {timeout: 2000}).toBe(1);
			closing.close();
			await expect.poll(() => held.size, {timeout: 2000}).toBe(0);
			expect((await pending).kind).toBe('network');
		} finally {
			for (const socket of held) socket.destroy();
			await new Promise(resolve => silent.close(resolve));
		}
	});
});

/** The emulator's certificate as PEM, checked against the fingerprint it printed (how an operator pins it). */
async function pinnedCertificate(host: string, port: number, fingerprint256: string): Promise<string> {
	const raw = await new Promise<Buffer>((resolve, reject) => {
		const socket = tls.connect({host, port, rejectUnauthorized: false}, () => {
			const certificate = socket.getPeerCertificate();
			socket.end();
			if (certificate.fingerprint256 !== fingerprint256) reject(new Error('fingerprint mismatch'));
			else resolve(certificate.raw);
		});
		socket.once('error', reject);
	});
	return `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

describe("the emulator's --tls", () => {
	it('is refused until its certificate is trusted (--ca-file), then works', {timeout: 30_000}, async () => {
		const secure = await emulator({tls: true});
		try {
			expect(secure.url).toMatch(/^https:/);
			const untrusted = new V1Client({endpoint: secure.url, email: secure.email, key: new Secret(secure.key)});
			expect((await rejection(untrusted.checkZones(['example.com']))).kind).toBe('network');
			untrusted.close();
			const ca = await pinnedCertificate(secure.host, secure.port, secure.fingerprint256!);
			const trusted = new V1Client({endpoint: secure.url, email: secure.email, key: new Secret(secure.key), ca});
			expect((await trusted.checkZones(['example.com']))[0]!.zid).toBeGreaterThan(0);
			trusted.close();
		} finally {
			await secure.close();
		}
	});
});

describe('proxy selection', () => {
	it('reads HTTPS_PROXY only for https targets and matches NO_PROXY like curl', () => {
		const target = new URL('https://www.cloudflare.com');
		expect(proxyFor(target, {})).toBeUndefined();
		expect(proxyFor(target, {HTTPS_PROXY: 'http://proxy:3128'})?.host).toBe('proxy:3128');
		expect(proxyFor(new URL('http://127.0.0.1:8787'), {HTTPS_PROXY: 'http://proxy:3128'})).toBeUndefined();
		expect(() => proxyFor(target, {HTTPS_PROXY: 'socks5://proxy:1080'})).toThrow(/http:\/\//);
		const cases: Array<[string, string, boolean]> = [
			['https://www.cloudflare.com', '*', true],
			['https://www.cloudflare.com', 'cloudflare.com', true],
			['https://www.cloudflare.com', '.cloudflare.com', true],
			['https://cloudflare.com', '.cloudflare.com', true],
			['https://www.cloudflare.com', 'flare.com', false],
			['https://www.cloudflare.com', 'other.example, www.cloudflare.com:443', true],
			['https://www.cloudflare.com', 'www.cloudflare.com:8443', false],
			['https://[::1]:8443', '::1', true],
			['https://10.1.2.3', '10.1.2.3', true],
			['https://www.cloudflare.com', '', false],
		];
		for (const [url, noProxy, bypass] of cases) expect(bypassesProxy(new URL(url), noProxy), `${url} / ${noProxy}`).toBe(bypass);
	});
});
