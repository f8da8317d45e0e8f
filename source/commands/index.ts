/**
 * The one-shot commands: `flarewatch <command> [args] [--json] [config flags]`. Output goes only to
 * the streams passed in; every failure becomes one sentence on stderr and an exit code (errors.ts).
 */
import {readFileSync} from 'node:fs';
import {auditLogPath} from '../actions/audit-log.js';
import {accountKey, FileRegistry, registryPath, withOwnedRule, type Registry} from '../actions/registry.js';
import type {Backend, ZoneRef} from '../backend.js';
import {loadConfig, requireCredentials, shownPath, type Config} from '../config.js';
import {exitCodeFor, FlarewatchError, isFlarewatchError} from '../errors.js';
import {unsafePattern} from '../lib/format.js';
import {scrub} from '../lib/secret.js';
import {quote} from '../lib/validate.js';
import {openBackend} from '../backends.js';
import {dnsCommands} from './dns-commands.js';
import {commandHelp, dnsHelp, overviewHelp} from './help.js';
import {helpNames} from './names.js';
import {ipCommands} from './ip-commands.js';
import {parseArgs, usageError, type CommandContext, type CommandIo, type CommandSpec} from './spec.js';
import {zoneCommands} from './zone-commands.js';

export type {CommandIo} from './spec.js';

/** Every command, in help order. */
export const commands: readonly CommandSpec[] = [...zoneCommands, ...ipCommands, ...dnsCommands];

/** True for a first argument that names a command (or asks for help). */
export function isCommandName(name: string): boolean {
	return helpNames.has(name) || name === 'dns' || commands.some(command => command.name === name);
}

function wantsHelp(argv: readonly string[]): boolean {
	const end = argv.indexOf('--');
	return (end < 0 ? argv : argv.slice(0, end)).some(arg => arg === '--help' || arg === '-h');
}

function find(name: string, argv: string[]): {spec: CommandSpec; rest: string[]} | undefined {
	if (name === 'dns') {
		const sub = commands.find(command => command.name === `dns ${argv[0]}`);
		return sub ? {spec: sub, rest: argv.slice(1)} : undefined;
	}
	const spec = commands.find(command => command.name === name);
	return spec ? {spec, rest: argv} : undefined;
}

/** Runs one command; resolves with its exit code. Never throws. */
export async function commandMain(name: string, argv: string[], io: CommandIo): Promise<number> {
	const write = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
	if (helpNames.has(name)) {
		const topic = argv[0] === 'dns' && argv[1] ? find('dns', argv.slice(1)) : argv[0] ? find(argv[0], argv.slice(1)) : undefined;
		write(topic ? commandHelp(topic.spec) : argv[0] === 'dns' ? dnsHelp(commands) : overviewHelp(commands));
		return 0;
	}
	const found = find(name, argv);
	if (!found && name !== 'dns') {
		io.stderr.write(`flarewatch: ${quote(name, 20)} is not a command; see flarewatch help.\n`);
		return 2;
	}
	if (!found) {
		if (argv.length === 0 || wantsHelp(argv)) {
			write(dnsHelp(commands));
			return argv.length === 0 ? 2 : 0;
		}
		io.stderr.write(`flarewatch dns: ${quote(argv[0] ?? '', 20)} is not a dns command; use list, add, edit, rm or update-ip.\n`);
		return 2;
	}
	const {spec, rest} = found;
	if (wantsHelp(rest)) {
		write(commandHelp(spec));
		return 0;
	}
	let config: Config | undefined;
	let backend: Backend | undefined;
	try {
		const loaded = loadConfig({argv: rest, env: io.env});
		config = loaded.config;
		for (const warning of config.configWarnings) io.stderr.write(`flarewatch: warning: ${warning}\n`);
		const json = loaded.rest.includes('--json');
		const args = parseArgs(spec, loaded.rest.filter(arg => arg !== '--json'));
		spec.check?.(args);
		if (spec.mutating && config.readOnly) throw usageError(`flarewatch ${spec.name} changes the account, and the configuration is read-only; nothing was sent.`);
		const credentials = requireCredentials(config);
		backend = openBackend({
			email: credentials.email,
			key: credentials.key,
			endpoint: config.endpoint,
			timeoutMs: config.timeoutMs,
			env: io.env,
			...(config.caFile ? {ca: readCa(config.caFile)} : {}),
		});
		const registry = new FileRegistry(registryPath(auditLogPath(io.env)), accountKey(config.endpoint, credentials.email), message => io.stderr.write(`flarewatch: warning: ${message}\n`));
		const context = makeContext(spec, args, config, backend, registry);
		const result = await spec.run(context);
		const callsLeft = backend.lastCallsLeft()?.callsLeft ?? null;
		// The last line before stdout: the transport already masked server text, this catches the rest.
		const secrets = [credentials.key];
		if (json) write(scrub(jsonForTerminal({...result.json, callsLeft}), secrets));
		else if (result.lines.length > 0) write(scrub(result.lines.join('\n'), secrets));
		return result.exitCode ?? 0;
	} catch (error) {
		const secrets = config?.key ? [config.key] : [];
		const prefix = `flarewatch ${spec.name}: `;
		if (isFlarewatchError(error)) {
			io.stderr.write(`${prefix}${scrub(error.message, secrets)}\n`);
			return exitCodeFor(error.kind);
		}
		const message = error instanceof Error ? error.message : String(error);
		io.stderr.write(`${prefix}unexpected failure: ${scrub(message, secrets).slice(0, 200)}\n`);
		return 70;
	} finally {
		backend?.close();
	}
}

/**
 * JSON that is inert on a terminal: JSON.stringify escapes C0 controls inside strings but passes C1
 * controls (U+009B is an 8-bit CSI), DEL, the line separators and the bidi marks through raw. Those are
 * written as \uXXXX, which every JSON reader decodes to the same value. Raw C0 in the output can only
 * be the indentation's newlines, so they stay.
 */
export function jsonForTerminal(value: unknown): string {
	return JSON.stringify(value, null, 2).replace(unsafePattern, character => (character < ' ' ? character : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function readCa(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		throw new FlarewatchError('usage', `The CA file ${shownPath(path)} could not be read.`);
	}
}

function makeContext(spec: CommandSpec, args: CommandContext['args'], config: Config, backend: Backend, registry: Registry): CommandContext {
	const zoneNames = (): ZoneRef[] => {
		if (config.zones.length === 0) throw usageError(`flarewatch ${spec.name} needs a zone; use --zone NAME or CF_ZONE.`);
		return config.zones.map(name => ({name, zid: 0}));
	};
	return {
		args,
		config,
		backend,
		zoneNames,
		async resolveZones() {
			const zones = await backend.checkZones(zoneNames().map(zone => zone.name));
			const inactive = zones.find(zone => zone.zid <= 0);
			if (inactive) throw new FlarewatchError('api', `The zone ${inactive.name} is not active on this account (zone_check answered 0).`);
			return zones;
		},
		now: () => Date.now(),
		recordRule: (ip, mode) => void registry.update(records => withOwnedRule(records, ip, mode, Date.now(), 'command')),
	};
}
