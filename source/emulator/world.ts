/**
 * The emulated world: accounts, their zones and everything an action can change. Histories of the
 * settings that shape traffic are kept (capped) so past windows stay consistent after a change.
 */
import {hashString} from './rng.js';
import {SlidingWindow, spamReportsPerHour} from './limits.js';
import {defaultRecords, type DnsRecord} from './records.js';
import type {AccountState, EmulatorAccountSpec, EmulatorCacheLevel, EmulatorSecurityLevel, ZoneState} from './types.js';

/** A timed setting change, epoch seconds. */
export interface Change<T> {
	at: number;
	value: T;
}

/** An access rule with the time it was set (its effect on traffic starts then). */
export interface AccessRule {
	mode: 'ban' | 'wl';
	since: number;
}

/**
 * A zone: the fields the admin API shows (ZoneState, documented there) that the world keeps as they
 * are shown, and the ones it keeps its own way (owner, histories, records, rules).
 */
export interface Zone extends Pick<ZoneState, 'name' | 'zid' | 'plan' | 'securityLevel' | 'cacheLevel' | 'ipv6' | 'lastPurgeAt' | 'lastPreloadPurgeAt' | 'lastGrabAt' | 'rocketLoader' | 'minify' | 'mirage2' | 'filePurges'> {
	owner: Account;
	securityHistory: Change<EmulatorSecurityLevel>[];
	cacheHistory: Change<EmulatorCacheLevel>[];
	/** Dev mode periods, epoch seconds; `to` is the expiry, or when it was switched off. */
	devModes: {from: number; to: number}[];
	/** Epoch seconds the zone was added (stats' `zoneCDate`). */
	createdAt: number;
	records: DnsRecord[];
	rules: Map<string, AccessRule>;
	/** Bumped on every change that alters traffic, to key caches. */
	version: number;
}

export interface Account {
	email: string;
	key: string;
	zones: Zone[];
	calls: {total: number; byAction: Record<string, number>};
	budget: SlidingWindow;
	spam: SlidingWindow;
}

/** Histories are capped: the oldest entries go first (a year of windows needs far fewer). */
const historyCap = 500;

export function pushChange<T>(history: Change<T>[], at: number, value: T): void {
	history.push({at, value});
	if (history.length > historyCap) {
		history.splice(0, history.length - historyCap);
		history[0].at = Number.NEGATIVE_INFINITY;
	}
}

export function normaliseZoneName(name: string): string {
	return name.trim().toLowerCase().replace(/\.$/, '');
}

export class World {
	readonly accounts: Account[] = [];
	private readonly byName = new Map<string, Zone>();
	private readonly byId = new Map<number, Zone>();
	private readonly byEmail = new Map<string, Account>();
	private nextRecordId = 10_000_001;

	constructor(specs: EmulatorAccountSpec[], rateLimit: number, startSec: number) {
		for (const [index, spec] of specs.entries()) {
			const email = spec.email.trim().toLowerCase();
			if (this.byEmail.has(email)) throw new Error(`two accounts with the email ${email}`);
			const account: Account = {
				email,
				key: spec.key,
				zones: [],
				calls: {total: 0, byAction: {}},
				budget: new SlidingWindow(rateLimit),
				spam: new SlidingWindow(spamReportsPerHour),
			};
			this.accounts.push(account);
			this.byEmail.set(email, account);
			for (const [position, rawName] of spec.zones.entries()) {
				const name = normaliseZoneName(rawName);
				if (this.byName.has(name)) throw new Error(`the zone ${name} is given twice`);
				const pro = spec.proZones ? spec.proZones.map(normaliseZoneName).includes(name) : index === 0 && position === 0;
				this.addZone(account, name, pro ? 'pro' : 'free', startSec);
			}
		}
	}

	private addZone(owner: Account, name: string, plan: 'pro' | 'free', startSec: number): void {
		// Stable ids: derived from the name, so a zone keeps its id across runs and zone lists.
		let zid = 1000 + (hashString(name) % 9_000_000);
		while (this.byId.has(zid)) zid++;
		const zone: Zone = {
			name,
			zid,
			plan,
			owner,
			securityLevel: 'med',
			securityHistory: [{at: Number.NEGATIVE_INFINITY, value: 'med'}],
			cacheLevel: 'agg',
			cacheHistory: [{at: Number.NEGATIVE_INFINITY, value: 'agg'}],
			devModes: [],
			ipv6: false,
			lastPurgeAt: 0,
			lastPreloadPurgeAt: 0,
			lastGrabAt: 0,
			rocketLoader: '0',
			minify: 0,
			mirage2: false,
			filePurges: [],
			// Stable per name, like the id: some weeks to two years before the emulator started.
			createdAt: startSec - (30 + (hashString(`created:${name}`) % 700)) * 86_400,
			records: [],
			rules: new Map(),
			version: 0,
		};
		zone.records = defaultRecords(name, plan === 'pro' ? '203.0.113' : '198.51.100', () => this.newRecordId(), startSec);
		owner.zones.push(zone);
		this.byName.set(name, zone);
		this.byId.set(zid, zone);
	}

	newRecordId(): string {
		return String(this.nextRecordId++);
	}

	account(email: string): Account | undefined {
		return this.byEmail.get(email);
	}

	/** The account's zone by name or id; a zone of another account is as unknown as a missing one. */
	zoneOf(account: Account, nameOrId: string): Zone | undefined {
		const trimmed = nameOrId.trim();
		const zone = /^\d+$/.test(trimmed) ? this.byId.get(Number(trimmed)) : this.byName.get(normaliseZoneName(trimmed));
		return zone && zone.owner === account ? zone : undefined;
	}

	get zones(): Zone[] {
		return this.accounts.flatMap(account => account.zones);
	}
}


/** Dev mode is on until its expiry; expiry is computed lazily from the clock, never by a timer. */
export function devModeExpiresAt(zone: Zone, nowSec: number): number {
	const last = zone.devModes.at(-1);
	return last && last.to > nowSec && last.from <= nowSec ? last.to : 0;
}

export function zoneState(zone: Zone, nowSec: number): ZoneState {
	return {
		name: zone.name,
		zid: zone.zid,
		plan: zone.plan,
		owner: zone.owner.email,
		securityLevel: zone.securityLevel,
		cacheLevel: zone.cacheLevel,
		devModeExpiresAt: devModeExpiresAt(zone, nowSec),
		ipv6: zone.ipv6,
		lastPurgeAt: zone.lastPurgeAt,
		lastPreloadPurgeAt: zone.lastPreloadPurgeAt,
		lastGrabAt: zone.lastGrabAt,
		rocketLoader: zone.rocketLoader,
		minify: zone.minify,
		mirage2: zone.mirage2,
		filePurges: zone.filePurges.map(purge => ({...purge})),
		records: zone.records.map(record => ({
			recId: record.recId,
			name: record.name,
			type: record.type,
			content: record.content,
			ttl: record.ttl,
			proxied: record.proxied,
		})),
		accessRules: [...zone.rules].map(([ip, rule]) => ({ip, mode: rule.mode, since: rule.since})),
	};
}

export function accountState(account: Account, nowSec: number): AccountState {
	return {
		email: account.email,
		calls: {total: account.calls.total, byAction: {...account.calls.byAction}},
		callsLeft: account.budget.remaining(nowSec),
		spamReportsLastHour: account.spam.used(nowSec),
	};
}
