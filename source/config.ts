/**
 * Where the account, key, endpoint and zones come from: flags > environment > config file.
 *   email     --email, CF_API_EMAIL, "email"
 *   key       --key-file PATH, CF_API_KEY, "key"  (never a flag: argv is visible to every user)
 *   token     --token-file PATH, CF_API_TOKEN, "tokenFile" (a path; the same reason)
 *   api       --api v1|v4, "api"; when neither says, a token means v4, anything else v1
 *   endpoint  --endpoint, CF_API_ENDPOINT, "endpoint"; the default depends on the API
 *   zones     --zone (repeatable, comma-separated), CF_ZONE, "zones"
 * The config file is $XDG_CONFIG_HOME/flarewatch/config.json (default ~/.config), or --config PATH.
 * The flags are one table (`configFlags`), which the console and the commands parse with their own.
 * `configFromValues` and `resolveConfig` are pure; `loadConfig` adds the file reads.
 */
import {closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {FlarewatchError} from './errors.js';
import {inert} from './lib/format.js';
import {Secret} from './lib/secret.js';
import {checkEmail, checkIpOrRange, checkZoneName, quote} from './lib/validate.js';
import {apiVersions, checkEndpoint, defaultEndpoint, defaultEndpointFor, defaultTimeoutMs, defaultV4Endpoint, namesV4Path, type ApiVersion} from './lib/endpoint.js';
import {isDurationError, parseDuration, parseLadder} from './lib/duration.js';
import {ArgsError, closest, parseFlags, type Flag, type ParsedFlags} from './lib/args.js';

/** The config file's fields (all optional). */
export interface ConfigFile {
	email?: string;
	key?: string;
	/** A file holding the API token: a path, absolute or relative to the config file's folder. */
	tokenFile?: string;
	api?: ApiVersion;
	endpoint?: string;
	zones?: string[] | string;
	/** Every mutating action refuses and explains it is read-only. */
	readOnly?: boolean;
	/** Addresses and CIDR ranges (IPv4 or IPv6) never banned; an entry may hold several, comma-separated. */
	neverBan?: string[];
	timeoutSeconds?: number;
	/** A ban's duration when nothing else says (`1h`; `0` or `permanent` for none). */
	banDuration?: string;
	/** Durations a repeat offender's bans step through, e.g. "10m, 1h, 1d, permanent". */
	banLadder?: string[] | string;
	/** How long after a ban ended another ban of the address steps up the ladder. */
	banLadderWindow?: string;
}

/** What the configuration flags said; `rest` of argv is left for the caller. */
export interface ConfigFlags {
	email?: string;
	keyFile?: string;
	tokenFile?: string;
	api?: ApiVersion;
	endpoint?: string;
	zones: string[];
	readOnly: boolean;
	neverBan: string[];
	timeoutSeconds?: number;
	caFile?: string;
	configPath?: string;
	banDuration?: string;
	banLadder?: string[];
	banLadderWindow?: string;
}

/** The resolved configuration. Credentials are absent when not configured (the console then demos). */
export interface Config {
	/** Which API: `--api` or "api", else v4 when a token is configured, else v1. */
	api: ApiVersion;
	/** What chose the API, for messages. */
	apiSource: '--api' | 'config file' | 'token' | 'default';
	email?: string;
	key?: Secret;
	/** Where the key came from, for messages: never the key itself. */
	keySource?: '--key-file' | 'CF_API_KEY' | 'config file';
	/** An API token (API v4 only: Authorization: Bearer). */
	token?: Secret;
	/** Where the token came from, for messages: never the token itself. */
	tokenSource?: '--token-file' | 'CF_API_TOKEN' | 'config file';
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
	/** Timed bans (lib/duration.ts), in seconds; 0 = permanent. */
	bans: BanSettings;
}

/** How long bans last and how repeat offenders' bans grow. */
export interface BanSettings {
	/** The duration `b`, `:ban` and `ban` offer for a first ban. */
	duration: number;
	/** The escalation ladder, each step longer than the last (0 = permanent, last). */
	ladder: number[];
	/** A ban that ended less than this ago makes the next ban of the address step up. */
	window: number;
}

export const defaultBanSettings: BanSettings = {duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400};

/** A file path as typed, for a message: printed as is, but bounded and without control or bidi characters. */
export function shownPath(path: string): string {
	return inert(path.length > 200 ? `${path.slice(0, 200)}…` : path);
}

const keyFlagReason = (name: string) =>
	`There is no ${name} flag: a key or token on the command line is visible to every user of this machine, so give an API token with CF_API_TOKEN or --token-file PATH, or the global key with CF_API_KEY, --key-file PATH or the config file.`;

/** Flags that would carry the key or the token, refused with the reason by every program that reads the configuration. */
export const refusedKeyFlags: ReadonlyMap<string, string> = new Map(['--key', '--tkn', '--token', '--api-token', '--api-key', '--apikey'].map(name => [name, keyFlagReason(name)]));

/**
 * The configuration flags, shared by the console and every command: parsed from this table (lib/args.ts),
 * and the help's "Configuration" section is made from it. `configKey` also names the config file's keys.
 */
export const configFlags: readonly Flag[] = [
	{name: 'email', value: 'ADDRESS', env: 'CF_API_EMAIL', configKey: 'email', description: "the account's email"},
	{name: 'key-file', value: 'PATH', env: 'CF_API_KEY', configKey: 'key', description: 'a file holding the global API key (no flag takes the key itself)'},
	{name: 'token-file', value: 'PATH', env: 'CF_API_TOKEN', configKey: 'tokenFile', description: 'a file holding an API token, which selects API v4 (no flag takes the token itself)'},
	{name: 'api', value: 'v1|v4', configKey: 'api', default: 'v4 with a token, else v1', description: 'which API: v1, or v4 with a token or the email and global key'},
	{name: 'endpoint', value: 'URL', env: 'CF_API_ENDPOINT', configKey: 'endpoint', default: `${defaultEndpoint}; for v4 ${defaultV4Endpoint}`, description: 'where the API is (v4: the server, /client/v4 is added); plain http:// only for a loopback host'},
	{name: 'zone', value: 'NAME[,NAME]', multiple: true, env: 'CF_ZONE', configKey: 'zones', description: 'the zones; repeatable'},
	{name: 'timeout', value: 'SECONDS', configKey: 'timeoutSeconds', default: String(defaultTimeoutMs / 1000), description: 'per request, up to 600'},
	{name: 'read-only', configKey: 'readOnly', description: 'refuse every action that changes the account'},
	{name: 'never-ban', value: 'IP[,CIDR]', multiple: true, configKey: 'neverBan', description: 'addresses and ranges never to ban; repeatable'},
	{name: 'ban-duration', value: 'DURATION', configKey: 'banDuration', default: '1h', description: 'how long a ban lasts unless you say (30s, 10m, 1h, 1d, 2w; 0 = permanent)'},
	{name: 'ban-ladder', value: 'D[,D...]', multiple: true, configKey: 'banLadder', default: '10m,1h,1d,permanent', description: "a repeat offender's bans, step by step"},
	{name: 'ban-window', value: 'DURATION', configKey: 'banLadderWindow', default: '1d', description: 'a ban that ended less than this ago makes the next one step up the ladder'},
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

function isApiVersion(value: unknown): value is ApiVersion {
	return typeof value === 'string' && (apiVersions as readonly string[]).includes(value);
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
	const tokenFile = text(values, 'token-file');
	if (tokenFile !== undefined) flags.tokenFile = tokenFile;
	const api = text(values, 'api');
	if (api !== undefined) {
		if (!isApiVersion(api)) throw usage(`--api must be v1 or v4, not ${quote(api, 20)}.`, 'api');
		flags.api = api;
	}
	const endpoint = text(values, 'endpoint');
	if (endpoint !== undefined) flags.endpoint = endpoint;
	const caFile = text(values, 'ca-file');
	if (caFile !== undefined) flags.caFile = caFile;
	const configPath = text(values, 'config');
	if (configPath !== undefined) flags.configPath = configPath;
	const banDuration = text(values, 'ban-duration');
	if (banDuration !== undefined) flags.banDuration = banDuration;
	const banLadder = list(values, 'ban-ladder');
	if (banLadder.length > 0) flags.banLadder = banLadder;
	const banWindow = text(values, 'ban-window');
	if (banWindow !== undefined) flags.banLadderWindow = banWindow;
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
	for (const field of ['email', 'key', 'tokenFile', 'endpoint'] as const) if (file[field] !== undefined && typeof file[field] !== 'string') throw wrong(field, 'a string');
	if (file.api !== undefined && !isApiVersion(file.api)) throw wrong('api', '"v1" or "v4"');
	if (file.zones !== undefined && typeof file.zones !== 'string' && !(Array.isArray(file.zones) && file.zones.every(zone => typeof zone === 'string'))) throw wrong('zones', 'a list of zone names');
	if (file.neverBan !== undefined && !(Array.isArray(file.neverBan) && file.neverBan.every(ip => typeof ip === 'string'))) throw wrong('neverBan', 'a list of addresses and CIDR ranges');
	if (file.readOnly !== undefined && typeof file.readOnly !== 'boolean') throw wrong('readOnly', 'true or false');
	for (const field of ['banDuration', 'banLadderWindow'] as const) if (file[field] !== undefined && typeof file[field] !== 'string') throw wrong(field, 'a duration such as "1h" (a string)');
	if (file.banLadder !== undefined && typeof file.banLadder !== 'string' && !(Array.isArray(file.banLadder) && file.banLadder.every(step => typeof step === 'string'))) throw wrong('banLadder', 'a list of durations such as ["10m", "1h", "1d", "permanent"]');
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
	/** The token file read (--token-file, or "tokenFile" resolved against the config file's folder) and its contents. */
	tokenFilePath?: string;
	tokenFileText?: string;
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
	const {token, tokenSource} = resolveToken(sources);
	const api: ApiVersion = flags.api ?? file.api ?? (token ? 'v4' : 'v1');
	const apiSource: Config['apiSource'] = flags.api ? '--api' : file.api ? 'config file' : token ? 'token' : 'default';
	const endpoint = flags.endpoint ?? (env.CF_API_ENDPOINT || undefined) ?? file.endpoint ?? defaultEndpointFor(api);
	const url = checkEndpoint(endpoint);
	// v1 would post to …/client/v4/api_json.html and be told "not found": say what is meant instead.
	if (api === 'v1' && namesV4Path(url)) throw usage(`The endpoint ${quote(endpoint, 80)} is API v4's, and the API is v1 (${apiChoice(apiSource)}); add --api v4, or give the server without /client/v4 for v1.`, 'endpoint');
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
	const bans = resolveBans(flags, file);
	return {
		api,
		apiSource,
		...(email === undefined ? {} : {email}),
		...(key === undefined ? {} : {key, keySource}),
		...(token === undefined ? {} : {token, tokenSource}),
		endpoint,
		zones,
		readOnly: flags.readOnly || file.readOnly === true,
		neverBan: [...new Set(neverBan)],
		timeoutMs: timeoutSeconds === undefined ? defaultTimeoutMs : Math.round(timeoutSeconds * 1000),
		...(flags.caFile === undefined ? {} : {caFile: flags.caFile}),
		...(sources.configPath === undefined ? {} : {configPath: sources.configPath}),
		configWarnings: sources.warnings ?? [],
		bans,
	};
}

/** The ban settings: flags > config file > defaults; a wrong one is named with the duration parser's message. */
function resolveBans(flags: ConfigFlags, file: ConfigFile): BanSettings {
	const one = (value: string | undefined, flag: string, key: string, fallback: number): number => {
		if (value === undefined) return fallback;
		const parsed = parseDuration(value);
		if (isDurationError(parsed)) throw usage(`${flags[key as keyof ConfigFlags] === undefined ? `The config file's "${key}"` : `--${flag}`}: ${parsed.error}.`, key);
		return parsed;
	};
	const duration = one(flags.banDuration ?? file.banDuration, 'ban-duration', 'banDuration', defaultBanSettings.duration);
	const window = one(flags.banLadderWindow ?? file.banLadderWindow, 'ban-window', 'banLadderWindow', defaultBanSettings.window);
	if (window === 0) throw usage(`${flags.banLadderWindow === undefined ? `The config file's "banLadderWindow"` : '--ban-window'}: the window must be a time, such as 1d (0 would mean no ban ever counts).`, 'banLadderWindow');
	const ladderText = flags.banLadder ?? file.banLadder;
	let ladder = defaultBanSettings.ladder;
	if (ladderText !== undefined) {
		const parsed = parseLadder(ladderText);
		if (!Array.isArray(parsed)) throw usage(`${flags.banLadder === undefined ? `The config file's "banLadder"` : '--ban-ladder'}: ${parsed.error}.`, 'banLadder');
		ladder = parsed;
	}
	return {duration, ladder, window};
}

/** The token: --token-file > CF_API_TOKEN > the config file's "tokenFile"; checked without ever quoting it. */
function resolveToken(sources: ConfigSources): {token?: Secret; tokenSource?: Config['tokenSource']} {
	const {flags, env, file = {}} = sources;
	let token: Secret;
	let tokenSource: NonNullable<Config['tokenSource']>;
	if (flags.tokenFile !== undefined || (!env.CF_API_TOKEN && file.tokenFile !== undefined)) {
		tokenSource = flags.tokenFile !== undefined ? '--token-file' : 'config file';
		token = new Secret((sources.tokenFileText ?? '').trim());
		const path = sources.tokenFilePath ?? flags.tokenFile ?? file.tokenFile ?? '';
		if (!token.isSet) throw usage(`The token file ${shownPath(path)} is empty.`, 'token');
	} else if (env.CF_API_TOKEN) {
		token = new Secret(env.CF_API_TOKEN.trim());
		tokenSource = 'CF_API_TOKEN';
	} else return {};
	// A token is printable ASCII (it goes into an HTTP header); the message names where it came from, never the token.
	if (!/^[\x21-\x7e]+$/.test(token.reveal())) throw usage(`The API token from ${tokenSource === 'config file' ? 'the token file' : tokenSource} contains a space, a control character or a character that is not printable ASCII.`, 'token');
	return {token, tokenSource};
}

function apiChoice(source: Config['apiSource']): string {
	if (source === '--api') return 'chosen by --api';
	if (source === 'config file') return 'chosen by "api" in the config file';
	if (source === 'token') return 'chosen by the API token';
	return 'the default without a token';
}

const emailHint = 'use --email, CF_API_EMAIL or "email" in the config file';
const keyHint = 'use CF_API_KEY, --key-file PATH or "key" in the config file';
const tokenHint = 'use CF_API_TOKEN, --token-file PATH or "tokenFile" in the config file';

/** What is missing to reach the configured API, in one sentence; undefined when nothing is. */
export function missingCredentials(config: Config): string | undefined {
	const key = config.key?.isSet === true;
	if (config.api === 'v4') {
		if (config.token?.isSet) return undefined;
		if (config.email !== undefined && key) return undefined;
		if (config.email !== undefined) return `No API token or global API key is configured for API v4; for a token ${tokenHint}, for the key ${keyHint}.`;
		if (key) return `No account email is configured to go with the global API key on API v4 (or give an API token instead); ${emailHint}.`;
		return `No API token is configured for API v4; ${tokenHint} (or give the account's email and global API key).`;
	}
	// v1 knows only the email and the global key; a token alone is explained, not ignored.
	const tokenNote = config.token?.isSet ? ` An API token works only with API v4 (the API is v1, ${apiChoice(config.apiSource)}).` : '';
	if (config.email === undefined) return `No account email is configured; ${emailHint}.${tokenNote}`;
	if (!key) return `No API key is configured; ${keyHint}.${tokenNote}`;
	return undefined;
}

/** True when the configured API has its credentials (v1: email and key; v4: a token, or email and key). */
export function hasCredentials(config: Config): boolean {
	return missingCredentials(config) === undefined;
}

/** True when a key or a token is configured at all: the operator means an account, not the demo. */
export function hasSomeCredential(config: Config): boolean {
	return config.key?.isSet === true || config.token?.isSet === true;
}

/** What a backend needs for the configured API. */
export type Credentials = {api: 'v1'; email: string; key: Secret} | {api: 'v4'; token?: Secret; email?: string; key?: Secret};

/** The credentials, or a usage error saying which one is missing and how to set it. */
export function requireCredentials(config: Config): Credentials {
	const missing = missingCredentials(config);
	if (missing !== undefined) throw usage(missing);
	if (config.api === 'v4') {
		return {
			api: 'v4',
			...(config.token?.isSet ? {token: config.token} : {}),
			...(config.email === undefined ? {} : {email: config.email}),
			...(config.key?.isSet ? {key: config.key} : {}),
		};
	}
	if (config.email === undefined || !config.key?.isSet) throw usage('No account email or API key is configured.');
	return {api: 'v1', email: config.email, key: config.key};
}

/** Every secret the configuration holds, for scrubbing whatever is shown or written. */
export function configSecrets(config: Config): Secret[] {
	return [config.key, config.token].filter((secret): secret is Secret => secret?.isSet === true);
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
	// The key and token files: the same checks (small regular file, not writable by others, a warning if readable).
	const readSecretFile = (path: string, what: string, field: string): string => {
		let loaded: {text: string; mode: number};
		try {
			loaded = read(path, what);
		} catch (error) {
			rethrown(error);
			throw usage(`${what} ${shownPath(path)} could not be read${errorCode(error)}.`, field);
		}
		checkNotWritable(path, what, loaded.mode);
		const warning = readableWarning(path, what, loaded.mode);
		if (warning) warnings.push(warning);
		return loaded.text;
	};
	const keyFileText = flags.keyFile === undefined ? undefined : readSecretFile(flags.keyFile, 'The key file', 'key');
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
	// "tokenFile" is read only when nothing before it in the order gives a token; relative to the config file, so any folder works.
	const tokenFilePath = flags.tokenFile ?? (io.env.CF_API_TOKEN || file?.tokenFile === undefined || configPath === undefined ? undefined : resolve(dirname(configPath), file.tokenFile));
	const tokenFileText = tokenFilePath === undefined ? undefined : readSecretFile(tokenFilePath, 'The token file', 'token');
	return {config: resolveConfig({flags, env: io.env, file, keyFileText, ...(tokenFilePath === undefined ? {} : {tokenFilePath, tokenFileText}), configPath, warnings}), rest};
}
