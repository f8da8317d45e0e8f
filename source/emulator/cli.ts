/** `flarewatch emulator [flags]`: serves the v1 API until SIGINT/SIGTERM. */
import type {ProcessIo} from '../lib/process-io.js';
import {defaultOptions, startEmulator} from './index.js';
import {scenarioNames, type EmulatorOptions, type ScenarioName} from './types.js';

const help = `Usage: flarewatch emulator [flags]

Serves Cloudflare's v1 Client Interface API (api_json.html, api.html, ajax/external-event.html)
with a deterministic traffic model, for the console, the tests and incident rehearsals.

  --host HOST         address to bind (default 127.0.0.1)
  --port N            port (default 8787; 0 picks a free port)
  --email EMAIL       demo account email (default ${defaultOptions.email})
  --key KEY           demo account API key (default ${defaultOptions.key})
  --zones A,B,...     demo zones, the first Pro, the others Free (default ${defaultOptions.zones.join(',')})
  --scenario NAME     calm | attack | flood | hostile (default ${defaultOptions.scenario})
  --seed N            traffic seed (default ${defaultOptions.seed})
  --speed X           simulated seconds per real second (default ${defaultOptions.speed})
  --rate-limit N      API calls per hour per account (default ${defaultOptions.rateLimit})
  --tls               HTTPS with a self-signed certificate; prints its SHA-256 fingerprint
  --sunset            answer every API path with HTTP 410, as after 2016-11-09
  --help              this text

Admin (loopback peers, a loopback Host, no foreign Origin, JSON bodies only):
  GET /__emulator/state, POST /__emulator/faults|clock|scenario.
`;

class UsageError extends Error {}

const valueFlags = new Set(['host', 'port', 'email', 'key', 'zones', 'scenario', 'seed', 'speed', 'rate-limit']);

function parseFlags(argv: string[]): Partial<EmulatorOptions> | 'help' {
	const options: Partial<EmulatorOptions> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') return 'help';
		if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
		const equals = arg.indexOf('=');
		const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
		if (name === 'tls' || name === 'sunset') {
			if (equals !== -1) throw new UsageError(`--${name} takes no value`);
			options[name] = true;
			continue;
		}
		if (!valueFlags.has(name)) throw new UsageError(`unknown flag --${name} (see --help)`);
		const value = equals === -1 ? argv[++i] : arg.slice(equals + 1);
		if (value === undefined) throw new UsageError(`--${name} needs a value`);
		applyFlag(options, name, value);
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
		default:
			throw new UsageError(`unknown flag --${name} (see --help)`);
	}
}

function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function emulatorMain(argv: string[], io: Pick<ProcessIo, 'stdout' | 'stderr'>): Promise<number> {
	let flags: Partial<EmulatorOptions> | 'help';
	try {
		flags = parseFlags(argv);
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
	io.stdout.write(`demo account: email ${emulator.email}  key ${emulator.key}\n`);
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
