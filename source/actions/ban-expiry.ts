/**
 * The console's expiry runner: every few seconds of the injected clock it looks in the registry for
 * timed bans that are due, claims them under the registry's lock (so another console or `flarewatch
 * expire` on the account never clears the same one), and sends each as a `clear-rule` with `expired:
 * true` through the queue: audited, shown in the Log, counted in the budget. It never spends the calls
 * kept for the operator's actions, nor those the next poll needs; what waits for calls or failed stays
 * due and is tried again. It also follows every ban, whitelist and clear into the registry: a timed
 * ban's expiry and the address's history (escalation), an expiry dropped when the rule changes by hand.
 */
import type {Capabilities, ZoneRef} from '../backend.js';
import type {Clock, TimerId} from '../lib/clock.js';
import {formatLeft} from '../lib/duration.js';
import {canonicalIp} from '../lib/ip.js';
import {callsLeft} from '../monitor/budget.js';
import {callCost} from '../monitor/call-cost.js';
import type {MonitorEvent} from '../monitor/reduce.js';
import type {MonitorState, Store} from '../monitor/store.js';
import {adoptFromRules, banOffer, claimable, claimDue, expiryRetryMs, listedVerdict, withBanDone, withExpiryDone, withExpiryFailed, withoutExpiry, type BanOffer, type BanPolicy, type Claimant} from './bans.js';
import type {ActionQueue} from './queue.js';
import {expiryKey, processAlive, type AccountRecords, type BanExpiry, type Registry} from './registry.js';
import type {ActionEntry} from './types.js';

export interface BanExpiryOptions {
	registry: Registry;
	queue: Pick<ActionQueue, 'submit'>;
	store: Store<MonitorState, MonitorEvent>;
	clock: Clock;
	say: (level: 'info' | 'warn' | 'error', text: string) => void;
	session: string;
	policy: BanPolicy;
	capabilities: Capabilities;
	/** This process (tests give two runners different ones). */
	pid?: number;
	alive?: (pid: number) => boolean;
	/**
	 * The registry is looked at (a file read, no call) on the monitor's changes (each poll), at most this
	 * often (default 15 s), and by a timer at the next due time it knows: no timer ticks while nothing is due.
	 */
	checkEveryMs?: number;
	/** At most this many clears per check, so a backlog never crowds out the polls (default 3). */
	perCheck?: number;
}

/** What the UI asks of timed bans. */
export interface BansHandle {
	/** The duration a ban of `ip` gets now: the default, or the ladder's next step for a repeat offender. */
	offer(ip: string): BanOffer;
	/** Milliseconds until the address's timed ban ends (negative: due), or undefined when it has none. */
	timeLeft(ip: string, zone?: string): number | undefined;
	/** The configured durations. */
	readonly policy: BanPolicy;
}

export class BanExpiryRunner implements BansHandle {
	readonly policy: BanPolicy;
	readonly #options: BanExpiryOptions;
	readonly #claimant: Claimant;
	/** Queue entry id → the expiry it clears. */
	readonly #inflight = new Map<number, string>();
	readonly #claims = new Set<string>();
	#timer: TimerId | undefined;
	#timerAt = Number.POSITIVE_INFINITY;
	#running = false;
	#lastCheck = Number.NEGATIVE_INFINITY;
	#unsubscribe: (() => void) | undefined;
	#expiries: Record<string, BanExpiry> = {};
	/** The last "waiting for calls" count said, so the line is not repeated every check. */
	#waitingSaid = 0;
	#writeProblemSaid = false;

	constructor(options: BanExpiryOptions) {
		this.#options = options;
		this.policy = options.policy;
		this.#claimant = {pid: options.pid ?? process.pid, session: options.session, alive: options.alive ?? processAlive};
	}

	/** Checks at once (an expiry missed while nothing ran is done now), then on the monitor's changes and when due. */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		let listedAt = '';
		this.#unsubscribe = this.#options.store.subscribe(() => {
			// A new listing of rules (v4) may hold another machine's timed bans: read their notes at once.
			const listings = this.#options.capabilities.ruleNotes ? this.#options.store.getState().zones.map(zone => zone.rules?.at ?? 0).join(',') : '';
			const fresh = listings !== listedAt;
			listedAt = listings;
			if (fresh || this.#options.clock.now() - this.#lastCheck >= (this.#options.checkEveryMs ?? 15_000)) this.#tick();
		});
		this.#tick();
	}

	stop(): void {
		this.#running = false;
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
		this.#cancelTimer();
	}

	#cancelTimer(): void {
		if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#timerAt = Number.POSITIVE_INFINITY;
	}

	#tick(): void {
		if (!this.#running) return;
		this.#lastCheck = this.#options.clock.now();
		try {
			this.check();
		} finally {
			this.#arm();
		}
	}

	/** A timer at the next time something known falls due (or may be retried): one timer, never a ticking one. */
	#arm(): void {
		if (!this.#running) return;
		const now = this.#options.clock.now();
		const check = this.#options.checkEveryMs ?? 15_000;
		let next = Number.POSITIVE_INFINITY;
		for (const [key, expiry] of Object.entries(this.#expiries)) {
			if (this.#claims.has(key)) continue;
			// Due but waiting (for calls, or another's claim): looked at again a check later.
			const at = Math.max(expiry.until, expiry.retryAt ?? 0, expiry.claim ? expiry.claim.at + check : 0);
			next = Math.min(next, at <= now ? now + check : at);
		}
		if (next === this.#timerAt) return;
		this.#cancelTimer();
		if (!Number.isFinite(next)) return;
		this.#timerAt = next;
		this.#timer = this.#options.clock.setTimeout(() => {
			this.#timer = undefined;
			this.#timerAt = Number.POSITIVE_INFINITY;
			this.#tick();
		}, Math.max(0, next - now));
	}

	offer(ip: string): BanOffer {
		return banOffer(this.#options.registry.read(), ip, this.policy, this.#options.clock.now());
	}

	timeLeft(ip: string, zone?: string): number | undefined {
		const key = expiryKey(canonicalIp(ip) ?? ip, this.#options.capabilities.ruleScope === 'zone' ? zone : undefined);
		return Object.hasOwn(this.#expiries, key) ? (this.#expiries[key] as BanExpiry).until - this.#options.clock.now() : undefined;
	}

	/** One look: adopt what the listed notes say (v4), then claim and send what is due and affordable. Returns how many were sent. */
	check(): number {
		const {registry, clock, store} = this.#options;
		const now = clock.now();
		const state = store.getState();
		this.#adopt(state);
		const records = registry.read();
		this.#expiries = records.expiries ?? {};
		const due = Object.entries(this.#expiries).filter(([key, expiry]) => claimable(expiry, now, this.#claimant, this.#claims, key));
		if (due.length === 0) {
			this.#waitingSaid = 0;
			return 0;
		}
		const affordable = Math.min(this.#options.perCheck ?? 3, this.#affordable(state, now));
		if (affordable <= 0) {
			if (this.#waitingSaid !== due.length) this.#options.say('warn', `${due.length} timed ban${due.length === 1 ? ' is' : 's are'} due: waiting for calls (the reserve stays for your actions); ${due.length === 1 ? 'it stays' : 'they stay'} due`);
			this.#waitingSaid = due.length;
			return 0;
		}
		this.#waitingSaid = 0;
		let claimed: Array<[string, BanExpiry]> = [];
		try {
			this.#write(current => {
				const result = claimDue(current, now, this.#claimant, affordable, this.#claims);
				claimed = result.claimed;
				return result.records;
			}, true);
		} catch (error) {
			if (!this.#writeProblemSaid) this.#options.say('warn', `Timed bans due are not cleared: ${error instanceof Error ? error.message : String(error)}; tried again later`);
			this.#writeProblemSaid = true;
			return 0;
		}
		this.#writeProblemSaid = false;
		let sent = 0;
		for (const [key, expiry] of claimed) {
			const zone = expiry.zone ? state.zones.find(candidate => candidate.name === expiry.zone?.name) : undefined;
			const verdict = this.#options.capabilities.ruleListing && zone?.rules ? listedVerdict(expiry, zone.rules.list, zone.rules.at) : 'send';
			if (verdict === 'gone') {
				this.#write(current => withExpiryDone(current, key, now));
				this.#options.say('info', `The timed ban of ${expiry.ip}${expiry.zone ? ` on ${expiry.zone.name}` : ''} was due and is gone already: nothing sent`);
				continue;
			}
			if (verdict === 'replaced') {
				this.#write(current => withoutExpiry(withExpiryDone(current, key, now), expiry.ip, expiry.zone?.name));
				this.#options.say('warn', `The timed ban of ${expiry.ip} on ${expiry.zone?.name ?? ''} was due, but its rule was changed elsewhere: left as it is, nothing sent`);
				continue;
			}
			const zoneRef: ZoneRef | undefined = expiry.zone ? {name: expiry.zone.name, id: expiry.zone.id || zone?.id || ''} : undefined;
			const entry = this.#options.queue.submit({kind: 'clear-rule', ip: expiry.ip, expired: true, ...(zoneRef ? {zone: zoneRef} : {})});
			this.#inflight.set(entry.id, key);
			this.#claims.add(key);
			sent++;
		}
		this.#expiries = registry.read().expiries ?? {};
		return sent;
	}

	/** How many clears the window's calls allow now, after the reserve and the next poll's calls. */
	#affordable(state: MonitorState, now: number): number {
		if (state.rateLimitedUntil !== undefined && state.rateLimitedUntil > now) return 0;
		const cost = callCost(this.#options.capabilities.api, 'clearRule').calls;
		const spare = callsLeft(state.policy, state.ledger, now, state.serverCallsLeft) - state.policy.reserve - state.pollCost.calls;
		return Math.floor(spare / cost);
	}

	/** APIs whose rules carry notes: timed bans in the listed rules the registry lacks (another machine's). */
	#adopt(state: MonitorState): void {
		if (!this.#options.capabilities.ruleNotes) return;
		const listed = state.zones.filter(zone => zone.rules && zone.rules.at > 0 && zone.id !== '');
		if (listed.length === 0) return;
		const adopt = (records: AccountRecords): AccountRecords => listed.reduce((next, zone) => adoptFromRules(next, {name: zone.name, id: zone.id}, zone.rules?.list ?? [], this.#options.clock.now()), records);
		const before = this.#options.registry.read();
		if (adopt(before) === before) return;
		const after = this.#write(adopt);
		const found = Object.keys(after.expiries ?? {}).length - Object.keys(before.expiries ?? {}).length;
		if (found > 0) this.#options.say('info', `${found} timed ban${found === 1 ? '' : 's'} found in the rules' notes (made elsewhere): cleared when due`);
	}

	/** Each answer of the queue: expiries carried out or failed, and bans, whitelists and clears by hand into the registry. */
	onEntries(changed: readonly ActionEntry[]): void {
		const now = this.#options.clock.now();
		for (const entry of changed) {
			if (entry.state === 'pending' || entry.state === 'sent') continue;
			const key = this.#inflight.get(entry.id);
			if (key !== undefined) {
				this.#inflight.delete(entry.id);
				this.#claims.delete(key);
				if (entry.state === 'done') this.#write(records => withExpiryDone(records, key, now));
				else if (entry.state === 'failed') {
					this.#write(records => withExpiryFailed(records, key, this.#options.session, now, entry.message ?? 'failed'));
					this.#options.say('warn', `Expired ban of ${'ip' in entry.request ? entry.request.ip : ''} not cleared (${entry.message ?? 'failed'}): still due, retried in ${formatLeft(expiryRetryMs)}`);
				}
				// Outcome unknown (a quit mid-send): the claim stays; the next start takes it over and sends the clear again.
				continue;
			}
			if (entry.state !== 'done' || entry.batch !== undefined) continue;
			const request = entry.request;
			if (request.kind === 'ban') this.#write(records => withBanDone(records, {...request, ...(request.zone ? {zone: {name: request.zone.name, id: request.zone.id}} : {})}, entry.updatedAt, this.policy));
			else if (request.kind === 'whitelist' || request.kind === 'clear-rule' || request.kind === 'challenge') this.#write(records => withoutExpiry(records, request.ip, this.#zoneName(request.zone)));
			else if (request.kind === 'rule-delete' && request.rule.target === 'ip') this.#write(records => withoutExpiry(records, request.rule.value, this.#zoneName(request.zone)));
		}
		this.#expiries = this.#options.registry.read().expiries ?? {};
		this.#arm();
	}

	#zoneName(zone: ZoneRef | undefined): string | undefined {
		return this.#options.capabilities.ruleScope === 'zone' ? zone?.name : undefined;
	}

	#write(change: (records: AccountRecords) => AccountRecords, strict = false): AccountRecords {
		const {registry} = this.#options;
		return strict && registry.updateOrThrow ? registry.updateOrThrow(change) : registry.update(change);
	}
}
