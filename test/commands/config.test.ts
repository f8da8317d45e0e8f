import {describe, expect, it} from 'vitest';
import {hasCredentials, loadConfig, parseConfigArgs, requireCredentials, resolveConfig} from '../../source/config.js';
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

describe('parseConfigArgs and object members', () => {
	it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('%s is an ordinary argument', word => {
		const {flags, rest} = parseConfigArgs([word, 'example.org']);
		expect(rest).toEqual([word, 'example.org']);
		expect(flags.zones).toEqual([]);
	});
});
