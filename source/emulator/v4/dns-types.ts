/**
 * API v4's DNS record types beyond v1's, and the structured ones' `data`: every type the API lists
 * for dns_records. A structured record can be given as `data` (the API's object) or as `content`
 * (the zone file's text of the record data); either way the record keeps the text, and answers carry
 * both. v1's own types keep v1's checks (records.ts).
 */
import {isIPv4, isIPv6} from 'node:net';
import {isHostname} from '../records.js';

/** The types API v4 takes, as its reference lists them; SPF too, which v1 wrote and v4 still lists. */
export const v4RecordTypes = ['A', 'AAAA', 'CAA', 'CERT', 'CNAME', 'DNSKEY', 'DS', 'HTTPS', 'LOC', 'MX', 'NAPTR', 'NS', 'OPENPGPKEY', 'PTR', 'SMIMEA', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT', 'URI', 'SPF'] as const;

/** Types whose top-level `priority` is required (the API: MX and URI; SRV's lives in `data`, or there). */
export const priorityTypes = new Set(['MX', 'URI', 'SRV']);

type Kind = 'u8' | 'u16' | 'u32' | 'hex' | 'base64' | 'host' | 'quoted' | 'rest' | 'tag' | 'number';

interface Field {
	name: string;
	kind: Kind;
	min?: number;
	max?: number;
}

/** The record data fields of each structured type, in the order the content text gives them. */
const structured: Record<string, Field[]> = {
	CAA: [{name: 'flags', kind: 'u8'}, {name: 'tag', kind: 'tag'}, {name: 'value', kind: 'quoted'}],
	CERT: [{name: 'type', kind: 'u16'}, {name: 'key_tag', kind: 'u16'}, {name: 'algorithm', kind: 'u8'}, {name: 'certificate', kind: 'base64'}],
	DNSKEY: [{name: 'flags', kind: 'u16'}, {name: 'protocol', kind: 'u8', min: 3, max: 3}, {name: 'algorithm', kind: 'u8'}, {name: 'public_key', kind: 'base64'}],
	DS: [{name: 'key_tag', kind: 'u16'}, {name: 'algorithm', kind: 'u8'}, {name: 'digest_type', kind: 'u8'}, {name: 'digest', kind: 'hex'}],
	HTTPS: [{name: 'priority', kind: 'u16'}, {name: 'target', kind: 'host'}, {name: 'value', kind: 'rest'}],
	SVCB: [{name: 'priority', kind: 'u16'}, {name: 'target', kind: 'host'}, {name: 'value', kind: 'rest'}],
	NAPTR: [{name: 'order', kind: 'u16'}, {name: 'preference', kind: 'u16'}, {name: 'flags', kind: 'quoted'}, {name: 'service', kind: 'quoted'}, {name: 'regex', kind: 'quoted'}, {name: 'replacement', kind: 'host'}],
	SMIMEA: [{name: 'usage', kind: 'u8', max: 3}, {name: 'selector', kind: 'u8', max: 1}, {name: 'matching_type', kind: 'u8', max: 2}, {name: 'certificate', kind: 'hex'}],
	TLSA: [{name: 'usage', kind: 'u8', max: 3}, {name: 'selector', kind: 'u8', max: 1}, {name: 'matching_type', kind: 'u8', max: 2}, {name: 'certificate', kind: 'hex'}],
	SSHFP: [{name: 'algorithm', kind: 'u8', min: 1, max: 6}, {name: 'type', kind: 'u8', min: 1, max: 2}, {name: 'fingerprint', kind: 'hex'}],
	// SRV's and URI's priority is the record's `priority`; their text holds the rest.
	SRV: [{name: 'weight', kind: 'u16'}, {name: 'port', kind: 'u16'}, {name: 'target', kind: 'host'}],
	URI: [{name: 'weight', kind: 'u16'}, {name: 'target', kind: 'quoted'}],
};
const caaTags = ['issue', 'issuewild', 'iodef'];

export function isStructured(type: string): boolean {
	return Object.hasOwn(structured, type) || type === 'LOC';
}

type Data = Record<string, string | number>;

/** Splits record text into words, a double-quoted string (with \" inside) being one word. */
function words(text: string): string[] {
	return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(match => (match[1] === undefined ? match[2] : match[1].replace(/\\(.)/g, '$1')));
}

function quote(text: string): string {
	return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** Checks one field's value (from data or text); returns it typed, or an error. */
function fieldValue(type: string, field: Field, value: unknown): string | number | {error: string} {
	const bad = (why: string) => ({error: `${type} record: ${field.name} ${why}.`});
	switch (field.kind) {
		case 'u8':
		case 'u16':
		case 'u32': {
			const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
			const top = field.max ?? (field.kind === 'u8' ? 255 : field.kind === 'u16' ? 65_535 : 4_294_967_295);
			const bottom = field.min ?? 0;
			if (typeof number !== 'number' || !Number.isInteger(number) || number < bottom || number > top) return bad(`must be a whole number from ${bottom} to ${top}`);
			return number;
		}
		case 'number': {
			const number = typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
			if (typeof number !== 'number' || !Number.isFinite(number) || number < (field.min ?? 0) || number > (field.max ?? Number.MAX_SAFE_INTEGER)) return bad(`must be a number from ${field.min ?? 0} to ${field.max}`);
			return number;
		}
		case 'hex':
			return typeof value === 'string' && /^(?:[0-9a-f]{2})+$/i.test(value) ? value.toLowerCase() : bad('must be hexadecimal');
		case 'base64':
			return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 ? value : bad('must be base64');
		case 'host':
			return typeof value === 'string' && (value === '.' || isHostname(value.replace(/\.$/, ''))) && !isIPv4(value) && !isIPv6(value) ? value : bad('must be a host name (or ".")');
		case 'tag':
			return typeof value === 'string' && caaTags.includes(value.toLowerCase()) ? value.toLowerCase() : bad(`must be one of ${caaTags.join(', ')}`);
		case 'quoted':
			return typeof value === 'string' && value.length <= 2048 ? value : bad('must be a string');
		case 'rest':
			return typeof value === 'string' && value.length <= 2048 ? value : bad('must be a string');
	}
}

function formatField(field: Field, value: string | number): string {
	return field.kind === 'quoted' ? quote(String(value)) : String(value);
}

// ---- LOC: RFC 1876's text, "d1 [m1 [s1]] {N|S} d2 [m2 [s2]] {E|W} alt[m] [siz[m] [hp[m] [vp[m]]]]". ----

const locFields: Field[] = [
	{name: 'lat_degrees', kind: 'u8', max: 90}, {name: 'lat_minutes', kind: 'u8', max: 59}, {name: 'lat_seconds', kind: 'number', max: 59.999},
	{name: 'long_degrees', kind: 'u8', max: 180}, {name: 'long_minutes', kind: 'u8', max: 59}, {name: 'long_seconds', kind: 'number', max: 59.999},
	{name: 'altitude', kind: 'number', min: -100_000, max: 42_849_672.95}, {name: 'size', kind: 'number', max: 90_000_000},
	{name: 'precision_horz', kind: 'number', max: 90_000_000}, {name: 'precision_vert', kind: 'number', max: 90_000_000},
];

function locData(given: Record<string, unknown>): Data | string {
	const data: Data = {};
	for (const field of locFields) {
		const value = given[field.name] ?? (['lat_minutes', 'lat_seconds', 'long_minutes', 'long_seconds'].includes(field.name) ? 0 : field.name === 'size' ? 1 : field.name === 'precision_horz' ? 10_000 : field.name === 'precision_vert' ? 10 : undefined);
		const checked = fieldValue('LOC', field, value);
		if (typeof checked === 'object') return checked.error;
		data[field.name] = checked;
	}
	if (given.lat_direction !== 'N' && given.lat_direction !== 'S') return 'LOC record: lat_direction must be N or S.';
	if (given.long_direction !== 'E' && given.long_direction !== 'W') return 'LOC record: long_direction must be E or W.';
	return {...data, lat_direction: given.lat_direction, long_direction: given.long_direction};
}

function locText(data: Data): string {
	const m = (value: string | number) => `${Number(value).toFixed(2)}m`;
	return `${data.lat_degrees} ${data.lat_minutes} ${Number(data.lat_seconds).toFixed(3)} ${data.lat_direction} ${data.long_degrees} ${data.long_minutes} ${Number(data.long_seconds).toFixed(3)} ${data.long_direction} ${m(data.altitude)} ${m(data.size)} ${m(data.precision_horz)} ${m(data.precision_vert)}`;
}

function parseLoc(text: string): Data | string {
	const match = /^(\d+)(?:\s+(\d+)(?:\s+(\d+(?:\.\d+)?))?)?\s+([NS])\s+(\d+)(?:\s+(\d+)(?:\s+(\d+(?:\.\d+)?))?)?\s+([EW])\s+(-?\d+(?:\.\d+)?)m?(?:\s+(\d+(?:\.\d+)?)m?(?:\s+(\d+(?:\.\d+)?)m?(?:\s+(\d+(?:\.\d+)?)m?)?)?)?$/i.exec(text.trim());
	if (!match) return 'LOC record: content must read "d [m [s]] N|S d [m [s]] E|W altitude[m] [size[m] [precision[m] [precision[m]]]]".';
	const [, latD, latM, latS, latDir, longD, longM, longS, longDir, alt, size, hp, vp] = match;
	return locData({lat_degrees: latD, lat_minutes: latM, lat_seconds: latS, lat_direction: latDir.toUpperCase(), long_degrees: longD, long_minutes: longM, long_seconds: longS, long_direction: longDir.toUpperCase(), altitude: alt, size, precision_horz: hp, precision_vert: vp});
}

/** A structured record's data from its text (undefined when the text is not in the type's form, as a v1 record may be). */
export function dataOf(type: string, content: string, priority: number | null): Data | undefined {
	const parsed = parseContent(type, content);
	if (typeof parsed === 'string') return undefined;
	return type === 'SRV' && priority !== null ? {priority, ...parsed} : parsed;
}

function parseContent(type: string, content: string): Data | string {
	if (type === 'LOC') return parseLoc(content);
	const fields = structured[type];
	const parts = words(content);
	const last = fields[fields.length - 1];
	if (parts.length < fields.length || (parts.length > fields.length && last.kind !== 'rest' && last.kind !== 'base64' && last.kind !== 'hex')) {
		return `${type} record: content must read "${fields.map(field => field.name).join(' ')}".`;
	}
	// A trailing value may be split into several words (SVCB parameters, a key written in blocks).
	const values = [...parts.slice(0, fields.length - 1), parts.slice(fields.length - 1).join(last.kind === 'rest' ? ' ' : '')];
	const data: Data = {};
	for (const [index, field] of fields.entries()) {
		const checked = fieldValue(type, field, values[index]);
		if (typeof checked === 'object') return checked.error;
		data[field.name] = checked;
	}
	return data;
}

/**
 * A structured record from the body: `data` (wins when given) or `content`. Returns the text the
 * record keeps and, for SRV, the priority `data` carries; or an error message.
 */
export function structuredInput(type: string, data: unknown, content: unknown): {content: string; priority?: number} | string {
	if (data !== undefined && data !== null) {
		if (typeof data !== 'object' || Array.isArray(data)) return 'data must be an object.';
		const given = data as Record<string, unknown>;
		if (type === 'LOC') {
			const checked = locData(given);
			return typeof checked === 'string' ? checked : {content: locText(checked)};
		}
		const values: string[] = [];
		for (const field of structured[type]) {
			const checked = fieldValue(type, field, given[field.name]);
			if (typeof checked === 'object') return checked.error;
			values.push(formatField(field, checked));
		}
		if (type !== 'SRV' || given.priority === undefined) return {content: values.join(' ')};
		const priority = fieldValue(type, {name: 'priority', kind: 'u16'}, given.priority);
		return typeof priority === 'object' ? priority.error : {content: values.join(' '), priority: priority as number};
	}
	if (typeof content !== 'string' || content.trim() === '') return `${type} record: content or data is required.`;
	const parsed = parseContent(type, content.trim());
	if (typeof parsed === 'string') return parsed;
	// Kept in one form, whatever the spacing and quoting given.
	if (type === 'LOC') return {content: locText(parsed)};
	return {content: structured[type].map(field => formatField(field, parsed[field.name])).join(' ')};
}

/** Checks the content of v4's types that v1 does not have and that carry no structure. */
export function plainContentError(type: string, content: string): string | undefined {
	switch (type) {
		case 'PTR':
			return isHostname(content.replace(/\.$/, '')) && !isIPv4(content) ? undefined : 'Invalid PTR record content: a hostname is required.';
		case 'OPENPGPKEY':
			return /^[A-Za-z0-9+/]+={0,2}$/.test(content) && content.length % 4 === 0 ? undefined : 'Invalid OPENPGPKEY record content: base64 is required.';
		default:
			return undefined;
	}
}
