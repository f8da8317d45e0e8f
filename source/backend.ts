/**
 * The port the monitor and the one-shot commands talk to: what a console needs from Cloudflare, in
 * domain terms. `v1/` implements it on the Client Interface API, `v4/` on API v4; the console and the
 * commands ask `capabilities` what the API can do, and offer, hide or explain each action from it.
 *
 * Every method sends exactly one request (rec_load_all pages excepted), never retries, never sleeps,
 * and fails with a FlarewatchError (see errors.ts). API v4 needs more for a few: a zone id looked up
 * once per zone, `stats` reading settings beside the analytics, DNS list pages, deleting by name, and
 * finding an IP's access rules before changing them.
 */

export type SecurityLevel = 'help' | 'high' | 'med' | 'low' | 'eoff';
export const securityLevels: readonly SecurityLevel[] = ['help', 'high', 'med', 'low', 'eoff'];

export type CacheLevel = 'agg' | 'basic';
export const cacheLevels: readonly CacheLevel[] = ['agg', 'basic'];

export type VisitorClass = 'regular' | 'crawler' | 'threat';

/** 10 = 1 year, 20 = 30 days, 30 = 7 days, 40 = 24 h (a day behind); Pro only: 100 = 24 h, 110 = 12 h, 120 = 6 h. */
export type StatsInterval = 10 | 20 | 30 | 40 | 100 | 110 | 120;
export const statsIntervals: readonly StatsInterval[] = [10, 20, 30, 40, 100, 110, 120];

/** A zone and the API's id for it (opaque); `id` is '' when the zone is not active or not the account's. */
export interface ZoneRef {
	name: string;
	id: string;
}

/** True when the zone was found active on the account. */
export function isActiveZone(zone: Pick<ZoneRef, 'id'> | undefined): boolean {
	return zone !== undefined && zone.id !== '';
}

export type ApiName = 'v1' | 'v4';

/** What an access rule does to the requests it matches. `whitelist` is v4's word for allow. */
export type RuleMode = 'block' | 'managed_challenge' | 'challenge' | 'js_challenge' | 'whitelist';
export const ruleModes: readonly RuleMode[] = ['block', 'managed_challenge', 'challenge', 'js_challenge', 'whitelist'];

/** What an access rule matches: one address, a CIDR range, an autonomous system ("AS13335") or a country ("CN"). */
export type RuleTarget = 'ip' | 'ip_range' | 'asn' | 'country';
export const ruleTargets: readonly RuleTarget[] = ['ip', 'ip_range', 'asn', 'country'];

/** Where a rule lives: one zone, or every zone of the account. */
export type RuleScope = 'zone' | 'account';

export interface AccessRule {
	id: string;
	/** A RuleMode, or whatever else the API said (shown as is). */
	mode: string;
	/** A RuleTarget ('ip' for IPv6 addresses too), or whatever else the API said. */
	target: string;
	value: string;
	/** Free text: ours say "flarewatch", who made them and why (see actions/rule-notes.ts). */
	notes: string;
	scope: RuleScope;
	/** Epoch ms; 0 when the API did not say. */
	createdAt: number;
}

/** A zone's rules and its account's. */
export interface RuleList {
	rules: AccessRule[];
	/** Why the account's rules are not among them (a token for zones only may not read them). */
	accountUnavailable?: string;
}

export interface NewAccessRule {
	mode: RuleMode;
	target: RuleTarget;
	value: string;
	notes: string;
}

/** How an IP-level call is made: on v4 a rule belongs to a zone and carries notes; v1 ignores both. */
export interface IpRuleOptions {
	zone?: ZoneRef;
	notes?: string;
}

/** Recent firewall events and what the API knows about one address (v4). */
export interface IpDetails {
	ip: string;
	country?: string;
	asn?: string;
	asnName?: string;
	events: FirewallEvent[];
}

export interface FirewallEvent {
	/** Epoch ms. */
	at: number;
	/** block, managed_challenge, ... as the API said. */
	action: string;
	/** Which feature acted: ip access rules, WAF, rate limiting... as the API said. */
	source: string;
	path: string;
	userAgent?: string;
	rayName?: string;
}

/** The API's call limits, which pace polling: `calls` per `windowSeconds`, and GraphQL's separately. */
export interface ApiLimits {
	windowSeconds: number;
	calls: number;
	/** Analytics (GraphQL) queries per window, counted apart from `calls`; absent on v1. */
	analyticsCalls?: number;
}

/**
 * What a backend can do. The console and the commands read it to offer, hide or explain each action,
 * so nothing shows an action the API cannot do.
 */
export interface Capabilities {
	api: ApiName;
	limits: ApiLimits;
	/** Modes an IP rule may have (v1: block and whitelist only). */
	ruleModes: readonly RuleMode[];
	/** Targets a rule may have (v1: single addresses only). */
	ruleTargets: readonly RuleTarget[];
	/** The rules that exist can be listed, whoever made them (`listRules`, `deleteRule`, `addRule`). */
	ruleListing: boolean;
	/** Rules carry notes (who made them and why). */
	ruleNotes: boolean;
	/** Where an IP rule made by `ban`/`whitelist`/`addRule` lives. */
	ruleScope: RuleScope;
	/** ip_lkup's threat score (`lookupIp`). */
	ipLookup: boolean;
	/** Country, ASN and recent firewall events of an address (`ipDetails`). */
	ipDetails: boolean;
	/** DIUP (`updateHostsIp`). */
	hostsUpdate: boolean;
	/** zone_grab (`grabSnapshot`). */
	snapshot: boolean;
	/** pre_purge (`preloadPurge`). */
	preloaderPurge: boolean;
	/** Purge single files (`purgeFiles`). */
	purgeFiles: boolean;
	/** `reportSpam`. */
	spamReport: boolean;
	/** A purge has a cooldown the API reports. */
	purgeCooldown: boolean;
	/** Page load times in the stats. */
	pageLoadTimes: boolean;
	/** Visitor coordinates (v1) rather than countries (v4). */
	visitorCoordinates: boolean;
	/** Record types `addRecord` takes. */
	recordTypes: readonly string[];
	/** DNS records carry a comment. */
	recordComments: boolean;
}

export interface TrafficBreakdown {
	regular: number;
	threat: number;
	crawler: number;
}

export interface ZoneStats {
	/** Start and end of the window, epoch milliseconds. */
	timeZero: number;
	timeEnd: number;
	interval: StatsInterval;
	pageviews: TrafficBreakdown;
	uniques: TrafficBreakdown;
	/** Kilobytes: served by the edge (cloudflare) and by the origin (user). */
	bandwidth: {edgeKB: number; originKB: number};
	/** Requests handled at the edge, and forwarded to the origin. */
	requests: {edge: number; origin: number};
	/** Seconds to load a page, with and without Cloudflare. */
	pageLoad: {withCloudflare: number; without: number};
	/** The security level as an API value, when the label could be mapped. */
	securityLevel?: SecurityLevel;
	/** The label the API sent, e.g. "High". */
	securityLabel: string;
	/** Epoch seconds when dev mode ends (future) or last ended (past); 0 if never. */
	devModeUntil: number;
	ipv6?: boolean;
	cacheLevel?: CacheLevel;
	/** The server's clock, epoch milliseconds. */
	serverTime: number;
}

export interface Visitor {
	ip: string;
	classification: VisitorClass;
	hits: number;
	/** Present when asked for with geo; 0,0 means unknown. */
	latitude?: number;
	longitude?: number;
	/** Two-letter country code, when the API says it (API v4; v1 gives coordinates instead). */
	country?: string;
	/** Autonomous system, "AS13335" form, and its name, when the API says them (API v4). */
	asn?: string;
	asnName?: string;
	/** Requests the firewall blocked or challenged in the window (API v4). */
	blocked?: number;
	challenged?: number;
}

export interface VisitorQuery {
	/** 1..48, default 24. */
	hours?: number;
	classification?: VisitorClass;
	geo?: boolean;
}

export interface ThreatScore {
	ip: string;
	/** "BAD" for a threat, "SE" for a search engine, or whatever the API said. */
	kind: string;
	/** Logarithmic, like the Richter scale. */
	score: number;
}

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV' | 'SPF' | 'LOC';

export interface DnsRecord {
	id: string;
	/** Fully qualified. */
	name: string;
	type: string;
	content: string;
	/** 1 means automatic. */
	ttl: number;
	proxied: boolean;
	prio?: number;
	/** v4 only. */
	comment?: string;
}

export interface NewDnsRecord {
	/** One of the backend's `capabilities.recordTypes` (v1: A or CNAME). */
	type: string;
	/** Short label, FQDN or `@`. */
	name: string;
	content: string;
	/** 1 (automatic) or 120..4294967295; default 1. */
	ttl?: number;
	proxied: boolean;
	/** MX (and SRV/URI on v4): required there. */
	prio?: number;
	/** v4 only (`capabilities.recordComments`). */
	comment?: string;
}

export interface HostUpdate {
	host: string;
	/** "OK", "E_NOUPDATE", ... */
	outcome: string;
}

/** A spam report: who sent it and what it said. */
export interface SpamReport {
	author: string;
	authorEmail: string;
	ip: string;
	/** Up to 100 characters. */
	content: string;
}

export interface PurgeResult {
	/** Epoch seconds. */
	purgedAt: number;
	cooldownSeconds: number;
}

export interface Backend {
	/** A description of where requests go, safe to show (never the key). */
	readonly endpointLabel: string;
	readonly capabilities: Capabilities;
	/** The `calls_left` the server last reported, and when (epoch ms); undefined before any report. */
	lastCallsLeft(): {callsLeft: number; at: number} | undefined;

	checkZones(names: readonly string[]): Promise<ZoneRef[]>;
	stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats>;
	visitors(zone: ZoneRef, query?: VisitorQuery): Promise<Visitor[]>;

	setSecurityLevel(zone: ZoneRef, level: SecurityLevel): Promise<void>;
	setCacheLevel(zone: ZoneRef, level: CacheLevel): Promise<void>;
	/** Returns when dev mode expires, epoch seconds (0 or past when switched off). */
	setDevMode(zone: ZoneRef, on: boolean): Promise<{expiresOn: number}>;
	purgeCache(zone: ZoneRef): Promise<PurgeResult>;
	setIpv6(zone: ZoneRef, on: boolean): Promise<void>;
	grabSnapshot(zone: ZoneRef): Promise<void>;
	preloadPurge(zone: ZoneRef): Promise<void>;

	/** v1: account-wide; v4: a rule in `options.zone` (required there) carrying `options.notes`. */
	whitelist(ip: string, options?: IpRuleOptions): Promise<void>;
	ban(ip: string, options?: IpRuleOptions): Promise<void>;
	/** Removes the IP's rule (v4: its rules in `options.zone`, whoever made them); none is not an error. */
	clearRule(ip: string, options?: IpRuleOptions): Promise<void>;
	lookupIp(ip: string): Promise<ThreatScore>;
	/** `capabilities.ruleListing`: the zone's and the account's rules, whoever made them. */
	listRules?(zone: ZoneRef): Promise<RuleList>;
	/** `capabilities.ruleListing`: a rule in the zone (`ruleModes`, `ruleTargets`). */
	addRule?(zone: ZoneRef, rule: NewAccessRule): Promise<AccessRule>;
	/** `capabilities.ruleListing`: removes one rule by id. */
	deleteRule?(zone: ZoneRef, rule: Pick<AccessRule, 'id' | 'scope'>): Promise<void>;
	/** `capabilities.ipDetails`. */
	ipDetails?(zone: ZoneRef, ip: string): Promise<IpDetails>;
	/** `capabilities.purgeFiles`: up to 100 URLs inside the zone. */
	purgeFiles?(zone: ZoneRef, urls: readonly string[]): Promise<void>;

	listRecords(zone: ZoneRef): Promise<DnsRecord[]>;
	addRecord(zone: ZoneRef, record: NewDnsRecord): Promise<DnsRecord>;
	editRecord(zone: ZoneRef, record: DnsRecord): Promise<DnsRecord>;
	/** rec_del: removes every record of that name. */
	deleteRecordsByName(zone: ZoneRef, fqdn: string): Promise<void>;
	deleteRecord(zone: ZoneRef, id: string): Promise<void>;
	/** DIUP: points the A records of `hosts` at `ip`. */
	updateHostsIp(ip: string, hosts: readonly string[]): Promise<HostUpdate[]>;
	/** Reports spam the site received; an API without spam reports leaves it out. */
	reportSpam?(report: SpamReport): Promise<void>;
	/** Releases kept-alive connections. */
	close(): void;
}
