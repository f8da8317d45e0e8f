/** Raw API v4 calls for the tests: exact statuses, headers and envelopes, no client library. */
import {expect} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {raw} from './helpers.js';

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
