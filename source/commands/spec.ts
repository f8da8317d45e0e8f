/**
 * What a one-shot command is: its help, its flags, and a run function that turns parsed arguments
 * into human lines and a JSON value. Shared by every command module and by the dispatcher.
 */
import type {Backend, ZoneRef} from '../backend.js';
import type {Config} from '../config.js';
import {FlarewatchError} from '../errors.js';
import {quote} from '../lib/validate.js';

/** The streams and environment a command may touch; ProcessIo satisfies it. */
export interface CommandIo {
	env: Readonly<Record<string, string | undefined>>;
	stdout: {write(chunk: string): unknown};
	stderr: {write(chunk: string): unknown};
}

/** A flag: `boolean` (present or not), `value` (one value), `list` (repeatable, comma-separated). */
export type FlagKind = 'boolean' | 'value' | 'list';

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
}

/** Everything a running command may use. Zones are resolved lazily, after arguments were checked. */
export interface CommandContext {
	args: ParsedArgs;
	config: Config;
	backend: Backend;
	/** The configured zones with zid 0 (no call made), or a usage error when none is configured. */
	zoneNames(): ZoneRef[];
	/** The configured zones resolved with one zone_check; an inactive zone is an `api` failure. */
	resolveZones(): Promise<ZoneRef[]>;
	/** Epoch milliseconds. */
	now(): number;
	/**
	 * Notes in the rule registry that flarewatch made (or cleared) a rule on this account, so that a
	 * console's lockdown leaves it alone. A registry that cannot be written is a warning on stderr.
	 */
	recordRule(ip: string, mode: 'ban' | 'wl' | undefined): void;
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
	flags: Readonly<Record<string, FlagKind>>;
	/** Allowed number of positional arguments. */
	positionals: [min: number, max: number];
	/** Refused under read-only configuration. */
	mutating: boolean;
	/** Checks arguments before anything is sent; throws usage/validation errors. */
	check?(args: ParsedArgs): void;
	run(context: CommandContext): Promise<CommandResult>;
}

export function usageError(message: string): FlarewatchError {
	return new FlarewatchError('usage', message);
}

/** Parses the arguments after the command name against its flag table. */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
	const positionals: string[] = [];
	const flags = new Map<string, string | true | string[]>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			positionals.push(...argv.slice(i + 1));
			break;
		}
		if (!arg.startsWith('--') || arg === '-') {
			positionals.push(arg);
			continue;
		}
		const eq = arg.indexOf('=');
		const name = eq > 0 ? arg.slice(0, eq) : arg;
		// Own properties only: the flag table is a plain object, and a word must never find an inherited member.
		const kind = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
		if (kind === undefined) throw usageError(`There is no option ${quote(name)}; see flarewatch ${spec.name} --help.`);
		if (kind === 'boolean') {
			if (eq > 0) throw usageError(`${name} takes no value.`);
			flags.set(name, true);
			continue;
		}
		const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
		if (value === undefined) throw usageError(`${name} needs a value.`);
		if (kind === 'value') {
			if (flags.has(name)) throw usageError(`${name} is given twice.`);
			flags.set(name, value);
		} else {
			const list = (flags.get(name) as string[] | undefined) ?? [];
			list.push(...value.split(',').map(item => item.trim()).filter(Boolean));
			flags.set(name, list);
		}
	}
	const [min, max] = spec.positionals;
	if (positionals.length < min || positionals.length > max) {
		const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
		throw usageError(`Expected ${expected} argument${max === 1 && min === 1 ? '' : 's'} (${spec.usage || 'none'}), got ${positionals.length}; see flarewatch ${spec.name} --help.`);
	}
	return {positionals, flags};
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
