/** `flarewatch emulator [flags]`: serves the v1 API until SIGINT/SIGTERM. */
import {ArgsError, flagHelp, parseFlags, type Flag} from '../lib/args.js';
import type {ProcessIo} from '../lib/process-io.js';
import {quote} from '../lib/validate.js';
import {defaultOptions, startEmulator} from './index.js';
import {scenarioNames, type EmulatorOptions, type ScenarioName} from './types.js';

/** The emulator's flags: parsed from this table (lib/args.ts), and its help is made from it. */
export const emulatorFlags: readonly Flag[] = [
	{name: 'host', value: 'HOST', default: defaultOptions.host, description: 'address to bind (a warning is printed for one that is not loopback)'},
	{name: 'port', value: 'N', default: String(defaultOptions.port), description: 'port; 0 picks a free one'},
	{name: 'email', value: 'EMAIL', default: defaultOptions.email, description: 'the demo account'},
	{name: 'key', value: 'KEY', default: defaultOptions.key, description: "the demo account's API key (a demo value, printed at start)"},
	{name: 'token', value: 'TOKEN', default: defaultOptions.token, description: "the demo account's API v4 token (Authorization: Bearer; a demo value, printed at start)"},
	{name: 'zones', value: 'A,B,...', default: defaultOptions.zones.join(','), description: 'demo zones: the first Pro, the others Free'},
	{name: 'scenario', value: 'NAME', default: defaultOptions.scenario, description: scenarioNames.join(' | ')},
	{name: 'seed', value: 'N', default: String(defaultOptions.seed), description: 'traffic seed: same seed, same traffic'},
	{name: 'speed', value: 'X', default: String(defaultOptions.speed), description: 'simulated seconds per real second'},
	{name: 'rate-limit', value: 'N', default: String(defaultOptions.rateLimit), description: 'API calls per hour per account'},
	{name: 'tls', description: 'HTTPS with a self-signed certificate; prints its SHA-256 fingerprint'},
	{name: 'sunset', description: 'answer every v1 path with HTTP 410, as after 2016-11-09 (API v4 keeps answering)'},
	{name: 'help', short: 'h', description: 'this text'},
];

const help = [
	'Usage: flarewatch emulator [flags]',
	'',
	"Serves Cloudflare's v1 Client Interface API (api_json.html, api.html, ajax/external-event.html)",
	'with a deterministic traffic model, for the console, the tests and incident rehearsals.',
	'',
	...flagHelp(emulatorFlags),
	'',
	'API v4 (REST subset) under /client/v4: Authorization: Bearer TOKEN, or X-Auth-Email + X-Auth-Key.',
	'',
	'Admin (loopback peers, a loopback Host, no foreign Origin, JSON bodies only):',
	'  GET /__emulator/state, POST /__emulator/faults|clock|scenario.',
	'',
].join('\n');

class UsageError extends Error {}

function parseFlagsOf(argv: string[]): Partial<EmulatorOptions> | 'help' {
	let parsed;
	try {
		parsed = parseFlags(argv, emulatorFlags, {helpHint: 'flarewatch emulator --help'});
	} catch (error) {
		if (error instanceof ArgsError) throw new UsageError(error.message);
		throw error;
	}
	const {values, positionals} = parsed;
	if (values.get('help') === true) return 'help';
	if (positionals.length > 0) throw new UsageError(`unexpected argument ${quote(positionals[0]!, 40)}; the emulator takes only flags (see --help)`);
	const options: Partial<EmulatorOptions> = {};
	for (const flag of emulatorFlags) {
		const value = values.get(flag.name);
		if (value === true && (flag.name === 'tls' || flag.name === 'sunset')) options[flag.name] = true;
		else if (typeof value === 'string') applyFlag(options, flag.name, value);
	}
	return options;
}

function number(name: string, value: string, check: (n: number) => boolean, expected: string): number {
	const parsed = value.trim() === '' ? Number.NaN : Number(value);
	if (!Number.isFinite(parsed) || !check(parsed)) throw new UsageError(`--${name} must be ${expected}, got "${value}"`);
	return parsed;
}

function applyFlag(options: Partial<EmulatorOptions>, name: string, value: string): void {
	switch (name) {
		case 'host':
			if (value.trim() === '') throw new UsageError('--host must not be empty');
			options.host = value;
			return;
		case 'port':
			options.port = number(name, value, n => Number.isInteger(n) && n >= 0 && n <= 65_535, 'a port between 0 and 65535');
			return;
		case 'email':
			if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new UsageError(`--email must be an email address, got "${value}"`);
			options.email = value;
			return;
		case 'key':
			if (!/^\S{8,}$/.test(value)) throw new UsageError('--key must be at least 8 characters without spaces');
			options.key = value;
			return;
		case 'token':
			// What a Bearer header can carry: no spaces, and short enough to be a token.
			if (!/^[\x21-\x7e]{8,200}$/.test(value)) throw new UsageError('--token must be 8 to 200 printable characters without spaces');
			options.token = value;
			return;
		case 'zones': {
			const zones = value.split(',').map(zone => zone.trim().toLowerCase()).filter(zone => zone !== '');
			const bad = zones.find(zone => !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(zone));
			if (zones.length === 0 || bad !== undefined) throw new UsageError(`--zones must be a comma-separated list of domain names${bad ? `, "${bad}" is not one` : ''}`);
			if (new Set(zones).size !== zones.length) throw new UsageError('--zones lists a zone twice');
			options.zones = zones;
			return;
		}
		case 'scenario':
			if (!scenarioNames.includes(value as ScenarioName)) throw new UsageError(`--scenario must be one of ${scenarioNames.join('|')}, got "${value}"`);
			options.scenario = value as ScenarioName;
			return;
		case 'seed':
			options.seed = number(name, value, n => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'a whole number between 0 and 4294967295');
			return;
		case 'speed':
			options.speed = number(name, value, n => n > 0 && n <= 100_000, 'a number above 0 and at most 100000');
			return;
		case 'rate-limit':
			options.rateLimit = number(name, value, n => Number.isInteger(n) && n >= 1, 'a positive whole number');
			return;
	}
}

function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function emulatorMain(argv: string[], io: Pick<ProcessIo, 'stdout' | 'stderr'>): Promise<number> {
	let flags: Partial<EmulatorOptions> | 'help';
	try {
		flags = parseFlagsOf(argv);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`flarewatch emulator: ${error.message}\n`);
		return 2;
	}
	if (flags === 'help') {
		io.stdout.write(help);
		return 0;
	}
	let emulator;
	try {
		emulator = await startEmulator(flags);
	} catch (error) {
		io.stderr.write(`flarewatch emulator: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
	const state = emulator.state();
	const zones = state.zones.filter(zone => zone.owner === emulator.email.toLowerCase());
	const others = state.zones.filter(zone => zone.owner !== emulator.email.toLowerCase());
	io.stdout.write(`flarewatch emulator listening on ${emulator.url}\n`);
	io.stdout.write(`demo account: email ${emulator.email}  key ${emulator.key}  token ${emulator.token}\n`);
	io.stdout.write(`zones: ${zones.map(zone => `${zone.name} (zid ${zone.zid}, ${zone.plan})`).join(', ')}\n`);
	if (others.length > 0) io.stdout.write(`other accounts' zones: ${others.map(zone => `${zone.name} (${zone.owner})`).join(', ')}\n`);
	io.stdout.write(`scenario: ${state.scenario}  seed: ${state.seed}  speed: ${state.speed}x  rate limit: ${flags.rateLimit ?? defaultOptions.rateLimit}/h${state.sunset ? '  SUNSET: every API call answers 410' : ''}\n`);
	if (emulator.fingerprint256) io.stdout.write(`tls certificate sha256 fingerprint: ${emulator.fingerprint256}\n`);
	// The admin interface wants a loopback Host header, so a wildcard bind is shown as loopback.
	const adminBase = emulator.host === '0.0.0.0' ? emulator.url.replace('//0.0.0.0:', '//127.0.0.1:') : emulator.host === '::' ? emulator.url.replace('//[::]:', '//[::1]:') : emulator.url;
	io.stdout.write(`admin (loopback only): ${adminBase}/__emulator/state\n`);
	if (!isLoopbackHost(emulator.host)) {
		io.stderr.write(`flarewatch emulator: warning: listening on ${emulator.host}, not a loopback address: anyone who can reach it can use the demo key (the admin interface still answers loopback clients only)\n`);
	}
	await new Promise<void>(resolve => {
		const stop = () => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			resolve();
		};
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
	await emulator.close();
	io.stdout.write('flarewatch emulator: stopped\n');
	return 0;
}
