/**
 * The port the monitor and the one-shot commands talk to: what a console needs from Cloudflare, in
 * domain terms. `v1/` implements it on the Client Interface API; a backend for a later API could
 * implement it without touching `monitor/` or `ui/`.
 *
 * Every method sends exactly one request (rec_load_all pages excepted), never retries, never sleeps,
 * and fails with a FlarewatchError (see errors.ts). API v4 (`v4/`) needs more for a few: a zone id
 * looked up once per zone, `stats` reading settings beside the analytics, DNS list pages, deleting by
 * name, and replacing or clearing an IP's access rules.
 */

export type SecurityLevel = 'help' | 'high' | 'med' | 'low' | 'eoff';
export const securityLevels: readonly SecurityLevel[] = ['help', 'high', 'med', 'low', 'eoff'];

export type CacheLevel = 'agg' | 'basic';
export const cacheLevels: readonly CacheLevel[] = ['agg', 'basic'];

export type VisitorClass = 'regular' | 'crawler' | 'threat';

/** 10 = 1 year, 20 = 30 days, 30 = 7 days, 40 = 24 h (a day behind); Pro only: 100 = 24 h, 110 = 12 h, 120 = 6 h. */
export type StatsInterval = 10 | 20 | 30 | 40 | 100 | 110 | 120;
export const statsIntervals: readonly StatsInterval[] = [10, 20, 30, 40, 100, 110, 120];

/** A zone and its id; `zid` is 0 when the zone is not active or not the account's. */
export interface ZoneRef {
	name: string;
	zid: number;
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
}

export interface NewDnsRecord {
	type: 'A' | 'CNAME';
	/** Short label, FQDN or `@`. */
	name: string;
	content: string;
	/** 1 (automatic) or 120..4294967295; default 1. */
	ttl?: number;
	proxied: boolean;
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

	whitelist(ip: string): Promise<void>;
	ban(ip: string): Promise<void>;
	clearRule(ip: string): Promise<void>;
	lookupIp(ip: string): Promise<ThreatScore>;

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
