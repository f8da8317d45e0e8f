/**
 * Issue 7, secrets on the console side: a session with a distinctive key (from CF_API_KEY, then from
 * --key-file) through normal polling, faults, E_UNAUTH, an action and a quit; every byte the pty
 * received and every file under the temporary HOME (state, config, audit log, crash reports) is
 * scanned for the key, raw, URL-encoded and form-encoded. Config file permissions are checked too.
 * Issue 15: the same for an API token on API v4 (CF_API_TOKEN, --token-file), and a v4 server that
 * echoes the token back.
 */
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {consoleEnv} from './pty-console.js';
import {emulatorFlags, filesUnder, ReliabilityPty, secretForms, waitForData} from './reliability-harness.js';

/** Distinctive, and different once URL-encoded ('+', '/', '='). */
const key = 'Fw7Secret+Key/Only=ForThisTest0123456789abcdef';
/** The API token of the v4 sessions: as distinctive. */
const token = 'Fw7Token+v4/Only=ForThisTest0123456789ABCDEF';

/** How the status line names refused credentials: v1's E_UNAUTH, v4's HTTP 403. */
const refusedCredentials = {v1: /E_UNAUTH/, v4: /refused the credentials/} as const;

async function fullSession(emulator: EmulatorHandle, app: ReliabilityPty, api: 'v1' | 'v4' = 'v1'): Promise<void> {
	await waitForData(app);
	// A fault or two.
	emulator.setFault({mode: 'http500', count: 1});
	await app.waitFor(() => /Poll failed: .*HTTP 500/.test(app.status()), 'the HTTP 500 failure', 20_000);
	await app.waitFor(() => !/STALE/.test(app.status()), 'recovery from HTTP 500', 25_000);
	// E_UNAUTH (v4: 403) in the middle of the session.
	emulator.setFault({mode: 'unauth', count: 1});
	await app.waitFor(() => refusedCredentials[api].test(app.status()), 'the refused credentials', 20_000);
	await app.waitFor(() => !/STALE/.test(app.status()), 'recovery from E_UNAUTH', 25_000);
	// An action.
	app.press(':sec high\r');
	await app.waitFor(text => text.includes('Change the security level?'), 'the confirmation');
	app.press('y');
	await app.waitFor(text => /#1 security level high on example\.com: done/.test(text), 'the action done', 15_000);
	// Every view, then quit.
	app.press('\t');
	await app.waitFor(text => /DNS records of example\.com/.test(text), 'the DNS view');
	if (api === 'v4') {
		// v4 lists access rules: a view of its own between DNS and the Log.
		app.press('\t');
		await app.waitFor(text => /^Rules of example\.com/m.test(text), 'the Rules view');
	}
	app.press('\t');
	await app.waitFor(text => /^Log /m.test(text), 'the Log view');
	app.press('q');
	expect(await app.exited).toBe(0);
}

function expectNoSecret(app: ReliabilityPty, home: string, exclude: string[] = [], withAudit = true, secret = key): void {
	const files = filesUnder(home).filter(file => !exclude.includes(file.path));
	if (withAudit) expect(files.some(file => file.path.endsWith('audit.jsonl'))).toBe(true);
	for (const form of secretForms(secret)) {
		expect(app.raw.includes(form), `the pty output contains the secret (${form})`).toBe(false);
		for (const file of files) expect(file.text.includes(form), `${file.path} contains the secret (${form})`).toBe(false);
	}
}

describe.concurrent('the key never leaves the process', () => {
	it('from CF_API_KEY: polling, HTTP 500, E_UNAUTH, an action, every view, quit', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600, key});
		const env = consoleEnv({CF_API_KEY: key});
		const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', '5']), {cols: 120, rows: 30, env});
		try {
			await fullSession(emulator, app);
			expectNoSecret(app, env.HOME);
		} finally {
			app.dispose();
			await emulator.close();
		}
	}, 90_000);

	it('from --key-file (mode 0600, no warning): the same session', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600, key});
		const env = consoleEnv();
		const keyFile = join(env.HOME, 'flarewatch.key');
		writeFileSync(keyFile, `${key}\n`);
		chmodSync(keyFile, 0o600);
		const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', '5', '--key-file', keyFile]), {cols: 120, rows: 30, env});
		try {
			await fullSession(emulator, app);
			expect(app.raw).not.toContain('readable by group or others');
			expectNoSecret(app, env.HOME, [keyFile]);
		} finally {
			app.dispose();
			await emulator.close();
		}
	}, 90_000);
});

describe.concurrent('the API token never leaves the process (API v4)', () => {
	it('from CF_API_TOKEN: polling on /client/v4, HTTP 500, a refused token, an action, every view, quit', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600, key, token});
		// The key is configured too (the email comes from the flags): v4 takes the token, and neither may leak.
		const env = consoleEnv({CF_API_TOKEN: token, CF_API_KEY: key});
		const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', '5']), {cols: 120, rows: 30, env});
		try {
			await waitForData(app);
			expect(app.lines()[1]).toMatch(/ v4 · /);
			await fullSession(emulator, app, 'v4');
			expect(emulator.state().accounts.find(account => account.email === emulator.email)?.calls.total).toBe(0);
			expectNoSecret(app, env.HOME, [], true, token);
			expectNoSecret(app, env.HOME, [], true, key);
		} finally {
			app.dispose();
			await emulator.close();
		}
	}, 90_000);

	it('from --token-file (mode 0600, no warning): the same session', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600, token});
		const env = consoleEnv();
		const tokenFile = join(env.HOME, 'flarewatch.token');
		writeFileSync(tokenFile, `${token}\n`);
		chmodSync(tokenFile, 0o600);
		const app = new ReliabilityPty(emulatorFlags(emulator, ['--timeout', '5', '--token-file', tokenFile]), {cols: 120, rows: 30, env});
		try {
			await fullSession(emulator, app, 'v4');
			expect(app.raw).not.toContain('readable by group or others');
			expectNoSecret(app, env.HOME, [tokenFile], true, token);
		} finally {
			app.dispose();
			await emulator.close();
		}
	}, 90_000);
});

/** How a hostile server may write the key back: any case, any encoding; each answer takes the next. */
const echoForms: Array<(secret: string) => string> = [
	secret => secret.toUpperCase(),
	secret => new URLSearchParams({k: secret}).toString().slice(2),
	secret => new URLSearchParams({k: secret}).toString().slice(2).toLowerCase(),
	secret => JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'),
];

/** A server in front of the emulator that writes the key it was sent into error messages or into fields. */
async function echoingServer(target: EmulatorHandle): Promise<{url: string; placement: {mode: 'field' | 'error'}; close(): Promise<void>}> {
	const placement: {mode: 'field' | 'error'} = {mode: 'field'};
	let answers = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const echo = echoForms[answers++ % echoForms.length]!(new URLSearchParams(body).get('tkn') ?? '');
			void fetch(`${target.url}${req.url ?? '/'}`, {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'}, body})
				.then(answer => answer.text())
				.then(text => {
					if (placement.mode === 'error') return res.end(JSON.stringify({result: 'error', msg: `Unknown key ${echo}`, err_code: 'E_INVLDINPUT'}));
					if (!text.startsWith('{')) return res.end(text);
					const answer = JSON.parse(text) as {msg?: unknown; response?: {recs?: {objs?: Array<Record<string, unknown>>}}};
					const records = answer.response?.recs?.objs;
					if (records?.[0]) records.push({...records[0], rec_id: '19999999', type: 'TXT', name: 'leak.example.com', display_name: 'leak', content: `v=${echo}`, display_content: `v=${echo}`});
					answer.msg = `note ${echo}`;
					return res.end(JSON.stringify(answer));
				}, () => res.destroy());
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		placement,
		close: async () => {
			server.closeAllConnections();
			await new Promise(resolve => server.close(resolve));
		},
	};
}

describe('a server that echoes the key in another case or encoding', () => {
	it('in a DNS record, in poll errors and in a refused action: masked on screen and in every file', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'calm', rateLimit: 3600, key});
		const echo = await echoingServer(emulator);
		const env = consoleEnv({CF_API_KEY: key});
		const app = new ReliabilityPty(['--endpoint', echo.url, '--email', emulator.email, '--zone', 'example.com', '--budget', '3600', '--reserve', '30', '--timeout', '5'], {cols: 160, rows: 30, env});
		try {
			await waitForData(app);
			// A field: the record the server added carries the key, and is shown masked.
			app.press('\t');
			await app.waitFor(text => /leak\.example\.com/.test(text) && text.includes('v=[redacted]'), 'the masked record');
			// Errors: a refused action (into the audit log) and refused polls (the status line).
			echo.placement.mode = 'error';
			app.press(':sec high\r');
			await app.waitFor(text => text.includes('Change the security level?'), 'the confirmation');
			app.press('y');
			await app.waitFor(text => /Unknown key \[redacted\]/.test(text), 'the refusal, masked', 20_000);
			echo.placement.mode = 'field';
			// DNS → Rules (v4 only) → Log.
			app.press('\t');
			const next = await app.waitFor(text => /^(Rules of example\.com|Log )/m.test(text), 'the next view');
			if (/^Rules of /m.test(next)) app.press('\t');
			await app.waitFor(text => /^Log /m.test(text), 'the Log view');
			app.press('q');
			expect(await app.exited).toBe(0);
			const files = filesUnder(env.HOME);
			expect(files.some(file => file.path.endsWith('audit.jsonl'))).toBe(true);
			const everything = [app.raw, ...files.map(file => file.text)].join('\n').toLowerCase();
			const forms = [...secretForms(key), JSON.stringify(key).slice(1, -1).replaceAll('/', '\\/')].map(form => form.toLowerCase());
			for (const form of forms) expect(everything.includes(form), `found ${form}`).toBe(false);
		} finally {
			app.dispose();
			await echo.close();
			await emulator.close();
		}
	}, 90_000);
});

/**
 * An API v4 server in front of the emulator that writes the Bearer token it was sent into a DNS record
 * (a field shown on screen) or, for a change, into the error it answers.
 */
async function echoingV4Server(target: EmulatorHandle): Promise<{url: string; placement: {mode: 'field' | 'error'}; close(): Promise<void>}> {
	const placement: {mode: 'field' | 'error'} = {mode: 'field'};
	let answers = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
			const echo = echoForms[answers++ % echoForms.length]!(sent);
			const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
			const headers: Record<string, string> = {};
			for (const name of ['authorization', 'content-type']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
			void fetch(`${target.url}${req.url ?? '/'}`, {method: req.method, headers, body})
				.then(async answer => ({status: answer.status, text: await answer.text()}))
				.then(({status, text}) => {
					res.setHeader('content-type', 'application/json');
					if (placement.mode === 'error' && req.method !== 'GET' && req.method !== 'POST') {
						res.statusCode = 400;
						return res.end(JSON.stringify({success: false, errors: [{code: 1004, message: `Unknown token ${echo}`}], messages: [], result: null}));
					}
					res.statusCode = status;
					const answer = JSON.parse(text) as {result?: unknown};
					if (/\/dns_records(\?|$)/.test(req.url ?? '') && Array.isArray(answer.result) && answer.result[0]) {
						answer.result.push({...(answer.result[0] as Record<string, unknown>), id: 'leak0000000000000000000000000000', type: 'TXT', name: 'leak.example.com', content: `v=${echo}`});
					}
					return res.end(JSON.stringify(answer));
				}, () => res.destroy());
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		placement,
		close: async () => {
			server.closeAllConnections();
			await new Promise(resolve => server.close(resolve));
		},
	};
}

describe('a v4 server that echoes the token in another case or encoding', () => {
	it('in a DNS record and in a refused action: masked on screen and in every file', async () => {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'calm', rateLimit: 3600, token});
		const echo = await echoingV4Server(emulator);
		const env = consoleEnv({CF_API_TOKEN: token});
		const app = new ReliabilityPty(['--endpoint', echo.url, '--zone', 'example.com', '--budget', '3600', '--reserve', '30', '--timeout', '5'], {cols: 160, rows: 30, env});
		try {
			await waitForData(app);
			app.press('\t');
			await app.waitFor(text => /leak\.example\.com/.test(text) && text.includes('v=[redacted]'), 'the masked record');
			// PATCH (the level change) is answered with the token in the error; polls (GET, GraphQL POST) go on.
			echo.placement.mode = 'error';
			app.press(':sec high\r');
			await app.waitFor(text => text.includes('Change the security level?'), 'the confirmation');
			app.press('y');
			await app.waitFor(text => /Unknown token \[redacted\]/.test(text), 'the refusal, masked', 20_000);
			echo.placement.mode = 'field';
			// DNS → Rules (v4 only) → Log.
			app.press('\t');
			const next = await app.waitFor(text => /^(Rules of example\.com|Log )/m.test(text), 'the next view');
			if (/^Rules of /m.test(next)) app.press('\t');
			await app.waitFor(text => /^Log /m.test(text), 'the Log view');
			app.press('q');
			expect(await app.exited).toBe(0);
			const files = filesUnder(env.HOME);
			expect(files.some(file => file.path.endsWith('audit.jsonl'))).toBe(true);
			const everything = [app.raw, ...files.map(file => file.text)].join('\n').toLowerCase();
			const forms = [...secretForms(token), JSON.stringify(token).slice(1, -1).replaceAll('/', '\\/')].map(form => form.toLowerCase());
			for (const form of forms) expect(everything.includes(form), `found ${form}`).toBe(false);
		} finally {
			app.dispose();
			await echo.close();
			await emulator.close();
		}
	}, 90_000);
});

describe.concurrent('config file permissions', () => {
	async function logViewWithConfig(mode: number): Promise<{screen: string; app: ReliabilityPty; home: string; configPath: string}> {
		const emulator = await startEmulator({port: 0, quiet: true, scenario: 'calm', rateLimit: 3600, key});
		const env = consoleEnv();
		const configPath = join(env.XDG_CONFIG_HOME, 'flarewatch', 'config.json');
		mkdirSync(join(env.XDG_CONFIG_HOME, 'flarewatch'), {recursive: true});
		writeFileSync(configPath, JSON.stringify({email: emulator.email, key, endpoint: emulator.url, zones: ['example.com']}));
		chmodSync(configPath, mode);
		const app = new ReliabilityPty(['--budget', '3600', '--reserve', '30'], {cols: 160, rows: 30, env});
		try {
			await waitForData(app);
			app.press('\t');
			await app.waitFor(text => /DNS records of example\.com/.test(text), 'the DNS view');
			app.press('\t');
			const screen = await app.waitFor(text => /^Log /m.test(text) && /Watching example\.com/.test(text), 'the Log view with the start-up messages');
			app.press('q');
			expect(await app.exited).toBe(0);
			return {screen, app, home: env.HOME, configPath};
		} finally {
			// Killed only: the caller scans HOME, then disposes.
			app.kill();
			await emulator.close();
		}
	}

	it('a config file readable by others (0644) is warned about, with the fix; the key is not shown', async () => {
		const {screen, app, home, configPath} = await logViewWithConfig(0o644);
		try {
			expect(screen).toMatch(/readable by group or others/);
			expect(screen).toMatch(/chmod 600/);
			expect(filesUnder(home).map(file => file.path)).toContain(configPath);
			expectNoSecret(app, home, [configPath], false);
		} finally {
			app.dispose();
		}
	}, 60_000);

	it('a config file of mode 0600 is not warned about', async () => {
		const {screen, app} = await logViewWithConfig(0o600);
		try {
			expect(screen).not.toMatch(/readable by group or others/);
			expect(app.raw).not.toContain('readable by group or others');
		} finally {
			app.dispose();
		}
	}, 60_000);
});
