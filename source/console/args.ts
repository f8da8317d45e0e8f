/**
 * The console's own flags, one table (`consoleFlags`) from which they are parsed and their help is made;
 * the account and zones are config.ts's flags, parsed in the same pass.
 */
import {asUsageError, configFlags, configFromValues, refusedKeyFlags, type ConfigFlags} from '../config.js';
import {FlarewatchError} from '../errors.js';
import {flagHelp, parseFlags, type Flag} from '../lib/args.js';
import {quote} from '../lib/validate.js';

/** The emulator's traffic scenarios, for the demo. */
export type DemoScenario = 'calm' | 'attack' | 'flood' | 'hostile';
const demoScenarios: readonly DemoScenario[] = ['calm', 'attack', 'flood', 'hostile'];

export interface ConsoleArgs {
	demo: boolean;
	scenario: DemoScenario;
	/** `--budget N`: calls per the API's window; undefined: the API's own limit. */
	budget: number | undefined;
	/** `--reserve N`: calls per window kept for actions; undefined: a tenth of the limit. */
	reserve: number | undefined;
	geo: boolean;
	help: boolean;
	/** `--fps N`; undefined: the default for the link ({@link defaultFps}). */
	fps: number | undefined;
	/** `--no-color`; NO_COLOR is read by {@link isMonochrome}. */
	noColor: boolean;
	version: boolean;
	/** The configuration flags (config.ts). */
	config: ConfigFlags;
}

/** Redraws per second on a local terminal (Ink's own default). */
export const localFps = 30;
/** Redraws per second over SSH: a countdown or a poll still shows at once, a burst of keys costs a third of the bytes. */
export const sshFps = 10;

/** The redraw cap: `--fps` if given, else 10 over SSH (SSH_CONNECTION set), else 30. */
export function defaultFps(args: Pick<ConsoleArgs, 'fps'>, env: Readonly<Record<string, string | undefined>>): number {
	return args.fps ?? (env.SSH_CONNECTION ? sshFps : localFps);
}

/** Monochrome when `--no-color` is given or NO_COLOR is set to a non-empty value (https://no-color.org). */
export function isMonochrome(args: Pick<ConsoleArgs, 'noColor'>, env: Readonly<Record<string, string | undefined>>): boolean {
	return args.noColor || (env.NO_COLOR ?? '') !== '';
}

/** The console's flags; `flarewatch --help` shows them with the commands and the configuration flags. */
export const consoleFlags: readonly Flag[] = [
	{name: 'demo', description: 'run against the built-in emulator with an attack under way, even when an account is configured'},
	{name: 'scenario', value: 'NAME', default: 'attack', description: `the demo's traffic: ${demoScenarios.join(', ')} (flood: 50,000 addresses); implies --demo`},
	{name: 'budget', value: 'N', default: "the API's: v1 300 an hour, v4 1200 per 5 min", description: "API calls per the API's window, all zones together (v4: GraphQL included)"},
	{name: 'reserve', value: 'N', default: 'a tenth: 30 on v1, 120 on v4', description: 'calls per window kept for your actions, never used by polling'},
	{name: 'no-geo', description: 'do not ask for visitor coordinates'},
	{name: 'fps', value: 'N', default: `${localFps}; ${sshFps} when SSH_CONNECTION is set`, description: 'redraws per second at most, 1-120'},
	{name: 'no-color', env: 'NO_COLOR', description: 'monochrome, highlights in inverse video'},
	{name: 'help', short: 'h', description: 'this help'},
	{name: 'version', short: 'v', description: "flarewatch's version"},
];

function wholeNumber(name: string, value: string, min: number, max: number): number {
	if (!/^\d+$/.test(value)) throw new FlarewatchError('usage', `${name} needs a whole number, not ${quote(value, 20)}.`);
	const number = Number(value);
	if (number < min || number > max) throw new FlarewatchError('usage', `${name} must be between ${min} and ${max}.`);
	return number;
}

/** Parses the console's flags and the configuration flags; a word that is not a flag is refused. */
export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
	let parsed;
	try {
		parsed = parseFlags(argv, [...consoleFlags, ...configFlags], {helpHint: 'flarewatch --help', refused: refusedKeyFlags});
	} catch (error) {
		throw asUsageError(error);
	}
	const {values, positionals} = parsed;
	const value = (name: string) => {
		const given = values.get(name);
		return typeof given === 'string' ? given : undefined;
	};
	const help = values.get('help') === true;
	const version = values.get('version') === true;
	if (positionals.length > 0 && !help && !version) {
		throw new FlarewatchError('usage', `The console takes no argument ${quote(positionals[0]!, 40)}; a command comes first (flarewatch stats --zone NAME); see flarewatch --help.`);
	}
	const scenario = value('scenario');
	if (scenario !== undefined && !demoScenarios.includes(scenario as DemoScenario)) throw new FlarewatchError('usage', `--scenario must be one of ${demoScenarios.join(', ')}, not ${quote(scenario, 20)}.`);
	const budget = value('budget');
	const reserve = value('reserve');
	const fps = value('fps');
	const result: ConsoleArgs = {
		demo: values.get('demo') === true || scenario !== undefined,
		scenario: (scenario as DemoScenario | undefined) ?? 'attack',
		budget: budget === undefined ? undefined : wholeNumber('--budget', budget, 1, 100_000),
		reserve: reserve === undefined ? undefined : wholeNumber('--reserve', reserve, 0, 100_000),
		geo: values.get('no-geo') !== true,
		help,
		version,
		fps: fps === undefined ? undefined : wholeNumber('--fps', fps, 1, 120),
		noColor: values.get('no-color') === true,
		config: configFromValues(values),
	};
	// With one of them left to the API's defaults, the monitor checks the pair once the API is known.
	if (result.reserve !== undefined && result.budget !== undefined && result.reserve >= result.budget) {
		throw new FlarewatchError('usage', `--reserve (${result.reserve}) must be less than --budget (${result.budget}), or nothing is left for polling.`);
	}
	return result;
}

/** The console's part of `flarewatch --help`: its usage and flags. */
export function consoleHelp(): string[] {
	return [
		'Usage: flarewatch [flags]                      the console: a live view of the zones, keys to act',
		'       flarewatch <command> [args] [--json]    a one-shot command, for scripts',
		'       flarewatch emulator [flags]             the API emulator, v1 and v4 (flarewatch emulator --help)',
		'',
		'Without credentials (an API token: CF_API_TOKEN or --token-file; or CF_API_EMAIL with CF_API_KEY or',
		'--key-file; or the config file), or with --demo, the console starts the built-in emulator with an',
		'attack under way, on the API chosen (--demo --api v4: its v4 face). Press ? in it for the keys.',
		'',
		'Console flags:',
		...flagHelp(consoleFlags),
	];
}
