/**
 * The Backend port on the v1 client: domain calls in, v1 actions out. Kept thin so the console and
 * the commands see the same behaviour as the client's own tests.
 */
import type {Backend, CacheLevel, Capabilities, DnsRecord, HostUpdate, NewDnsRecord, PurgeResult, SecurityLevel, SpamReport, StatsInterval, ThreatScore, Visitor, VisitorQuery, ZoneRef, ZoneStats} from '../backend.js';
import {V1Client, type ClientOptions} from './client.js';
import type {V1Zone} from './shapes.js';

/** What the Client Interface API could do (its documented actions). */
export const v1Capabilities: Capabilities = {
	api: 'v1',
	limits: {windowSeconds: 3600, calls: 300},
	ruleModes: ['block', 'whitelist'],
	ruleTargets: ['ip'],
	ruleListing: false,
	ruleNotes: false,
	ruleScope: 'account',
	ipLookup: true,
	ipDetails: false,
	hostsUpdate: true,
	snapshot: true,
	preloaderPurge: true,
	purgeFiles: false,
	spamReport: true,
	purgeCooldown: true,
	pageLoadTimes: true,
	visitorCoordinates: true,
	recordTypes: ['A', 'CNAME'],
	recordComments: false,
};

/** The port's opaque id is v1's zid as text; '' (not on the account) is zid 0. */
function v1Zone(zone: ZoneRef): V1Zone {
	const zid = /^\d{1,15}$/.test(zone.id) ? Number(zone.id) : 0;
	return {name: zone.name, zid};
}

export class V1Backend implements Backend {
	/** The client underneath, for actions outside the port (spam reports, zone_load_multi, rec_set). */
	readonly client: V1Client;

	constructor(options: ClientOptions | V1Client) {
		this.client = options instanceof V1Client ? options : new V1Client(options);
	}

	readonly capabilities = v1Capabilities;

	get endpointLabel(): string {
		return this.client.endpointLabel;
	}

	lastCallsLeft(): {callsLeft: number; at: number} | undefined {
		return this.client.lastCallsLeft();
	}

	/** Releases kept-alive connections. */
	close(): void {
		this.client.close();
	}

	reportSpam(report: SpamReport): Promise<void> {
		return this.client.reportSpam(report);
	}

	async checkZones(names: readonly string[]): Promise<ZoneRef[]> {
		return (await this.client.checkZones(names)).map(zone => ({name: zone.name, id: zone.zid > 0 ? String(zone.zid) : ''}));
	}

	stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		return this.client.stats(zone.name, interval);
	}

	visitors(zone: ZoneRef, query?: VisitorQuery): Promise<Visitor[]> {
		return this.client.visitors(v1Zone(zone), query);
	}

	setSecurityLevel(zone: ZoneRef, level: SecurityLevel): Promise<void> {
		return this.client.setSecurityLevel(zone.name, level);
	}

	setCacheLevel(zone: ZoneRef, level: CacheLevel): Promise<void> {
		return this.client.setCacheLevel(zone.name, level);
	}

	setDevMode(zone: ZoneRef, on: boolean): Promise<{expiresOn: number}> {
		return this.client.setDevMode(zone.name, on);
	}

	purgeCache(zone: ZoneRef): Promise<PurgeResult> {
		return this.client.purgeCache(zone.name);
	}

	setIpv6(zone: ZoneRef, on: boolean): Promise<void> {
		return this.client.setIpv6(zone.name, on);
	}

	grabSnapshot(zone: ZoneRef): Promise<void> {
		return this.client.grabSnapshot(v1Zone(zone));
	}

	preloadPurge(zone: ZoneRef): Promise<void> {
		return this.client.preloadPurge(zone.name);
	}

	whitelist(ip: string): Promise<void> {
		return this.client.whitelist(ip);
	}

	ban(ip: string): Promise<void> {
		return this.client.ban(ip);
	}

	clearRule(ip: string): Promise<void> {
		return this.client.clearRule(ip);
	}

	lookupIp(ip: string): Promise<ThreatScore> {
		return this.client.lookupIp(ip);
	}

	listRecords(zone: ZoneRef): Promise<DnsRecord[]> {
		return this.client.listRecords(zone.name);
	}

	addRecord(zone: ZoneRef, record: NewDnsRecord): Promise<DnsRecord> {
		return this.client.addRecord(zone.name, record);
	}

	editRecord(zone: ZoneRef, record: DnsRecord): Promise<DnsRecord> {
		return this.client.editRecord(zone.name, record);
	}

	deleteRecordsByName(zone: ZoneRef, fqdn: string): Promise<void> {
		return this.client.deleteRecordsByName(zone.name, fqdn);
	}

	deleteRecord(zone: ZoneRef, id: string): Promise<void> {
		return this.client.deleteRecord(zone.name, id);
	}

	updateHostsIp(ip: string, hosts: readonly string[]): Promise<HostUpdate[]> {
		return this.client.updateHostsIp(ip, hosts);
	}
}
