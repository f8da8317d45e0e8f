/**
 * Certificates are checked whatever NODE_TLS_REJECT_UNAUTHORIZED says: with it set to 0 in the
 * client's environment, a self-signed server (the emulator's --tls, and a bare TLS server that
 * records every byte it is sent) gets no request, so never the key; --ca-file's CA still works.
 */
import http from 'node:http';
import net from 'node:net';
import type {Duplex} from 'node:stream';
import tls from 'node:tls';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {commandMain} from '../../source/commands/index.js';
import {generateCertificate, type TlsMaterial} from '../../source/emulator/tls.js';
import {isFlarewatchError} from '../../source/errors.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Client} from '../../source/v1/client.js';
import {callsSeen, captureIo, emulator, type EmulatorHandle} from './harness.js';

const key = 'Tls+Secret/Key=Never_Sent_0451';
const email = 'tls@example.com';

let emu: EmulatorHandle;
let material: TlsMaterial;
let server: tls.Server;
let serverUrl: string;
/** Every byte the bare server received, decrypted: what a man in the middle would have read. */
let received = '';
const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

beforeAll(async () => {
	emu = await emulator({tls: true, email, key});
	material = await generateCertificate('127.0.0.1');
	server = tls.createServer({key: material.key, cert: material.cert}, socket => {
		socket.on('data', (chunk: Buffer) => {
			received += chunk.toString('latin1');
			socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"result":"success","response":{"zones":{"example.com":1}}}');
		});
		socket.on('error', () => {});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as {port: number};
	serverUrl = `https://127.0.0.1:${address.port}`;
	process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});

afterEach(() => {
	received = '';
});

afterAll(async () => {
	if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
	await emu.close();
	await new Promise<void>(resolve => server.close(() => resolve()));
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('the call succeeded');
}

describe('TLS with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', () => {
	it('the client refuses the emulator --tls self-signed certificate; the emulator sees no call', async () => {
		const client = new V1Client({endpoint: emu.url, email, key: new Secret(key)});
		try {
			const error = await failureOf(client.checkZones(['example.com']));
			expect(isFlarewatchError(error) && error.kind).toBe('network');
			expect(String((error as Error).message)).toMatch(/certificate is self-signed and not trusted/);
		} finally {
			client.close();
		}
		expect(callsSeen(emu)).toBe(0);
		expect(emu.state().unauthorizedCalls).toBe(0);
	});

	it('a command against it fails with the certificate error, and the key is nowhere', async () => {
		const capture = captureIo({CF_API_EMAIL: email, CF_API_KEY: key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com', HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent'});
		expect(await commandMain('zone-check', ['example.com', '--json'], capture.io)).toBe(3);
		// With --json the error is the one JSON object on stdout.
		expect(JSON.parse(capture.stdout()).error).toMatchObject({code: 'network', message: expect.stringMatching(/self-signed/)});
		expect(capture.stderr()).toBe('');
		expect(capture.stdout() + capture.stderr()).not.toContain(key);
		expect(callsSeen(emu)).toBe(0);
	});

	it('a bare self-signed server receives no byte of the request; trusting its CA makes the same call work', async () => {
		const refused = new V1Client({endpoint: serverUrl, email, key: new Secret(key)});
		try {
			expect(isFlarewatchError(await failureOf(refused.checkZones(['example.com'])))).toBe(true);
		} finally {
			refused.close();
		}
		expect(received).toBe('');
		// The control: the same server, its certificate given as the CA (what --ca-file does), is reached.
		const trusted = new V1Client({endpoint: serverUrl, email, key: new Secret(key), ca: material.cert});
		try {
			expect(await trusted.checkZones(['example.com'])).toEqual([{name: 'example.com', zid: 1}]);
		} finally {
			trusted.close();
		}
		expect(received).toContain('tkn=Tls%2BSecret%2FKey%3DNever_Sent_0451');
	});

	it('through HTTPS_PROXY (the CONNECT tunnel makes its own TLS connection) the check holds too', async () => {
		// A bare CONNECT proxy: it pipes bytes and sees only ciphertext.
		const proxy = http.createServer();
		proxy.on('connect', (request: http.IncomingMessage, socket: Duplex) => {
			const [host, port] = (request.url ?? '').split(':');
			const upstream = net.connect(Number(port), host, () => {
				socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
				upstream.pipe(socket).pipe(upstream);
			});
			upstream.on('error', () => socket.destroy());
			socket.on('error', () => upstream.destroy());
		});
		await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
		const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
		const client = new V1Client({endpoint: serverUrl, email, key: new Secret(key), env: {HTTPS_PROXY: proxyUrl}});
		try {
			expect(String((await failureOf(client.checkZones(['example.com'])) as Error).message)).toMatch(/certificate/);
		} finally {
			client.close();
			proxy.closeAllConnections();
			await new Promise(resolve => proxy.close(resolve));
		}
		expect(received).toBe('');
	});

	it('a CA file trusts that CA only: another self-signed server is still refused', async () => {
		const client = new V1Client({endpoint: emu.url, email, key: new Secret(key), ca: material.cert});
		try {
			expect(String((await failureOf(client.checkZones(['example.com'])) as Error).message)).toMatch(/certificate/);
		} finally {
			client.close();
		}
		expect(callsSeen(emu)).toBe(0);
	});
});
