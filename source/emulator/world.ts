/**
 * The emulated world: accounts, their zones and everything an action can change. Histories of the
 * settings that shape traffic are kept (capped) so past windows stay consistent after a change.
 */
import {createHash} from 'node:crypto';
import {isIPv6} from 'node:net';
import {hashString} from './rng.js';
import {devModeSeconds, SlidingWindow, spamReportsPerHour, v4WindowSeconds} from './limits.js';
import {defaultRecords, type DnsRecord} from './records.js';
import {buildRuleIndex, emptyRuleIndex, type RuleIndex} from './rules.js';
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

export const ruleModes = ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'] as const;
export type RuleMode = (typeof ruleModes)[number];
export const ruleTargets = ['ip', 'ip6', 'ip_range', 'asn', 'country'] as const;
export type RuleTarget = (typeof ruleTargets)[number];

/**
 * An IP Access rule as API v4 sees it, user-level (the account's, every zone) or zone-level. The
 * source of truth for v1's ban/wl too: `Zone.rules` is derived from these (see `syncRules`).
 */
export interface IpAccessRule {
	id: string;
	mode: RuleMode;
	target: RuleTarget;
	value: string;
	notes: string;
	createdAt: number;
	modifiedAt: number;
	/** When the current mode took effect (traffic changes from then). */
	since: number;
}

/** The zone settings API v4 names, with when each last changed (either face). */
export type SettingName = 'security_level' | 'cache_level' | 'development_mode' | 'ipv6';

/**
 * A zone: the fields the admin API shows (ZoneState, documented there) that the world keeps as they
 * are shown, and the ones it keeps its own way (owner, histories, records, rules).
 */
export interface Zone extends Pick<ZoneState, 'name' | 'zid' | 'plan' | 'securityLevel' | 'cacheLevel' | 'ipv6' | 'lastPurgeAt' | 'lastPreloadPurgeAt' | 'lastGrabAt' | 'rocketLoader' | 'minify' | 'mirage2' | 'filePurges' | 'otherPurges'> {
	owner: Account;
	securityHistory: Change<EmulatorSecurityLevel>[];
	cacheHistory: Change<EmulatorCacheLevel>[];
	/** Dev mode periods, epoch seconds; `to` is the expiry, or when it was switched off. */
	devModes: {from: number; to: number}[];
	/** Epoch seconds the zone was added (stats' `zoneCDate`). */
	createdAt: number;
	records: DnsRecord[];
	/** v1's view of the rules: the effective per-IP ban/wl (admin state `accessRules`); derived, never set directly. */
	rules: Map<string, AccessRule>;
	/** Every rule that applies to the zone, by what it matches, for the traffic model; derived, never set directly. */
	ruleIndex: RuleIndex;
	/** API v4 zone-level access rules (v1 `ban`/`wl` with a zone, too). */
	zoneRules: IpAccessRule[];
	/** API v4 id. */
	id: string;
	/** When each setting last changed, epoch seconds. */
	modifiedAt: Partial<Record<SettingName, number>>;
	/** Bumped on every change that alters traffic, to key caches. */
	version: number;
}

export interface Account {
	email: string;
	key: string;
	token: string;
	/** API v4 id of the user (and of its one account). */
	id: string;
	zones: Zone[];
	calls: {total: number; byAction: Record<string, number>};
	budget: SlidingWindow;
	spam: SlidingWindow;
	/** API v4: calls, the five-minute budget and, once spent, when the lockout ends (epoch seconds). */
	v4Calls: {total: number; byRoute: Record<string, number>};
	v4Budget: SlidingWindow;
	v4BlockedUntil: number;
	/** GraphQL queries over five minutes, counted on top of the REST limit. */
	graphqlBudget: SlidingWindow;
	/**
	 * API v4 account-level access rules, which are also the user-level ones (the emulated user has one
	 * account); v1 `ban`/`wl` without a zone, too.
	 */
	userRules: IpAccessRule[];
}

/** 32 lowercase hex from a label: API v4 ids that stay the same across runs. */
export function hexId(label: string): string {
	return createHash('md5').update(label).digest('hex');
}

/** A token for an account given none: stable, 40 characters like a real one. */
export function defaultToken(email: string): string {
	return createHash('sha256').update(`token:${email}`).digest('base64url').slice(0, 40);
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

/** True when `host` is the zone's apex or one of its subdomains (purges must stay in their zone). */
export function hostInZone(host: string, zone: Zone): boolean {
	const bare = host.toLowerCase().replace(/\.$/, '');
	return bare === zone.name || bare.endsWith(`.${zone.name}`);
}

export class World {
	readonly accounts: Account[] = [];
	private readonly byName = new Map<string, Zone>();
	private readonly byId = new Map<number, Zone>();
	private readonly byEmail = new Map<string, Account>();
	private nextRecordId = 10_000_001;
	private nextRuleId = 1;
	private readonly byToken = new Map<string, Account>();
	private readonly byZoneHex = new Map<string, Zone>();

	constructor(specs: EmulatorAccountSpec[], rateLimit: number, startSec: number, v4RateLimit = 1200, graphqlRateLimit = 300) {
		for (const [index, spec] of specs.entries()) {
			const email = spec.email.trim().toLowerCase();
			if (this.byEmail.has(email)) throw new Error(`two accounts with the email ${email}`);
			const token = spec.token ?? defaultToken(email);
			if (this.byToken.has(token)) throw new Error(`two accounts with the same token (${email})`);
			const account: Account = {
				email,
				key: spec.key,
				token,
				id: hexId(`account:${email}`),
				zones: [],
				calls: {total: 0, byAction: {}},
				budget: new SlidingWindow(rateLimit),
				spam: new SlidingWindow(spamReportsPerHour),
				v4Calls: {total: 0, byRoute: {}},
				v4Budget: new SlidingWindow(v4RateLimit, v4WindowSeconds),
				v4BlockedUntil: 0,
				graphqlBudget: new SlidingWindow(graphqlRateLimit, v4WindowSeconds),
				userRules: [],
			};
			this.accounts.push(account);
			this.byEmail.set(email, account);
			this.byToken.set(token, account);
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
			otherPurges: [],
			// Stable per name, like the id: some weeks to two years before the emulator started.
			createdAt: startSec - (30 + (hashString(`created:${name}`) % 700)) * 86_400,
			records: [],
			rules: new Map(),
			ruleIndex: emptyRuleIndex,
			zoneRules: [],
			id: hexId(`zone:${name}`),
			modifiedAt: {},
			version: 0,
		};
		zone.records = defaultRecords(name, plan === 'pro' ? '203.0.113' : '198.51.100', () => this.newRecordId(), startSec);
		owner.zones.push(zone);
		this.byName.set(name, zone);
		this.byId.set(zid, zone);
		this.byZoneHex.set(zone.id, zone);
	}

	newRecordId(): string {
		return String(this.nextRecordId++);
	}

	newRuleId(): string {
		return hexId(`rule:${this.nextRuleId++}`);
	}

	account(email: string): Account | undefined {
		return this.byEmail.get(email);
	}

	accountByToken(token: string): Account | undefined {
		return this.byToken.get(token);
	}

	/** The account's zone by its v4 id; someone else's zone is as unknown as a missing one. */
	zoneByHex(account: Account, id: string): Zone | undefined {
		const zone = this.byZoneHex.get(id);
		return zone && zone.owner === account ? zone : undefined;
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


/*
 * Setting changes, shared by both faces (v1's sec_lvl/cache_lvl/devmode/ipv46, v4's settings), so the
 * same state, histories and modification times follow whichever face made the change.
 */

export function setSecurityLevel(zone: Zone, level: EmulatorSecurityLevel, nowSec: number): void {
	zone.modifiedAt.security_level = nowSec;
	if (level === zone.securityLevel) return;
	zone.securityLevel = level;
	pushChange(zone.securityHistory, nowSec, level);
	zone.version++;
}

export function setCacheLevel(zone: Zone, level: EmulatorCacheLevel, nowSec: number): void {
	zone.modifiedAt.cache_level = nowSec;
	if (level === zone.cacheLevel) return;
	zone.cacheLevel = level;
	pushChange(zone.cacheHistory, nowSec, level);
	zone.version++;
}

/** Dev mode on (for three hours; again while on restarts them) or off; returns the expiry or the end. */
export function setDevMode(zone: Zone, on: boolean, nowSec: number): number {
	const current = zone.devModes.at(-1);
	const active = devModeExpiresAt(zone, nowSec) > 0;
	if (on) {
		if (active && current) current.to = nowSec + devModeSeconds;
		else zone.devModes.push({from: nowSec, to: nowSec + devModeSeconds});
		if (zone.devModes.length > 500) zone.devModes.shift();
	} else if (active && current) {
		current.to = nowSec;
	}
	zone.modifiedAt.development_mode = nowSec;
	zone.version++;
	return on ? nowSec + devModeSeconds : nowSec;
}

export function setIpv6(zone: Zone, on: boolean, nowSec: number): void {
	zone.modifiedAt.ipv6 = nowSec;
	zone.ipv6 = on;
}

/** Dev mode is on until its expiry; expiry is computed lazily from the clock, never by a timer. */
export function devModeExpiresAt(zone: Zone, nowSec: number): number {
	const last = zone.devModes.at(-1);
	return last && last.to > nowSec && last.from <= nowSec ? last.to : 0;
}

/**
 * Rebuilds, for each zone of the account, what its rules mean: the index the traffic model matches
 * visitors against (every target and mode), and v1's view: the `ip`/`ip6` rules in `block` or
 * `whitelist` mode (ban, wl), a zone-level rule overriding an account-level one for the same IP.
 */
export function syncRules(account: Account): void {
	for (const zone of account.zones) {
		const rules = new Map<string, AccessRule>();
		for (const rule of [...account.userRules, ...zone.zoneRules]) {
			if (rule.target !== 'ip' && rule.target !== 'ip6') continue;
			if (rule.mode === 'block' || rule.mode === 'whitelist') {
				rules.delete(rule.value);
				rules.set(rule.value, {mode: rule.mode === 'block' ? 'ban' : 'wl', since: rule.since});
			} else {
				rules.delete(rule.value);
			}
		}
		zone.rules = rules;
		zone.ruleIndex = buildRuleIndex(zone.zoneRules, account.userRules);
		zone.version++;
	}
}

/** The target an IP takes as a rule (v1 ban/wl). */
export function ipTarget(ip: string): RuleTarget {
	return isIPv6(ip) ? 'ip6' : 'ip';
}

export function zoneState(zone: Zone, nowSec: number): ZoneState {
	return {
		name: zone.name,
		zid: zone.zid,
		id: zone.id,
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
		otherPurges: zone.otherPurges.map(purge => ({...purge})),
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
		calls: {total: account.calls.total, byAction: {...account.calls.byAction}, v4: {total: account.v4Calls.total, byRoute: {...account.v4Calls.byRoute}}},
		callsLeft: account.budget.remaining(nowSec),
		spamReportsLastHour: account.spam.used(nowSec),
	};
}
