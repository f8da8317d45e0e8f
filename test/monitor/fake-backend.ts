/**
 * An in-memory Backend for monitor and UI tests: counts every call, can report `calls_left` like the
 * server, can be told to fail, and serves a traffic picture that an attack can change. With `api: 'v4'`
 * it has v4's capabilities and logs each request as API v4 would send it (a poll's settings call and
 * GraphQL queries, a rules listing's pages), with its kind, and reports v4's `Ratelimit` count.
 */
import type {AccessRule, Backend, Capabilities, IpRuleOptions, NewAccessRule, RuleList, StatsInterval, ThreatScore, Visitor, VisitorQuery, ZoneRef, ZoneStats} from '../../source/backend.js';
import {v1Capabilities} from '../../source/v1/backend.js';
import {v4Capabilities} from '../../source/v4/backend.js';
import {FlarewatchError, goneMessage, type FailureKind} from '../../source/errors.js';
import type {Clock} from '../../source/lib/clock.js';

export interface FakeBackendOptions {
	clock: Clock;
	/** Active zones and whether they are Pro. */
	zones?: Record<string, {zid: number; pro: boolean}>;
	/** The server's own hourly limit; undefined means it never reports calls_left. */
	serverLimit?: number;
	/** Visitors served per zone (default a handful). */
	visitors?: Visitor[];
	/** Which API it plays (default v1). */
	api?: 'v1' | 'v4';
}

/** One request as the API would have seen it. */
export interface FakeCall {
	action: string;
	at: number;
	zone?: string;
	/** v4 only: a REST call or a GraphQL query. */
	kind?: 'rest' | 'graphql';
}

export class FakeBackend implements Backend {
	readonly endpointLabel = 'fake backend';
	/** v1's, unless a test gives others. */
	capabilities: Capabilities = v1Capabilities;
	readonly calls: FakeCall[] = [];
	/** Fails the next `count` calls with `kind`. */
	fault: {kind: FailureKind; count: number} | undefined;
	/** v4: the zone's access rules and the account's, as listRules answers them. */
	zoneRules: AccessRule[] = [];
	accountRules: AccessRule[] = [];
	/** v4: listings fail with this while set (polls still work). */
	rulesFault: FailureKind | undefined;
	/** v4: each listRules call, by zone (each sends a page or more: see `calls`). */
	readonly listings: string[] = [];
	readonly api: 'v1' | 'v4';
	attack = false;
	/** How far the API's clock runs ahead of ours (its stats' `serverTime`). */
	serverAheadMs = 0;

	/** The API's clock now. */
	serverNow(): number {
		return this.#clock.now() + this.serverAheadMs;
	}
	visitorRows: Visitor[];
	readonly #clock: Clock;
	readonly #zones: Record<string, {zid: number; pro: boolean}>;
	readonly #serverLimit: number | undefined;
	#report: {callsLeft: number; at: number} | undefined;

	close(): void {
		// Nothing kept open.
	}

	constructor(options: FakeBackendOptions) {
		this.#clock = options.clock;
		this.#zones = options.zones ?? {'example.com': {zid: 1001, pro: true}};
		this.#serverLimit = options.serverLimit;
		this.api = options.api ?? 'v1';
		if (this.api === 'v4') this.capabilities = v4Capabilities;
		this.visitorRows = options.visitors ?? [
			{ip: '198.51.100.7', classification: 'regular', hits: 40},
			{ip: '203.0.113.9', classification: 'threat', hits: 12},
			{ip: '66.249.66.1', classification: 'crawler', hits: 5},
		];
	}

	/** The zone a v4 rule goes to when the caller named none (the action service does not yet). */
	#firstZone(): ZoneRef {
		const [name, zone] = Object.entries(this.#zones)[0];
		return {name, id: String(zone.zid)};
	}

	lastCallsLeft(): {callsLeft: number; at: number} | undefined {
		return this.#report;
	}

	#count(action: string, zone?: string, kind?: 'rest' | 'graphql'): void {
		const now = this.#clock.now();
		this.calls.push({action, at: now, zone, ...(kind ? {kind} : {})});
		if (this.fault && this.fault.count > 0) {
			this.fault.count--;
			const kind = this.fault.kind;
			const message = kind === 'rate-limit' ? 'You have exceeded your allowed number of API calls.' : kind === 'gone' ? goneMessage : `injected ${kind}`;
			throw new FlarewatchError(kind, message);
		}
		if (this.#serverLimit !== undefined) {
			const windowMs = this.capabilities.limits.windowSeconds * 1000;
			const used = this.calls.filter(call => call.at > now - windowMs).length;
			this.#report = {callsLeft: Math.max(0, this.#serverLimit - used), at: now};
		}
	}

	async checkZones(names: readonly string[]): Promise<ZoneRef[]> {
		if (this.api === 'v4') for (const name of names) this.#count('zone lookup', name, 'rest');
		else this.#count('zone_check');
		return names.map(name => ({name, id: this.#zones[name] ? String(this.#zones[name].zid) : ''}));
	}

	async stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		if (this.api === 'v4') {
			this.#count('settings', zone.name, 'rest');
			this.#count('graphql stats', zone.name, 'graphql');
		} else this.#count('stats', zone.name);
		if (interval >= 100 && !this.#zones[zone.name]?.pro) throw new FlarewatchError('api', 'Interval not allowed for this plan.');
		const now = this.#clock.now();
		const threat = this.attack ? 5000 : 10;
		return {
			timeZero: now - 6 * 3_600_000,
			timeEnd: now,
			interval,
			pageviews: {regular: 1000, threat, crawler: 50},
			uniques: {regular: 200, threat: this.attack ? 300 : 2, crawler: 5},
			bandwidth: {edgeKB: 2048.5, originKB: 1024.25},
			requests: {edge: 9000 + threat, origin: this.attack ? 6000 : 3000},
			pageLoad: {withCloudflare: 0.31, without: 0.47},
			securityLevel: 'med',
			securityLabel: 'Medium',
			devModeUntil: 0,
			ipv6: true,
			cacheLevel: 'agg',
			serverTime: now + this.serverAheadMs,
		};
	}

	async visitors(zone: ZoneRef, _query?: VisitorQuery): Promise<Visitor[]> {
		if (this.api === 'v4') this.#count('graphql visitors', zone.name, 'graphql');
		else this.#count('zone_ips', zone.name);
		return this.visitorRows;
	}

	/** v4: the zone's pages, then the account's, each walked to its last page as the adapter does (1,000 a page). */
	async listRules(zone: ZoneRef): Promise<RuleList> {
		const pages = (count: number) => Math.max(1, Math.ceil(count / 1000));
		this.listings.push(zone.name);
		if (this.rulesFault) {
			this.#count('rule list', zone.name, 'rest');
			throw new FlarewatchError(this.rulesFault, `injected ${this.rulesFault}`);
		}
		for (let page = 0; page < pages(this.zoneRules.length); page++) this.#count('rule list', zone.name, 'rest');
		for (let page = 0; page < pages(this.accountRules.length); page++) this.#count('account rule list', zone.name, 'rest');
		return {rules: [...this.zoneRules, ...this.accountRules]};
	}

	async addRule(zone: ZoneRef, rule: NewAccessRule): Promise<AccessRule> {
		this.#count('rule create', zone.name, 'rest');
		const made: AccessRule = {id: `r${this.zoneRules.length + 1}`, mode: rule.mode, target: rule.target, value: rule.value, notes: rule.notes, scope: 'zone', createdAt: this.#clock.now()};
		this.zoneRules.push(made);
		return made;
	}

	async lookupIp(ip: string): Promise<ThreatScore> {
		this.#count('ip_lkup');
		return {ip, kind: 'BAD', score: 11};
	}

	async setSecurityLevel(): Promise<void> {
		this.#count('sec_lvl');
	}
	async setCacheLevel(): Promise<void> {
		this.#count('cache_lvl');
	}
	async setDevMode(_zone: ZoneRef, on: boolean): Promise<{expiresOn: number}> {
		this.#count('devmode');
		return {expiresOn: on ? Math.floor(this.#clock.now() / 1000) + 10_800 : 0};
	}
	async purgeCache(): Promise<{purgedAt: number; cooldownSeconds: number}> {
		this.#count('fpurge_ts');
		return {purgedAt: Math.floor(this.#clock.now() / 1000), cooldownSeconds: 20};
	}
	async setIpv6(): Promise<void> {
		this.#count('ipv46');
	}
	async grabSnapshot(): Promise<void> {
		this.#count('zone_grab');
	}
	async preloadPurge(): Promise<void> {
		this.#count('pre_purge');
	}
	async whitelist(ip: string, options?: IpRuleOptions): Promise<void> {
		if (this.api === 'v4') await this.addRule(options?.zone ?? this.#firstZone(), {mode: 'whitelist', target: 'ip', value: ip, notes: options?.notes ?? ''});
		else this.#count('wl');
	}
	async ban(ip: string, options?: IpRuleOptions): Promise<void> {
		if (this.api === 'v4') await this.addRule(options?.zone ?? this.#firstZone(), {mode: 'block', target: 'ip', value: ip, notes: options?.notes ?? ''});
		else this.#count('ban');
	}
	async clearRule(ip: string, options?: IpRuleOptions): Promise<void> {
		if (this.api === 'v4') {
			// Its rules found first (their page: at least one), then deleted.
			const zone = options?.zone ?? this.#firstZone();
			const found = this.zoneRules.filter(rule => rule.value === ip);
			for (let page = 0; page < Math.max(1, Math.ceil(found.length / 1000)); page++) this.#count('rule lookup', zone.name, 'rest');
			for (const rule of found) {
				this.#count('rule delete', zone.name, 'rest');
				this.zoneRules.splice(this.zoneRules.indexOf(rule), 1);
			}
		} else this.#count('nul');
	}
	async listRecords(): Promise<never[]> {
		this.#count('rec_load_all');
		return [];
	}
	async addRecord(): Promise<never> {
		throw new FlarewatchError('api', 'not in the fake');
	}
	async editRecord(): Promise<never> {
		throw new FlarewatchError('api', 'not in the fake');
	}
	async deleteRecordsByName(): Promise<void> {
		this.#count('rec_del');
	}
	async deleteRecord(): Promise<void> {
		this.#count('rec_delete');
	}
	async updateHostsIp(): Promise<never[]> {
		this.#count('DIUP');
		return [];
	}
}
