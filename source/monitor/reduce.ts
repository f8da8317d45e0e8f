/**
 * Events and the pure reducer of the monitor's state. The poller dispatches what happened; the
 * reducer decides what it means for the state; nothing here does I/O or reads the time.
 */
import type {ActionEntry} from '../actions/types.js';
import type {AccessRule, DnsRecord, ThreatScore, Visitor, ZoneRef, ZoneStats} from '../backend.js';
import {ipv4Key} from '../lib/ip.js';
import {recordCall, type ServerCallsLeft} from './budget.js';
import type {CallCost} from './call-cost.js';
import {applyActionDone, overlaySettings} from './reduce-actions.js';
import {driftCapacity, driftText, fqdn, recordsDrift, rulesDrift, settingsDrift, type DriftEntry, type Observation, type ZoneDrift} from './drift.js';
import {scoreCapacity, type MonitorMessage, type MonitorState, type PollFailure, type ZoneState} from './store.js';
import {isActiveZone} from '../backend.js';

export type MonitorEvent =
	| {type: 'zones-resolved'; zones: readonly ZoneRef[]; at: number}
	| {type: 'startup-failed'; message: string; at: number}
	/**
	 * A call is about to be sent: it counts against the budget whatever its outcome. `cost`: the requests
	 * it sends (call-cost.ts); one REST request when not given.
	 */
	| {type: 'call'; at: number; cost?: CallCost}
	| {type: 'calls-left'; report: ServerCallsLeft}
	/** A poll starts; its calls (`cost`, counted here in one go) are about to be sent. */
	| {type: 'poll-started'; zone: number; at: number; asked?: boolean; cost?: CallCost}
	/** `report`: the server's count after the poll, when it sent a new one. */
	| {type: 'poll-finished'; zone: number; at: number; stats?: ZoneStats; visitors?: readonly Visitor[]; failure?: PollFailure; rateLimitedUntil?: number; report?: ServerCallsLeft}
	/** The zone refused the Pro-only stats interval: fall back to the 24-hour one. */
	| {type: 'plan-detected'; zone: number; plan: 'Pro' | 'Free'}
	| {type: 'schedule'; nextPollAt?: number}
	| {type: 'pause'; at: number}
	| {type: 'resume'; at: number}
	| {type: 'select-zone'; zone: number}
	| {type: 'message'; message: MonitorMessage}
	| {type: 'score'; zone: number; score: ThreatScore}
	/** The action queue's list changed (the Log view shows it). */
	| {type: 'actions'; entries: readonly ActionEntry[]}
	/** An action succeeded: show its effect without waiting for the next poll. */
	| {type: 'action-done'; entry: ActionEntry; at: number}
	/** Rules this machine's flarewatch made earlier (the registry), shown as BANNED / WHITELISTED. */
	| {type: 'rules-known'; rules: ReadonlyArray<[string, 'ban' | 'wl']>}
	/** How many bans the zone's lockdown holds (undefined: none), for the header. */
	| {type: 'lockdown-count'; zone: string; bans?: number}
	| {type: 'records-loading'; zone: string}
	/**
	 * `startedAt` and `at`: when the listing started and ended (the poller's, drift.ts compares them with
	 * the baseline); a listing without them only replaces the DNS view's list.
	 */
	| {type: 'records-loaded'; zone: string; records: readonly DnsRecord[]; startedAt?: number; at?: number}
	| {type: 'records-failed'; zone: string; message: string}
	/** A listing of the zone's (and its account's) access rules started (APIs that list rules). */
	| {type: 'rules-loading'; zone: string}
	/** `startedAt`: when the listing started (default `at`): an action of ours that finished after it may be missing from it. */
	| {type: 'rules-loaded'; zone: string; at: number; startedAt?: number; list: readonly AccessRule[]; accountUnavailable?: string}
	/** The listing failed: the previous list stays, marked with why. */
	| {type: 'rules-failed'; zone: string; message: string}
	/** Who made a drift, as the audit trail says (another console on this machine): drift-trail.ts. */
	| {type: 'drift-by'; zone: string; seq: number; by: string};

function updateZone(state: MonitorState, index: number, update: (zone: ZoneState) => ZoneState): MonitorState {
	const current = state.zones[index];
	if (!current) return state;
	const zones = state.zones.slice();
	zones[index] = update(current);
	return {...state, zones};
}

function withMessage(state: MonitorState, message: MonitorMessage): MonitorState {
	return {...state, messages: state.messages.push(message)};
}

/**
 * Sorted by hits, most first; ties by IP so the order is stable between polls: IPv4 in numeric order
 * first, then any other address in string order. The threat list scrolls and filters over the whole
 * order, so all rows are sorted, once per poll; a flood brings 50,000 rows with many ties, and a
 * comparator comparing IP strings on every tie cost ~100 ms a poll. Here every comparison is
 * between numbers precomputed once per row.
 */
export function sortByHits(visitors: readonly Visitor[]): readonly Visitor[] {
	const count = visitors.length;
	const hits = new Float64Array(count);
	const ipKeys = new Float64Array(count);
	let others: number[] | undefined;
	for (let index = 0; index < count; index++) {
		const visitor = visitors[index];
		hits[index] = visitor.hits;
		const key = ipv4Key(visitor.ip);
		if (key >= 0) ipKeys[index] = key;
		else (others ??= []).push(index);
	}
	if (others) {
		// Not IPv4 (IPv6, or something odd from the API): after every IPv4 address, in string order.
		others.sort((a, b) => compareStrings(visitors[a].ip, visitors[b].ip));
		for (let rank = 0; rank < others.length; rank++) ipKeys[others[rank]] = 2 ** 32 + rank;
	}
	const order = new Uint32Array(count);
	for (let index = 0; index < count; index++) order[index] = index;
	order.sort((a, b) => hits[b] - hits[a] || ipKeys[a] - ipKeys[b] || a - b);
	const sorted = new Array<Visitor>(count);
	for (let index = 0; index < count; index++) sorted[index] = visitors[order[index]];
	return sorted;
}

function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}


function finishPoll(state: MonitorState, event: Extract<MonitorEvent, {type: 'poll-finished'}>): MonitorState {
	let next = updateZone(state, event.zone, zone => {
		// An action answered after this poll started: its effect stands until a later poll confirms it.
		const applied = zone.applied && event.at < zone.applied.at ? zone.applied : undefined;
		const stats = overlaySettings(event.stats ?? zone.stats, applied);
		const threatRows = event.visitors ? sortByHits(event.visitors) : zone.threatRows;
		let history = zone.history;
		if (event.stats || event.visitors) {
			let threatHits = 0;
			let threatIps = 0;
			for (const visitor of threatRows) {
				if (visitor.classification === 'threat') {
					threatHits += visitor.hits;
					threatIps++;
				}
			}
			history = history.push({
				at: event.at,
				serverTime: stats?.serverTime ?? event.at,
				interval: stats?.interval ?? 0,
				edgeRequests: stats?.requests.edge ?? 0,
				originRequests: stats?.requests.origin ?? 0,
				threatHits,
				threatIps,
			});
		}
		return {
			...zone,
			stats,
			applied,
			threatRows,
			history,
			lastPollAt: event.at,
			lastSuccessAt: event.failure ? zone.lastSuccessAt : event.at,
			lastFailure: event.failure,
		};
	});
	next = {...next, polling: undefined};
	if (event.failure) {
		// A 410 is not retried, so it never counts up: the status line must not say "backing off".
		const failures = event.failure.kind === 'gone' ? 1 : state.failures + 1;
		next = {...next, failure: event.failure, failures, rateLimitedUntil: event.rateLimitedUntil ?? state.rateLimitedUntil};
		next = withMessage(next, {at: event.at, level: 'error', text: event.failure.message});
	} else {
		next = {...next, failure: undefined, failures: 0, rateLimitedUntil: undefined};
		// Fresh data under the old red failure would read as a current failure: say it recovered.
		if (state.failures > 0) next = withMessage(next, {at: event.at, level: 'info', text: 'Polling recovered: the data is current again'});
	}
	return next;
}

export function reduce(state: MonitorState, event: MonitorEvent): MonitorState {
	switch (event.type) {
		case 'zones-resolved': {
			const byName = new Map(event.zones.map(zone => [zone.name.trim().toLowerCase(), zone.id]));
			const zones = state.zones.map(zone => ({...zone, id: byName.get(zone.name.toLowerCase()) ?? ''}));
			const inactive = zones.filter(zone => !isActiveZone(zone)).map(zone => zone.name);
			const firstActive = zones.findIndex(zone => isActiveZone(zone));
			if (firstActive < 0) {
				const message = `${inactive.join(', ')}: not active on this account, or the credentials do not match it.`;
				return withMessage({...state, zones, startup: {phase: 'failed', message}}, {at: event.at, level: 'error', text: message});
			}
			let next: MonitorState = withMessage({...state, zones, activeZone: firstActive, startup: {phase: 'ready'}}, {
				at: event.at,
				level: 'info',
				text: `Watching ${zones.filter(zone => isActiveZone(zone)).map(zone => zone.name).join(', ')}`,
			});
			if (inactive.length > 0) next = withMessage(next, {at: event.at, level: 'warn', text: `Not active, skipped: ${inactive.join(', ')}`});
			return next;
		}
		case 'startup-failed':
			return withMessage({...state, startup: {phase: 'failed', message: event.message}}, {at: event.at, level: 'error', text: event.message});
		case 'call':
			return withCalls(state, event.at, event.cost);
		case 'calls-left':
			return {...state, serverCallsLeft: event.report};
		case 'poll-started': {
			const next = event.cost ? withCalls(state, event.at, event.cost) : state;
			return {...next, polling: event.zone, pollStartedAt: event.asked ? undefined : event.at};
		}
		case 'poll-finished': {
			let next = finishPoll(state, event);
			if (event.stats && !event.failure) next = observeSettings(next, event.zone, event.at);
			return event.report ? {...next, serverCallsLeft: event.report} : next;
		}
		case 'plan-detected':
			return updateZone(state, event.zone, zone => ({...zone, plan: event.plan, statsInterval: event.plan === 'Pro' ? 120 : 40}));
		case 'schedule':
			return event.nextPollAt === state.nextPollAt ? state : {...state, nextPollAt: event.nextPollAt};
		case 'pause':
			return state.paused ? state : withMessage({...state, paused: true}, {at: event.at, level: 'info', text: 'Polling paused (p resumes)'});
		case 'resume':
			return state.paused ? withMessage({...state, paused: false}, {at: event.at, level: 'info', text: 'Polling resumed'}) : state;
		case 'select-zone':
			return event.zone === state.activeZone || !state.zones[event.zone] ? state : {...state, activeZone: event.zone};
		case 'message':
			return withMessage(state, event.message);
		case 'score':
			return updateZone(state, event.zone, zone => {
				const scores = new Map(zone.scores);
				scores.delete(event.score.ip);
				scores.set(event.score.ip, event.score);
				// Oldest lookups go first: Maps iterate in insertion order.
				while (scores.size > scoreCapacity) scores.delete(scores.keys().next().value as string);
				return {...zone, scores};
			});
		case 'actions':
			return {...state, actions: event.entries};
		case 'action-done':
			return applyActionDone(state, event.entry, event.at);
		case 'rules-known':
			return {...state, rules: new Map([...event.rules, ...state.rules])};
		case 'lockdown-count':
			return updateRecords(state, event.zone, zone =>
				zone.lockdown?.bans === event.bans ? zone : {...zone, lockdown: event.bans === undefined ? undefined : {bans: event.bans}},
			);
		case 'records-loading':
			return updateRecords(state, event.zone, zone => ({...zone, recordsStatus: {loading: true}}));
		case 'records-loaded':
			return recordsLoaded(state, event);
		case 'records-failed':
			return updateRecords(state, event.zone, zone => ({...zone, recordsStatus: {loading: false, error: event.message}}));
		case 'rules-loading':
			return updateRecords(state, event.zone, zone => ({...zone, rules: {...(zone.rules ?? {list: [], at: 0}), loading: true}}));
		case 'rules-loaded': {
			const next = updateRecords(state, event.zone, zone => ({
				...zone,
				rules: {list: event.list, at: event.at, loading: false, ...(event.accountUnavailable === undefined ? {} : {accountUnavailable: event.accountUnavailable})},
			}));
			return observe(next, zoneNamed(next, event.zone), (zone, drift) => {
				const {rules, found} = rulesDrift(zone, drift.rules, event.list, event.startedAt ?? event.at, next.actions);
				return {changes: {rules}, found, at: event.startedAt ?? event.at};
			});
		}
		case 'drift-by':
			return updateRecords(state, event.zone, zone =>
				zone.drift ? {...zone, drift: {...zone.drift, entries: zone.drift.entries.map(entry => (entry.seq === event.seq ? {...entry, by: event.by} : entry))}} : zone,
			);
		case 'rules-failed':
			// The previous list stays (the Rules view marks it stale), with when it was listed.
			return updateRecords(state, event.zone, zone => ({...zone, rules: {...(zone.rules ?? {list: [], at: 0}), loading: false, error: event.message}}));
	}
}

/** The ledgers with a call's requests added at `at` (one REST request when no cost is given). */
function withCalls(state: MonitorState, at: number, cost: CallCost = {calls: 1, analytics: 0}): MonitorState {
	const windowMs = state.policy.windowMs;
	const ledger = cost.calls > 0 ? recordCall(state.ledger, at, windowMs, cost.calls) : state.ledger;
	const analyticsLedger = cost.analytics > 0 ? recordCall(state.analyticsLedger, at, windowMs, cost.analytics) : state.analyticsLedger;
	return ledger === state.ledger && analyticsLedger === state.analyticsLedger ? state : {...state, ledger, analyticsLedger};
}

function updateRecords(state: MonitorState, name: string, update: (zone: ZoneState) => ZoneState): MonitorState {
	return updateZone(state, zoneNamed(state, name), update);
}

function zoneNamed(state: MonitorState, name: string): number {
	return state.zones.findIndex(zone => zone.name === name);
}

const emptyDrift: ZoneDrift = {entries: []};

/**
 * Compares what the zone's latest poll or listing showed with its baseline (drift.ts): the baseline
 * moves on; each change found is numbered, kept (bounded), and told in the Log.
 */
function observe(state: MonitorState, index: number, compare: (zone: ZoneRef, drift: ZoneDrift) => {changes: Partial<ZoneDrift>; found: readonly Observation[]; at: number}): MonitorState {
	const zone = state.zones[index];
	if (!zone || !isActiveZone(zone)) return state;
	const drift = zone.drift ?? emptyDrift;
	const {changes, found, at} = compare({name: zone.name, id: zone.id}, drift);
	let seq = state.driftSeq ?? 0;
	const added: DriftEntry[] = found.map(observation => ({...observation, seq: ++seq, zone: zone.name, at}));
	const entries = added.length === 0 ? drift.entries : [...drift.entries, ...added].slice(-driftCapacity);
	let next = updateZone(state, index, current => ({...current, drift: {...drift, ...changes, entries}}));
	if (added.length === 0) return next;
	next = {...next, driftSeq: seq};
	for (const entry of added) next = withMessage(next, {at, level: 'warn', text: `Changed elsewhere on ${entry.zone}: ${driftText(entry)}`});
	return next;
}

function observeSettings(state: MonitorState, index: number, startedAt: number): MonitorState {
	const stats = state.zones[index]?.stats;
	if (!stats) return state;
	return observe(state, index, (zone, drift) => {
		const {settings, found} = settingsDrift(zone, drift.settings, stats, startedAt, state.actions);
		return {changes: {settings}, found, at: startedAt};
	});
}

/**
 * A listing of the zone's records: the DNS view's list, and (from the poller, which says when it
 * started) compared with the baseline. Names the listing raced an action of ours on keep the list's
 * records as they were (the action's result is laid over them), until the next listing.
 */
function recordsLoaded(state: MonitorState, event: Extract<MonitorEvent, {type: 'records-loaded'}>): MonitorState {
	const index = zoneNamed(state, event.zone);
	const zone = state.zones[index];
	if (!zone) return state;
	if (event.startedAt === undefined || event.at === undefined || !isActiveZone(zone)) {
		return updateZone(state, index, current => ({...current, records: event.records, recordsStatus: {loading: false}}));
	}
	const startedAt = event.startedAt;
	const ref = {name: zone.name, id: zone.id};
	const {records, found, raced} = recordsDrift(ref, zone.drift?.records, event.records, startedAt, state.actions);
	const kept = raced.size === 0 ? [] : (zone.records ?? []).filter(record => raced.has(fqdn(record.name, zone.name)));
	const shown = raced.size === 0 ? event.records : [...event.records.filter(record => !raced.has(fqdn(record.name, zone.name))), ...kept];
	const next = updateZone(state, index, current => ({...current, records: shown, recordsStatus: {loading: false}}));
	return observe(next, index, () => ({changes: {records}, found, at: startedAt}));
}

export {ipv4Key};
