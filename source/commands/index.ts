/**
 * The one-shot commands: `flarewatch <command> [args] [--json] [config flags]`. Output goes only to
 * the streams passed in; every failure becomes one sentence on stderr (with --json, an
 * `{"error": {"code", "message"}}` object on stdout) and an exit code (errors.ts).
 */
import {readFileSync} from 'node:fs';
import {auditLogPath, FileAuditLog, type AuditSink} from '../actions/audit-log.js';
import {accountKey, FileRegistry, registryPath, withOwnedRule, type Registry} from '../actions/registry.js';
import type {Backend, ZoneRef} from '../backend.js';
import {configSecrets, loadConfig, requireCredentials, shownPath, type Config} from '../config.js';
import {exitCodeFor, FlarewatchError, isFlarewatchError} from '../errors.js';
import {didYouMean, hasFlag} from '../lib/args.js';
import {inert, unsafePattern} from '../lib/format.js';
import {scrub, type Secret} from '../lib/secret.js';
import {quote} from '../lib/validate.js';
import {openBackend} from '../backends.js';
import {dnsCommands} from './dns-commands.js';
import {commandHelp, groupHelp, overviewHelp} from './help.js';
import {helpNames} from './names.js';
import {ipCommands} from './ip-commands.js';
import {expireCommand} from './expire-command.js';
import {parseCommandArgs, requireCapability, usageError, type CommandContext, type CommandIo, type CommandProblem, type CommandSpec} from './spec.js';
import {reportCommands} from './report-command.js';
import {ruleCommands} from './rule-commands.js';
import {zoneCommands} from './zone-commands.js';

export type {CommandIo} from './spec.js';

/** Every command, in help order. */
export const commands: readonly CommandSpec[] = [...zoneCommands, ...ipCommands, expireCommand, ...ruleCommands, ...dnsCommands, ...reportCommands];

/** Names that stand for a group of subcommands (`dns add`, `rules list`). */
const groups: ReadonlySet<string> = new Set(commands.filter(command => command.name.includes(' ')).map(command => command.name.split(' ')[0]!));

/** True for a first argument that names a command (or asks for help). */
export function isCommandName(name: string): boolean {
	return helpNames.has(name) || groups.has(name) || commands.some(command => command.name === name);
}

/** What the launcher (cli.tsx) adds: the console's part of the overview help, and the version. */
export interface CommandExtras {
	consoleHelp?: readonly string[];
	version?: string;
}

function find(name: string, argv: string[]): {spec: CommandSpec; rest: string[]} | undefined {
	if (groups.has(name)) {
		const sub = commands.find(command => command.name === `${name} ${argv[0]}`);
		return sub ? {spec: sub, rest: argv.slice(1)} : undefined;
	}
	const spec = commands.find(command => command.name === name);
	return spec ? {spec, rest: argv} : undefined;
}

/** A failure as --json shows it: `code` is the kind (errors.ts), `apiCode` the API's err_code when it sent one. */
function errorJson(error: FlarewatchError, secrets: readonly Secret[]): Record<string, unknown> {
	return {
		code: error.kind,
		message: scrub(error.message, secrets),
		...(error.code === undefined ? {} : {apiCode: error.code}),
		...(error.field === undefined ? {} : {field: error.field}),
		...(error.status === undefined ? {} : {status: error.status}),
	};
}

/** Runs one command; resolves with its exit code. Never throws. */
export async function commandMain(name: string, argv: string[], io: CommandIo, extras: CommandExtras = {}): Promise<number> {
	const write = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
	// Known before parsing, so that even a refused command line is answered in JSON.
	const json = hasFlag(argv, '--json');
	let secrets: Secret[] = [];
	let prefix = 'flarewatch: ';
	/** One failure: a sentence on stderr, or with --json `{"error": {...}}` on stdout (the only thing there). */
	const fail = (error: unknown): number => {
		const known = isFlarewatchError(error) ? error : undefined;
		if (json) {
			const body = known ? errorJson(known, secrets) : {code: 'internal', message: `unexpected failure: ${scrub(error instanceof Error ? error.message : String(error), secrets).slice(0, 200)}`};
			write(jsonForTerminal({error: body}));
		} else if (known) io.stderr.write(`${prefix}${scrub(known.message, secrets)}\n`);
		else io.stderr.write(`${prefix}unexpected failure: ${scrub(error instanceof Error ? error.message : String(error), secrets).slice(0, 200)}\n`);
		return known ? exitCodeFor(known.kind) : 70;
	};
	if (helpNames.has(name)) {
		const group = argv[0] !== undefined && groups.has(argv[0]) ? argv[0] : undefined;
		const topic = group && argv[1] ? find(group, argv.slice(1)) : argv[0] ? find(argv[0], argv.slice(1)) : undefined;
		write(topic ? commandHelp(topic.spec) : group ? groupHelp(group, commands) : overviewHelp(commands, extras.consoleHelp ?? [], extras.version));
		return 0;
	}
	const found = find(name, argv);
	if (!found && !groups.has(name)) {
		const names = [...new Set(['help', 'emulator', ...commands.map(command => command.name.split(' ')[0]!)])];
		return fail(usageError(`${quote(name, 20)} is not a command${didYouMean(name, names)}; see flarewatch --help.`));
	}
	if (!found) {
		if (argv.length === 0 || hasFlag(argv, '--help', '-h')) {
			write(groupHelp(name, commands));
			return argv.length === 0 ? 2 : 0;
		}
		prefix = `flarewatch ${name}: `;
		const subcommands = commands.filter(command => command.name.startsWith(`${name} `)).map(command => command.name.slice(name.length + 1));
		return fail(usageError(`${quote(argv[0] ?? '', 20)} is not a ${name} command${didYouMean(argv[0] ?? '', subcommands)}; use ${subcommands.join(', ')}.`));
	}
	const {spec, rest} = found;
	prefix = `flarewatch ${spec.name}: `;
	if (hasFlag(rest, '--help', '-h')) {
		write(commandHelp(spec));
		return 0;
	}
	let backend: Backend | undefined;
	try {
		const parsed = parseCommandArgs(spec, rest);
		const {config} = loadConfig({flags: parsed.config, env: io.env});
		secrets = configSecrets(config);
		for (const warning of config.configWarnings) io.stderr.write(`flarewatch: warning: ${warning}\n`);
		const args = parsed.args;
		spec.check?.(args);
		if (spec.mutating && config.readOnly) throw usageError(`flarewatch ${spec.name} changes the account, and the configuration is read-only; nothing was sent.`);
		const credentials = requireCredentials(config);
		backend = openBackend({
			...credentials,
			endpoint: config.endpoint,
			timeoutMs: config.timeoutMs,
			env: io.env,
			secrets,
			...(config.caFile ? {ca: readCa(config.caFile)} : {}),
		});
		// The API is known only now: a command it cannot do is refused before anything is sent.
		requireCapability(spec, backend.capabilities);
		// With a token alone the account has no email here: its rules are kept under the endpoint only.
		const registry = new FileRegistry(registryPath(auditLogPath(io.env)), accountKey(config.endpoint, credentials.email ?? ''), message => io.stderr.write(`flarewatch: warning: ${message}\n`));
		// Only `expire` audits what it sends (the console's expiries are audited; the one-shot rule commands never were).
		const audit = spec.name === 'expire' ? new FileAuditLog(auditLogPath(io.env), secrets.map(secret => secret.reveal()), message => io.stderr.write(`flarewatch: warning: ${message}\n`), {endpoint: config.endpoint, account: credentials.email ?? ''}) : undefined;
		const context = makeContext(spec, args, config, backend, registry, auditLogPath(io.env), secrets, audit);
		const result = await spec.run(context);
		const callsLeft = backend.lastCallsLeft()?.callsLeft ?? null;
		const problems = result.problems ?? [];
		// The last line before stdout: the transport already masked server text, this catches the rest.
		if (json) {
			const worst = problems.reduce<CommandProblem | undefined>((a, b) => (a && exitCodeFor(a.error.kind) >= exitCodeFor(b.error.kind) ? a : b), undefined);
			const error = worst ? {error: {...errorJson(worst.error, secrets), message: scrub(problems.map(problemText).join(' '), secrets)}} : {};
			write(scrub(jsonForTerminal({...result.json, ...error, callsLeft}), secrets));
		} else {
			if (result.lines.length > 0) write(scrub(result.lines.join('\n'), secrets));
			for (const problem of problems) io.stderr.write(`${prefix}${scrub(problemText(problem), secrets)}\n`);
		}
		return result.exitCode ?? 0;
	} catch (error) {
		return fail(error);
	} finally {
		backend?.close();
	}
}

/** `exmple.net: not a zone on this account (zone_check answered 0).` */
function problemText(problem: CommandProblem): string {
	return problem.zone === undefined ? problem.error.message : `${inert(problem.zone)}: ${problem.error.message}`;
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

function makeContext(spec: CommandSpec, args: CommandContext['args'], config: Config, backend: Backend, registry: Registry, auditFile: string, secrets: readonly Secret[], audit?: AuditSink): CommandContext {
	const zoneNames = (): ZoneRef[] => {
		if (config.zones.length === 0) throw usageError(`flarewatch ${spec.name} needs a zone; use --zone NAME or CF_ZONE.`);
		return config.zones.map(name => ({name, id: ''}));
	};
	return {
		args,
		config,
		backend,
		zoneNames,
		resolveZones: () => backend.checkZones(zoneNames().map(zone => zone.name)),
		now: () => Date.now(),
		recordRule: (ip, mode) => void registry.update(records => withOwnedRule(records, ip, mode, Date.now(), 'command')),
		registry,
		...(audit ? {audit} : {}),
		auditFile,
		secrets: secrets.map(secret => secret.reveal()),
	};
}
