/**
 * An in-memory Backend for monitor and UI tests: counts every call, can report `calls_left` like the
 * server, can be told to fail, and serves a traffic picture that an attack can change.
 */
import type {Backend, Capabilities, StatsInterval, ThreatScore, Visitor, VisitorQuery, ZoneRef, ZoneStats} from '../../source/backend.js';
import {v1Capabilities} from '../../source/v1/backend.js';
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
}

export class FakeBackend implements Backend {
	readonly endpointLabel = 'fake backend';
	/** v1's, unless a test gives others. */
	capabilities: Capabilities = v1Capabilities;
	readonly calls: {action: string; at: number; zone?: string}[] = [];
	/** Fails the next `count` calls with `kind`. */
	fault: {kind: FailureKind; count: number} | undefined;
	attack = false;
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
		this.visitorRows = options.visitors ?? [
			{ip: '198.51.100.7', classification: 'regular', hits: 40},
			{ip: '203.0.113.9', classification: 'threat', hits: 12},
			{ip: '66.249.66.1', classification: 'crawler', hits: 5},
		];
	}

	lastCallsLeft(): {callsLeft: number; at: number} | undefined {
		return this.#report;
	}

	#count(action: string, zone?: string): void {
		const now = this.#clock.now();
		this.calls.push({action, at: now, zone});
		if (this.fault && this.fault.count > 0) {
			this.fault.count--;
			const kind = this.fault.kind;
			const message = kind === 'rate-limit' ? 'You have exceeded your allowed number of API calls.' : kind === 'gone' ? goneMessage : `injected ${kind}`;
			throw new FlarewatchError(kind, message);
		}
		if (this.#serverLimit !== undefined) {
			const used = this.calls.filter(call => call.at > now - 3_600_000).length;
			this.#report = {callsLeft: Math.max(0, this.#serverLimit - used), at: now};
		}
	}

	async checkZones(names: readonly string[]): Promise<ZoneRef[]> {
		this.#count('zone_check');
		return names.map(name => ({name, id: this.#zones[name] ? String(this.#zones[name].zid) : ''}));
	}

	async stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		this.#count('stats', zone.name);
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
			serverTime: now,
		};
	}

	async visitors(zone: ZoneRef, _query?: VisitorQuery): Promise<Visitor[]> {
		this.#count('zone_ips', zone.name);
		return this.visitorRows;
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
	async whitelist(): Promise<void> {
		this.#count('wl');
	}
	async ban(): Promise<void> {
		this.#count('ban');
	}
	async clearRule(): Promise<void> {
		this.#count('nul');
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
