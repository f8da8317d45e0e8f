/**
 * The key never leaves through any output. Extends test/commands/secrets.test.ts (every command once,
 * faults on two commands, an echoing server) to: every command × every emulator fault mode × both
 * key sources (CF_API_KEY and a --key-file), a real E_UNAUTH and a real E_MAXAPI, the built CLI in a
 * child process (real stdout/stderr bytes, cwd and HOME in a scratch directory, every file written
 * there scanned), and the permission warnings of the key file and the config file.
 */
import {spawn} from 'node:child_process';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain} from '../../source/commands/index.js';
import {faultModes, startEmulator, type EmulatorHandle, type FaultMode} from '../../source/emulator/index.js';
import {captureIo} from '../v1/harness.js';

/** Distinctive, and different when URL- or form-encoded. */
const key = 'Flw+Secr3t/Key=Zq9&x%7e_0451';
/** A wrong key: refused by the emulator, and just as secret. */
const wrongKey = 'Wr0ng+K3y/Nev3r=Pr1nted_7781';
const email = 'secrets@example.com';

const encodings = (secret: string) => [secret, encodeURIComponent(secret), new URLSearchParams({k: secret}).toString().slice(2), Buffer.from(secret).toString('base64')];

/** Everything any run printed or wrote, for the scan. */
const seen: string[] = [];

function expectNoKey(): void {
	const all = seen.join('\n');
	expect(all.length).toBeGreaterThan(10_000);
	for (const secret of [key, wrongKey]) for (const form of encodings(secret)) expect(all.includes(form), `found ${form}`).toBe(false);
}

let emu: EmulatorHandle;
let limited: EmulatorHandle;
let scratch: string;
let keyFile: string;
let wrongKeyFile: string;

beforeAll(async () => {
	emu = await startEmulator({port: 0, quiet: true, seed: 5, scenario: 'attack', email, key, rateLimit: 1_000_000});
	// A second emulator whose budget is spent after two calls: the real E_MAXAPI path.
	limited = await startEmulator({port: 0, quiet: true, seed: 5, scenario: 'calm', email, key, rateLimit: 2});
	scratch = mkdtempSync(join(tmpdir(), 'flarewatch-reliability-secrets-'));
	keyFile = join(scratch, 'key');
	writeFileSync(keyFile, `${key}\n`, {mode: 0o600});
	wrongKeyFile = join(scratch, 'wrong-key');
	writeFileSync(wrongKeyFile, `${wrongKey}\n`, {mode: 0o600});
});

afterAll(async () => {
	await Promise.all([emu.close(), limited.close()]);
	rmSync(scratch, {recursive: true, force: true});
});

/** Every command and subcommand, on success paths where the emulator allows them. */
const everyCommand: string[][] = [
	['stats', '--interval', '120'],
	['stats', '--json'],
	['security-level', 'high', '--json'],
	['cache-level', 'basic'],
	['devmode', 'on', '--json'],
	['devmode', 'off'],
	['purge', '--json'],
	['zone-check', 'example.com', '--json'],
	['ips', '--hours', '1', '--class', 't', '--geo'],
	['grab', '--json'],
	['ipv6', 'on'],
	['preload-purge', '--json'],
	['whitelist', '203.0.113.9', '--json'],
	['ban', '2001:db8::9'],
	['unban', '203.0.113.9'],
	['lookup', '203.0.113.9', '--json'],
	['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.9', '--content', 'x'],
	['dns', 'list', '--json'],
	['dns', 'add', 'A', 'sec', '203.0.113.9', '--json'],
	['dns', 'edit', '10000001', '--ttl', '300', '--json'],
	['dns', 'rm', 'sec'],
	['dns', 'update-ip', '203.0.113.10', 'www.example.com', '--json'],
];

type KeySource = 'env' | 'key-file';

function envFor(source: KeySource, endpoint: string, secret = key): {env: Record<string, string>; extra: string[]} {
	const base = {CF_API_EMAIL: email, CF_API_ENDPOINT: endpoint, CF_ZONE: 'example.com', HOME: scratch, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_STATE_HOME: join(scratch, 'state')};
	if (source === 'env') return {env: {...base, CF_API_KEY: secret}, extra: []};
	return {env: base, extra: ['--key-file', secret === key ? keyFile : wrongKeyFile]};
}

async function runInProcess(argv: string[], env: Record<string, string>): Promise<number> {
	const capture = captureIo(env);
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	seen.push(capture.stdout(), capture.stderr());
	return code;
}

const modes = faultModes.filter((mode): mode is Exclude<FaultMode, 'none'> => mode !== 'none');

describe('the key never reaches any output, whatever happens', () => {
	it.each(['env', 'key-file'] as const)('every command, success and every fault mode, key from %s', async source => {
		const {env, extra} = envFor(source, emu.url);
		const codes = new Map<string, number[]>();
		const record = (label: string, code: number) => codes.set(label, [...(codes.get(label) ?? []), code]);
		for (const argv of everyCommand) record('ok', await runInProcess([...argv, ...extra], env));
		for (const mode of modes) {
			emu.setFault(mode === 'latency' ? {mode, ms: 20} : {mode});
			try {
				for (const argv of everyCommand) record(mode, await runInProcess([...argv, ...extra, ...(mode === 'timeout' ? ['--timeout', '0.05'] : [])], env));
			} finally {
				emu.setFault({mode: 'none'});
			}
		}
		// The scan only means something if the runs really took the paths they name.
		expect(codes.get('ok')!.filter(code => code === 0).length).toBeGreaterThanOrEqual(everyCommand.length - 3);
		for (const mode of ['timeout', 'reset', 'http500', 'html'] as const) expect(codes.get(mode)!.every(code => code === 3), mode).toBe(true);
		for (const mode of ['unauth', 'gone'] as const) expect(codes.get(mode)!.every(code => code === 1), mode).toBe(true);
		expect(codes.get('maxapi')!.every(code => code === 4)).toBe(true);
		expectNoKey();
	}, 30_000);

	it.each(['env', 'key-file'] as const)('a wrong key (real E_UNAUTH) and a spent budget (real E_MAXAPI), key from %s', async source => {
		const wrong = envFor(source, emu.url, wrongKey);
		for (const argv of everyCommand) expect(await runInProcess([...argv, ...wrong.extra], wrong.env)).not.toBe(0);
		const spent = envFor(source, limited.url);
		const codes: number[] = [];
		for (const argv of everyCommand) codes.push(await runInProcess([...argv, ...spent.extra], spent.env));
		expect(codes).toContain(4);
		expectNoKey();
	});

	it('the built CLI in a child process: real stdout/stderr bytes and every file it writes', async () => {
		const home = mkdtempSync(join(scratch, 'home-'));
		const runs: Array<{argv: string[]; fault?: FaultMode; secret?: string}> = [
			{argv: ['stats', '--json']},
			{argv: ['ban', '203.0.113.9']},
			{argv: ['dns', 'list'], fault: 'truncated'},
			{argv: ['stats'], fault: 'reset'},
			{argv: ['zone-check', 'example.com'], fault: 'html'},
			{argv: ['lookup', '203.0.113.9'], secret: wrongKey},
		];
		for (const run of runs) {
			if (run.fault) emu.setFault({mode: run.fault});
			try {
				const result = await runCli(run.argv, home, {CF_API_EMAIL: email, CF_API_KEY: run.secret ?? key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
				seen.push(result.stdout, result.stderr);
				expect(result.code, `${run.argv.join(' ')}: ${result.stderr}`).toBe(run.fault || run.secret ? (run.secret ? 1 : 3) : 0);
			} finally {
				emu.setFault({mode: 'none'});
			}
		}
		// Whatever the runs wrote in their working directory and home (none is expected) is scanned too.
		for (const file of filesUnder(home)) seen.push(readFileSync(file, 'latin1'));
		expectNoKey();
	}, 20_000);
});

describe('permissions of the files that hold the key', () => {
	const cases: Array<[what: 'key file' | 'config file', mode: number, warns: boolean]> = [
		['key file', 0o600, false],
		['key file', 0o400, false],
		['key file', 0o640, true],
		['key file', 0o604, true],
		['config file', 0o600, false],
		['config file', 0o640, true],
		['config file', 0o604, true],
	];

	it.each(cases)('a %s with mode %o warns: %s', async (what, mode, warns) => {
		const dir = mkdtempSync(join(scratch, 'perm-'));
		const capture = captureIo({HOME: dir, XDG_CONFIG_HOME: dir});
		let argv: string[];
		if (what === 'key file') {
			const path = join(dir, 'key');
			writeFileSync(path, key);
			chmodSync(path, mode);
			argv = ['--key-file', path, '--email', email, '--endpoint', emu.url, '--zone', 'example.com'];
		} else {
			mkdirSync(join(dir, 'flarewatch'));
			const path = join(dir, 'flarewatch', 'config.json');
			writeFileSync(path, JSON.stringify({email, key, endpoint: emu.url, zones: ['example.com']}));
			chmodSync(path, mode);
			argv = [];
		}
		expect(await commandMain('zone-check', argv, capture.io)).toBe(0);
		seen.push(capture.stdout(), capture.stderr());
		const warning = capture.stderr().split('\n').find(line => line.includes('warning'));
		if (warns) {
			expect(warning).toMatch(new RegExp(`The ${what} .* is readable by group or others \\(mode ${mode.toString(8).padStart(3, '0')}\\); run chmod 600`));
		} else {
			expect(warning).toBeUndefined();
		}
		expectNoKey();
	});
});

/** A second key with every character whose encodings differ between encoders, and non-ASCII ones. */
const oddKey = "Odd~Key*'()!+/=&%\u00fc\u00df_\u043a\u043b\u044e\u0447_9021";

/** How a hostile server may write the key it received back: any case, any encoding. */
const echoForms: Array<[name: string, form: (secret: string) => string, php?: boolean]> = [
	['upper-cased', secret => secret.toUpperCase()],
	['lower-cased', secret => secret.toLowerCase()],
	['form-encoded', secret => new URLSearchParams({k: secret}).toString().slice(2)],
	['form-encoded, upper-cased', secret => new URLSearchParams({k: secret}).toString().slice(2).toUpperCase()],
	['percent-encoded, lower-case hex', secret => encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase())],
	// PHP's json_encode: every non-ASCII character as \uXXXX and '/' as '\/'.
	['raw, in PHP-style JSON', secret => secret, true],
];

/** Where it puts it: an error's message and code, or a field of a successful answer that is printed. */
const placements = ['error message', 'record field'] as const;

/** Commands whose output shows the field or the error; ban writes the rule registry. */
const echoCommands: string[][] = [['dns', 'list', '--json'], ['dns', 'list'], ['ban', '203.0.113.9', '--json'], ['lookup', '203.0.113.9']];

/** Every case of the key and of its encodings, lower-cased for a case-blind scan. */
function caseBlindForms(secret: string): string[] {
	const jsonInner = JSON.stringify(secret).slice(1, -1);
	const phpJson = jsonInner.replace(/[^\u0000-\u007f]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).replaceAll('/', '\\/');
	return [...new Set([...encodings(secret), jsonInner, phpJson, encodeURIComponent(secret.toUpperCase())].map(form => form.toLowerCase()))];
}

describe('a server that echoes the key in another case or encoding', () => {
	let echoServer: http.Server;
	let echoUrl = '';
	let odd: EmulatorHandle;
	let behaviour: {placement: (typeof placements)[number]; form: (secret: string) => string; php: boolean} = {placement: 'error message', form: secret => secret, php: false};

	beforeAll(async () => {
		odd = await startEmulator({port: 0, quiet: true, seed: 5, scenario: 'calm', email, key: oddKey, rateLimit: 1_000_000});
		// In front of an emulator: it forwards each call, then writes the key it was sent back into the answer.
		echoServer = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				const received = new URLSearchParams(body).get('tkn') ?? '';
				const target = received === oddKey ? odd.url : emu.url;
				void fetch(`${target}${req.url ?? '/'}`, {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'}, body})
					.then(answer => answer.text())
					.then(text => {
						const echo = behaviour.form(received);
						let out: string;
						if (behaviour.placement === 'error message') {
							out = JSON.stringify({result: 'error', msg: `Unknown key ${echo}`, err_code: 'E_INVLDINPUT'});
						} else if (!text.startsWith('{')) {
							// api.html's plain OK has no field to put it in.
							out = text;
						} else {
							const answer = JSON.parse(text) as {msg?: unknown; response?: {recs?: {objs?: Array<Record<string, unknown>>}}};
							const records = answer.response?.recs?.objs;
							if (records?.[0]) records.push({...records[0], rec_id: '19999999', type: 'TXT', name: 'leak.example.com', display_name: 'leak', content: `v=${echo}`, display_content: `v=${echo}`});
							answer.msg = `note ${echo}`;
							out = JSON.stringify(answer);
						}
						if (behaviour.php) out = out.replace(/[^\u0000-\u007f]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).replaceAll('/', '\\/');
						res.setHeader('content-type', 'application/json');
						res.end(out);
					}, () => res.destroy());
			});
		});
		await new Promise<void>(resolve => echoServer.listen(0, '127.0.0.1', resolve));
		echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		echoServer.closeAllConnections();
		await Promise.all([new Promise(resolve => echoServer.close(resolve)), odd.close()]);
	});

	for (const secret of [key, oddKey]) {
		it.each(placements)(`in the %s: never on stdout, stderr, --json or in the files (key ${JSON.stringify(secret.slice(0, 8))}…)`, async placement => {
			const state = mkdtempSync(join(scratch, 'echo-'));
			const env = {...envFor('env', echoUrl, secret).env, XDG_STATE_HOME: state, HOME: state};
			let printed = '';
			for (const [name, form, php] of echoForms) {
				behaviour = {placement, form, php: php ?? false};
				for (const argv of echoCommands) {
					const capture = captureIo(env);
					const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
					printed += `${capture.stdout()}\n${capture.stderr()}\n`;
					// The runs took the path they name: refused with the echo, or succeeded with it in a field.
					if (placement === 'error message') expect(code, `${name}: ${argv.join(' ')}`).toBe(1);
					else expect(code, `${name}: ${argv.join(' ')}: ${capture.stderr()}`).toBe(0);
				}
				// The echo reached the output and was masked there, not dropped on the way.
				expect(printed, name).toMatch(placement === 'error message' ? /Unknown key \[redacted\]/ : /v=\[redacted\]/);
			}
			const files = filesUnder(state);
			if (placement === 'record field') expect(files.some(file => file.endsWith('registry.json'))).toBe(true);
			const everything = [printed, ...files.map(file => readFileSync(file, 'utf8'))].join('\n').toLowerCase();
			for (const form of caseBlindForms(secret)) expect(everything.includes(form), `found ${form}`).toBe(false);
		});
	}
});

function filesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) out.push(...filesUnder(path));
		else out.push(path);
	}
	return out;
}

const cli = resolve('dist/flarewatch.js');

function runCli(argv: string[], home: string, env: Record<string, string>): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((done, fail) => {
		// Only what the CLI needs: no inherited CF_* from the developer's shell.
		const child = spawn(process.execPath, [cli, ...argv], {cwd: home, env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		child.on('error', fail);
		child.on('close', code => {
			clearTimeout(timer);
			done({code, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1')});
		});
	});
}
