import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain} from '../../source/commands/index.js';
import {faultModes} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Client} from '../../source/v1/client.js';
import {captureIo, emulator, rejection, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

/** A known key, recognisable anywhere, including URL-encoded. */
const key = 'K3Y+secret/value=0123456789abcdef';

let emu: EmulatorHandle;
let hostile: http.Server;
let hostileUrl: string;
let hostileMode = 'msg';

beforeAll(async () => {
	emu = await emulator({key, rateLimit: 5000});
	// A server that echoes the key back everywhere it can: messages, codes, bodies, status text.
	hostile = http.createServer((req, res) => {
		let body = '';
		req.on('data', chunk => (body += chunk));
		req.on('end', () => {
			const tkn = new URLSearchParams(body).get('tkn') ?? '';
			const echo = `${tkn} ${encodeURIComponent(tkn)}`;
			if (hostileMode === 'msg') res.end(JSON.stringify({result: 'error', msg: `bad key ${echo}`, err_code: `E_${tkn}`}));
			else if (hostileMode === 'html') res.end(`<html>${echo}</html>`);
			else if (hostileMode === 'status') {
				res.statusMessage = 'Bad';
				res.writeHead(410);
				res.end(`gone ${echo}`);
			} else if (hostileMode === 'truncated') res.end(`{"request":{"tkn":"${tkn}"`);
			else if (hostileMode === 'text') res.end(`E_${tkn}`);
			else res.end(JSON.stringify({request: {act: 'zone_check', tkn}, response: {zones: {'example.com': 1}}, result: 'success', msg: null}));
		});
	});
	await new Promise<void>(resolve => hostile.listen(0, '127.0.0.1', resolve));
	hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await emu.close();
	hostile.closeAllConnections();
	await new Promise(resolve => hostile.close(resolve));
});

async function run(argv: string[], env: Record<string, string | undefined>) {
	const capture = captureIo(env);
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	transcript.push(capture.stdout(), capture.stderr());
	return code;
}

const everyCommand: string[][] = [
	['help'],
	['stats'],
	['stats', '--json'],
	['security-level', 'high', '--json'],
	['cache-level', 'agg'],
	['devmode', 'on'],
	['devmode', 'off', '--json'],
	['purge'],
	['purge'],
	['zone-check', 'example.com', 'example.org', '--json'],
	['ips', '--geo', '--json'],
	['grab'],
	['grab'],
	['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.9', '--content', 'x', '--json'],
	['whitelist', '203.0.113.9'],
	['ban', '203.0.113.9', '--json'],
	['unban', '203.0.113.9'],
	['lookup', '203.0.113.9', '--json'],
	['ipv6', 'on'],
	['preload-purge'],
	['dns', 'list', '--json'],
	['dns', 'add', 'A', 'sec', '203.0.113.9', '--json'],
	['dns', 'rm', 'sec'],
	['dns', 'update-ip', '203.0.113.10', 'www.example.com', '--json'],
	['stats', '--key', key],
	[`--key=${key}`],
];

describe('the key never reaches any output', () => {
	it('every command, success and failure, with the key from the environment', async () => {
		const env = {CF_API_EMAIL: emu.email, CF_API_KEY: key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const codes = [];
		for (const argv of everyCommand) codes.push(await run(argv, env));
		// Mostly successes (the scan must see real output), plus the refusals listed on purpose.
		expect(codes.filter(code => code === 0).length).toBeGreaterThanOrEqual(everyCommand.length - 5);
		for (const mode of faultModes.filter(m => m !== 'none' && m !== 'latency')) {
			emu.setFault({mode, count: 2});
			await run(['stats', '--timeout', '0.3'], env);
			await run(['ban', '203.0.113.9', '--timeout', '0.3'], env);
			emu.setFault({mode: 'none'});
		}
		expectKeyNeverPrinted(key);
	});

	it('with the key from a group-readable key file and config file (warnings included)', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'flarewatch-secrets-'));
		const keyFile = join(dir, 'key');
		writeFileSync(keyFile, `${key}\n`);
		chmodSync(keyFile, 0o644);
		mkdirConfig(dir, {email: emu.email, key, endpoint: emu.url, zones: ['example.com']});
		const capture = captureIo({XDG_CONFIG_HOME: dir});
		expect(await commandMain('stats', [], capture.io)).toBe(0);
		transcript.push(capture.stdout(), capture.stderr());
		expect(capture.stderr()).toMatch(/warning: The config file .* is readable by group or others/);
		expect(await run(['stats', '--key-file', keyFile, '--email', emu.email, '--endpoint', emu.url, '--zone', 'example.com'], {})).toBe(0);
		expectKeyNeverPrinted(key);
	});

	it('a server that echoes the key in every field cannot make the client or a command print it', async () => {
		const client = new V1Client({endpoint: hostileUrl, email: 'ops@example.com', key: new Secret(key)});
		const messages: string[] = [];
		try {
			for (const mode of ['msg', 'html', 'status', 'truncated', 'text']) {
				hostileMode = mode;
				for (const call of [() => client.checkZones(['example.com']), () => client.ban('203.0.113.9')]) {
					const error = await rejection(call());
					messages.push(error.message, String(error.excerpt ?? ''), String(error.code ?? ''), String((error as {cause?: unknown}).cause ?? ''), JSON.stringify(error), String(error.stack ?? ''));
				}
				await run(['stats', '--endpoint', hostileUrl], {CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key, CF_ZONE: 'example.com'});
			}
			hostileMode = 'echo';
			await client.checkZones(['example.com']);
		} finally {
			client.close();
		}
		transcript.push(...messages);
		expectKeyNeverPrinted(key);
	});
});

function mkdirConfig(dir: string, config: Record<string, unknown>): void {
	const path = join(dir, 'flarewatch');
	mkdirSync(path, {recursive: true});
	writeFileSync(join(path, 'config.json'), JSON.stringify(config));
	// Left readable by others on purpose: the warning must appear, without the key.
	chmodSync(join(path, 'config.json'), 0o644);
}
