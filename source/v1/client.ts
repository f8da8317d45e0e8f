/**
 * One typed method per v1 action, one request per call (rec_load_all pages excepted). Every input is
 * validated before anything is sent; every failure is a FlarewatchError; the key only ever leaves
 * through the request body.
 */
import type {CacheLevel, DnsRecord, HostUpdate, NewDnsRecord, PurgeResult, SecurityLevel, SpamReport, StatsInterval, ThreatScore, Visitor, VisitorQuery, ZoneStats} from '../backend.js';
import {cacheLevels, securityLevels, statsIntervals} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import {canonicalIp, ipv4Key} from '../lib/ip.js';
import type {Secret} from '../lib/secret.js';
import {checkEmail, checkHostname, checkIp, checkIpv4, checkRecordContent, checkRecordName, checkText, checkTtl, checkZoneName, isNameInZone, quote, requireValid, validated} from '../lib/validate.js';
import {paths, type JsonAction, type SpamEventType, type TextAction, type WireParams, type WireSpamEvent} from './wire.js';
import {decodeEnvelope, decodeHostLines, decodeTextStatus, type DecodeContext, type DecodedEnvelope} from './decode.js';
import {decodeLookup, decodeNumberAt, decodeRecordObj, decodeRecordPage, decodeStats, decodeVisitors, decodeZoneCheck, decodeZoneList, type V1Zone, type ZoneSummary} from './shapes.js';
import {Transport, type TransportOptions} from './transport.js';

/** Credentials and how to reach the API. */
export interface ClientOptions extends TransportOptions {
	email: string;
	key: Secret;
	/** Epoch milliseconds, for stamping `calls_left` reports; default Date.now. */
	now?: () => number;
}


/** `rec_load_all` pages beyond this mean a server that never says has_more: false. */
const maxRecordPages = 1000;

const visitorClassParam = {regular: 'r', crawler: 's', threat: 't'} as const;

export class V1Client {
	readonly endpointLabel: string;
	private readonly transport: Transport;
	private readonly email: string;
	private readonly key: Secret;
	/** The key and any other value the caller asked to keep out of messages: the decoders mask all of them. */
	private readonly secrets: readonly Secret[];
	private readonly now: () => number;
	private callsLeft: {callsLeft: number; at: number} | undefined;

	constructor(options: ClientOptions) {
		requireValid('email', checkEmail(options.email));
		if (!options.key.isSet) throw new FlarewatchError('validation', 'The API key is empty.', {field: 'key'});
		requireValid('key', /[\s\u0000-\u001f\u007f]/.test(options.key.reveal()) ? 'contains a space or a control character' : undefined);
		this.email = options.email;
		this.key = options.key;
		this.now = options.now ?? Date.now;
		this.secrets = [options.key, ...(options.secrets ?? [])];
		this.transport = new Transport({...options, secrets: this.secrets});
		this.endpointLabel = this.transport.endpointLabel;
	}

	/** The `calls_left` the server last reported, and when; undefined before any report. */
	lastCallsLeft(): {callsLeft: number; at: number} | undefined {
		return this.callsLeft;
	}

	/** Releases kept-alive connections. */
	close(): void {
		this.transport.close();
	}

	private context(action: string): DecodeContext {
		return {action, secrets: this.secrets, onCallsLeft: callsLeft => (this.callsLeft = {callsLeft, at: this.now()})};
	}

	/** `/api_json.html`, with `calls_left` asked for every time. */
	private async json(action: JsonAction, params: WireParams): Promise<DecodedEnvelope> {
		const body = await this.transport.post(paths.json, {a: action, ...params, email: this.email, tkn: this.key.reveal(), calls_left: '1'}, action);
		return decodeEnvelope(body, this.context(action));
	}

	/** `/api.html`, plain text. */
	private async text(action: TextAction, params: WireParams): Promise<string> {
		return this.transport.post(paths.text, {a: action, ...params, u: this.email, tkn: this.key.reveal()}, action);
	}

	// Zone settings and data ------------------------------------------------------------------

	/** `stats`: traffic and settings of a zone over `interval` (default 20, 30 days). */
	async stats(zone: string, interval: StatsInterval = 20): Promise<ZoneStats> {
		validated('zone', zone, checkZoneName);
		requireValid('interval', statsIntervals.includes(interval) ? undefined : `${String(interval)} is not one of ${statsIntervals.join(', ')}`);
		const answer = await this.json('stats', {z: zone, interval: String(interval)});
		return decodeStats(this.context('stats'), answer.response);
	}

	/** `sec_lvl`. */
	async setSecurityLevel(zone: string, level: SecurityLevel): Promise<void> {
		validated('zone', zone, checkZoneName);
		requireValid('security level', securityLevels.includes(level) ? undefined : `${quote(String(level))} is not one of ${securityLevels.join(', ')}`);
		await this.json('sec_lvl', {z: zone, v: level});
	}

	/** `cache_lvl`. */
	async setCacheLevel(zone: string, level: CacheLevel): Promise<void> {
		validated('zone', zone, checkZoneName);
		requireValid('cache level', cacheLevels.includes(level) ? undefined : `${quote(String(level))} is not one of ${cacheLevels.join(', ')}`);
		await this.json('cache_lvl', {z: zone, v: level});
	}

	/** `devmode`: resolves with `expires_on` (epoch seconds). */
	async setDevMode(zone: string, on: boolean): Promise<{expiresOn: number}> {
		validated('zone', zone, checkZoneName);
		const answer = await this.json('devmode', {z: zone, v: on ? '1' : '0'});
		if (!on && (answer.response === undefined || answer.response === null)) return {expiresOn: 0};
		return {expiresOn: decodeNumberAt(this.context('devmode'), answer.response, ['expires_on'])};
	}

	/** `fpurge_ts`: when the cache was purged and the cooldown before the next purge. */
	async purgeCache(zone: string): Promise<PurgeResult> {
		validated('zone', zone, checkZoneName);
		const answer = await this.json('fpurge_ts', {z: zone, v: '1'});
		const ctx = this.context('fpurge_ts');
		const cooldown = answer.attributes.cooldown;
		return {
			purgedAt: decodeNumberAt(ctx, answer.response, ['fpurge_ts']),
			cooldownSeconds: cooldown === undefined ? 0 : decodeNumberAt(ctx, answer.attributes, ['cooldown'], 'attributes'),
		};
	}

	/** `zone_check`: the zid of each zone, 0 when not active or not the account's. */
	async checkZones(zones: readonly string[]): Promise<V1Zone[]> {
		if (zones.length === 0) throw new FlarewatchError('validation', 'No zone was given to check.', {field: 'zones'});
		for (const zone of zones) validated('zone', zone, checkZoneName);
		const answer = await this.json('zone_check', {zones: zones.join(',')});
		return decodeZoneCheck(this.context('zone_check'), answer.response, zones);
	}

	/** `zone_ips`: visitors by IP over the last `hours` (1..48, default 24). */
	async visitors(zone: V1Zone, query: VisitorQuery = {}): Promise<Visitor[]> {
		validated('zone', zone.name, checkZoneName);
		const hours = query.hours ?? 24;
		requireValid('hours', Number.isInteger(hours) && hours >= 1 && hours <= 48 ? undefined : `${String(hours)} is not a whole number of hours from 1 to 48`);
		const params: WireParams = {z: zone.name, hours: String(hours)};
		// The 2011 service read zid, the later one z: send both when the zid is known.
		if (zone.zid > 0) params.zid = String(zone.zid);
		if (query.classification !== undefined) {
			const cls = Object.hasOwn(visitorClassParam, query.classification) ? visitorClassParam[query.classification] : undefined;
			requireValid('class', cls ? undefined : `${quote(String(query.classification))} is not regular, crawler or threat`);
			if (cls !== undefined) params.class = cls;
		}
		if (query.geo) params.geo = '1';
		const answer = await this.json('zone_ips', params);
		// The one place visitors' addresses enter: each is made canonical here (IPv6 lowercase and
		// compressed), so the guard, the registry and the rules compare like with like. One that does not
		// parse keeps its text, to be shown inert; the action rules and a lockdown refuse it.
		const visitors = decodeVisitors(this.context('zone_ips'), answer.response);
		for (const visitor of visitors) {
			// Dotted quads, the flood's bulk, are kept as they are (no work for 50,000 rows); one with a
			// leading zero is refused later like any address that does not parse.
			if (ipv4Key(visitor.ip) < 0) visitor.ip = canonicalIp(visitor.ip) ?? visitor.ip;
		}
		return visitors;
	}

	/** `zone_grab`: asks for a new snapshot (once per zone per day). */
	async grabSnapshot(zone: V1Zone): Promise<void> {
		validated('zone', zone.name, checkZoneName);
		await this.json('zone_grab', zone.zid > 0 ? {zid: String(zone.zid), z: zone.name} : {z: zone.name});
	}

	/** `pre_purge`: purges the preloader's cache. */
	async preloadPurge(zone: string): Promise<void> {
		validated('zone', zone, checkZoneName);
		// The documentation names the parameter zone_name; z is what the rest of the API reads.
		await this.json('pre_purge', {zone_name: zone, z: zone});
	}

	/** `ipv46`. */
	async setIpv6(zone: string, on: boolean): Promise<void> {
		validated('zone', zone, checkZoneName);
		await this.json('ipv46', {z: zone, v: on ? '1' : '0'});
	}

	/** `zone_load_multi`: the account's zones. */
	async listZones(): Promise<ZoneSummary[]> {
		const answer = await this.json('zone_load_multi', {});
		return decodeZoneList(this.context('zone_load_multi'), answer.response).zones;
	}

	// Visitors and rules ----------------------------------------------------------------------

	/** `ip_lkup`: the threat score of an IP. */
	async lookupIp(ip: string): Promise<ThreatScore> {
		validated('IP address', ip, checkIp);
		const answer = await this.json('ip_lkup', {ip});
		return decodeLookup(this.context('ip_lkup'), answer.response, ip);
	}

	/** `wl` through `/api.html`. */
	whitelist(ip: string): Promise<void> {
		return this.rule('wl', ip);
	}

	/** `ban` through `/api.html`. */
	ban(ip: string): Promise<void> {
		return this.rule('ban', ip);
	}

	/** `nul` through `/api.html`: removes the IP's rule. */
	clearRule(ip: string): Promise<void> {
		return this.rule('nul', ip);
	}

	private async rule(action: 'wl' | 'ban' | 'nul', ip: string): Promise<void> {
		validated('IP address', ip, checkIp);
		decodeTextStatus(await this.text(action, {key: ip}), this.context(action));
	}

	/** `ajax/external-event.html`: reports spam the site received. */
	async reportSpam(report: SpamReport, type: SpamEventType = 'CF_USER_SPAM'): Promise<void> {
		requireValid('author', checkText(report.author, 100));
		validated('author email', report.authorEmail, checkEmail);
		validated('IP address', report.ip, checkIp);
		requireValid('content', checkText(report.content, 100));
		const event: WireSpamEvent = {a: report.author, am: report.authorEmail, ip: report.ip, content: report.content};
		const body = await this.transport.post(paths.externalEvent, {u: this.email, tkn: this.key.reveal(), evnt_t: type, evnt_v: JSON.stringify(event)}, 'spam report');
		// Clients of the era ignored this answer; only an explicit error envelope is a failure.
		if (body.trim() === '' || body.trim() === 'OK') return;
		decodeEnvelope(body, this.context('spam report'));
	}

	// DNS ----------------------------------------------------------------------------------

	/** `rec_load_all`, every page (`o` = records seen so far). */
	async listRecords(zone: string): Promise<DnsRecord[]> {
		validated('zone', zone, checkZoneName);
		const records: DnsRecord[] = [];
		for (let page = 0; page < maxRecordPages; page++) {
			const answer = await this.json('rec_load_all', {z: zone, o: String(records.length)});
			const {records: batch, hasMore} = decodeRecordPage(this.context('rec_load_all'), answer.response);
			records.push(...batch);
			if (!hasMore) return records;
			if (batch.length === 0) throw new FlarewatchError('decode', 'The answer to rec_load_all says there are more records but sent none.');
		}
		throw new FlarewatchError('decode', `The answer to rec_load_all still had more records after ${maxRecordPages} pages.`);
	}

	/** `rec_set` (the documented create): an A or CNAME record; answers no record. */
	async createRecord(zone: string, record: NewDnsRecord): Promise<void> {
		validated('zone', zone, checkZoneName);
		this.checkNewRecord(record);
		await this.json('rec_set', {zone, type: record.type, name: record.name, content: record.content, service_mode: record.proxied ? '1' : '0'});
	}

	/** `rec_new`: creates a record and answers it, with its id. */
	async addRecord(zone: string, record: NewDnsRecord): Promise<DnsRecord> {
		validated('zone', zone, checkZoneName);
		this.checkNewRecord(record);
		const ttl = record.ttl ?? 1;
		const answer = await this.json('rec_new', {z: zone, type: record.type, name: record.name, content: record.content, ttl: String(ttl), service_mode: record.proxied ? '1' : '0'});
		return decodeRecordObj(this.context('rec_new'), answer.response);
	}

	/** `rec_edit`: replaces the record with id `record.id` by `record`. */
	async editRecord(zone: string, record: DnsRecord): Promise<DnsRecord> {
		validated('zone', zone, checkZoneName);
		requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(record.id) ? undefined : 'must be letters, digits, - or _');
		validated('name', record.name, checkRecordName);
		requireValid('type', /^[A-Z]{1,10}$/.test(record.type) ? undefined : `${quote(record.type)} is not a record type`);
		validated('content', record.content, value => checkRecordContent(record.type, value));
		requireValid('ttl', checkTtl(record.ttl));
		const params: WireParams = {z: zone, id: record.id, type: record.type, name: record.name, content: record.content, ttl: String(record.ttl)};
		if (record.type === 'A' || record.type === 'AAAA' || record.type === 'CNAME') params.service_mode = record.proxied ? '1' : '0';
		if (record.prio !== undefined) params.prio = String(record.prio);
		const answer = await this.json('rec_edit', params);
		return decodeRecordObj(this.context('rec_edit'), answer.response);
	}

	/** `rec_del`: removes every record named `fqdn` (a full name inside the zone). */
	async deleteRecordsByName(zone: string, fqdn: string): Promise<void> {
		validated('zone', zone, checkZoneName);
		validated('name', fqdn, checkHostname);
		requireValid('name', isNameInZone(fqdn, zone) ? undefined : `${quote(fqdn)} is not a full name inside ${zone}`);
		await this.json('rec_del', {zone, name: fqdn});
	}

	/** `rec_delete`: removes one record by id. */
	async deleteRecord(zone: string, id: string): Promise<void> {
		validated('zone', zone, checkZoneName);
		requireValid('record id', /^[A-Za-z0-9_-]{1,64}$/.test(id) ? undefined : 'must be letters, digits, - or _');
		await this.json('rec_delete', {z: zone, id});
	}

	/** `DIUP` through `/api.html`: points the A records of `hosts` at `ip`. */
	async updateHostsIp(ip: string, hosts: readonly string[]): Promise<HostUpdate[]> {
		validated('IP address', ip, checkIpv4);
		if (hosts.length === 0) throw new FlarewatchError('validation', 'No host was given to update.', {field: 'hosts'});
		const seen = new Set<string>();
		for (const host of hosts) {
			validated('host', host, checkHostname);
			requireValid('host', seen.has(host.toLowerCase()) ? `${quote(host)} is listed twice` : undefined);
			seen.add(host.toLowerCase());
		}
		const outcomes = decodeHostLines(await this.text('DIUP', {ip, hosts: hosts.join(',')}), this.context('DIUP'));
		return outcomes.length > 0 ? outcomes : hosts.map(host => ({host, outcome: 'OK'}));
	}

	private checkNewRecord(record: NewDnsRecord): void {
		requireValid('type', record.type === 'A' || record.type === 'CNAME' ? undefined : `${quote(String(record.type))} is not A or CNAME`);
		validated('name', record.name, checkRecordName);
		validated('content', record.content, value => checkRecordContent(record.type, value));
		if (record.ttl !== undefined) requireValid('ttl', checkTtl(record.ttl));
	}
}
