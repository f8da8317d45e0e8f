/**
 * Where the account, key, endpoint and zones come from: flags > environment > config file.
 *   email     --email, CF_API_EMAIL, "email"
 *   key       --key-file PATH, CF_API_KEY, "key"  (never a flag: argv is visible to every user)
 *   endpoint  --endpoint, CF_API_ENDPOINT, "endpoint"
 *   zones     --zone (repeatable, comma-separated), CF_ZONE, "zones"
 * The config file is $XDG_CONFIG_HOME/flarewatch/config.json (default ~/.config), or --config PATH.
 * The flags are one table (`configFlags`), which the console and the commands parse with their own.
 * `configFromValues` and `resolveConfig` are pure; `loadConfig` adds the file reads.
 */
import {closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats} from 'node:fs';
import {join} from 'node:path';
import {FlarewatchError} from './errors.js';
import {inert} from './lib/format.js';
import {Secret} from './lib/secret.js';
import {checkEmail, checkIpOrRange, checkZoneName, quote} from './lib/validate.js';
import {checkEndpoint, defaultEndpoint, defaultTimeoutMs} from './lib/endpoint.js';
import {ArgsError, closest, parseFlags, type Flag, type ParsedFlags} from './lib/args.js';

/** The config file's fields (all optional). */
export interface ConfigFile {
	email?: string;
	key?: string;
	endpoint?: string;
	zones?: string[] | string;
	/** Every mutating action refuses and explains it is read-only. */
	readOnly?: boolean;
	/** Addresses and CIDR ranges (IPv4 or IPv6) never banned; an entry may hold several, comma-separated. */
	neverBan?: string[];
	timeoutSeconds?: number;
}

/** What the configuration flags said; `rest` of argv is left for the caller. */
export interface ConfigFlags {
	email?: string;
	keyFile?: string;
	endpoint?: string;
	zones: string[];
	readOnly: boolean;
	neverBan: string[];
	timeoutSeconds?: number;
	caFile?: string;
	configPath?: string;
}

/** The resolved configuration. `email`/`key` are absent when not configured (the console then demos). */
export interface Config {
	email?: string;
	key?: Secret;
	/** Where the key came from, for messages: never the key itself. */
	keySource?: '--key-file' | 'CF_API_KEY' | 'config file';
	endpoint: string;
	zones: string[];
	readOnly: boolean;
	neverBan: string[];
	timeoutMs: number;
	/** A PEM file of extra trusted certificates (the emulator's --tls certificate). */
	caFile?: string;
	/** The config file consulted, whether or not it existed. */
	configPath?: string;
	/** Warnings for stderr (a key file readable by others, ...). */
	configWarnings: string[];
}

/** A file path as typed, for a message: printed as is, but bounded and without control or bidi characters. */
export function shownPath(path: string): string {
	return inert(path.length > 200 ? `${path.slice(0, 200)}…` : path);
}

const keyFlagReason = (name: string) => `There is no ${name} flag: a key on the command line is visible to every user of this machine, so use CF_API_KEY, --key-file PATH or the config file.`;

/** Flags that would carry the key, refused with the reason by every program that reads the configuration. */
export const refusedKeyFlags: ReadonlyMap<string, string> = new Map(['--key', '--tkn', '--token', '--api-key', '--apikey'].map(name => [name, keyFlagReason(name)]));

/**
 * The configuration flags, shared by the console and every command: parsed from this table (lib/args.ts),
 * and the help's "Configuration" section is made from it. `configKey` also names the config file's keys.
 */
export const configFlags: readonly Flag[] = [
	{name: 'email', value: 'ADDRESS', env: 'CF_API_EMAIL', configKey: 'email', description: "the account's email"},
	{name: 'key-file', value: 'PATH', env: 'CF_API_KEY', configKey: 'key', description: 'a file holding the API key (no flag takes the key itself)'},
	{name: 'endpoint', value: 'URL', env: 'CF_API_ENDPOINT', configKey: 'endpoint', default: defaultEndpoint, description: 'where the API is; plain http:// only for a loopback host'},
	{name: 'zone', value: 'NAME[,NAME]', multiple: true, env: 'CF_ZONE', configKey: 'zones', description: 'the zones; repeatable'},
	{name: 'timeout', value: 'SECONDS', configKey: 'timeoutSeconds', default: String(defaultTimeoutMs / 1000), description: 'per request, up to 600'},
	{name: 'read-only', configKey: 'readOnly', description: 'refuse every action that changes the account'},
	{name: 'never-ban', value: 'IP[,CIDR]', multiple: true, configKey: 'neverBan', description: 'addresses and ranges never to ban; repeatable'},
	{name: 'ca-file', value: 'PATH', description: "an extra trusted certificate (PEM), e.g. the emulator's --tls one"},
	{name: 'config', value: 'PATH', default: '$XDG_CONFIG_HOME/flarewatch/config.json', description: 'the config file'},
];

/** The config file's keys: those of the table, the only place they are named. */
export const configFileKeys: readonly string[] = configFlags.flatMap(flag => (flag.configKey === undefined ? [] : [flag.configKey]));

function usage(message: string, field?: string): FlarewatchError {
	return new FlarewatchError(field ? 'validation' : 'usage', message, field ? {field} : {});
}

/** An ArgsError from lib/args.ts as the usage error every program reports (exit 2, nothing sent). */
export function asUsageError(error: unknown): unknown {
	return error instanceof ArgsError ? usage(error.message) : error;
}

function splitList(value: string): string[] {
	return value
		.split(',')
		.map(item => item.trim())
		.filter(item => item.length > 0);
}

function list(values: ParsedFlags['values'], name: string): string[] {
	const value = values.get(name);
	return Array.isArray(value) ? value.flatMap(splitList) : [];
}

function text(values: ParsedFlags['values'], name: string): string | undefined {
	const value = values.get(name);
	return typeof value === 'string' ? value : undefined;
}

/** The configuration flags among parsed values (the console and the commands parse theirs with these in one table). */
export function configFromValues(values: ParsedFlags['values']): ConfigFlags {
	const flags: ConfigFlags = {zones: list(values, 'zone'), neverBan: list(values, 'never-ban'), readOnly: values.get('read-only') === true};
	const email = text(values, 'email');
	if (email !== undefined) flags.email = email;
	const keyFile = text(values, 'key-file');
	if (keyFile !== undefined) flags.keyFile = keyFile;
	const endpoint = text(values, 'endpoint');
	if (endpoint !== undefined) flags.endpoint = endpoint;
	const caFile = text(values, 'ca-file');
	if (caFile !== undefined) flags.caFile = caFile;
	const configPath = text(values, 'config');
	if (configPath !== undefined) flags.configPath = configPath;
	const timeout = text(values, 'timeout');
	if (timeout !== undefined) {
		const seconds = Number(timeout);
		if (!/^\d+(\.\d+)?$/.test(timeout) || seconds <= 0 || seconds > 600) throw usage(`--timeout must be a number of seconds from 0 to 600, not ${quote(timeout)}.`, 'timeout');
		flags.timeoutSeconds = seconds;
	}
	return flags;
}

/** Parses argv holding only configuration flags and positionals (tests, tools); the programs parse theirs with their own flags. */
export function parseConfigArgs(argv: readonly string[]): {flags: ConfigFlags; rest: string[]} {
	try {
		const {values, positionals} = parseFlags(argv, configFlags, {helpHint: 'flarewatch --help', refused: refusedKeyFlags});
		return {flags: configFromValues(values), rest: positionals};
	} catch (error) {
		throw asUsageError(error);
	}
}

/** The default config file path, from XDG_CONFIG_HOME or HOME; undefined when neither is set. */
export function defaultConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
	const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined);
	return base ? join(base, 'flarewatch', 'config.json') : undefined;
}

/** Checks the config file's JSON against ConfigFile. */
export function parseConfigFile(text: string, path: string): ConfigFile {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw usage(`The config file ${shownPath(path)} is not valid JSON.`);
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage(`The config file ${shownPath(path)} must hold a JSON object.`);
	const file = value as Record<string, unknown>;
	// A misspelt key ("zone" for "zones") would otherwise be ignored, and the command run with a setting the user did not mean.
	for (const key of Object.keys(file)) {
		if (!configFileKeys.includes(key)) {
			const match = closest(key, configFileKeys);
			const suggestion = match === undefined ? '' : ` (did you mean "${match}"?)`;
			throw usage(`The config file ${shownPath(path)} has an unknown key ${quote(key, 40)}${suggestion}; the keys are ${configFileKeys.map(known => `"${known}"`).join(', ')}.`);
		}
	}
	const wrong = (field: string, expected: string) => usage(`The config file ${shownPath(path)} has a "${field}" that is not ${expected}.`, field);
	for (const field of ['email', 'key', 'endpoint'] as const) if (file[field] !== undefined && typeof file[field] !== 'string') throw wrong(field, 'a string');
	if (file.zones !== undefined && typeof file.zones !== 'string' && !(Array.isArray(file.zones) && file.zones.every(zone => typeof zone === 'string'))) throw wrong('zones', 'a list of zone names');
	if (file.neverBan !== undefined && !(Array.isArray(file.neverBan) && file.neverBan.every(ip => typeof ip === 'string'))) throw wrong('neverBan', 'a list of addresses and CIDR ranges');
	if (file.readOnly !== undefined && typeof file.readOnly !== 'boolean') throw wrong('readOnly', 'true or false');
	if (file.timeoutSeconds !== undefined && (typeof file.timeoutSeconds !== 'number' || file.timeoutSeconds <= 0 || file.timeoutSeconds > 600)) throw wrong('timeoutSeconds', 'a number of seconds from 0 to 600');
	return file as ConfigFile;
}

/** Inputs to the pure resolution: what the flags, environment and files said. */
export interface ConfigSources {
	flags: ConfigFlags;
	env: Readonly<Record<string, string | undefined>>;
	file?: ConfigFile;
	/** The contents of --key-file, when given. */
	keyFileText?: string;
	configPath?: string;
	warnings?: string[];
}

/** flags > environment > config file; validates everything but does not require credentials. */
export function resolveConfig(sources: ConfigSources): Config {
	const {flags, env, file = {}} = sources;
	const email = flags.email ?? (env.CF_API_EMAIL || undefined) ?? file.email;
	if (email !== undefined) {
		const problem = checkEmail(email);
		if (problem) throw usage(`The email ${problem}.`, 'email');
	}
	let key: Secret | undefined;
	let keySource: Config['keySource'];
	if (flags.keyFile !== undefined) {
		key = new Secret((sources.keyFileText ?? '').trim());
		keySource = '--key-file';
		if (!key.isSet) throw usage(`The key file ${shownPath(flags.keyFile)} is empty.`, 'key');
	} else if (env.CF_API_KEY) {
		key = new Secret(env.CF_API_KEY.trim());
		keySource = 'CF_API_KEY';
	} else if (file.key) {
		key = new Secret(file.key.trim());
		keySource = 'config file';
	}
	// Checked without quoting: the key must not appear in any message.
	if (key && /[\s\u0000-\u001f\u007f]/.test(key.reveal())) throw usage(`The key from ${keySource} contains a space or a control character.`, 'key');
	const endpoint = flags.endpoint ?? (env.CF_API_ENDPOINT || undefined) ?? file.endpoint ?? defaultEndpoint;
	checkEndpoint(endpoint);
	const fileZones = typeof file.zones === 'string' ? splitList(file.zones) : (file.zones ?? []);
	const zoneList = flags.zones.length > 0 ? flags.zones : env.CF_ZONE ? splitList(env.CF_ZONE) : fileZones;
	const zones: string[] = [];
	for (const zone of zoneList) {
		const problem = checkZoneName(zone);
		if (problem) throw usage(`The zone ${problem}.`, 'zone');
		if (!zones.some(known => known.toLowerCase() === zone.toLowerCase())) zones.push(zone);
	}
	// The file's entries may be comma-separated like the flag's, so both read the same way.
	const neverBan = [...flags.neverBan, ...(file.neverBan ?? []).flatMap(splitList)];
	for (const entry of neverBan) {
		const problem = checkIpOrRange(entry);
		if (problem) throw usage(`A never-ban entry is wrong: ${problem}.`, 'neverBan');
	}
	const timeoutSeconds = flags.timeoutSeconds ?? file.timeoutSeconds;
	return {
		...(email === undefined ? {} : {email}),
		...(key === undefined ? {} : {key, keySource}),
		endpoint,
		zones,
		readOnly: flags.readOnly || file.readOnly === true,
		neverBan: [...new Set(neverBan)],
		timeoutMs: timeoutSeconds === undefined ? defaultTimeoutMs : Math.round(timeoutSeconds * 1000),
		...(flags.caFile === undefined ? {} : {caFile: flags.caFile}),
		...(sources.configPath === undefined ? {} : {configPath: sources.configPath}),
		configWarnings: sources.warnings ?? [],
	};
}

/** True when both an email and a key are configured. */
export function hasCredentials(config: Config): config is Config & {email: string; key: Secret} {
	return config.email !== undefined && config.key !== undefined && config.key.isSet;
}

/** The credentials, or a usage error saying which one is missing and how to set it. */
export function requireCredentials(config: Config): {email: string; key: Secret} {
	if (config.email === undefined) throw usage('No account email is configured; use --email, CF_API_EMAIL or "email" in the config file.');
	if (!config.key?.isSet) throw usage('No API key is configured; use CF_API_KEY, --key-file PATH or "key" in the config file.');
	return {email: config.email, key: config.key};
}

/** File access, injectable for tests: `readFile` replaces the bounded read below, `stat` gives its mode. */
export interface ConfigIo {
	/** The parsed configuration flags; or `argv`, holding only configuration flags. */
	flags?: ConfigFlags;
	argv?: readonly string[];
	env: Readonly<Record<string, string | undefined>>;
	readFile?: (path: string) => string;
	stat?: (path: string) => {mode: number};
}

/** The most a key or config file may hold: both are a few hundred bytes. */
export const maxConfigFileBytes = 64 * 1024;

function isMissing(error: unknown): boolean {
	return typeof error === 'object' && error !== null && 'code' in error && (error as {code: unknown}).code === 'ENOENT';
}

function fileKind(stat: Stats): string {
	if (stat.isDirectory()) return 'a directory';
	if (stat.isFIFO()) return 'a FIFO';
	if (stat.isCharacterDevice()) return 'a character device';
	if (stat.isBlockDevice()) return 'a block device';
	if (stat.isSocket()) return 'a socket';
	return 'not a regular file';
}

/**
 * Reads a small regular file without ever blocking or growing without bound: opened non-blocking (a
 * FIFO would wait forever for a writer), checked on the open descriptor (no swap between check and
 * read), then at most the limit read (/dev/zero never ends). Refusals name the file and why.
 */
function readSmallFile(path: string, what: string): {text: string; mode: number} {
	const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) throw usage(`${what} ${shownPath(path)} is ${fileKind(stat)}, not a regular file; give the path of a file.`);
		const tooLarge = usage(`${what} ${shownPath(path)} is larger than ${maxConfigFileBytes / 1024} KiB; it cannot be a ${what.replace(/^The /, '')}.`);
		if (stat.size > maxConfigFileBytes) throw tooLarge;
		const buffer = Buffer.alloc(maxConfigFileBytes + 1);
		let length = 0;
		for (;;) {
			const read = readSync(fd, buffer, length, buffer.length - length, null);
			if (read === 0) break;
			length += read;
			// Grown since the fstat: refused as well.
			if (length > maxConfigFileBytes) throw tooLarge;
		}
		return {text: buffer.toString('utf8', 0, length), mode: stat.mode};
	} finally {
		closeSync(fd);
	}
}

/** Group- or world-writable: whoever can change it can swap the key or point "endpoint" elsewhere. */
function checkNotWritable(path: string, what: string, mode: number): void {
	const bits = mode & 0o777;
	if (bits & 0o022) throw usage(`${what} ${shownPath(path)} is writable by group or others (mode ${bits.toString(8).padStart(3, '0')}), so someone else could change it; run chmod 600 ${shownPath(path)}.`);
}

function readableWarning(path: string, what: string, mode: number): string | undefined {
	const bits = mode & 0o777;
	if (bits & 0o044) return `${what} ${shownPath(path)} is readable by group or others (mode ${bits.toString(8).padStart(3, '0')}); run chmod 600 ${shownPath(path)}.`;
	return undefined;
}

function errorCode(error: unknown): string {
	const code = typeof error === 'object' && error !== null && 'code' in error ? (error as {code: unknown}).code : undefined;
	return typeof code === 'string' ? ` (${code})` : '';
}

/** Parses flags, reads the key file and the config file, and resolves. Throws usage/validation errors. */
export function loadConfig(io: ConfigIo): {config: Config; rest: string[]} {
	const injected = io.readFile;
	const stat = io.stat ?? ((path: string) => statSync(path));
	const read = (path: string, what: string): {text: string; mode: number} => (injected ? {text: injected(path), mode: stat(path).mode} : readSmallFile(path, what));
	const rethrown = (error: unknown): void => {
		if (error instanceof FlarewatchError) throw error;
	};
	const {flags, rest} = io.flags ? {flags: io.flags, rest: []} : parseConfigArgs(io.argv ?? []);
	const warnings: string[] = [];
	let keyFileText: string | undefined;
	if (flags.keyFile !== undefined) {
		let mode: number;
		try {
			({text: keyFileText, mode} = read(flags.keyFile, 'The key file'));
		} catch (error) {
			rethrown(error);
			throw usage(`The key file ${shownPath(flags.keyFile)} could not be read${errorCode(error)}.`, 'key');
		}
		checkNotWritable(flags.keyFile, 'The key file', mode);
		const warning = readableWarning(flags.keyFile, 'The key file', mode);
		if (warning) warnings.push(warning);
	}
	const configPath = flags.configPath ?? defaultConfigPath(io.env);
	let file: ConfigFile | undefined;
	if (configPath !== undefined) {
		let loaded: {text: string; mode: number} | undefined;
		try {
			loaded = read(configPath, 'The config file');
		} catch (error) {
			rethrown(error);
			if (flags.configPath !== undefined || !isMissing(error)) throw usage(`The config file ${shownPath(configPath)} could not be read${errorCode(error)}.`);
		}
		if (loaded !== undefined) {
			checkNotWritable(configPath, 'The config file', loaded.mode);
			file = parseConfigFile(loaded.text, configPath);
			const warning = readableWarning(configPath, 'The config file', loaded.mode);
			if (warning) warnings.push(warning);
		}
	}
	return {config: resolveConfig({flags, env: io.env, file, keyFileText, configPath, warnings}), rest};
}
