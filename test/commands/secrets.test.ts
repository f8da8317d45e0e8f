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
import {account, captureIo, emulator, rejection, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

/** A known key, recognisable anywhere, including URL-encoded. */
const key = 'K3Y+secret/value=0123456789abcdef';
/** A known API token (v4's Bearer credential), as recognisable. */
const token = 'T0KEN+secret/v4=0123456789abcdefXYZ';

let emu: EmulatorHandle;
let hostile: http.Server;
let hostileUrl: string;
let hostileMode = 'msg';
let hostileV4: http.Server;
let hostileV4Url: string;
let hostileV4Mode = 'errors';

beforeAll(async () => {
	emu = await emulator({key, token, rateLimit: 5000, v4RateLimit: 5000});
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
	// An API v4 server that writes back whatever credential it was sent (Bearer token, or X-Auth-Key).
	hostileV4 = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '') || String(req.headers['x-auth-key'] ?? '');
			const echo = `${sent} ${encodeURIComponent(sent)} ${sent.toUpperCase()}`;
			res.setHeader('content-type', 'application/json');
			if (hostileV4Mode === 'errors') {
				res.statusCode = 403;
				res.end(JSON.stringify({success: false, errors: [{code: 10000, message: `bad token ${echo}`, error_chain: [{code: 1, message: echo}]}], messages: [echo], result: null}));
			} else if (hostileV4Mode === 'html') {
				res.setHeader('content-type', 'text/html');
				res.statusCode = 502;
				res.end(`<html>${echo}</html>`);
			} else if (hostileV4Mode === 'gone') {
				res.statusCode = 410;
				res.end(`gone ${echo}`);
			} else if (hostileV4Mode === 'truncated') res.end(`{"success":true,"result":[{"id":"${sent}"`);
			else res.end(JSON.stringify({success: true, errors: [], messages: [], result: [{id: '023e105f4ecef8ad9ca31a8372d0c353', name: `example.com ${echo}`, status: 'active', plan: {legacy_id: echo}}], result_info: {page: 1, per_page: 5, count: 1, total_count: 1}}));
		});
	});
	await new Promise<void>(resolve => hostileV4.listen(0, '127.0.0.1', resolve));
	hostileV4Url = `http://127.0.0.1:${(hostileV4.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await emu.close();
	hostile.closeAllConnections();
	await new Promise(resolve => hostile.close(resolve));
	hostileV4.closeAllConnections();
	await new Promise(resolve => hostileV4.close(resolve));
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

/** Every command on API v4, the ones v4 refuses included: their refusals are output too. */
const everyV4Command: string[][] = [...everyCommand.filter(argv => argv[0] !== 'stats' || argv.length > 2), ['stats', '--interval', '120'], ['stats', '--interval', '120', '--json'], ['stats', '--token', token], [`--token=${token}`], ['stats', `--api-token=${token}`]];

describe('the API token never reaches any output', () => {
	it('every command on v4, success and failure, with the token from CF_API_TOKEN, faults included', {timeout: 120_000}, async () => {
		const env = {CF_API_TOKEN: token, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const before = account(emu).calls.v4.total;
		const codes = [];
		for (const argv of everyV4Command) codes.push(await run(argv, env));
		// Real v4 answers were printed (the scan must see them), and the refusals on purpose.
		expect(codes.filter(code => code === 0).length).toBeGreaterThanOrEqual(12);
		expect(account(emu).calls.v4.total - before).toBeGreaterThanOrEqual(20);
		for (const mode of faultModes.filter(m => m !== 'none' && m !== 'latency')) {
			emu.setFault({mode, count: 2});
			await run(['stats', '--interval', '120', '--timeout', '0.3'], env);
			await run(['ban', '203.0.113.9', '--timeout', '0.3', '--json'], env);
			emu.setFault({mode: 'none'});
		}
		// A wrong token is refused by the server: the message must not hold the one that was sent.
		await run(['stats', '--json'], {...env, CF_API_TOKEN: `${token}x`});
		expectKeyNeverPrinted(token);
		expectKeyNeverPrinted(`${token}x`);
		expectKeyNeverPrinted(key);
	});

	it('with the token from a group-readable --token-file and a config file\'s "tokenFile" (warnings included)', {timeout: 60_000}, async () => {
		const dir = mkdtempSync(join(tmpdir(), 'flarewatch-secrets-'));
		const tokenPath = join(dir, 'token');
		writeFileSync(tokenPath, `${token}\n`);
		chmodSync(tokenPath, 0o644);
		expect(await run(['stats', '--interval', '120', '--token-file', tokenPath, '--endpoint', emu.url, '--zone', 'example.com'], {})).toBe(0);
		mkdirConfig(dir, {tokenFile: tokenPath, endpoint: emu.url, zones: ['example.com']});
		const capture = captureIo({XDG_CONFIG_HOME: dir});
		expect(await commandMain('zone-check', ['--json'], capture.io)).toBe(0);
		transcript.push(capture.stdout(), capture.stderr());
		expect(capture.stderr()).toMatch(/warning: The token file .* is readable by group or others/);
		// A token file with a space in it: refused without quoting it.
		const spaced = join(dir, 'spaced');
		writeFileSync(spaced, `${token} ${token}\n`, {mode: 0o600});
		expect(await run(['stats', '--token-file', spaced, '--json'], {})).toBe(2);
		expectKeyNeverPrinted(token);
	});

	it('a v4 server that echoes the token (or the key) in every field cannot make a command print it', {timeout: 60_000}, async () => {
		for (const mode of ['errors', 'html', 'gone', 'truncated', 'echo']) {
			hostileV4Mode = mode;
			await run(['zone-check', '--json'], {CF_API_TOKEN: token, CF_API_ENDPOINT: hostileV4Url, CF_ZONE: 'example.com'});
			await run(['stats', '--interval', '120'], {CF_API_TOKEN: token, CF_API_ENDPOINT: hostileV4Url, CF_ZONE: 'example.com'});
			await run(['ban', '203.0.113.9'], {CF_API_TOKEN: token, CF_API_ENDPOINT: hostileV4Url});
			await run(['zone-check', '--api', 'v4'], {CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key, CF_API_ENDPOINT: hostileV4Url, CF_ZONE: 'example.com'});
		}
		// The echo was there to be masked: the transcript shows it redacted, not absent.
		expect(transcript.join('\n')).toContain('[redacted]');
		expectKeyNeverPrinted(token);
		expectKeyNeverPrinted(token.toUpperCase());
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
