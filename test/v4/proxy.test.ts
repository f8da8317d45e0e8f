/**
 * API v4 through HTTPS_PROXY: the SDK's REST calls and the GraphQL analytics both go through the
 * shared stack's tunnel to the emulator's --tls face, its certificate checked end to end (trusted by
 * the CA option, not by the proxy), NO_PROXY honoured, the proxy's password never shown.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import type {Backend} from '../../source/backend.js';
import {openBackend} from '../../source/backends.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {isFlarewatchError} from '../../source/errors.js';
import {Secret} from '../../source/lib/secret.js';

let emulator: EmulatorHandle;
/** The emulator's self-signed certificate, as --ca-file would give it. */
let ca: string;
let proxy: http.Server;
let proxyUrl: string;
/** Each CONNECT's target, and its Proxy-Authorization header. */
const tunnels: {target: string; authorization: string | undefined}[] = [];
let refuse = false;
/** Bytes the proxy carried from the client to the emulator. */
let carried = 0;

/** The certificate a TLS server presents, as PEM. */
async function certificateOf(host: string, port: number): Promise<string> {
	const raw = await new Promise<Buffer>((resolve, reject) => {
		const socket = tls.connect({host, port, rejectUnauthorized: false}, () => {
			const certificate = socket.getPeerCertificate();
			socket.end();
			resolve(certificate.raw);
		});
		socket.once('error', reject);
	});
	return `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

beforeAll(async () => {
	emulator = await startEmulator({port: 0, quiet: true, tls: true, scenario: 'attack'});
	ca = await certificateOf(emulator.host, emulator.port);
	// A bare CONNECT proxy: it splices bytes and sees only ciphertext.
	proxy = http.createServer((_request, response) => response.writeHead(405).end());
	proxy.on('connect', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
		tunnels.push({target: request.url ?? '', authorization: request.headers['proxy-authorization']});
		if (refuse) {
			socket.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n');
			return;
		}
		const [host, port] = (request.url ?? '').split(':');
		const upstream = net.connect(Number(port), host, () => {
			socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			socket.on('data', (chunk: Buffer) => (carried += chunk.length));
			upstream.pipe(socket).pipe(upstream);
		});
		upstream.on('error', () => socket.destroy());
		socket.on('error', () => upstream.destroy());
	});
	await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
	proxy.closeAllConnections();
	await new Promise(resolve => proxy.close(resolve));
	await emulator.close();
});

beforeEach(() => {
	tunnels.length = 0;
	refuse = false;
});

function v4(env: Record<string, string>, extra: {ca?: string} = {ca}): Backend {
	return openBackend({api: 'v4', endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), token: new Secret(emulator.token), env, ...extra, timeoutMs: 5000});
}

function v4Calls(): number {
	return emulator.state().accounts.find(account => account.email === emulator.email)!.calls.v4.total;
}

async function failure(promise: Promise<unknown>): Promise<Error & {kind?: string}> {
	try {
		await promise;
	} catch (error) {
		expect(isFlarewatchError(error)).toBe(true);
		return error as Error;
	}
	throw new Error('expected a failure');
}

describe('API v4 through HTTPS_PROXY', () => {
	beforeEach(() => {
		carried = 0;
	});

	it('sends REST and GraphQL through one kept-alive tunnel to the emulator', async () => {
		const before = v4Calls();
		const backend = v4({HTTPS_PROXY: proxyUrl});
		try {
			const [zone] = await backend.checkZones(['example.com']);
			expect(zone?.name).toBe('example.com');
			const afterRest = carried;
			expect(afterRest).toBeGreaterThan(0);
			// Stats are GraphQL (and a settings read) on the zone just found: they travel the same tunnel.
			const stats = await backend.stats(zone!, 120);
			expect(stats.requests.edge).toBeGreaterThan(0);
			expect(carried).toBeGreaterThan(afterRest);
		} finally {
			backend.close();
		}
		expect(v4Calls()).toBeGreaterThan(before);
		expect(tunnels.map(each => each.target)).toEqual([`${emulator.host}:${emulator.port}`]);
	});

	it('checks the emulator’s certificate inside the tunnel: untrusted, it is refused and sees no call', async () => {
		const before = v4Calls();
		const backend = v4({HTTPS_PROXY: proxyUrl}, {});
		try {
			const error = await failure(backend.checkZones(['example.com']));
			expect(error.kind).toBe('network');
			expect(error.message).toMatch(/certificate/);
		} finally {
			backend.close();
		}
		expect(tunnels).toHaveLength(1);
		expect(v4Calls()).toBe(before);
	});

	it('goes direct for a host in NO_PROXY', async () => {
		const before = v4Calls();
		const backend = v4({HTTPS_PROXY: proxyUrl, NO_PROXY: `example.org, ${emulator.host}`});
		try {
			expect((await backend.checkZones(['example.com']))[0]?.name).toBe('example.com');
			expect(v4Calls()).toBeGreaterThan(before);
		} finally {
			backend.close();
		}
		expect(tunnels).toEqual([]);
	});

	it('a proxy that refuses the tunnel is a network failure that never shows the proxy’s password', async () => {
		refuse = true;
		const password = 'v4-Proxy-Password-77';
		const backend = v4({HTTPS_PROXY: `http://ops:${password}@127.0.0.1:${(proxy.address() as AddressInfo).port}`});
		try {
			const error = await failure(backend.checkZones(['example.com']));
			expect(error.kind).toBe('network');
			expect(error.message).toMatch(/proxy/);
			expect(`${error.message} ${String((error as {cause?: unknown}).cause)}`).not.toContain(password);
		} finally {
			backend.close();
		}
		expect(tunnels).toEqual([{target: `${emulator.host}:${emulator.port}`, authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`}]);
	});

	it('the built command, with DEBUG=* in its environment, prints nothing of the proxy library and never its password', async () => {
		refuse = true;
		const password = 'v4-Debug-Proxy-Password-31';
		const directory = mkdtempSync(join(tmpdir(), 'fw-proxy-debug-'));
		writeFileSync(join(directory, 'ca.pem'), ca);
		const {code, stderr} = await new Promise<{code: unknown; stderr: string}>(resolve => {
			execFile(process.execPath, [join(process.cwd(), 'dist', 'flarewatch.js'), 'zone-check', '--api', 'v4', '--endpoint', emulator.url, '--ca-file', join(directory, 'ca.pem'), '--zone', 'example.com'], {
				env: {PATH: process.env.PATH ?? '', HOME: directory, XDG_CONFIG_HOME: directory, XDG_STATE_HOME: directory, CF_API_TOKEN: emulator.token, HTTPS_PROXY: `http://ops:${password}@127.0.0.1:${(proxy.address() as AddressInfo).port}`, DEBUG: '*', DEBUG_COLORS: 'no'},
				timeout: 20_000,
			}, (error, _stdout, stderr) => resolve({code: error?.code ?? 0, stderr}));
		});
		expect(code).toBe(3);
		expect(stderr).toMatch(/proxy/);
		expect(stderr).not.toContain('https-proxy-agent');
		expect(stderr).not.toContain(password);
		expect(tunnels).toHaveLength(1);
	}, 30_000);
});
