/** Help texts, generated from the command table so they cannot drift from what is parsed. */
import type {CommandSpec} from './spec.js';

const configHelp = [
	'Configuration (flags > environment > config file):',
	'  --email ADDRESS      or CF_API_EMAIL',
	'  --key-file PATH      or CF_API_KEY, or "key" in the config file (no flag takes the key itself)',
	'  --endpoint URL       or CF_API_ENDPOINT (default https://www.cloudflare.com; http:// only for loopback)',
	'  --zone NAME[,NAME]   or CF_ZONE; repeatable',
	'  --timeout SECONDS    per request (default 10)',
	'  --ca-file PATH       extra trusted certificate (PEM), e.g. the emulator\'s --tls',
	'  --config PATH        default $XDG_CONFIG_HOME/flarewatch/config.json',
	'  --read-only          refuse every command that changes the account',
	'  --json               machine-readable output',
];

const exitHelp = 'Exit codes: 0 success, 1 the API refused, 2 usage or validation error (nothing sent), 3 network, HTTP or decode failure, 4 rate limited.';

function signature(spec: CommandSpec): string {
	return `flarewatch ${spec.name}${spec.usage ? ` ${spec.usage}` : ''}`;
}

export function commandHelp(spec: CommandSpec): string {
	return [`Usage: ${signature(spec)} [--json]`, '', `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, ...spec.details, '', 'Examples:', ...spec.examples.map(example => `  ${example}`), '', ...configHelp, '', exitHelp].join('\n');
}

export function overviewHelp(commands: readonly CommandSpec[]): string {
	const width = Math.max(...commands.map(command => command.name.length));
	return [
		'Usage: flarewatch [--demo] [config flags]      open the console',
		'       flarewatch emulator [flags]             run the v1 API emulator',
		'       flarewatch <command> [args] [--json]    one-shot command:',
		'',
		...commands.map(command => `  ${command.name.padEnd(width)}  ${command.summary}`),
		'',
		'flarewatch <command> --help shows a command\'s arguments and examples.',
		'',
		...configHelp,
		'',
		exitHelp,
	].join('\n');
}

export function dnsHelp(commands: readonly CommandSpec[]): string {
	return ['Usage: flarewatch dns <list|add|edit|rm|update-ip> ...', '', ...commands.filter(command => command.name.startsWith('dns ')).map(command => `  ${signature(command)}\n      ${command.summary}`), '', exitHelp].join('\n');
}
