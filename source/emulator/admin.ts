/**
 * The admin interface under /__emulator/: state, faults, clock and scenario. Loopback clients only,
 * never counted as API calls, and untouched by faults and --sunset.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {EmulatorCore} from './core.js';
import {FaultError, parseFault} from './faults.js';
import {scenarioNames, type ScenarioName} from './types.js';

export const adminPrefix = '/__emulator/';

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	const text = `${JSON.stringify(body)}\n`;
	res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store'});
	res.end(text);
}

function parseJson(body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8') || '{}');
	} catch {
		throw new FaultError('the body must be JSON');
	}
}

export function handleAdmin(core: EmulatorCore, path: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
	if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, {error: 'the admin interface answers loopback clients only'});
	const what = path.slice(adminPrefix.length);
	try {
		if (what === 'state') {
			if (req.method !== 'GET') return reply(res, 405, {error: 'use GET'});
			return reply(res, 200, core.state());
		}
		if (req.method !== 'POST') return reply(res, 405, {error: 'use POST'});
		const input = parseJson(body) as Record<string, unknown> | null;
		if (what === 'faults') {
			const fault = parseFault(input);
			core.faults.set(fault);
			return reply(res, 200, {ok: true, fault: core.faults.get()});
		}
		if (what === 'clock') {
			const seconds = input?.advanceSeconds;
			if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new FaultError('advanceSeconds must be a non-negative number');
			core.clock.advance(seconds);
			return reply(res, 200, {ok: true, now: core.clock.nowSec()});
		}
		if (what === 'scenario') {
			const name = input?.name;
			if (typeof name !== 'string' || !scenarioNames.includes(name as ScenarioName)) throw new FaultError(`name must be one of ${scenarioNames.join('|')}`);
			core.setScenario(name as ScenarioName);
			return reply(res, 200, {ok: true, scenario: name});
		}
		return reply(res, 404, {error: `unknown admin path ${path}`});
	} catch (error) {
		if (error instanceof FaultError) return reply(res, 400, {error: error.message});
		throw error;
	}
}
