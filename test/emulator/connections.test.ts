/** Connection hygiene: idle and half-sent connections are closed, and open connections are capped. */
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import {afterEach, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {admin, api, raw, start} from './helpers.js';

let emulator: EmulatorHandle | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.destroy();
	await emulator?.close();
	emulator = undefined;
});

interface Ending {
	ms: number;
	received: string;
}

/** Opens a raw connection, writes `bytes`, and reports when (and after what) the server closed it. */
async function openRaw(url: string, bytes: string): Promise<{socket: net.Socket; closed: Promise<Ending>}> {
	const target = new URL(url);
	const socket = net.connect(Number(target.port), target.hostname);
	sockets.push(socket);
	let received = '';
	socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
	socket.on('error', () => undefined);
	await new Promise<void>(resolve => socket.once('connect', resolve));
	const opened = Date.now();
	const closed = new Promise<Ending>(resolve => socket.once('close', () => resolve({ms: Date.now() - opened, received})));
	if (bytes) socket.write(bytes);
	return {socket, closed};
}

/** Resolves with the value, or rejects once `ms` have passed: a deadline, not a sleep. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
		promise.then(
			value => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error instanceof Error ? error : new Error(String(error)));
			},
		);
	});
}

describe('connection timeouts', () => {
	const timeout = 200;

	it('closes a connection that sent half a request line, or nothing, or half a body', async () => {
		emulator = await start({connectionTimeoutMs: timeout});
		const halfLine = await openRaw(emulator.url, 'GET /api_json.ht');
		const nothing = await openRaw(emulator.url, '');
		const halfBody = await openRaw(emulator.url, `POST /api_json.html HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=stats`);
		for (const {closed} of [halfLine, nothing, halfBody]) {
			const ending = await within(closed, 3000, 'server close');
			// Node checks the deadlines on an interval, so never before the timeout, soon after it.
			expect(ending.ms).toBeGreaterThanOrEqual(timeout - 20);
			expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
		}
		// None of it reached an account.
		expect(emulator.state().accounts[0].calls.total).toBe(0);
		expect((await api(emulator, {a: 'stats', z: 'example.com', interval: '20'})).status).toBe(200);
	});

	it('closes an idle keep-alive connection after the timeout', async () => {
		emulator = await start({connectionTimeoutMs: timeout});
		const {closed} = await openRaw(emulator.url, `GET /__emulator/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
		const ending = await within(closed, 3000, 'server close');
		expect(ending.received).toMatch(/^HTTP\/1\.1 200 /);
	});

	it('does not cut a request that arrived whole but is answered late (the latency fault)', async () => {
		emulator = await start({connectionTimeoutMs: timeout});
		emulator.setFault({mode: 'latency', ms: timeout * 2, count: 1});
		const reply = await api(emulator, {a: 'stats', z: 'example.com', interval: '20'});
		expect(reply.json.result).toBe('success');
	});

	it('keeps 30 s and 1000 connections as defaults and refuses nonsense', async () => {
		const {defaultOptions} = await import('../../source/emulator/index.js');
		expect(defaultOptions.connectionTimeoutMs).toBe(30_000);
		expect(defaultOptions.maxConnections).toBe(1000);
		await expect(start({connectionTimeoutMs: 0})).rejects.toThrow(/connectionTimeoutMs/);
		await expect(start({maxConnections: 0})).rejects.toThrow(/maxConnections/);
	});
});

describe('connection cap', () => {
	it('answers 503 with Connection: close past the cap, and serves again once a connection closes', async () => {
		const cap = 3;
		emulator = await start({maxConnections: cap, connectionTimeoutMs: 5000});
		const held = [];
		for (let i = 0; i < cap; i++) held.push(await openRaw(emulator.url, ''));
		const refused = await raw(emulator.url, '/__emulator/state');
		expect(refused.status).toBe(503);
		expect(refused.headers.connection).toBe('close');
		// A flood past the cap is refused too, without bringing the server down.
		const flood = await Promise.allSettled(Array.from({length: 50}, () => raw(emulator!.url, '/api_json.html?a=stats')));
		expect(flood.every(outcome => outcome.status === 'rejected' || outcome.value.status === 503)).toBe(true);
		held[0].socket.destroy();
		await held[0].closed;
		// The server learns of the close asynchronously: retry until a deadline.
		const deadline = Date.now() + 3000;
		let status = 0;
		while (status !== 200 && Date.now() < deadline) status = (await admin(emulator, 'state')).status;
		expect(status).toBe(200);
	});

	it('answers 503 over TLS too', async () => {
		emulator = await start({maxConnections: 1, tls: true, connectionTimeoutMs: 5000});
		const target = new URL(emulator.url);
		const holder = tls.connect({host: target.hostname, port: Number(target.port), rejectUnauthorized: false});
		sockets.push(holder);
		holder.on('error', () => undefined);
		await new Promise<void>(resolve => holder.once('secureConnect', resolve));
		const status = await new Promise<number>((resolve, reject) => {
			const request = https.get({host: target.hostname, port: target.port, path: '/__emulator/state', rejectUnauthorized: false, agent: false}, response => {
				response.resume();
				resolve(response.statusCode ?? 0);
			});
			request.on('error', reject);
		});
		expect(status).toBe(503);
	});
});
