/** Help texts, generated from the flag tables and the command table so they cannot drift from what is parsed. */
import {configFlags} from '../config.js';
import {flagHelp} from '../lib/args.js';
import {jsonFlag, type CommandSpec} from './spec.js';

const exitHelp = 'Exit codes: 0 success, 1 the API refused, 2 usage or validation error (nothing sent), 3 network, HTTP or decode failure, 4 rate limited. Over several zones, the highest of theirs.';

function signature(spec: CommandSpec): string {
	return `flarewatch ${spec.name}${spec.usage ? ` ${spec.usage}` : ''}`;
}

/** `(v1 only)` for a command one API lacks; the help is the same whichever API is configured. */
function apiMark(spec: CommandSpec): string {
	return spec.needs ? ` (${spec.needs.only} only)` : '';
}

/** One command's help: its own arguments and examples; the configuration flags are only named, `flarewatch --help` has them. */
export function commandHelp(spec: CommandSpec): string {
	return [
		`Usage: ${signature(spec)} [--json] [configuration flags]`,
		'',
		`${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
		...(spec.needs ? [`API ${spec.needs.only} only; on the other: ${spec.needs.missing}`] : []),
		...spec.details,
		'',
		'Flags:',
		...flagHelp([...spec.flags, jsonFlag]),
		'',
		'Examples:',
		...spec.examples.map(example => `  ${example}`),
		'',
		`Configuration flags (${configFlags.map(flag => `--${flag.name}`).join(', ')}): see flarewatch --help.`,
		exitHelp,
	].join('\n');
}

/**
 * `flarewatch --help` (and `flarewatch help`): the console's usage and flags (given by the launcher,
 * as this layer may not import the console), every command, the configuration flags once, the exit codes.
 */
export function overviewHelp(commands: readonly CommandSpec[], consoleHelp: readonly string[], version?: string): string {
	const width = Math.max(...commands.map(command => command.name.length));
	return [
		`flarewatch${version ? ` ${version}` : ''}: a terminal console for the zones of a Cloudflare account (API v4, or the v1 Client Interface API).`,
		'',
		...consoleHelp,
		'',
		'Commands (flarewatch <command> --help shows one\'s arguments and examples):',
		...commands.map(command => `  ${command.name.padEnd(width)}  ${command.summary}${apiMark(command)}`),
		'',
		'Configuration flags, for the console and every command (flags > environment > config file):',
		...flagHelp(configFlags),
		'',
		'With --json, a command prints one JSON object on stdout: its result, or {"error": {"code", "message"}}.',
		exitHelp,
	].join('\n');
}

/** `flarewatch dns` or `flarewatch rules` alone: the group's subcommands. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
	const members = commands.filter(command => command.name.startsWith(`${group} `));
	return [`Usage: flarewatch ${group} <${members.map(command => command.name.slice(group.length + 1)).join('|')}> ...`, '', ...members.map(command => `  ${signature(command)}\n      ${command.summary}${apiMark(command)}`), '', exitHelp].join('\n');
}
