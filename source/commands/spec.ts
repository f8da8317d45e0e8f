/**
 * What a one-shot command is: its help, its flags, and a run function that turns parsed arguments
 * into human lines and a JSON value. Shared by every command module and by the dispatcher.
 */
import type {ApiName, Backend, Capabilities, ZoneRef} from '../backend.js';
import {asUsageError, configFlags, configFromValues, refusedKeyFlags, type Config, type ConfigFlags} from '../config.js';
import {FlarewatchError} from '../errors.js';
import {parseFlags, type Flag} from '../lib/args.js';
import {quote} from '../lib/validate.js';
import type {AuditSink} from '../actions/audit-log.js';
import type {Registry} from '../actions/registry.js';

/** The streams and environment a command may touch; ProcessIo satisfies it. */
export interface CommandIo {
	env: Readonly<Record<string, string | undefined>>;
	stdout: {write(chunk: string): unknown};
	stderr: {write(chunk: string): unknown};
}

/** Parsed command line of one command. */
export interface ParsedArgs {
	positionals: string[];
	flags: Map<string, string | true | string[]>;
}

/** What a command hands back: lines for people, a value for --json. */
export interface CommandResult {
	lines: string[];
	json: Record<string, unknown>;
	/** Exit code when not 0 (e.g. a DIUP host refused). */
	exitCode?: number;
	/** What failed while others went on (a zone of several): one stderr line each, and `error` in the JSON. */
	problems?: CommandProblem[];
}

/** A failure of one part of a command (a zone), the rest of which ran. */
export interface CommandProblem {
	/** The zone it concerns; absent for the account as a whole (a wrong key, the rate limit). */
	zone?: string;
	error: FlarewatchError;
}

/** Everything a running command may use. Zones are resolved lazily, after arguments were checked. */
export interface CommandContext {
	args: ParsedArgs;
	config: Config;
	backend: Backend;
	/** The configured zones with id '' (no call made), or a usage error when none is configured. */
	zoneNames(): ZoneRef[];
	/** The configured zones resolved with one zone_check; a zone not on the account has id ''. */
	resolveZones(): Promise<ZoneRef[]>;
	/** Epoch milliseconds. */
	now(): number;
	/**
	 * Notes in the rule registry that flarewatch made (or cleared) a rule on this account, so that a
	 * console's lockdown leaves it alone. A registry that cannot be written is a warning on stderr.
	 */
	recordRule(ip: string, mode: 'ban' | 'wl' | undefined): void;
	/** The rule registry of this account (timed bans' expiries, `flarewatch expire`). */
	registry: Registry;
	/** The audit log (`flarewatch expire` records what it clears, as the console does). */
	audit?: AuditSink;
	/** The audit log this account's actions are recorded in (the incident report reads it). */
	auditFile: string;
	/** The key and token, to scrub from files a command writes (the incident report). */
	secrets: readonly string[];
}

/** A command's description and behaviour. */
export interface CommandSpec {
	/** e.g. `stats` or `dns add`. */
	name: string;
	summary: string;
	/** Arguments after the name, e.g. `<help|high|med|low|eoff>`. */
	usage: string;
	/** Longer help lines (what it does, what --json holds). */
	details: string[];
	examples: string[];
	/** Its own flags (the configuration flags and --json come with every command). */
	flags: readonly Flag[];
	/** Allowed number of positional arguments. */
	positionals: [min: number, max: number];
	/** Refused under read-only configuration. */
	mutating: boolean;
	/** What the API must be able to do; a backend without it refuses the command before anything is sent. */
	needs?: CommandNeed;
	/** Checks arguments before anything is sent; throws usage/validation errors. */
	check?(args: ParsedArgs): void;
	run(context: CommandContext): Promise<CommandResult>;
}

/**
 * What a command needs of the API, read from the backend's capabilities once the configuration has
 * chosen the API (so only in the runner, never in the help, which is the same for both).
 */
export interface CommandNeed {
	available(capabilities: Capabilities): boolean;
	/** The API that has it, for the help's "v1 only" / "v4 only". */
	only: ApiName;
	/** Said when it is missing: what the API lacks, then what to use instead. */
	missing: string;
}

/** A need on one of the capabilities' switches. */
export function needsCapability(capability: {[K in keyof Capabilities]: Capabilities[K] extends boolean ? K : never}[keyof Capabilities], only: ApiName, missing: string): CommandNeed {
	return {available: capabilities => capabilities[capability], only, missing};
}

/** Refuses (exit 2, nothing sent) a command the backend's API cannot do. */
export function requireCapability(spec: CommandSpec, capabilities: Capabilities): void {
	if (spec.needs && !spec.needs.available(capabilities)) {
		throw usageError(`${spec.needs.missing} Nothing was sent.`);
	}
}

export function usageError(message: string): FlarewatchError {
	return new FlarewatchError('usage', message);
}

/** Every command's --json. With it, an error is a JSON object on stdout too. */
export const jsonFlag: Flag = {name: 'json', description: 'machine-readable output on stdout; an error too, as {"error": {"code", "message"}}'};
export const helpFlag: Flag = {name: 'help', short: 'h', description: "this command's help"};

/** A command's line: its own flags, --json, --help and the configuration flags, in one table. */
export function commandFlags(spec: CommandSpec): Flag[] {
	return [...spec.flags, jsonFlag, helpFlag, ...configFlags];
}

/** Parses the arguments after the command name: its flags, the configuration flags and its positionals. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): {args: ParsedArgs; config: ConfigFlags} {
	let parsed;
	try {
		parsed = parseFlags(argv, commandFlags(spec), {helpHint: `flarewatch ${spec.name} --help`, refused: refusedKeyFlags});
	} catch (error) {
		throw asUsageError(error);
	}
	const {values, positionals} = parsed;
	const flags = new Map<string, string | true | string[]>();
	for (const flag of spec.flags) {
		const value = values.get(flag.name);
		if (value !== undefined) flags.set(`--${flag.name}`, value);
	}
	const [min, max] = spec.positionals;
	if (positionals.length < min || positionals.length > max) {
		const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
		throw usageError(`Expected ${expected} argument${max === 1 && min === 1 ? '' : 's'} (${spec.usage || 'none'}), got ${positionals.length}; see flarewatch ${spec.name} --help.`);
	}
	return {args: {positionals, flags}, config: configFromValues(values)};
}

/** A `value` flag, or undefined. */
export function flagValue(args: ParsedArgs, name: string): string | undefined {
	const value = args.flags.get(name);
	return typeof value === 'string' ? value : undefined;
}

export function flagSet(args: ParsedArgs, name: string): boolean {
	return args.flags.get(name) === true;
}

/** Maps `on`/`off` (and 1/0) to a boolean, or a usage error. */
export function onOff(value: string, what: string): boolean {
	if (value === 'on' || value === '1') return true;
	if (value === 'off' || value === '0') return false;
	throw new FlarewatchError('validation', `Invalid ${what}: ${quote(value, 20)} is not on or off.`, {field: what});
}
