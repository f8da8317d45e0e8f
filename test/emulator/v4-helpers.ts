/** Raw API v4 calls for the tests: exact statuses, headers and envelopes, no client library. */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {expect} from 'vitest';
import {guardConnections} from '../../source/emulator/connections.js';
import {EmulatorCore} from '../../source/emulator/core.js';
import {defaultOptions, otherAccount, type EmulatorHandle, type EmulatorOptions} from '../../source/emulator/index.js';
import {createHandler} from '../../source/emulator/server.js';
import {raw, t0} from './helpers.js';

/** An emulator core and the server over it (what startEmulator builds, with the core in reach). */
export interface CoreFixture {
	core: EmulatorCore;
	url: string;
	email: string;
	key: string;
	close(): Promise<void>;
}

const openedCores: CoreFixture[] = [];

/** A core on the attack scenario at t0 with a second account, served on loopback; closed by `closeCores`. */
export async function openCore(options: Partial<EmulatorOptions> = {}): Promise<CoreFixture> {
	const core = new EmulatorCore({...defaultOptions, port: 0, quiet: true, scenario: 'attack', rateLimit: 100_000, now: () => t0, accounts: [otherAccount], ...options});
	const server = http.createServer();
	server.on('request', createHandler(core, new Set(), guardConnections(server, 100, 1000)));
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const fixture: CoreFixture = {
		core,
		url: `http://127.0.0.1:${port}`,
		email: core.options.email,
		key: core.options.key,
		close: () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	openedCores.push(fixture);
	return fixture;
}

/** Closes every core `openCore` opened (an afterEach). */
export async function closeCores(): Promise<void> {
	await Promise.all(openedCores.splice(0).map(fixture => fixture.close()));
}

export interface V4Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	json: Record<string, unknown>;
}

export async function v4(emulator: EmulatorHandle, method: string, path: string, body?: unknown, headers: Record<string, string> = {Authorization: `Bearer ${emulator.token}`}): Promise<V4Reply> {
	const init = body === undefined ? {method, headers} : {method, headers: {'Content-Type': 'application/json', ...headers}, body: typeof body === 'string' ? body : JSON.stringify(body)};
	const reply = await raw(emulator.url, `/client/v4${path}`, init);
	return {status: reply.status, headers: reply.headers, json: JSON.parse(reply.text) as Record<string, unknown>};
}

export function zoneId(emulator: EmulatorHandle, name: string): string {
	const zone = emulator.state().zones.find(candidate => candidate.name === name);
	if (!zone) throw new Error(`no zone ${name}`);
	return zone.id;
}

/** The account id the zones carry (`account.id`), as a console learns it. */
export async function accountId(emulator: EmulatorHandle, headers?: Record<string, string>): Promise<string> {
	const zones = (await v4(emulator, 'GET', '/zones', undefined, headers)).json.result as {account: {id: string}}[];
	return zones[0].account.id;
}

export function failed(code: number): Record<string, unknown> {
	return {success: false, errors: [expect.objectContaining({code})], messages: [], result: null};
}
