/**
 * `flarewatch expire`: clears the timed bans that are due on the configured account and exits, for cron
 * or a systemd timer when no console runs. Each is claimed under the registry's lock first, so a
 * console running meanwhile (or a second `expire`) never clears the same ban; a claim left by a killed
 * process is taken over. On API v4 the configured zones' rules are listed first and our timed bans are
 * found by their notes too (made on another machine). It stops before the calls kept in reserve, and
 * a ban that fails stays due for the next run.
 */
import {adoptFromRules, claimable, claimDue, listedVerdict, withExpiryDone, withExpiryFailed} from '../actions/bans.js';
import {processAlive, type AccountRecords, type BanExpiry} from '../actions/registry.js';
import type {AccessRule, ZoneRef} from '../backend.js';
import {exitCodeFor, FlarewatchError, isFlarewatchError} from '../errors.js';
import {inert} from '../lib/format.js';
import {flagSet, type CommandContext, type CommandProblem, type CommandResult, type CommandSpec} from './spec.js';

interface Shown {
	ip: string;
	zone?: string;
	until: string;
}

function shown(expiry: BanExpiry): Shown {
	return {ip: expiry.ip, ...(expiry.zone ? {zone: expiry.zone.name} : {}), until: new Date(expiry.until).toISOString()};
}

function where(expiry: BanExpiry): string {
	return `${expiry.ip}${expiry.zone ? ` on ${inert(expiry.zone.name)}` : ''}`;
}

/** The calls kept for the operator: a tenth of what the server said was left at most, as the console's reserve. */
function reserveReached(ctx: CommandContext): boolean {
	const left = ctx.backend.lastCallsLeft();
	return left !== undefined && left.callsLeft <= Math.ceil(ctx.backend.capabilities.limits.calls / 10);
}

export const expireCommand: CommandSpec = {
	name: 'expire',
	summary: 'clear the timed bans that are due (for cron or a systemd timer)',
	usage: '[--dry-run]',
	details: [
		'Clears what is due on the configured account and exits; a running console does the same by itself. Safe beside consoles and other runs: each ban is cleared once.',
		'API v4: the configured zones’ rules are listed, and timed bans found by their notes (made elsewhere) are cleared too.',
		'Exit 0 when every due ban was cleared (or none was due); otherwise the worst failure’s code, as the other commands (at least 1): what failed stays due for the next run.',
		'JSON: {cleared: [{ip, zone?, until}], failed: [{ip, zone?, until, error}], waiting: [{ip, zone?, until}], dryRun}; with --dry-run also due: [...] (nothing cleared).',
	],
	examples: ['flarewatch expire', 'flarewatch expire --dry-run --json', '*/5 * * * * flarewatch expire   (crontab)'],
	flags: [{name: 'dry-run', description: 'say what is due, send nothing'}],
	positionals: [0, 0],
	mutating: true,
	async run(ctx) {
		const dryRun = flagSet(ctx.args, '--dry-run');
		const now = ctx.now();
		const problems: CommandProblem[] = [];
		const listings = new Map<string, {rules: readonly AccessRule[]; at: number}>();
		// v4: our timed bans are in the rules' notes; another machine's too.
		if (ctx.backend.capabilities.ruleNotes && ctx.backend.listRules && ctx.config.zones.length > 0) {
			for (const zone of await ctx.resolveZones()) {
				if (zone.id === '') continue;
				try {
					const listed = await ctx.backend.listRules(zone);
					listings.set(zone.name, {rules: listed.rules, at: ctx.now()});
					if (!dryRun) ctx.registry.update(records => adoptFromRules(records, zone, listed.rules, now));
				} catch (error) {
					if (!isFlarewatchError(error)) throw error;
					problems.push({zone: zone.name, error});
				}
			}
		}
		const session = `expire-${process.pid}-${new Date(now).toISOString()}`;
		const claimant = {pid: process.pid, session, alive: processAlive};
		const records = ctx.registry.read();
		const adoptedForDryRun = dryRun ? [...listings].reduce<AccountRecords>((next, [name, listed]) => adoptFromRules(next, {name, id: ''}, listed.rules, now), records) : records;
		const all = Object.entries(adoptedForDryRun.expiries ?? {});
		const waiting = all.filter(([, expiry]) => expiry.until > now).map(([, expiry]) => expiry);
		if (dryRun) {
			const due = all.filter(([key, expiry]) => claimable(expiry, now, claimant, new Set(), key)).map(([, expiry]) => expiry);
			const lines = [...due.map(expiry => `${where(expiry)}: due since ${shown(expiry).until}; would be cleared.`), `${due.length} due, ${waiting.length} not yet; nothing was sent (--dry-run).`];
			return {lines, json: {cleared: [], failed: [], due: due.map(shown), waiting: waiting.map(shown), dryRun: true}, ...(problems.length > 0 ? {problems, exitCode: 1} : {})};
		}
		let claimed: Array<[string, BanExpiry]> = [];
		try {
			ctx.registry.updateOrThrow!(current => {
				const result = claimDue(current, now, claimant, Number.POSITIVE_INFINITY);
				claimed = result.claimed;
				return result.records;
			});
		} catch (error) {
			throw new FlarewatchError('usage', `${error instanceof Error ? error.message : String(error)}; nothing was sent.`);
		}
		const cleared: Shown[] = [];
		const failed: Array<Shown & {error: string}> = [];
		const lines: string[] = [];
		let stop: string | undefined;
		let id = 0;
		for (const [key, expiry] of claimed) {
			const listing = expiry.zone ? listings.get(expiry.zone.name) : undefined;
			const verdict = listing ? listedVerdict(expiry, listing.rules, listing.at) : 'send';
			if (verdict !== 'send') {
				ctx.registry.update(current => withExpiryDone(current, key, ctx.now()));
				lines.push(`${where(expiry)}: ${verdict === 'gone' ? 'no rule any more; nothing to clear' : 'its rule was changed elsewhere; left as it is'}.`);
				continue;
			}
			if (stop === undefined && reserveReached(ctx)) stop = 'the calls left are the reserve kept for actions';
			if (stop !== undefined) {
				ctx.registry.update(current => withExpiryFailed(current, key, session, ctx.now(), `not sent: ${stop}`));
				failed.push({...shown(expiry), error: `not sent: ${stop}`});
				continue;
			}
			const zone: ZoneRef | undefined = expiry.zone;
			const params = {ip: expiry.ip, ...(zone ? {zone: zone.name} : {}), expired: true};
			const audit = (outcome: 'sending' | 'done' | 'failed', error?: string) => ctx.audit?.write({time: new Date(ctx.now()).toISOString(), id, session, ...(zone ? {zone: zone.name} : {}), action: 'clear-rule', params, outcome, ...(error ? {error} : {})});
			id++;
			const problem = audit('sending');
			if (problem) {
				ctx.registry.update(current => withExpiryFailed(current, key, session, ctx.now(), `not sent: ${problem}`));
				failed.push({...shown(expiry), error: `not sent: ${problem}`});
				continue;
			}
			try {
				await ctx.backend.clearRule(expiry.ip, zone ? {zone} : {});
				audit('done');
				ctx.registry.update(current => withExpiryDone(current, key, ctx.now()));
				cleared.push(shown(expiry));
				lines.push(`${where(expiry)}: expired ban cleared (due ${shown(expiry).until}).`);
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				audit('failed', message);
				ctx.registry.update(current => withExpiryFailed(current, key, session, ctx.now(), message));
				failed.push({...shown(expiry), error: message});
				problems.push({...(zone ? {zone: zone.name} : {}), error: isFlarewatchError(error) ? error : new FlarewatchError('api', message)});
				if (isFlarewatchError(error) && error.kind === 'rate-limit') stop = 'the API call limit is reached';
			}
		}
		for (const failure of failed.filter(entry => entry.error.startsWith('not sent'))) lines.push(`${failure.ip}${failure.zone ? ` on ${inert(failure.zone)}` : ''}: ${failure.error}; it stays due.`);
		const next = waiting.reduce<number | undefined>((soonest, expiry) => (soonest === undefined || expiry.until < soonest ? expiry.until : soonest), undefined);
		lines.push(`${cleared.length} cleared, ${failed.length} failed (they stay due), ${waiting.length} not due yet${next === undefined ? '' : ` (next ${new Date(next).toISOString()})`}.`);
		const result: CommandResult = {lines, json: {cleared, failed, waiting: waiting.map(shown), dryRun: false}};
		if (problems.length > 0 || failed.length > 0) {
			result.problems = problems;
			// As the other commands: the worst failure's exit code (a ban only held back for the reserve: 1).
			result.exitCode = Math.max(1, ...problems.map(problem => exitCodeFor(problem.error.kind)));
		}
		return result;
	},
};
