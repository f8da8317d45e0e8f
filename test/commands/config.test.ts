import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {inspect} from 'node:util';
import {describe, expect, it} from 'vitest';
import {configSecrets, hasCredentials, hasSomeCredential, loadConfig, parseConfigArgs, requireCredentials, resolveConfig} from '../../source/config.js';
import {FlarewatchError} from '../../source/errors.js';

const key = 'k3y-0123456789abcdef0123456789abcdef';

function files(entries: Record<string, {text: string; mode?: number}>) {
	return {
		readFile(path: string) {
			const entry = entries[path];
			if (!entry) throw Object.assign(new Error(`ENOENT: ${path}`), {code: 'ENOENT'});
			return entry.text;
		},
		stat(path: string) {
			return {mode: 0o100000 | (entries[path]?.mode ?? 0o600)};
		},
	};
}

function usageFailure(fn: () => unknown): FlarewatchError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(FlarewatchError);
		expect(['usage', 'validation']).toContain((error as FlarewatchError).kind);
		return error as FlarewatchError;
	}
	throw new Error('expected a failure');
}

describe('configuration', () => {
	it('reads its flags anywhere in argv, repeatable ones added up, and leaves the other words in order', () => {
		const {flags, rest} = parseConfigArgs(['--email', 'ops@example.com', 'stats', '--zone=example.com,example.net', '30', '--zone', 'example.org', '--read-only', '--never-ban', '198.51.100.1', '--', '--json']);
		expect(flags).toMatchObject({email: 'ops@example.com', zones: ['example.com', 'example.net', 'example.org'], readOnly: true, neverBan: ['198.51.100.1']});
		expect(rest).toEqual(['stats', '30', '--json']);
	});

	it('refuses an unknown flag with the closest one, a flag given twice, and a switch with a value', () => {
		expect(usageFailure(() => parseConfigArgs(['--zones', 'example.com'])).message).toBe('There is no option "--zones" (did you mean --zone?); see flarewatch --help.');
		expect(usageFailure(() => parseConfigArgs(['--email', 'a@example.com', '--email=b@example.com'])).message).toMatch(/--email is given twice/);
		expect(usageFailure(() => parseConfigArgs(['--read-only=yes'])).message).toBe('--read-only takes no value.');
		expect(usageFailure(() => parseConfigArgs(['--zone', '--read-only'])).message).toMatch(/^--zone needs a value/);
	});

	it('names an unknown config file key, with the closest known one, before anything is sent', () => {
		const failure = usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"zone": "example.com"}'}})}));
		expect(failure.kind).toBe('usage');
		expect(failure.message).toMatch(/^The config file \/c\.json has an unknown key "zone" \(did you mean "zones"\?\); the keys are "email", "key", /);
		// A key from outside is quoted inert.
		expect(usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"\\u001b[2Jx": 1}'}})})).message).not.toMatch(/\u001b/);
	});

	it('refuses any flag that would carry the key, without echoing it', () => {
		for (const arg of ['--key', `--key=${key}`, '--tkn', '--token', '--api-key']) {
			const error = usageFailure(() => parseConfigArgs([arg, key]));
			expect(error.message).toMatch(/visible to every user/);
			expect(error.message).not.toContain(key);
		}
	});

	it('flags > environment > config file', () => {
		const file = {email: 'file@example.com', key: 'filekey', endpoint: 'https://file.example', zones: ['file.example'], readOnly: true, neverBan: ['192.0.2.1']};
		const env = {CF_API_EMAIL: 'env@example.com', CF_API_KEY: 'envkey', CF_API_ENDPOINT: 'https://env.example', CF_ZONE: 'env.example,env2.example'};
		const fromFile = resolveConfig({flags: parseConfigArgs([]).flags, env: {}, file});
		expect(fromFile).toMatchObject({email: 'file@example.com', keySource: 'config file', endpoint: 'https://file.example', zones: ['file.example'], readOnly: true, neverBan: ['192.0.2.1'], timeoutMs: 10_000});
		const fromEnv = resolveConfig({flags: parseConfigArgs([]).flags, env, file});
		expect(fromEnv).toMatchObject({email: 'env@example.com', keySource: 'CF_API_KEY', endpoint: 'https://env.example', zones: ['env.example', 'env2.example']});
		expect(fromEnv.key?.reveal()).toBe('envkey');
		const fromFlags = resolveConfig({flags: parseConfigArgs(['--email', 'flag@example.com', '--key-file', '/k', '--endpoint', 'http://127.0.0.1:8787', '--zone', 'flag.example', '--timeout', '2.5']).flags, env, file, keyFileText: `${key}\n`});
		expect(fromFlags).toMatchObject({email: 'flag@example.com', keySource: '--key-file', endpoint: 'http://127.0.0.1:8787', zones: ['flag.example'], timeoutMs: 2500});
		expect(fromFlags.key?.reveal()).toBe(key);
	});

	it('works without credentials, and says what is missing when asked', () => {
		const config = resolveConfig({flags: parseConfigArgs([]).flags, env: {}});
		expect(hasCredentials(config)).toBe(false);
		expect(config.endpoint).toBe('https://www.cloudflare.com');
		expect(usageFailure(() => requireCredentials(config)).message).toMatch(/email/);
		const withEmail = resolveConfig({flags: parseConfigArgs(['--email', 'a@b.example']).flags, env: {}});
		expect(usageFailure(() => requireCredentials(withEmail)).message).toMatch(/CF_API_KEY/);
		expect(hasCredentials(resolveConfig({flags: parseConfigArgs([]).flags, env: {CF_API_EMAIL: 'a@b.example', CF_API_KEY: key}}))).toBe(true);
	});

	it('takes never-ban addresses and CIDR ranges, IPv4 and IPv6, comma-separated, from the flag and the file', () => {
		const {flags} = parseConfigArgs(['--never-ban', '10.0.0.0/8, 2001:db8::/32', '--never-ban=198.51.100.7']);
		const config = resolveConfig({flags, env: {}, file: {neverBan: ['192.168.0.0/16,fe80::1', '10.0.0.0/8']}});
		expect(config.neverBan).toEqual(['10.0.0.0/8', '2001:db8::/32', '198.51.100.7', '192.168.0.0/16', 'fe80::1']);
	});

	it('refuses bad values: plain http off loopback, bad zones, bad emails, bad never-ban entries', () => {
		const flags = (argv: string[]) => parseConfigArgs(argv).flags;
		expect(usageFailure(() => resolveConfig({flags: flags(['--endpoint', 'http://api.example.com']), env: {}})).field).toBe('endpoint');
		expect(usageFailure(() => resolveConfig({flags: flags(['--zone', 'exa mple.com']), env: {}})).field).toBe('zone');
		expect(usageFailure(() => resolveConfig({flags: flags(['--email', 'nobody']), env: {}})).field).toBe('email');
		for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.300', 'example.com', '10.0.0.0/8/8', '010.0.0.1']) {
			const failure = usageFailure(() => resolveConfig({flags: flags(['--never-ban', `192.0.2.1,${bad}`]), env: {}}));
			expect(failure.field).toBe('neverBan');
			expect(failure.message).toContain(JSON.stringify(bad));
		}
		const file = usageFailure(() => resolveConfig({flags: flags([]), env: {}, file: {neverBan: ['10.0.0.0/8', '2001:db8::/200']}}));
		expect(file.message).toContain('"2001:db8::/200"');
		expect(usageFailure(() => parseConfigArgs(['--timeout', 'soon'])).field).toBe('timeout');
		expect(usageFailure(() => parseConfigArgs(['--email'])).kind).toBe('usage');
	});

	it('loads the XDG config file and warns when group or others can read it', () => {
		const path = '/home/ops/.config/flarewatch/config.json';
		const text = JSON.stringify({email: 'ops@example.com', key, zones: 'example.com', readOnly: true, neverBan: ['203.0.113.1']});
		const open = loadConfig({argv: ['stats'], env: {HOME: '/home/ops'}, ...files({[path]: {text, mode: 0o644}})});
		expect(open.rest).toEqual(['stats']);
		expect(open.config).toMatchObject({email: 'ops@example.com', zones: ['example.com'], readOnly: true, neverBan: ['203.0.113.1'], configPath: path});
		expect(open.config.configWarnings).toHaveLength(1);
		expect(open.config.configWarnings[0]).toMatch(/readable by group or others \(mode 644\)/);
		expect(open.config.configWarnings[0]).not.toContain(key);
		const closed = loadConfig({argv: [], env: {XDG_CONFIG_HOME: '/x'}, ...files({'/x/flarewatch/config.json': {text, mode: 0o600}})});
		expect(closed.config.configWarnings).toEqual([]);
		expect(closed.config.key?.reveal()).toBe(key);
	});

	it('tolerates a missing config file, refuses a broken one, and warns about an open key file', () => {
		expect(loadConfig({argv: [], env: {HOME: '/nowhere'}, ...files({})}).config.email).toBeUndefined();
		expect(usageFailure(() => loadConfig({argv: [], env: {HOME: '/h'}, ...files({'/h/.config/flarewatch/config.json': {text: '{email: x'}})})).message).toMatch(/not valid JSON/);
		expect(usageFailure(() => loadConfig({argv: ['--config', '/missing.json'], env: {}, ...files({})})).message).toMatch(/could not be read/);
		const keyFile = loadConfig({argv: ['--key-file', '/k'], env: {}, ...files({'/k': {text: `${key}\n`, mode: 0o640}})});
		expect(keyFile.config.key?.reveal()).toBe(key);
		expect(keyFile.config.configWarnings[0]).toMatch(/key file \/k is readable/);
		expect(usageFailure(() => loadConfig({argv: ['--key-file', '/empty'], env: {}, ...files({'/empty': {text: '\n'}})})).message).toMatch(/empty/);
		expect(usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"readOnly": "yes"}'}})})).field).toBe('readOnly');
	});
});

/** A distinctive token: any message, warning or rendering holding it (or a piece of it) is a leak. */
const token = 'Tk7-secret_TOKEN.for.this.test.0123456789abcdef';

/** Every way a configuration can be shown: none may hold the token. */
function expectNoToken(...texts: unknown[]): void {
	for (const text of texts) {
		const shown = typeof text === 'string' ? text : `${JSON.stringify(text)} ${inspect(text, {depth: 5})} ${String(text)}`;
		expect(shown).not.toContain(token);
		expect(shown).not.toContain(token.slice(4, 20));
	}
}

describe('choosing the API', () => {
	const flags = (argv: string[]) => parseConfigArgs(argv).flags;

	it('a token from CF_API_TOKEN selects v4, with v4\'s default endpoint; nothing at all stays v1', () => {
		const config = resolveConfig({flags: flags([]), env: {CF_API_TOKEN: ` ${token}\n`}});
		expect(config).toMatchObject({api: 'v4', apiSource: 'token', tokenSource: 'CF_API_TOKEN', endpoint: 'https://api.cloudflare.com'});
		expect(config.token?.reveal()).toBe(token);
		expect(hasCredentials(config)).toBe(true);
		expect(requireCredentials(config)).toEqual({api: 'v4', token: config.token});
		expectNoToken(config, config.configWarnings);
		const none = resolveConfig({flags: flags([]), env: {CF_API_TOKEN: ''}});
		expect(none).toMatchObject({api: 'v1', apiSource: 'default', endpoint: 'https://www.cloudflare.com'});
		expect(none.token).toBeUndefined();
		expect(hasSomeCredential(none)).toBe(false);
	});

	it('email + key without --api stays v1, exactly as before', () => {
		const config = resolveConfig({flags: flags([]), env: {CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key}});
		expect(config).toMatchObject({api: 'v1', apiSource: 'default', endpoint: 'https://www.cloudflare.com'});
		expect(requireCredentials(config)).toEqual({api: 'v1', email: 'ops@example.com', key: config.key});
	});

	it('--api wins over the config file\'s "api", which wins over the token', () => {
		const env = {CF_API_TOKEN: token, CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key};
		expect(resolveConfig({flags: flags(['--api', 'v1']), env})).toMatchObject({api: 'v1', apiSource: '--api', endpoint: 'https://www.cloudflare.com'});
		expect(resolveConfig({flags: flags([]), env, file: {api: 'v1'}})).toMatchObject({api: 'v1', apiSource: 'config file'});
		expect(resolveConfig({flags: flags(['--api=v4']), env: {}, file: {api: 'v1'}})).toMatchObject({api: 'v4', apiSource: '--api'});
		// v1 with a token and the email + key: v1's credentials, the token is not sent but is still a secret.
		const v1 = resolveConfig({flags: flags(['--api', 'v1']), env});
		expect(requireCredentials(v1)).toEqual({api: 'v1', email: 'ops@example.com', key: v1.key});
		expect(configSecrets(v1).map(secret => secret.reveal())).toEqual([key, token]);
	});

	it('--api v4 with only the email and global key: v4 on the legacy headers', () => {
		const config = resolveConfig({flags: flags(['--api', 'v4', '--email', 'ops@example.com']), env: {CF_API_KEY: key}});
		expect(config).toMatchObject({api: 'v4', endpoint: 'https://api.cloudflare.com'});
		expect(config.token).toBeUndefined();
		expect(requireCredentials(config)).toEqual({api: 'v4', email: 'ops@example.com', key: config.key});
	});

	it('refuses a bad --api or "api", naming the value, before anything is sent', () => {
		const flag = usageFailure(() => parseConfigArgs(['--api', 'v3']));
		expect(flag).toMatchObject({kind: 'validation', field: 'api', message: '--api must be v1 or v4, not "v3".'});
		expect(usageFailure(() => parseConfigArgs(['--api', 'v1', '--api', 'v4'])).message).toMatch(/--api is given twice/);
		const file = usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"api": 4}'}})}));
		expect(file).toMatchObject({field: 'api', message: 'The config file /c.json has a "api" that is not "v1" or "v4".'});
		expect(usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"api": "V4"}'}})})).field).toBe('api');
		expect(usageFailure(() => loadConfig({argv: ['--config', '/c.json'], env: {}, ...files({'/c.json': {text: '{"tokenFile": ["/t"]}'}})})).field).toBe('tokenFile');
	});

	it('says what is missing for the chosen API, and how to set it', () => {
		// --api v1 with a token alone: v1 needs the email and key, and the token is named as v4's.
		const v1Token = resolveConfig({flags: flags(['--api', 'v1']), env: {CF_API_TOKEN: token}});
		expect(hasCredentials(v1Token)).toBe(false);
		expect(hasSomeCredential(v1Token)).toBe(true);
		const v1Missing = usageFailure(() => requireCredentials(v1Token));
		expect(v1Missing.kind).toBe('usage');
		expect(v1Missing.message).toBe('No account email is configured; use --email, CF_API_EMAIL or "email" in the config file. An API token works only with API v4 (the API is v1, chosen by --api).');
		const v1Email = resolveConfig({flags: flags(['--api', 'v1', '--email', 'ops@example.com']), env: {CF_API_TOKEN: token}});
		expect(usageFailure(() => requireCredentials(v1Email)).message).toMatch(/^No API key is configured; use CF_API_KEY, --key-file PATH or "key" in the config file\. An API token works only with API v4/);
		// v4 with nothing, with an email only, with a key only.
		expect(usageFailure(() => requireCredentials(resolveConfig({flags: flags(['--api', 'v4']), env: {}}))).message).toMatch(/^No API token is configured for API v4; use CF_API_TOKEN, --token-file PATH or "tokenFile"/);
		expect(usageFailure(() => requireCredentials(resolveConfig({flags: flags(['--api', 'v4', '--email', 'ops@example.com']), env: {}}))).message).toMatch(/^No API token or global API key is configured for API v4; for a token use CF_API_TOKEN.*for the key use CF_API_KEY/);
		expect(usageFailure(() => requireCredentials(resolveConfig({flags: flags(['--api', 'v4']), env: {CF_API_KEY: key}}))).message).toMatch(/^No account email is configured to go with the global API key on API v4/);
		for (const config of [v1Token, v1Email]) expectNoToken(usageFailure(() => requireCredentials(config)).message);
	});

	it('checks the token like the key, and never quotes it', () => {
		for (const bad of [`${token} x`, `${token}\u001b[2J`, `${token}\u0000`, `${token}é`, `a\tb${token}`]) {
			const failure = usageFailure(() => resolveConfig({flags: flags([]), env: {CF_API_TOKEN: bad}}));
			expect(failure).toMatchObject({field: 'token', message: 'The API token from CF_API_TOKEN contains a space, a control character or a character that is not printable ASCII.'});
			expectNoToken(failure.message, failure);
		}
		const fromFile = usageFailure(() => loadConfig({argv: ['--token-file', '/t'], env: {}, ...files({'/t': {text: `${token} and more\n`}})}));
		expect(fromFile.message).toBe('The API token from --token-file contains a space, a control character or a character that is not printable ASCII.');
		expectNoToken(fromFile.message);
	});

	it('reads the token from --token-file, CF_API_TOKEN, then "tokenFile" (relative to the config file\'s folder)', () => {
		const configText = JSON.stringify({tokenFile: 'token', zones: ['example.com']});
		const entries = {'/x/flarewatch/config.json': {text: configText}, '/x/flarewatch/token': {text: `${token}\n`}, '/elsewhere/t': {text: 'flag-token-0123456789'}};
		const fromConfig = loadConfig({argv: [], env: {XDG_CONFIG_HOME: '/x'}, ...files(entries)}).config;
		expect(fromConfig).toMatchObject({api: 'v4', tokenSource: 'config file'});
		expect(fromConfig.token?.reveal()).toBe(token);
		const fromEnv = loadConfig({argv: [], env: {XDG_CONFIG_HOME: '/x', CF_API_TOKEN: 'env-token-0123456789'}, ...files(entries)}).config;
		expect(fromEnv).toMatchObject({tokenSource: 'CF_API_TOKEN'});
		expect(fromEnv.token?.reveal()).toBe('env-token-0123456789');
		const fromFlag = loadConfig({argv: ['--token-file', '/elsewhere/t'], env: {XDG_CONFIG_HOME: '/x', CF_API_TOKEN: 'env-token-0123456789'}, ...files(entries)}).config;
		expect(fromFlag).toMatchObject({tokenSource: '--token-file'});
		expect(fromFlag.token?.reveal()).toBe('flag-token-0123456789');
		// With CF_API_TOKEN set, "tokenFile" is not read at all: a missing file is no error.
		const missing = {'/x/flarewatch/config.json': {text: JSON.stringify({tokenFile: '/gone'})}};
		expect(loadConfig({argv: [], env: {XDG_CONFIG_HOME: '/x', CF_API_TOKEN: 'env-token-0123456789'}, ...files(missing)}).config.tokenSource).toBe('CF_API_TOKEN');
		expect(usageFailure(() => loadConfig({argv: [], env: {XDG_CONFIG_HOME: '/x'}, ...files(missing)})).message).toBe('The token file /gone could not be read (ENOENT).');
		expect(usageFailure(() => loadConfig({argv: ['--token-file', '/empty'], env: {}, ...files({'/empty': {text: ' \n'}})})).message).toBe('The token file /empty is empty.');
	});

	it('gives the token file the key file\'s checks: 0666 refused, 0644 warned about, never quoting the token', () => {
		const writable = usageFailure(() => loadConfig({argv: ['--token-file', '/t'], env: {}, ...files({'/t': {text: token, mode: 0o666}})}));
		expect(writable.message).toBe('The token file /t is writable by group or others (mode 666), so someone else could change it; run chmod 600 /t.');
		expect(usageFailure(() => loadConfig({argv: ['--token-file', '/t'], env: {}, ...files({'/t': {text: token, mode: 0o620}})})).message).toMatch(/writable by group or others \(mode 620\)/);
		const readable = loadConfig({argv: ['--token-file', '/t'], env: {}, ...files({'/t': {text: token, mode: 0o644}})}).config;
		expect(readable.configWarnings).toEqual(['The token file /t is readable by group or others (mode 644); run chmod 600 /t.']);
		expect(loadConfig({argv: ['--token-file', '/t'], env: {}, ...files({'/t': {text: token, mode: 0o600}})}).config.configWarnings).toEqual([]);
		expectNoToken(writable.message, readable, readable.configWarnings);
	});

	it('reads a real token file only if it is a small regular file: a FIFO, a directory, /dev/zero and 100 KiB are refused at once', () => {
		const folder = mkdtempSync(join(tmpdir(), 'flarewatch-token-'));
		try {
			const fifo = join(folder, 'fifo');
			execFileSync('mkfifo', [fifo]);
			const big = join(folder, 'big');
			writeFileSync(big, 'x'.repeat(100 * 1024), {mode: 0o600});
			const good = join(folder, 'token');
			writeFileSync(good, `${token}\n`, {mode: 0o600});
			// HOME without a config file: only the token file is read, by the real bounded read.
			const load = (path: string) => loadConfig({argv: ['--token-file', path], env: {HOME: folder}});
			expect(usageFailure(() => load(fifo)).message).toBe(`The token file ${fifo} is a FIFO, not a regular file; give the path of a file.`);
			expect(usageFailure(() => load(folder)).message).toBe(`The token file ${folder} is a directory, not a regular file; give the path of a file.`);
			expect(usageFailure(() => load('/dev/zero')).message).toMatch(/^The token file \/dev\/zero is a character device/);
			expect(usageFailure(() => load(big)).message).toMatch(/^The token file \S+ is larger than 64 KiB/);
			chmodSync(good, 0o666);
			expect(usageFailure(() => load(good)).message).toMatch(/is writable by group or others \(mode 666\)/);
			chmodSync(good, 0o600);
			expect(load(good).config.token?.reveal()).toBe(token);
		} finally {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	it('for v4, the endpoint is the server or already ends in /client/v4; v1 refuses a v4 path, pointing at --api v4', () => {
		for (const endpoint of ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/client/v4', 'https://api.cloudflare.com/client/v4/']) {
			expect(resolveConfig({flags: flags(['--endpoint', endpoint]), env: {CF_API_TOKEN: token}}).endpoint).toBe(endpoint);
		}
		const v1 = usageFailure(() => resolveConfig({flags: flags(['--endpoint', 'https://api.cloudflare.com/client/v4']), env: {CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key}}));
		expect(v1).toMatchObject({field: 'endpoint'});
		expect(v1.message).toMatch(/is API v4's, and the API is v1 \(the default without a token\); add --api v4/);
		expect(resolveConfig({flags: flags(['--endpoint', 'https://api.cloudflare.com/client/v4', '--api', 'v4']), env: {CF_API_EMAIL: 'ops@example.com', CF_API_KEY: key}}).api).toBe('v4');
	});

	it('refuses --token and --api-token, pointing to CF_API_TOKEN and --token-file, without echoing the token', () => {
		for (const arg of ['--token', `--token=${token}`, '--api-token', `--api-token=${token}`]) {
			const error = usageFailure(() => parseConfigArgs([arg, token]));
			expect(error.message).toMatch(/visible to every user/);
			expect(error.message).toContain('CF_API_TOKEN or --token-file PATH');
			expectNoToken(error.message);
		}
		// --token-file is not caught by the refusal of --token.
		expect(parseConfigArgs(['--token-file', '/t']).flags.tokenFile).toBe('/t');
	});
});

describe('parseConfigArgs and object members', () => {
	it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('%s is an ordinary argument', word => {
		const {flags, rest} = parseConfigArgs([word, 'example.org']);
		expect(rest).toEqual([word, 'example.org']);
		expect(flags.zones).toEqual([]);
	});
});
