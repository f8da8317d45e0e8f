/** Help texts, generated from the flag tables and the command table so they cannot drift from what is parsed. */
import {configFlags} from '../config.js';
import {flagHelp} from '../lib/args.js';
import {jsonFlag, type CommandSpec} from './spec.js';

const exitHelp = 'Exit codes: 0 success, 1 the API refused, 2 usage or validation error (nothing sent), 3 network, HTTP or decode failure, 4 rate limited. Over several zones, the highest of theirs.';

function signature(spec: CommandSpec): string {
	return `flarewatch ${spec.name}${spec.usage ? ` ${spec.usage}` : ''}`;
}

/** One command's help: its own arguments and examples; the configuration flags are only named, `flarewatch --help` has them. */
export function commandHelp(spec: CommandSpec): string {
	return [
		`Usage: ${signature(spec)} [--json] [configuration flags]`,
		'',
		`${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
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
		`flarewatch${version ? ` ${version}` : ''}: a terminal console for the zones of a Cloudflare account (v1 Client Interface API).`,
		'',
		...consoleHelp,
		'',
		'Commands (flarewatch <command> --help shows one\'s arguments and examples):',
		...commands.map(command => `  ${command.name.padEnd(width)}  ${command.summary}`),
		'',
		'Configuration flags, for the console and every command (flags > environment > config file):',
		...flagHelp(configFlags),
		'',
		'With --json, a command prints one JSON object on stdout: its result, or {"error": {"code", "message"}}.',
		exitHelp,
	].join('\n');
}

export function dnsHelp(commands: readonly CommandSpec[]): string {
	return ['Usage: flarewatch dns <list|add|edit|rm|update-ip> ...', '', ...commands.filter(command => command.name.startsWith('dns ')).map(command => `  ${signature(command)}\n      ${command.summary}`), '', exitHelp].join('\n');
}
