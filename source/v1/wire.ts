/**
 * The v1 Client Interface API contract: paths, action names, parameter names and the shapes of the
 * answers as they appear on the wire (before coercion). The emulator does not use it: it is built from
 * the API's documentation, not from our client's reading of it.
 * Numbers the real service sometimes sent as strings are typed `number | string`.
 */

/** The three paths of the v1 service. */
export const paths = {
	json: '/api_json.html',
	text: '/api.html',
	externalEvent: '/ajax/external-event.html',
} as const;

/** Actions answered with a JSON envelope at `/api_json.html`. */
export type JsonAction =
	| 'stats'
	| 'sec_lvl'
	| 'cache_lvl'
	| 'devmode'
	| 'fpurge_ts'
	| 'zone_check'
	| 'zone_ips'
	| 'zone_grab'
	| 'rec_set'
	| 'rec_del'
	| 'pre_purge'
	| 'ip_lkup'
	| 'ipv46'
	| 'wl'
	| 'ban'
	| 'nul'
	| 'zone_load_multi'
	| 'rec_load_all'
	| 'rec_new'
	| 'rec_edit'
	| 'rec_delete';

/** Actions answered in plain text at `/api.html`. */
export type TextAction = 'wl' | 'ban' | 'nul' | 'DIUP';

/** Spam report event types accepted at `/ajax/external-event.html`. */
export type SpamEventType = 'CF_USER_SPAM' | 'WP_SPAM';

/** Request parameters: every value is sent as a string. */
export type WireParams = Record<string, string>;

/** A number as the service sent it: usually a number, sometimes its decimal string. */
export type WireNumber = number | string;

/** The envelope every JSON answer comes in. */
export interface WireEnvelope {
	result: 'success' | 'error';
	msg: string | null;
	err_code?: string;
	response?: unknown;
	/** fpurge_ts puts `cooldown` here, beside `response`. */
	attributes?: Record<string, unknown>;
	/** Present when the request carried `calls_left`. */
	calls_left?: WireNumber;
	/** An echo of the request; the real service included `tkn`, which the client drops. */
	request?: Record<string, unknown>;
}

export interface WireBreakdown {
	regular: WireNumber;
	threat: WireNumber;
	crawler: WireNumber;
}

/** One object of `stats`: `response.result.objs[0]`. */
export interface WireStatsObj {
	cachedServerTime?: WireNumber;
	cachedExpryTime?: WireNumber;
	trafficBreakdown: {pageviews: WireBreakdown; uniques: WireBreakdown};
	bandwidthServed: {cloudflare: WireNumber; user: WireNumber};
	requestsServed: {cloudflare: WireNumber; user: WireNumber};
	pageLoadTime: {without: WireNumber; cloudflare: WireNumber};
	currentServerTime?: WireNumber;
	interval: WireNumber;
	userSecuritySetting: string;
	dev_mode: WireNumber;
	ipv46?: WireNumber;
	cache_lvl?: string;
}

export interface WireStatsResponse {
	result: {timeZero: WireNumber; timeEnd?: WireNumber; count: WireNumber; has_more: boolean; objs: WireStatsObj[]};
}

export interface WireZoneCheckResponse {
	zones: Record<string, WireNumber>;
}

export interface WireVisitor {
	ip: string;
	classification: string;
	hits: WireNumber;
	latitude?: WireNumber;
	longitude?: WireNumber;
	zone_name?: string;
}

export interface WireZoneIpsResponse {
	ips: WireVisitor[];
}

export interface WireDevModeResponse {
	expires_on: WireNumber;
}

export interface WirePurgeResponse {
	fpurge_ts: WireNumber;
}

export interface WireGrabResponse {
	set?: Array<{time: WireNumber}>;
}

/** `ip_lkup`: `{"<ip>": "BAD:11"}`. */
export type WireLookupResponse = Record<string, string>;

/** `wl`/`ban`/`nul` through api_json.html. */
export interface WireRuleResponse {
	result: {action: 'WL' | 'BAN' | 'NUL'; ip: string};
}

/** A DNS record as `rec_load_all`, `rec_new` and `rec_edit` return it. */
export interface WireRecord {
	rec_id: string | number;
	rec_tag?: string;
	zone_name?: string;
	name: string;
	display_name?: string;
	type: string;
	prio: string | number | null;
	content: string;
	display_content?: string;
	ttl: WireNumber;
	ttl_ceil?: WireNumber;
	auto_ttl?: WireNumber;
	service_mode: WireNumber;
	props?: Record<string, WireNumber>;
}

export interface WireRecLoadAllResponse {
	recs: {has_more: boolean; count: WireNumber; objs: WireRecord[]};
}

export interface WireRecordResponse {
	rec: {obj: WireRecord};
}

export interface WireZoneSummary {
	zone_id: WireNumber;
	zone_name: string;
	zone_status_class?: string;
	[other: string]: unknown;
}

export interface WireZoneLoadMultiResponse {
	zones: {has_more: boolean; count: WireNumber; objs: WireZoneSummary[]};
}

/** The JSON-encoded event of a spam report (`evnt_v`). */
export interface WireSpamEvent {
	a: string;
	am: string;
	ip: string;
	/** Up to 100 characters. */
	content: string;
}

/** Plain-text codes of `/api.html`. */
export type TextCode = 'OK' | 'E_UNAUTH' | 'E_INVLDIP' | 'E_INVLDINPUT' | 'E_MAXAPI' | 'E_NOUPDATE' | 'E_NOHOST' | 'E_INVLDHST' | 'E_DUPHST';

/** The text the service answered with HTTP 410 after the shutdown on 2016-11-09. */
export const shutdownMessage = 'This API has been deprecated in favor of API v4, available at https://api.cloudflare.com.';
