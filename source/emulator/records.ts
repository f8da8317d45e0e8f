/**
 * DNS records: the v1 "rec" object with its string-typed fields, name forms (short label, FQDN, "@"),
 * and input validation the real service applied.
 */
import {isIPv4, isIPv6} from 'node:net';
import {domainToUnicode} from 'node:url';
import type {Json} from './json.js';
import {hashString} from './rng.js';
import type {RecordState} from './types.js';

/** A record as the world keeps it: what the admin API shows (RecordState; the name in lower case), and more. */
export interface DnsRecord extends RecordState {
	prio: number | null;
	createdAt: number;
	/** Epoch seconds of the last edit (either face); the creation time until then. */
	modifiedAt?: number;
	/** API v4 only (v1 has neither; its edits keep them). */
	comment?: string | null;
	tags?: string[];
}

export const recordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SPF', 'NS', 'SRV', 'LOC'] as const;

/** Records a zone may hold (either face): bounded memory per zone. */
export const maxRecordsPerZone = 3500;

/**
 * How a new or edited record would clash with the zone's others of the same name (`except`: the record
 * being edited). Both faces refuse the same clashes, each in its own words and order.
 */
export function recordConflicts(records: readonly DnsRecord[], input: {name: string; type: string; content: string}, except?: DnsRecord): {identical: boolean; cnameThere: boolean; cnameWouldShare: boolean} {
	const sameName = records.filter(record => record.name === input.name && record !== except);
	return {
		identical: sameName.some(record => record.type === input.type && record.content.toLowerCase() === input.content.toLowerCase()),
		cnameThere: sameName.some(record => record.type === 'CNAME'),
		cnameWouldShare: input.type === 'CNAME' && sameName.length > 0,
	};
}
const proxiableTypes = new Set(['A', 'AAAA', 'CNAME']);

export function defaultRecords(zone: string, net: string, newId: () => string, at: number): DnsRecord[] {
	const make = (name: string, type: string, content: string, ttl: number, proxied: boolean, prio: number | null = null): DnsRecord => ({
		recId: newId(),
		name,
		type,
		content,
		ttl,
		proxied,
		prio,
		createdAt: at,
	});
	return [
		make(zone, 'A', `${net}.10`, 1, true),
		make(`www.${zone}`, 'A', `${net}.10`, 1, true),
		make(`blog.${zone}`, 'CNAME', zone, 1, true),
		make(`mail.${zone}`, 'A', `${net}.25`, 3600, false),
		make(zone, 'MX', `mail.${zone}`, 3600, false, 10),
		make(zone, 'TXT', 'v=spf1 mx -all', 3600, false),
		make(zone, 'AAAA', '2001:db8::10', 1, true),
	];
}

/** A record name as given ("www", "www.example.com", "@", "example.com.") to its FQDN. */
export function fqdnOf(name: string, zone: string): string {
	const trimmed = name.trim().toLowerCase().replace(/\.$/, '');
	if (trimmed === '@' || trimmed === '' || trimmed === zone) return zone;
	return trimmed.endsWith(`.${zone}`) ? trimmed : `${trimmed}.${zone}`;
}

export function isHostname(name: string): boolean {
	if (name.length === 0 || name.length > 253) return false;
	return name.split('.').every(label => /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/i.test(label));
}

/** Validates content for a type; returns an error message or undefined. */
export function contentError(type: string, content: string): string | undefined {
	if (content === '') return 'Content is required.';
	switch (type) {
		case 'A':
			return isIPv4(content) ? undefined : 'Invalid A record content: not an IPv4 address.';
		case 'AAAA':
			return isIPv6(content) ? undefined : 'Invalid AAAA record content: not an IPv6 address.';
		case 'CNAME':
		case 'NS':
		case 'MX':
			if (isIPv4(content) || isIPv6(content)) return `Invalid ${type} record content: a hostname is required, not an IP address.`;
			return isHostname(content.replace(/\.$/, '')) ? undefined : `Invalid ${type} record content: not a hostname.`;
		default:
			return content.length > 4096 ? 'Content is too long.' : undefined;
	}
}

/** `ttl`: 1 (automatic) or 120..4294967295; returns the number or an error message. */
export function parseTtl(value: string | undefined): number | string {
	if (value === undefined || value.trim() === '') return 1;
	if (!/^\d+$/.test(value.trim())) return 'Invalid TTL: must be 1 (automatic) or between 120 and 4294967295.';
	const ttl = Number(value.trim());
	return ttl === 1 || (ttl >= 120 && ttl <= 4_294_967_295) ? ttl : 'Invalid TTL: must be 1 (automatic) or between 120 and 4294967295.';
}

export function isProxiable(type: string): boolean {
	return proxiableTypes.has(type);
}

/** The v1 "rec" object. Types matter: ids, ttl and service_mode are strings, props are ints. */
export function recordObject(record: DnsRecord, zone: string, display: (text: string) => string = text => text, zoneLabel = zone): Json {
	const proxiable = isProxiable(record.type);
	const label = record.name === zone ? zone : record.name.slice(0, -(zone.length + 1));
	// Punycode names are displayed decoded ("xn--vii" as "⟵"), as in the 2012 documentation.
	const short = label.includes('xn--') ? domainToUnicode(label) || label : label;
	return {
		rec_id: record.recId,
		rec_tag: hashString(`${record.recId}:${record.name}`).toString(16).padStart(8, '0').repeat(4),
		zone_name: zoneLabel,
		name: display(record.name),
		display_name: display(short),
		type: record.type,
		prio: record.prio === null ? null : String(record.prio),
		content: display(record.content),
		display_content: display(record.content),
		ttl: String(record.ttl),
		ttl_ceil: 86400,
		ssl_id: null,
		ssl_status: null,
		ssl_expires_on: null,
		auto_ttl: record.ttl === 1 ? 1 : 0,
		service_mode: record.proxied ? '1' : '0',
		props: {
			proxiable: proxiable ? 1 : 0,
			cloud_on: record.proxied ? 1 : 0,
			cf_open: proxiable ? 1 : 0,
			ssl: 0,
			expired_ssl: 0,
			expiring_ssl: 0,
			pending_ssl: 0,
			vanity_lock: 0,
		},
	};
}
