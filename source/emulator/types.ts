/**
 * The emulator's public contract: options (mirroring the CLI flags), the handle returned by
 * `startEmulator`, and the JSON served by `GET /__emulator/state`. Shared with nothing in `v1/`.
 */

/** A traffic scenario. `hostile` is `attack` traffic plus strings carrying terminal escape sequences. */
export type ScenarioName = 'calm' | 'attack' | 'flood' | 'hostile';
export const scenarioNames: readonly ScenarioName[] = ['calm', 'attack', 'flood', 'hostile'];

/**
 * Security levels in v1's words, as `sec_lvl` takes them, plus `off`, which only API v4 can set
 * (v1 never had it; v1 reads show it as `off` / "Off").
 */
export type EmulatorSecurityLevel = 'help' | 'high' | 'med' | 'low' | 'eoff' | 'off';
/** Cache levels in v1's words, as `cache_lvl` takes them, plus v4's `simplified` (shown as is by v1 reads). */
export type EmulatorCacheLevel = 'agg' | 'basic' | 'simplified';
/** Rocket Loader as `async` takes it: off, automatic, manual. */
export type RocketLoader = '0' | 'a' | 'm';

/** An account of the emulated world. The first zone of the demo account is Pro, the others Free. */
export interface EmulatorAccountSpec {
	email: string;
	key: string;
	/** The account's API v4 token (`Authorization: Bearer`); by default one derived from the email. */
	token?: string;
	zones: string[];
	/** Plans per zone name; by default the first zone of the demo account is Pro and every other zone Free. */
	proZones?: string[];
}

/** Options of `startEmulator`; every CLI flag has a field here. */
export interface EmulatorOptions {
	/** Address to bind. Default 127.0.0.1. */
	host: string;
	/** Port to bind; 0 picks a free one. Default 8787. */
	port: number;
	/** The demo account's email. */
	email: string;
	/** The demo account's API key. */
	key: string;
	/** The demo account's API v4 token (`Authorization: Bearer <token>`). */
	token: string;
	/** The demo account's zones; the first is Pro, the others Free. */
	zones: string[];
	scenario: ScenarioName;
	/** Seed of the deterministic traffic model. */
	seed: number;
	/** Simulated seconds per real second. */
	speed: number;
	/** API calls per hour per account (sliding window). Default 300. */
	rateLimit: number;
	/** API v4 REST calls per account per five minutes (the real limit is 1200). Default 1200. */
	v4RateLimit: number;
	/** GraphQL queries per account per five minutes, on top of the REST limit (the real one is 300). Default 300. */
	graphqlRateLimit: number;
	/** Serve HTTPS with a self-signed certificate generated at start. */
	tls: boolean;
	/** Answer every v1 path with HTTP 410 and the real shutdown text (API v4 under /client/v4 keeps answering). */
	sunset: boolean;
	/** Extra accounts (multi-account and "zone exists but is not yours" tests). */
	accounts: EmulatorAccountSpec[];
	/** Base clock, epoch ms. Simulated time = base at start + elapsed × speed + advanced offset. */
	now: () => number;
	/** No output of any kind (the library never prints anyway; kept for the CLI's sake). */
	quiet: boolean;
	/**
	 * A connection that has not sent a complete request (headers and body) within this many ms is
	 * answered 408 and closed; so is an idle keep-alive connection. Default 30000.
	 */
	connectionTimeoutMs: number;
	/** Open connections at most; a request on a connection past the cap gets 503 with Connection: close. Default 1000. */
	maxConnections: number;
}

/** A fault mode of `POST /__emulator/faults`. */
export type FaultMode = 'none' | 'latency' | 'timeout' | 'http500' | 'reset' | 'html' | 'truncated' | 'lax' | 'maxapi' | 'unauth' | 'gone';
export const faultModes: readonly FaultMode[] = ['none', 'latency', 'timeout', 'http500', 'reset', 'html', 'truncated', 'lax', 'maxapi', 'unauth', 'gone'];

/**
 * A fault applied to API requests: for the next `count` requests, or to each request with
 * `probability`, or (neither given) to every request until `mode: "none"`.
 */
export interface FaultSpec {
	mode: FaultMode;
	/** For `latency`: the delay before the normal answer. Default 1000. */
	ms?: number;
	count?: number;
	probability?: number;
}

/** One DNS record, as the admin state shows it. */
export interface RecordState {
	recId: string;
	/** FQDN. */
	name: string;
	type: string;
	content: string;
	/** 1 means automatic. */
	ttl: number;
	proxied: boolean;
}

/** An access rule (`wl`/`ban`) on a zone. */
export interface AccessRuleState {
	ip: string;
	mode: 'ban' | 'wl';
	/** Epoch seconds when the rule was set. */
	since: number;
}

export interface ZoneState {
	name: string;
	zid: number;
	/** The zone's API v4 id: 32 lowercase hex, derived from the name (stable across runs). */
	id: string;
	plan: 'pro' | 'free';
	/** Email of the owning account. */
	owner: string;
	securityLevel: EmulatorSecurityLevel;
	cacheLevel: EmulatorCacheLevel;
	/** Epoch seconds; 0 when dev mode is off. */
	devModeExpiresAt: number;
	ipv6: boolean;
	/** Epoch seconds of the last `fpurge_ts`, 0 if never. */
	lastPurgeAt: number;
	/** Epoch seconds of the last `pre_purge`, 0 if never. */
	lastPreloadPurgeAt: number;
	/** Epoch seconds of the last `zone_grab`, 0 if never. */
	lastGrabAt: number;
	/** Rocket Loader (`async`): `0` off, `a` automatic, `m` manual. */
	rocketLoader: RocketLoader;
	/** `minify`: 0..7, bits 1 JavaScript, 2 CSS, 4 HTML. */
	minify: number;
	mirage2: boolean;
	/** The most recent `zone_file_purge` calls (at most 100), oldest first. */
	filePurges: {url: string; at: number}[];
	/** API v4 purges by tag, host or prefix (at most 100 items, the most recent), oldest first. */
	otherPurges: {kind: 'tags' | 'hosts' | 'prefixes'; value: string; at: number}[];
	records: RecordState[];
	accessRules: AccessRuleState[];
}

export interface AccountState {
	email: string;
	calls: {
		/** Every API request that authenticated as this account (including refused ones), faults excepted. */
		total: number;
		byAction: Record<string, number>;
		/** API v4 requests that authenticated as this account, by route (`GET /zones/:zone_id`). */
		v4: {total: number; byRoute: Record<string, number>};
	};
	/** What is left of the hourly budget now. */
	callsLeft: number;
	/** Spam reports accepted in the last hour (their own limit, 150). */
	spamReportsLastHour: number;
}

/** The JSON of `GET /__emulator/state`. */
export interface EmulatorState {
	/** Simulated time, epoch seconds. */
	now: number;
	scenario: ScenarioName;
	seed: number;
	speed: number;
	sunset: boolean;
	fault: FaultSpec;
	/** API requests refused with E_UNAUTH (they reach no account, so no account counts them). */
	unauthorizedCalls: number;
	/** API requests answered by a fault instead of the API (they reach no account either). */
	faultedCalls: number;
	accounts: AccountState[];
	zones: ZoneState[];
}

/** A running emulator. */
export interface EmulatorHandle {
	/** e.g. "http://127.0.0.1:41234" (https with `tls`). */
	url: string;
	host: string;
	port: number;
	/** The demo account. */
	email: string;
	key: string;
	/** The demo account's API v4 token. */
	token: string;
	/** SHA-256 fingerprint of the self-signed certificate, with `tls`. */
	fingerprint256?: string;
	close(): Promise<void>;
	/** Moves simulated time forward. */
	advanceClock(seconds: number): void;
	setFault(fault: FaultSpec): void;
	setScenario(name: ScenarioName): void;
	state(): EmulatorState;
}
