/**
 * The console's own flags (the account and zones come from config.ts):
 *   --demo            run against the in-process emulator (attack scenario), even with credentials
 *   --budget N        API calls per hour for the whole account (default 300, the documented limit)
 *   --reserve N       calls per hour kept for operator actions (default 30)
 *   --scenario NAME   the demo's traffic: attack (default), calm, flood (50,000 IPs), hostile; implies --demo
 *   --no-geo          do not ask zone_ips for coordinates
 *   --fps N           redraws per second at most, 1-120 (default 30; 10 when SSH_CONNECTION is set)
 *   --no-color        monochrome screen, highlights in inverse video (also: NO_COLOR set to anything)
 *   --help            the console's usage
 */
import {FlarewatchError} from '../errors.js';

/** The emulator's traffic scenarios, for the demo. */
export type DemoScenario = 'calm' | 'attack' | 'flood' | 'hostile';
const demoScenarios: readonly DemoScenario[] = ['calm', 'attack', 'flood', 'hostile'];

export interface ConsoleArgs {
	demo: boolean;
	scenario: DemoScenario;
	budget: number;
	reserve: number;
	geo: boolean;
	help: boolean;
	/** `--fps N`; undefined: the default for the link ({@link defaultFps}). */
	fps: number | undefined;
	/** `--no-color`; NO_COLOR is read by {@link isMonochrome}. */
	noColor: boolean;
	/** Everything else, for the configuration parser. */
	rest: string[];
}

export const defaultBudget = 300;
export const defaultReserve = 30;
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

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number {
	if (value === undefined || !/^\d+$/.test(value)) throw new FlarewatchError('usage', `${name} needs a whole number.`);
	const number = Number(value);
	if (number < min || number > max) throw new FlarewatchError('usage', `${name} must be between ${min} and ${max}.`);
	return number;
}

export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
	const result: ConsoleArgs = {demo: false, scenario: 'attack', budget: defaultBudget, reserve: defaultReserve, geo: true, help: false, fps: undefined, noColor: false, rest: []};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const eq = arg.indexOf('=');
		const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		switch (name) {
			case '--demo':
				result.demo = true;
				break;
			case '--no-geo':
				result.geo = false;
				break;
			case '--no-color':
				result.noColor = true;
				break;
			case '--fps':
				result.fps = wholeNumber('--fps', inline ?? argv[++i], 1, 120);
				break;
			case '--help':
			case '-h':
				result.help = true;
				break;
			case '--scenario': {
				const value = inline ?? argv[++i];
				if (!demoScenarios.includes(value as DemoScenario)) throw new FlarewatchError('usage', `--scenario must be one of ${demoScenarios.join(', ')}.`);
				result.scenario = value as DemoScenario;
				result.demo = true;
				break;
			}
			case '--budget':
				result.budget = wholeNumber('--budget', inline ?? argv[++i], 1, 100_000);
				break;
			case '--reserve':
				result.reserve = wholeNumber('--reserve', inline ?? argv[++i], 0, 100_000);
				break;
			default:
				result.rest.push(arg);
		}
	}
	if (result.reserve >= result.budget) {
		throw new FlarewatchError('usage', `--reserve (${result.reserve}) must be less than --budget (${result.budget}), or nothing is left for polling.`);
	}
	return result;
}

export const consoleUsage = `Usage: flarewatch [--demo] [--scenario NAME] [--budget N] [--reserve N] [--no-geo] [--fps N] [--no-color] [--zone NAME ...] [--read-only]
  A live console for the zones of a Cloudflare account (v1 Client Interface API).
  Without credentials (CF_API_EMAIL + CF_API_KEY, --key-file, or the config file), or with --demo,
  it starts the built-in emulator with an attack under way.
  --budget N    API calls per hour shared by all zones (default ${defaultBudget})
  --reserve N   calls per hour kept for your actions, never used by polling (default ${defaultReserve})
  --scenario    the demo's traffic: attack (default), calm, flood (50,000 IPs), hostile
  --no-geo      do not ask for visitor coordinates
  --fps N       redraws per second at most, 1-120 (default 30; 10 when SSH_CONNECTION is set)
  --no-color    monochrome, highlights in inverse video (also when NO_COLOR is set)
  Press ? in the console for the keys. For scripts, use the one-shot commands (flarewatch help).
`;
