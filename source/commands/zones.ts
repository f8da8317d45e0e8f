/**
 * A command over several zones answers for each one: a zone that fails is named and the others still
 * run, so one mistyped zone in CF_ZONE does not hide the answers for the good ones. A failure of the
 * account as a whole (a wrong key, the rate limit, the API gone or out of reach) stops at once: every
 * further call would fail the same way, and spend the budget or the timeout again.
 */
import type {ZoneRef} from '../backend.js';
import {exitCodeFor, FlarewatchError, isFlarewatchError, type FailureKind} from '../errors.js';
import type {CommandContext, CommandProblem, CommandResult} from './spec.js';
import {isActiveZone} from '../backend.js';

const accountWide: ReadonlySet<FailureKind> = new Set(['auth', 'rate-limit', 'gone', 'network', 'timeout']);

/** A zone the account does not hold: what zone_check's 0 (v1), or an empty zone lookup (v4), means. */
function notAZone(ctx: CommandContext): FlarewatchError {
	return new FlarewatchError('api', `not a zone on this account${ctx.backend.capabilities.api === 'v1' ? ' (zone_check answered 0)' : ''}.`);
}

/** v4's own refusal of a zone it did not find: already the answer, no second look needed. */
const invalidZone = 'invalid-zone';

/**
 * The API refuses a call on a zone it does not know with a bare "Invalid zone."; one zone_check, made
 * only after such a refusal, tells whether the zone is the problem. Otherwise the refusal stands.
 */
async function explain(ctx: CommandContext, zone: ZoneRef, error: FlarewatchError): Promise<FlarewatchError> {
	if (error.kind !== 'api' || isActiveZone(zone)) return error;
	if (error.code === invalidZone) return notAZone(ctx);
	try {
		const [checked] = await ctx.backend.checkZones([zone.name]);
		return checked && !isActiveZone(checked) ? notAZone(ctx) : error;
	} catch {
		return error;
	}
}

/** The highest exit code of the problems: the one a script must see (0 when there are none). */
export function worstExitCode(problems: readonly CommandProblem[]): number {
	return Math.max(0, ...problems.map(problem => exitCodeFor(problem.error.kind)));
}

/**
 * Runs `action` on each zone in turn and collects lines, JSON entries (`{zone, error: {code, message}}`
 * for a zone that failed) and the problems. `resolve`: the zones are resolved first with one zone_check
 * (for calls that need the zone id), and a zone it answers 0 for is not tried. `only`: the zones it concerns.
 */
export async function eachZone(
	ctx: CommandContext,
	action: (zone: ZoneRef) => Promise<{lines: string[]; json: Record<string, unknown>}>,
	options: {resolve?: boolean; only?: (zone: ZoneRef) => boolean} = {},
): Promise<CommandResult> {
	const zones = (options.resolve ? await ctx.resolveZones() : ctx.zoneNames()).filter(options.only ?? (() => true));
	const lines: string[] = [];
	const entries: Array<Record<string, unknown>> = [];
	const problems: CommandProblem[] = [];
	let stopped: FlarewatchError | undefined;
	const notTried: string[] = [];
	for (const zone of zones) {
		if (stopped) {
			notTried.push(zone.name);
			entries.push({zone: zone.name, error: {code: stopped.kind, message: `not tried after: ${stopped.message}`}});
			continue;
		}
		let failure: FlarewatchError | undefined;
		if (options.resolve && !isActiveZone(zone)) failure = notAZone(ctx);
		else {
			try {
				const result = await action(zone);
				if (lines.length > 0 && result.lines.length > 1) lines.push('');
				lines.push(...result.lines);
				entries.push(result.json);
				continue;
			} catch (error) {
				if (!isFlarewatchError(error)) throw error;
				failure = await explain(ctx, zone, error);
			}
		}
		entries.push({zone: zone.name, error: {code: failure.kind, message: failure.message}});
		if (accountWide.has(failure.kind)) {
			stopped = failure;
			problems.push({error: failure});
		} else problems.push({zone: zone.name, error: failure});
	}
	if (stopped && notTried.length > 0) problems.push({error: new FlarewatchError(stopped.kind, `not tried: ${notTried.join(', ')}.`)});
	return {lines, json: {zones: entries}, problems, exitCode: worstExitCode(problems)};
}
