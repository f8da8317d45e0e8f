/**
 * The Backend port on API v4: REST through the official `cloudflare` SDK, analytics through GraphQL,
 * both on our fetch (fetch.ts, on the shared HTTP stack). The SDK never retries (maxRetries 0): the
 * monitor owns policy. The SDK is required on the first call, from node_modules: it is 1.2 MB of
 * code, and bundled (a static import) it made every start of the console ~50 ms slower, v1 or not;
 * esbuild leaves a createRequire call alone, so the bundle does not carry it. A zone ref's id is the v4
 * id (32 hex); the plan and account stay in a private map filled by `checkZones`, or looked up on first use.
 */
import {createRequire} from 'node:module';
import type Cloudflare from 'cloudflare';
import type {AccessRule, Backend, CacheLevel, Capabilities, IpDetails, IpRuleOptions, NewAccessRule, RuleList, RuleScope, DnsRecord, HostUpdate, NewDnsRecord, PurgeResult, SecurityLevel, StatsInterval, ThreatScore, Visitor, VisitorQuery, ZoneRef, ZoneStats} from '../backend.js';
import {cacheLevels, securityLevels, statsIntervals} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {defaultV4Endpoint} from '../lib/endpoint.js';
import {HttpCore, type HttpAnswer, type HttpOptions} from '../lib/http.js';
import type {Secret} from '../lib/secret.js';
import {checkContentFor, checkRecordComment, checkRecordPriority, checkRecordTtl, checkRecordTypeIn, formatRecordData, isProxiable, isStructuredType, needsPriority, parseRecordData, proxiableTypes, type RecordData} from '../lib/dns-records.js';
import {asnValue, checkEmail, checkHostname, checkIp, checkPurgeUrl, checkRecordName, checkRuleRange, checkZoneName, isNameInZone, quote, requireValid, validated} from '../lib/validate.js';
import {adaptiveTotalsQuery, ipEventsQuery, readAdaptiveTotals, readIpDetails, readRollup, readVisitors, rollupQuery, statsWindow, visitorsQuery, windowFor, type GraphqlRequest, type Totals} from './analytics.js';
import {sdkFailure, statusFailure, type V4ErrorItem} from './failure.js';
import {fetchOn} from './fetch.js';

// The default lives in lib/endpoint.ts, where the configuration (which may not import v4/) reads it too.
export {defaultV4Endpoint};

export interface V4Options extends Omit<HttpOptions, 'secrets'> {
	/** An API token (Authorization: Bearer); preferred. */
	token?: Secret;
	/** Or the account's email and global API key (X-Auth-Email, X-Auth-Key). */
	email?: string;
	key?: Secret;
	/** Values masked in every message, besides the token and key. */
	secrets?: readonly Secret[];
	/** Epoch milliseconds, until the server's Date header has been seen; default Date.now. */
	now?: () => number;
}

/** v1's names ↔ v4's. */
const securityToV4: Record<SecurityLevel, string> = {help: 'under_attack', high: 'high', med: 'medium', low: 'low', eoff: 'essentially_off'};
const securityFromV4 = new Map(Object.entries(securityToV4).map(([v1, v4]) => [v4, v1 as SecurityLevel]));
/** The labels v1's stats sent, so the console reads the same either way. */
const securityLabels: Record<string, string> = {under_attack: "I'm under attack!", high: 'High', medium: 'Medium', low: 'Low', essentially_off: 'Essentially Off', off: 'Off'};
const cacheToV4: Record<CacheLevel, string> = {agg: 'aggressive', basic: 'basic'};
const cacheFromV4 = new Map(Object.entries(cacheToV4).map(([v1, v4]) => [v4, v1 as CacheLevel]));

/** Notes for a rule made without any (a caller outside the console and the commands). */
const defaultNotes = {block: 'flarewatch: ban', whitelist: 'flarewatch: whitelist'} as const;
/** v4's "an access rule for that target and value already exists". */
const duplicateRule = 10009;
/** Rules per list page: the API's largest. */
const rulesPerPage = 1000;

/** One page of a v4 listing as the SDK gives it: its items, what the API said of the pages, the next. */
interface ListingPage<T> {
	result: T[];
	result_info?: {page?: number; total_pages?: number};
	getNextPage(): Promise<ListingPage<T>>;
}

/**
 * Every item of a paged listing, one request per page. The SDK's own iteration asks for pages until one
 * comes back empty, a request more than needed on every listing (each DNS list cost two); this stops at
 * a short page or the last page the API counted.
 */
async function everyPage<T>(first: PromiseLike<ListingPage<T>>, perPage: number): Promise<T[]> {
	const items: T[] = [];
	let page = await first;
	for (let number = 1; ; number++) {
		items.push(...page.result);
		const totalPages = page.result_info?.total_pages;
		const last = typeof totalPages === 'number' ? number >= totalPages : false;
		if (page.result.length < perPage || last) return items;
		page = await page.getNextPage();
	}
}

interface ZoneInfo {
	id: string;
	/** `plan.legacy_id`: free, pro, business, enterprise. */
	plan: string;
	/** The account the zone belongs to, for its account-level rules; '' when the answer did not say. */
	accountId: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What API v4 can do, as the console and the commands see it. */
export const v4Capabilities: Capabilities = {
	api: 'v4',
	// 1,200 REST calls per five minutes per user; GraphQL 300 queries per five minutes on top.
	limits: {windowSeconds: 300, calls: 1200, analyticsCalls: 300},
	ruleModes: ['block', 'managed_challenge', 'challenge', 'js_challenge', 'whitelist'],
	ruleTargets: ['ip', 'ip_range', 'asn', 'country'],
	ruleListing: true,
	ruleNotes: true,
	ruleScope: 'zone',
	ipLookup: false,
	ipDetails: true,
	hostsUpdate: false,
	snapshot: false,
	preloaderPurge: false,
	purgeFiles: true,
	spamReport: false,
	purgeCooldown: false,
	pageLoadTimes: false,
	visitorCoordinates: false,
	recordTypes: ['A', 'AAAA', 'CAA', 'CERT', 'CNAME', 'DNSKEY', 'DS', 'HTTPS', 'LOC', 'MX', 'NAPTR', 'NS', 'OPENPGPKEY', 'PTR', 'SMIMEA', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT', 'URI'],
	recordComments: true,
};

export class V4Backend implements Backend {
	readonly endpointLabel: string;
	readonly capabilities = v4Capabilities;
	private readonly http: HttpCore;
	private readonly sdkOptions: ConstructorParameters<typeof Cloudflare>[0];
	private loaded: Promise<{client: Cloudflare; sdk: typeof Cloudflare}> | undefined;
	/** The SDK's class once loaded, for telling its error classes apart. */
	private sdkClass: typeof Cloudflare | undefined;
	private readonly apiBase: URL;
	private readonly authHeaders: Record<string, string>;
	private readonly secrets: readonly Secret[];
	private readonly now: () => number;
	private readonly zones = new Map<string, ZoneInfo>();
	private callsLeft: {callsLeft: number; at: number} | undefined;
	/** Server clock minus ours, from the last Date header; 0 until one is seen. */
	private clockSkewMs = 0;

	constructor(options: V4Options) {
		const token = options.token?.isSet ? options.token : undefined;
		if (!token) {
			if (options.email === undefined || !options.key?.isSet) throw new FlarewatchError('validation', 'API v4 needs an API token, or an email and a global API key.', {field: 'token'});
			requireValid('email', checkEmail(options.email));
		}
		const credential = token ?? options.key!;
		requireValid(token ? 'token' : 'key', /[\s\u0000-\u001f\u007f]/.test(credential.reveal()) ? 'contains a space or a control character' : undefined);
		this.secrets = [...(token ? [token] : []), ...(options.key?.isSet ? [options.key] : []), ...(options.secrets ?? [])];
		this.now = options.now ?? Date.now;
		this.http = new HttpCore({...options, endpoint: options.endpoint ?? defaultV4Endpoint, secrets: this.secrets});
		// An endpoint that already names /client/v4 is used as is; otherwise the API lives under it.
		const path = this.http.base.pathname.replace(/\/+$/, '');
		this.apiBase = new URL(`${this.http.base.origin}${path.endsWith('/client/v4') ? path : `${path}/client/v4`}`);
		this.endpointLabel = this.apiBase.href;
		this.authHeaders = token ? {authorization: `Bearer ${token.reveal()}`} : {'x-auth-email': options.email!, 'x-auth-key': options.key!.reveal()};
		this.sdkOptions = {
			// Explicit nulls: the SDK would otherwise read CLOUDFLARE_API_TOKEN and friends from the environment.
			apiToken: token ? token.reveal() : null,
			apiEmail: token ? null : options.email!,
			apiKey: token ? null : options.key!.reveal(),
			userServiceKey: null,
			baseURL: this.apiBase.href,
			// One request per call (the port's contract); the monitor decides about trying again.
			maxRetries: 0,
			// A little past ours, so that our timeout (with its message) is the one that fires.
			timeout: this.http.timeoutMs + 1000,
			fetch: fetchOn(this.http, answer => this.noteAnswer(answer)),
			// Never write to the console's terminal.
			logLevel: 'off',
		};
	}

	private client(): Promise<{client: Cloudflare; sdk: typeof Cloudflare}> {
		this.loaded ??= Promise.resolve().then(() => {
			const sdk = (createRequire(import.meta.url)('cloudflare') as {default: typeof Cloudflare}).default;
			this.sdkClass = sdk;
			return {client: new sdk(this.sdkOptions), sdk};
		});
		return this.loaded;
	}

	lastCallsLeft(): {callsLeft: number; at: number} | undefined {
		return this.callsLeft;
	}

	close(): void {
		this.http.close();
	}

	/** `Ratelimit: "default";r=<remaining>;t=<seconds>` and the server's Date, from every answer. */
	private noteAnswer(answer: HttpAnswer): void {
		for (const [name, value] of answer.headers) {
			if (name === 'ratelimit') {
				const remaining = /(?:^|;)\s*r=(\d+)/.exec(value)?.[1];
				if (remaining !== undefined) this.callsLeft = {callsLeft: Number(remaining), at: this.now()};
			} else if (name === 'date') {
				const at = Date.parse(value);
				if (!Number.isNaN(at)) this.clockSkewMs = at - this.now();
			}
		}
	}

	private serverNow(): number {
		return this.now() + this.clockSkewMs;
	}

	/** Runs one SDK call, its failure as a FlarewatchError. */
	private async call<T>(action: string, run: (sdk: Cloudflare) => PromiseLike<T>): Promise<T> {
		try {
			const {client} = await this.client();
			return await run(client);
		} catch (error) {
			throw sdkFailure(error, this.sdkClass, action, this.secrets, this.now());
		}
	}

	// Zones ---------------------------------------------------------------------------------

	/** GET /zones?name=… per zone; a zone not on the account has id ''. */
	async checkZones(names: readonly string[]): Promise<ZoneRef[]> {
		if (names.length === 0) throw new FlarewatchError('validation', 'No zone was given to check.', {field: 'zones'});
		for (const name of names) validated('zone', name, checkZoneName);
		const refs: ZoneRef[] = [];
		for (const name of names) {
			const info = await this.lookupZone(name);
			refs.push({name, id: info ? info.id : ''});
		}
		return refs;
	}

	private async lookupZone(name: string): Promise<ZoneInfo | undefined> {
		const page = await this.call('zone lookup', sdk => sdk.zones.list({name, per_page: 5}));
		const zone = page.result.find(candidate => candidate.name.toLowerCase() === name.toLowerCase());
		if (!zone) {
			this.zones.delete(name.toLowerCase());
			return undefined;
		}
		const plan = isObject(zone.plan) && typeof zone.plan.legacy_id === 'string' ? zone.plan.legacy_id : '';
		const accountId = isObject(zone.account) && typeof zone.account.id === 'string' ? zone.account.id : '';
		const info = {id: zone.id, plan, accountId};
		this.zones.set(name.toLowerCase(), info);
		return info;
	}

	/** The v4 id of a zone: from checkZones, or one lookup the first time. */
	private async zone(ref: ZoneRef): Promise<ZoneInfo> {
		validated('zone', ref.name, checkZoneName);
		const known = this.zones.get(ref.name.toLowerCase()) ?? (await this.lookupZone(ref.name));
		if (!known) throw new FlarewatchError('api', `${ref.name} is not a zone on this account.`, {code: 'invalid-zone'});
		return known;
	}

	// Analytics -----------------------------------------------------------------------------

	async stats(ref: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		requireValid('interval', statsIntervals.includes(interval) ? undefined : `${String(interval)} is not one of ${statsIntervals.join(', ')}`);
		const zone = await this.zone(ref);
		// Settings first: its answer's Date places the window on the server's clock.
		const settings = await this.settings(zone);
		const {from, to} = statsWindow(this.serverNow(), interval);
		const free = zone.plan === 'free';
		const data = await this.graphql(free ? adaptiveTotalsQuery(zone.id, from, to) : rollupQuery(zone.id, from, to), 'stats');
		const totals: Totals = free ? readAdaptiveTotals(data, 'stats') : readRollup(data, 'stats');
		const serverTime = this.serverNow();
		const security = typeof settings.get('security_level')?.value === 'string' ? String(settings.get('security_level')!.value) : '';
		const cache = settings.get('cache_level')?.value;
		const ipv6 = settings.get('ipv6')?.value;
		const remaining = settings.get('development_mode')?.time_remaining;
		const level = securityFromV4.get(security);
		const cacheLevel = typeof cache === 'string' ? cacheFromV4.get(cache) : undefined;
		return {
			timeZero: from,
			timeEnd: to,
			interval,
			pageviews: totals.pageviews,
			uniques: totals.uniques,
			bandwidth: {edgeKB: totals.edgeBytes / 1024, originKB: totals.originBytes / 1024},
			requests: {edge: totals.edgeRequests, origin: totals.originRequests},
			// v4 has no page load times: 0 says "no figure" rather than inventing one.
			pageLoad: {withCloudflare: 0, without: 0},
			...(level ? {securityLevel: level} : {}),
			securityLabel: securityLabels[security] ?? security,
			// Seconds left (positive) or since it ended (negative); 0 if never on, as v1's dev_mode.
			devModeUntil: typeof remaining === 'number' && remaining !== 0 ? Math.floor(serverTime / 1000) + remaining : 0,
			...(ipv6 === 'on' || ipv6 === 'off' ? {ipv6: ipv6 === 'on'} : {}),
			...(cacheLevel ? {cacheLevel} : {}),
			serverTime,
		};
	}

	/** GET /zones/{id}/settings, by setting id. */
	private async settings(zone: ZoneInfo): Promise<Map<string, Json>> {
		const result = await this.call('settings', sdk => sdk.get<unknown>(`/zones/${zone.id}/settings`));
		const list = isObject(result) && Array.isArray(result.result) ? result.result : Array.isArray(result) ? result : undefined;
		if (!list) throw new FlarewatchError('decode', 'The answer to settings has no list of settings.');
		const settings = new Map<string, Json>();
		for (const item of list) if (isObject(item) && typeof item.id === 'string') settings.set(item.id, item);
		return settings;
	}

	/** Top client IPs by requests over the asked hours (at most 24 on a Free zone: the dataset's width). */
	async visitors(ref: ZoneRef, query: VisitorQuery = {}): Promise<Visitor[]> {
		const hours = query.hours ?? 24;
		requireValid('hours', Number.isInteger(hours) && hours >= 1 && hours <= 48 ? undefined : `${String(hours)} is not a whole number of hours from 1 to 48`);
		if (query.classification !== undefined) requireValid('class', ['regular', 'crawler', 'threat'].includes(query.classification) ? undefined : `${quote(String(query.classification))} is not regular, crawler or threat`);
		const zone = await this.zone(ref);
		const span = (zone.plan === 'free' ? Math.min(hours, 24) : hours) * 3_600_000;
		// Pro allows three days wide; windowFor's one-day cap is for stats, so the span is set here.
		const to = windowFor(this.serverNow(), 0).to;
		const data = await this.graphql(visitorsQuery(zone.id, to - span, to, zone.plan === 'free'), 'visitors');
		const visitors = readVisitors(data, 'visitors');
		const wanted = query.classification === undefined ? visitors : visitors.filter(visitor => visitor.classification === query.classification);
		// No coordinates on v4: 0,0 is the port's "unknown"; the country is given instead.
		return query.geo ? wanted.map(visitor => ({...visitor, latitude: 0, longitude: 0})) : wanted;
	}

	/** POST /graphql on our fetch; `data`, or the errors as a FlarewatchError. */
	private async graphql(request: GraphqlRequest, action: string): Promise<unknown> {
		const answer = await this.http.send(new URL(`${this.apiBase.href}/graphql`), {method: 'POST', headers: {...this.authHeaders, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'flarewatch/0.1'}, body: JSON.stringify(request)}, action);
		this.noteAnswer(answer);
		let body: unknown;
		try {
			body = JSON.parse(answer.body) as unknown;
		} catch {
			if (answer.status !== 200) throw statusFailure(answer.status, [], header(answer, 'retry-after'), action, this.secrets, this.now());
			throw new FlarewatchError('decode', `The answer to ${action} is not JSON.`);
		}
		const errors = isObject(body) && Array.isArray(body.errors) ? (body.errors.filter(isObject) as V4ErrorItem[]) : [];
		if (answer.status !== 200) throw statusFailure(answer.status, errors, header(answer, 'retry-after'), action, this.secrets, this.now());
		if (errors.length > 0) {
			// GraphQL answers a zone it may not read with 200 and an error; that is a refusal of the zone, not of the query.
			throw statusFailure(400, errors, undefined, action, this.secrets, this.now());
		}
		if (!isObject(body) || !('data' in body)) throw new FlarewatchError('decode', `The answer to ${action} has no data.`);
		return body.data;
	}

	// Settings --------------------------------------------------------------------------------

	private async editSetting(ref: ZoneRef, id: string, value: string): Promise<Json> {
		const zone = await this.zone(ref);
		const result = await this.call(`${id} change`, sdk => sdk.zones.settings.edit(id, {zone_id: zone.id, value} as Cloudflare.Zones.SettingEditParams));
		return isObject(result) ? result : {};
	}

	async setSecurityLevel(zone: ZoneRef, level: SecurityLevel): Promise<void> {
		requireValid('security level', securityLevels.includes(level) ? undefined : `${quote(String(level))} is not one of ${securityLevels.join(', ')}`);
		await this.editSetting(zone, 'security_level', securityToV4[level]);
	}

	async setCacheLevel(zone: ZoneRef, level: CacheLevel): Promise<void> {
		requireValid('cache level', cacheLevels.includes(level) ? undefined : `${quote(String(level))} is not one of ${cacheLevels.join(', ')}`);
		await this.editSetting(zone, 'cache_level', cacheToV4[level]);
	}

	async setDevMode(zone: ZoneRef, on: boolean): Promise<{expiresOn: number}> {
		const result = await this.editSetting(zone, 'development_mode', on ? 'on' : 'off');
		const remaining = result.time_remaining;
		if (!on) return {expiresOn: 0};
		if (typeof remaining !== 'number' || !(remaining > 0)) throw new FlarewatchError('decode', 'The answer to development_mode change has no time_remaining.');
		return {expiresOn: Math.floor(this.serverNow() / 1000) + remaining};
	}

	async setIpv6(zone: ZoneRef, on: boolean): Promise<void> {
		await this.editSetting(zone, 'ipv6', on ? 'on' : 'off');
	}

	/** Purge everything. v4 has no cooldown to report (its limits are per plan and not in the answer). */
	async purgeCache(ref: ZoneRef): Promise<PurgeResult> {
		const zone = await this.zone(ref);
		await this.call('purge', sdk => sdk.cache.purge({zone_id: zone.id, purge_everything: true}));
		return {purgedAt: Math.floor(this.serverNow() / 1000), cooldownSeconds: 0};
	}

	grabSnapshot(_zone: ZoneRef): Promise<void> {
		return Promise.reject(notOnV4('Snapshots (zone_grab)'));
	}

	preloadPurge(_zone: ZoneRef): Promise<void> {
		return Promise.reject(notOnV4('The preloader purge (pre_purge)'));
	}

	updateHostsIp(_ip: string, _hosts: readonly string[]): Promise<HostUpdate[]> {
		return Promise.reject(notOnV4('Updating hosts by IP (DIUP)'));
	}

	lookupIp(ip: string): Promise<ThreatScore> {
		validated('IP address', ip, checkIp);
		return Promise.reject(notOnV4('IP threat scores (ip_lkup)'));
	}

	// IP Access rules (zone level, with notes; the account's are listed too) ----------------------

	whitelist(ip: string, options: IpRuleOptions = {}): Promise<void> {
		return this.ipRule(ip, 'whitelist', options);
	}

	ban(ip: string, options: IpRuleOptions = {}): Promise<void> {
		return this.ipRule(ip, 'block', options);
	}

	/** A rule on one address in the zone; when the address has one there already, that rule is changed. */
	private async ipRule(ip: string, mode: 'block' | 'whitelist', options: IpRuleOptions): Promise<void> {
		validated('IP address', ip, checkIp);
		const ref = requireZone(options, mode === 'block' ? 'A ban' : 'A whitelist entry');
		await this.addRule(ref, {mode, target: 'ip', value: ip, notes: options.notes ?? defaultNotes[mode]});
	}

	/** Deletes the zone's rules on the address, whoever made them; none is not an error (as v1's nul). */
	async clearRule(ip: string, options: IpRuleOptions = {}): Promise<void> {
		validated('IP address', ip, checkIp);
		const zone = await this.zone(requireZone(options, 'Clearing a rule'));
		for (const rule of await this.zoneRulesOn(zone, ip)) {
			await this.call('clear rule', sdk => sdk.firewall.accessRules.delete(rule.id, {zone_id: zone.id}));
		}
	}

	/** The zone's rules, then the account's (every page of each: one request per 1,000 rules). */
	async listRules(ref: ZoneRef): Promise<RuleList> {
		const zone = await this.zone(ref);
		const rules = await this.rulePages('rule list', {zone_id: zone.id}, 'zone');
		if (zone.accountId === '') return {rules, accountUnavailable: 'the zone’s answer named no account'};
		try {
			rules.push(...(await this.rulePages('account rule list', {account_id: zone.accountId}, 'account')));
		} catch (error) {
			// A token for zones only may not read the account's rules: the zone's are still worth showing.
			if (error instanceof FlarewatchError && (error.kind === 'auth' || error.status === 403)) return {rules, accountUnavailable: error.message};
			throw error;
		}
		return {rules};
	}

	async addRule(ref: ZoneRef, rule: NewAccessRule): Promise<AccessRule> {
		requireValid('mode', v4Capabilities.ruleModes.includes(rule.mode) ? undefined : `${quote(String(rule.mode))} is not one of ${v4Capabilities.ruleModes.join(', ')}`);
		const configuration = ruleConfiguration(rule);
		requireValid('notes', rule.notes.length <= 500 && !/[\u0000-\u001f\u007f]/.test(rule.notes) ? undefined : 'must be at most 500 characters, without control characters');
		const zone = await this.zone(ref);
		try {
			const created = await this.call('rule', sdk => sdk.firewall.accessRules.create({zone_id: zone.id, mode: rule.mode, configuration, notes: rule.notes} as Cloudflare.Firewall.AccessRuleCreateParams));
			return toRule(created, 'zone');
		} catch (error) {
			if (!(error instanceof FlarewatchError) || error.code !== String(duplicateRule)) throw error;
		}
		// The target has a rule in this zone already: change it (one rule per target and value).
		const [existing] = (await this.rulePages('rule lookup', {zone_id: zone.id, 'configuration.value': configuration.value} as Cloudflare.Firewall.AccessRuleListParams, 'zone')).filter(found => found.value.toLowerCase() === configuration.value.toLowerCase());
		if (!existing) throw new FlarewatchError('api', `The API says ${configuration.value} has a rule, but none was found in ${ref.name}.`, {code: String(duplicateRule)});
		const edited = await this.call('rule', sdk => sdk.firewall.accessRules.edit(existing.id, {zone_id: zone.id, mode: rule.mode, configuration, notes: rule.notes} as Cloudflare.Firewall.AccessRuleEditParams));
		return toRule(edited, 'zone');
	}

	async deleteRule(ref: ZoneRef, rule: Pick<AccessRule, 'id' | 'scope'>): Promise<void> {
		requireValid('rule id', /^[A-Za-z0-9_-]{1,64}$/.test(rule.id) ? undefined : 'must be letters, digits, - or _');
		const zone = await this.zone(ref);
		if (rule.scope === 'account') {
			if (zone.accountId === '') throw new FlarewatchError('api', `The account of ${ref.name} is not known, so its rule cannot be removed.`, {code: 'no-account'});
			await this.call('rule removal', sdk => sdk.firewall.accessRules.delete(rule.id, {account_id: zone.accountId}));
			return;
		}
		await this.call('rule removal', sdk => sdk.firewall.accessRules.delete(rule.id, {zone_id: zone.id}));
	}

	private async zoneRulesOn(zone: ZoneInfo, ip: string): Promise<AccessRule[]> {
		const lower = ip.toLowerCase();
		const found = await this.rulePages('rule lookup', {zone_id: zone.id, 'configuration.value': ip} as Cloudflare.Firewall.AccessRuleListParams, 'zone');
		return found.filter(rule => rule.value.toLowerCase() === lower);
	}

	private rulePages(action: string, query: Cloudflare.Firewall.AccessRuleListParams, scope: RuleScope): Promise<AccessRule[]> {
		return this.call(action, async sdk => {
			const rules = await everyPage(sdk.firewall.accessRules.list({...query, per_page: rulesPerPage}), rulesPerPage);
			return rules.map(rule => toRule(rule, scope));
		});
	}

	/** Recent firewall events for the address (a day), with its country and ASN. One GraphQL query. */
	async ipDetails(ref: ZoneRef, ip: string): Promise<IpDetails> {
		validated('IP address', ip, checkIp);
		const zone = await this.zone(ref);
		const to = windowFor(this.serverNow(), 0).to;
		const data = await this.graphql(ipEventsQuery(zone.id, ip, to - 86_400_000, to), 'IP details');
		return readIpDetails(data, ip, 'IP details');
	}

	/** Purges single files (at most 100 URLs a request, the API's limit), each inside the zone. */
	async purgeFiles(ref: ZoneRef, urls: readonly string[]): Promise<void> {
		requireValid('files', urls.length >= 1 && urls.length <= 100 ? undefined : `${urls.length} URLs given; purge 1 to 100 at a time`);
		for (const url of urls) requireValid('file', checkPurgeUrl(url, ref.name));
		const zone = await this.zone(ref);
		await this.call('purge', sdk => sdk.cache.purge({zone_id: zone.id, files: [...urls]}));
	}

	// DNS ------------------------------------------------------------------------------------

	async listRecords(ref: ZoneRef): Promise<DnsRecord[]> {
		const zone = await this.zone(ref);
		return this.call('DNS list', async sdk => {
			const records = await everyPage(sdk.dns.records.list({zone_id: zone.id, per_page: 100}), 100);
			return records.map(toRecord);
		});
	}

	/** POST: the types v4 lists, with priority (MX, SRV, URI), comment, and `data` for the structured types. */
	async addRecord(ref: ZoneRef, record: NewDnsRecord): Promise<DnsRecord> {
		requireValid('type', checkRecordTypeIn(String(record.type), v4Capabilities.recordTypes, 'v4'));
		validated('name', record.name, checkRecordName);
		const body = recordBody(record.type, record);
		const zone = await this.zone(ref);
		const params = {zone_id: zone.id, type: record.type, name: record.name, ttl: record.ttl ?? 1, ...body} as Cloudflare.DNS.RecordCreateParams;
		return toRecord(await this.call('DNS add', sdk => sdk.dns.records.create(params)));
	}

	/** PATCH: what the port does not carry (tags, settings) is kept, and the comment unless one is given ('' clears it). */
	async editRecord(ref: ZoneRef, record: DnsRecord): Promise<DnsRecord> {
		requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(record.id) ? undefined : 'must be letters, digits, - or _');
		validated('name', record.name, checkRecordName);
		requireValid('type', /^[A-Z0-9]{1,10}$/.test(record.type) ? undefined : `${quote(record.type)} is not a record type`);
		const body = recordBody(record.type, record);
		const zone = await this.zone(ref);
		const params = {zone_id: zone.id, type: record.type, name: record.name, ttl: record.ttl, ...body} as Cloudflare.DNS.RecordEditParams;
		return toRecord(await this.call('DNS edit', sdk => sdk.dns.records.edit(record.id, params)));
	}

	/** Every record of that name: one list, then one delete each. */
	async deleteRecordsByName(ref: ZoneRef, fqdn: string): Promise<void> {
		validated('name', fqdn, checkHostname);
		requireValid('name', isNameInZone(fqdn, ref.name) ? undefined : `${quote(fqdn)} is not a full name inside ${ref.name}`);
		const zone = await this.zone(ref);
		const found = await this.call('DNS list', sdk => sdk.dns.records.list({zone_id: zone.id, name: {exact: fqdn}, per_page: 100}));
		const ids = found.result.filter(record => record.name.toLowerCase() === fqdn.toLowerCase()).map(record => record.id);
		if (ids.length === 0) throw new FlarewatchError('api', `${fqdn} has no DNS records to delete.`, {code: 'no-record'});
		for (const id of ids) await this.call('DNS delete', sdk => sdk.dns.records.delete(id, {zone_id: zone.id}));
	}

	async deleteRecord(ref: ZoneRef, id: string): Promise<void> {
		requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(id) ? undefined : 'must be letters, digits, - or _');
		const zone = await this.zone(ref);
		await this.call('DNS delete', sdk => sdk.dns.records.delete(id, {zone_id: zone.id}));
	}
}

function requireZone(options: IpRuleOptions, what: string): ZoneRef {
	if (!options.zone) throw new FlarewatchError('validation', `${what} on API v4 is a rule in a zone: name the zone.`, {field: 'zone'});
	return options.zone;
}

/** The configuration of a new rule: checked here, so a value the API would refuse is refused before sending. */
function ruleConfiguration(rule: NewAccessRule): {target: string; value: string} {
	switch (rule.target) {
		case 'ip':
			validated('IP address', rule.value, checkIp);
			return {target: rule.value.includes(':') ? 'ip6' : 'ip', value: rule.value};
		case 'ip_range':
			requireValid('range', checkRuleRange(rule.value));
			return {target: 'ip_range', value: rule.value};
		case 'asn': {
			const asn = asnValue(rule.value);
			requireValid('ASN', asn === undefined ? `${quote(rule.value)} is not an autonomous system number such as AS13335` : undefined);
			return {target: 'asn', value: asn!};
		}
		case 'country':
			requireValid('country', /^[A-Z]{2}$/.test(rule.value) ? undefined : `${quote(rule.value)} is not a two-letter country code such as CN`);
			return {target: 'country', value: rule.value};
		default:
			throw new FlarewatchError('validation', `${quote(String(rule.target))} is not one of ${v4Capabilities.ruleTargets.join(', ')}.`, {field: 'target'});
	}
}

/** A v4 access rule in the port's shape. */
function toRule(value: unknown, scope: RuleScope): AccessRule {
	if (!isObject(value) || typeof value.id !== 'string') throw new FlarewatchError('decode', 'An access rule in the answer has no id.');
	const configuration = isObject(value.configuration) ? value.configuration : {};
	const target = typeof configuration.target === 'string' ? configuration.target : '';
	const created = typeof value.created_on === 'string' ? Date.parse(value.created_on) : NaN;
	return {
		id: value.id,
		mode: typeof value.mode === 'string' ? value.mode : '',
		// IPv6 addresses are 'ip' to the port, as v4's ip6 is only how an address is spelt.
		target: target === 'ip6' ? 'ip' : target,
		value: typeof configuration.value === 'string' ? configuration.value : '',
		notes: typeof value.notes === 'string' ? value.notes : '',
		scope,
		createdAt: Number.isNaN(created) ? 0 : created,
	};
}

function notOnV4(what: string): FlarewatchError {
	return new FlarewatchError('api', `${what} is not available on API v4.`, {code: 'not-on-v4'});
}

function header(answer: HttpAnswer, name: string): string | undefined {
	return answer.headers.find(([key]) => key === name)?.[1];
}

/**
 * What a record sends besides type, name and TTL, checked by v4's rules first (nothing is sent when a
 * field is wrong): `content`, or `data` built from it for the structured types; `priority` for MX and
 * URI (SRV's goes in its data); `proxied` for the types that can be; the comment when given.
 */
function recordBody(type: string, record: Pick<NewDnsRecord, 'content' | 'ttl' | 'proxied' | 'prio' | 'comment'>): Json {
	validated('content', record.content, value => checkContentFor(type, value, 'v4'));
	if (record.ttl !== undefined) requireValid('ttl', checkRecordTtl(record.ttl, 'v4'));
	if (needsPriority(type)) {
		requireValid('priority', record.prio === undefined ? `is required for ${type} (0 to 65535, lower first)` : checkRecordPriority(record.prio));
	}
	if (record.proxied) requireValid('proxied', isProxiable(type) ? undefined : `${type} records cannot be proxied (only ${proxiableTypes.join(', ')})`);
	if (record.comment !== undefined) validated('comment', record.comment, checkRecordComment);
	const body: Json = {};
	if (isStructuredType(type)) {
		const data = parseRecordData(type, record.content) as RecordData;
		body.data = type === 'SRV' ? {...data, priority: record.prio} : data;
	} else {
		body.content = record.content;
	}
	if (needsPriority(type) && type !== 'SRV') body.priority = record.prio;
	if (isProxiable(type)) body.proxied = record.proxied;
	if (record.comment !== undefined) body.comment = record.comment;
	return body;
}

/** A v4 DNS record in the port's shape: a structured record's content in zone-file form, made from its `data`. */
function toRecord(record: unknown): DnsRecord {
	if (!isObject(record) || typeof record.id !== 'string' || typeof record.name !== 'string' || typeof record.type !== 'string') {
		throw new FlarewatchError('decode', 'A DNS record in the answer has no id, name or type.');
	}
	const data = isObject(record.data) ? record.data : undefined;
	const formatted = data && isStructuredType(record.type) ? formatRecordData(record.type, data) : undefined;
	// SRV's priority lives in its data; MX's and URI's beside the content.
	const priority = typeof record.priority === 'number' ? record.priority : typeof data?.priority === 'number' && record.type === 'SRV' ? data.priority : undefined;
	return {
		id: record.id,
		name: record.name,
		type: record.type,
		content: formatted ?? (typeof record.content === 'string' ? record.content : ''),
		ttl: typeof record.ttl === 'number' ? record.ttl : 1,
		proxied: record.proxied === true,
		...(priority !== undefined && needsPriority(record.type) ? {prio: priority} : {}),
		...(typeof record.comment === 'string' && record.comment !== '' ? {comment: record.comment} : {}),
	};
}
