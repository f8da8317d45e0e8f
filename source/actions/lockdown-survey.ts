/**
 * A zone's rules as a lockdown needs them on APIs that list rules (v4): listed right before the preview
 * or the undo, since which IPs have a rule already and which lockdowns exist (found by their notes,
 * whoever's machine made them) may have changed since anyone last looked. The monitor's own listing
 * serves when it is recent and no rule of ours changed since; otherwise `L` asks for one (a request per
 * page of the zone's rules and of the account's), shared with the Rules view, and the console opens L's
 * dialog when it arrives.
 */
import type {AccessRule, Backend, ZoneRef} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import type {MonitorEvent} from '../monitor/reduce.js';
import {rulesListingExtra} from '../monitor/call-cost.js';
import {describeFailure} from '../monitor/poller.js';
import type {MonitorState, Store} from '../monitor/store.js';
import {callRefusal} from './rules.js';

/** How long a listing answers for the zone's rules, unless one of our rule changes came in between. */
export const surveyFreshMs = 30_000;

interface Survey {
	at: number;
	/** The count of our rule changes when it was asked for: one more since, and it is out of date. */
	changes: number;
	rules: readonly AccessRule[];
}

export interface RuleSurveyOptions {
	backend: Backend;
	clock: Clock;
	store: Store<MonitorState, MonitorEvent>;
	say(level: 'info' | 'warn' | 'error', text: string): void;
	/** The listing asked for arrived: the keeper says what it found. */
	listed(zone: ZoneRef, rules: readonly AccessRule[]): void;
	/** Any listing of the zone's rules reached the store (ours or the monitor's). */
	seen(zoneName: string, rules: readonly AccessRule[]): void;
}

export class RuleSurvey {
	readonly #options: RuleSurveyOptions;
	readonly #surveys = new Map<string, Survey>();
	readonly #listing = new Set<string>();
	readonly #ready = new Set<string>();
	/** Our rule changes so far, and when the last one came (the monitor's own listings are dated only). */
	#changes = 0;
	#changedAt = Number.NEGATIVE_INFINITY;

	constructor(options: RuleSurveyOptions) {
		this.#options = options;
		const seen = new Map<string, readonly AccessRule[]>();
		options.store.subscribe(() => {
			for (const zone of options.store.getState().zones) {
				const list = zone.rules?.list;
				if (!list || seen.get(zone.name) === list) continue;
				seen.set(zone.name, list);
				options.seen(zone.name, list);
			}
		});
	}

	/** The zone's rules listed lately (ours, or the monitor's own listing), or undefined. */
	fresh(zoneName: string): readonly AccessRule[] | undefined {
		const now = this.#options.clock.now();
		const ours = this.#surveys.get(zoneName);
		const shared = this.#options.store.getState().zones.find(zone => zone.name === zoneName)?.rules;
		if (shared && !shared.loading && shared.error === undefined && shared.at > this.#changedAt && now - shared.at < surveyFreshMs && (!ours || shared.at > ours.at)) return shared.list;
		return ours && ours.changes === this.#changes && now - ours.at < surveyFreshMs ? ours.rules : undefined;
	}

	/** The last listing, however old (an undo with no fresh one removes what it found then, by id). */
	latest(zoneName: string): readonly AccessRule[] | undefined {
		return this.fresh(zoneName) ?? this.#surveys.get(zoneName)?.rules;
	}

	/** A rule of ours was made or removed: the next lockdown or undo lists again. */
	changed(): void {
		this.#changes++;
		this.#changedAt = this.#options.clock.now();
	}

	/** True when a fresh listing is at hand; otherwise asks for one (false), and `takeReady` says when it came. */
	request(zone: ZoneRef): boolean {
		if (this.fresh(zone.name)) return true;
		if (this.#listing.has(zone.name)) {
			this.#options.say('info', `Still listing the rules of ${zone.name}…`);
			return false;
		}
		const {backend, clock, store, say} = this.#options;
		const refusal = callRefusal(store.getState(), clock.now(), `the rules of ${zone.name} were not listed, so no lockdown can be planned or undone`);
		if (refusal || !backend.listRules) {
			say('warn', refusal ?? `${backend.capabilities.api} cannot list rules`);
			return false;
		}
		this.#listing.add(zone.name);
		const changes = this.#changes;
		say('info', `Listing the rules of ${zone.name} first (a lockdown's rules are found by their notes)…`);
		backend.listRules(zone).then(
			list => {
				this.#listing.delete(zone.name);
				this.#surveys.set(zone.name, {at: clock.now(), changes, rules: list.rules});
				// Counted as the monitor counts its own listings (each page a request), and shown in the Rules view.
				const extra = rulesListingExtra(list);
				if (extra.calls > 0) store.dispatch({type: 'call', at: clock.now(), cost: extra});
				store.dispatch({type: 'rules-loaded', zone: zone.name, at: clock.now(), list: list.rules, ...(list.accountUnavailable === undefined ? {} : {accountUnavailable: list.accountUnavailable})});
				this.#ready.add(zone.name);
				this.#options.listed(zone, list.rules);
				if (list.accountUnavailable) say('warn', `The account's rules could not be listed (${list.accountUnavailable}): only ${zone.name}'s are checked`);
			},
			(error: unknown) => {
				this.#listing.delete(zone.name);
				say('error', `The rules of ${zone.name} could not be listed: ${describeFailure(error, clock.now()).message}. L tries again.`);
			},
		);
		return false;
	}

	/**
	 * True once after a listing asked for by `request` arrived: the console then opens L's dialog. Asked
	 * on another zone's screen, it is dropped: a dialog must not open later, out of the blue.
	 */
	takeReady(zoneName: string): boolean {
		if (this.#ready.size === 0) return false;
		const ready = this.#ready.has(zoneName);
		this.#ready.clear();
		return ready;
	}
}
