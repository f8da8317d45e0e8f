/**
 * DNS record rules per API, shared by the console's form, the one-shot commands and the v4 adapter, so
 * that what one accepts the others accept: which types take a priority or a proxy, the TTL range, the
 * comment's bound, and the content of each type. v1's rules are the ones in validate.ts, unchanged.
 *
 * API v4 takes most types as `content`, but the structured ones (SRV, CAA, LOC...) only as `data`, an
 * object of their parts. Here such a record is still one content string, in its zone-file form
 * ("5 5060 sip.example.com" for SRV): `parseRecordData` makes the `data` from it, `formatRecordData`
 * the string from the `data` the API answers. So the port, the form and the commands keep one content
 * field for every type, and an operator types what any DNS tool shows.
 */
import {checkHostname, checkIpv4, checkIpv6, checkRecordContent, checkText, checkTtl, isIp, quote} from './validate.js';

export type RecordApi = 'v1' | 'v4';

/** The types Cloudflare proxies: the only ones with a proxied switch. */
export const proxiableTypes: readonly string[] = ['A', 'AAAA', 'CNAME'];

export function isProxiable(type: string): boolean {
	return proxiableTypes.includes(type);
}

/** The types with a priority of their own beside the content (SRV's is the first number of its zone-file form). */
export const priorityTypes: readonly string[] = ['MX', 'SRV', 'URI'];

export function needsPriority(type: string): boolean {
	return priorityTypes.includes(type);
}

/** The TTL range besides 1 (automatic): v1 120..2^32−1; v4 60..86400 (30 on Enterprise, not offered here). */
export function ttlRange(api: RecordApi): {min: number; max: number} {
	return api === 'v4' ? {min: 60, max: 86_400} : {min: 120, max: 4_294_967_295};
}

export function checkRecordTtl(value: number, api: RecordApi): string | undefined {
	if (api === 'v1') return checkTtl(value);
	const {min, max} = ttlRange(api);
	if (!Number.isInteger(value) || (value !== 1 && (value < min || value > max))) return `${String(value)} is not a TTL; use 1 (automatic) or ${min} to ${max} seconds`;
	return undefined;
}

/** A record type the API creates: one of `types` (the backend's `capabilities.recordTypes`). */
export function checkRecordTypeIn(value: string, types: readonly string[], api: RecordApi): string | undefined {
	if (types.includes(value)) return undefined;
	const list = types.length <= 3 ? types.join(' or ') : types.join(', ');
	return `${quote(value, 20)} is not a record type flarewatch creates on API ${api} (${list})`;
}

export function checkRecordPriority(value: number): string | undefined {
	return Number.isInteger(value) && value >= 0 && value <= 65_535 ? undefined : `${String(value)} is not a priority; use 0 to 65535 (lower is preferred)`;
}

/**
 * A record comment's bound: 100 characters, the Free plan's limit (paid plans allow 500), so that what
 * flarewatch accepts no plan refuses. The API takes no newline.
 */
export const maxCommentLength = 100;

export function checkRecordComment(value: string): string | undefined {
	return checkText(value, maxCommentLength);
}

/** The longest content of any type on v4: a record is at most 4,096 bytes on the wire. */
const maxV4Content = 4096;
/** TXT content on v4 (Cloudflare's documented limit). */
const maxTxtContent = 2048;

/** The content of a record of `type`, by `api`'s rules: undefined when fine, else the problem. */
export function checkContentFor(type: string, value: string, api: RecordApi): string | undefined {
	if (api === 'v1') return checkRecordContent(type, value);
	switch (type) {
		case 'A':
			return checkIpv4(value);
		case 'AAAA':
			return checkIpv6(value);
		case 'CNAME':
		case 'MX':
		case 'NS':
		case 'PTR':
			return isIp(value) ? `${quote(value)} is an IP address; ${article(type)} ${type} record points at a host name` : checkHostname(value);
		case 'TXT':
			if (value.length === 0) return 'is empty';
			return checkText(value, maxTxtContent);
		case 'OPENPGPKEY':
			return checkEncoded(value.replace(/\s+/g, ''), 'base64', 'public key');
		default:
			if (isStructuredType(type)) {
				const parsed = parseRecordData(type, value);
				return typeof parsed === 'string' ? parsed : undefined;
			}
			return checkText(value, maxV4Content);
	}
}

/** What holds for the content of any type on `api`: for checking content before the record's type is known. */
export function checkAnyContentFor(value: string, api: RecordApi): string | undefined {
	return checkText(value, api === 'v4' ? maxV4Content : 255);
}

function article(type: string): string {
	return /^[AEFHILMNORSX]/.test(type) ? 'an' : 'a';
}

// Structured types -----------------------------------------------------------------------------

/** A part of a structured record: a number in 0..max, a host name ("." allowed), a word, a string, hex or base64 text, or the rest as typed. */
type PartKind = 'int' | 'host' | 'word' | 'string' | 'hex' | 'base64' | 'rest';

interface Part {
	/** The key in v4's `data`. */
	key: string;
	/** As messages name it. */
	label: string;
	kind: PartKind;
	min?: number;
	max?: number;
	/** A word's allowed values. */
	choices?: readonly string[];
}

interface StructuredType {
	parts: Part[];
	example: string;
}

const u8 = 255;
const u16 = 65_535;

/** TLSA and SMIMEA share one form (RFC 6698, RFC 8162): usage, selector, matching type, the association data. */
const certificateAssociation: StructuredType = {
	parts: [
		{key: 'usage', label: 'usage', kind: 'int', max: 3},
		{key: 'selector', label: 'selector', kind: 'int', max: 1},
		{key: 'matching_type', label: 'matching type', kind: 'int', max: 2},
		{key: 'certificate', label: 'certificate', kind: 'hex'},
	],
	example: '3 1 1 0E7A...',
};

const structured: Readonly<Record<string, StructuredType>> = {
	CAA: {
		parts: [
			{key: 'flags', label: 'flags', kind: 'int', max: u8},
			{key: 'tag', label: 'tag', kind: 'word', choices: ['issue', 'issuewild', 'iodef']},
			{key: 'value', label: 'value', kind: 'string'},
		],
		example: '0 issue "letsencrypt.org"',
	},
	CERT: {
		parts: [
			{key: 'type', label: 'certificate type', kind: 'int', max: u16},
			{key: 'key_tag', label: 'key tag', kind: 'int', max: u16},
			{key: 'algorithm', label: 'algorithm', kind: 'int', max: u8},
			{key: 'certificate', label: 'certificate', kind: 'base64'},
		],
		example: '1 12345 8 MIIB...',
	},
	DNSKEY: {
		parts: [
			{key: 'flags', label: 'flags', kind: 'int', max: u16},
			{key: 'protocol', label: 'protocol', kind: 'int', min: 3, max: 3},
			{key: 'algorithm', label: 'algorithm', kind: 'int', max: u8},
			{key: 'public_key', label: 'public key', kind: 'base64'},
		],
		example: '257 3 13 mdsswUyr3DPW...',
	},
	DS: {
		parts: [
			{key: 'key_tag', label: 'key tag', kind: 'int', max: u16},
			{key: 'algorithm', label: 'algorithm', kind: 'int', max: u8},
			{key: 'digest_type', label: 'digest type', kind: 'int', max: u8},
			{key: 'digest', label: 'digest', kind: 'hex'},
		],
		example: '2371 13 2 1F987CC6...',
	},
	HTTPS: {
		parts: [
			{key: 'priority', label: 'priority', kind: 'int', max: u16},
			{key: 'target', label: 'target', kind: 'host'},
			{key: 'value', label: 'parameters', kind: 'rest'},
		],
		example: '1 . alpn="h3,h2"',
	},
	NAPTR: {
		parts: [
			{key: 'order', label: 'order', kind: 'int', max: u16},
			{key: 'preference', label: 'preference', kind: 'int', max: u16},
			{key: 'flags', label: 'flags', kind: 'string'},
			{key: 'service', label: 'service', kind: 'string'},
			{key: 'regex', label: 'regex', kind: 'string'},
			{key: 'replacement', label: 'replacement', kind: 'host'},
		],
		example: '100 10 "S" "SIP+D2U" "" _sip._udp.example.com',
	},
	SMIMEA: certificateAssociation,
	SRV: {
		parts: [
			{key: 'weight', label: 'weight', kind: 'int', max: u16},
			{key: 'port', label: 'port', kind: 'int', max: u16},
			{key: 'target', label: 'target', kind: 'host'},
		],
		example: '5 5060 sip.example.com',
	},
	SSHFP: {
		parts: [
			{key: 'algorithm', label: 'algorithm', kind: 'int', min: 1, max: 6},
			{key: 'type', label: 'fingerprint type', kind: 'int', min: 1, max: 2},
			{key: 'fingerprint', label: 'fingerprint', kind: 'hex'},
		],
		example: '4 2 9A8B...',
	},
	SVCB: {
		parts: [
			{key: 'priority', label: 'priority', kind: 'int', max: u16},
			{key: 'target', label: 'target', kind: 'host'},
			{key: 'value', label: 'parameters', kind: 'rest'},
		],
		example: '1 svc.example.com alpn="h2"',
	},
	TLSA: certificateAssociation,
	URI: {
		parts: [
			{key: 'weight', label: 'weight', kind: 'int', max: u16},
			{key: 'target', label: 'target', kind: 'string'},
		],
		example: '1 "https://example.com/"',
	},
};

/** LOC's form: latitude, longitude, altitude, then size and precisions (RFC 1876 defaults 1m 10000m 10m). */
const locExample = '51 30 12.7 N 0 7 39.6 W 10m';

/** True when v4 takes the type as `data` rather than `content`. */
export function isStructuredType(type: string): boolean {
	return type === 'LOC' || Object.hasOwn(structured, type);
}

/** How the content of a structured type is written, with an example; undefined for the others. */
export function contentFormat(type: string): string | undefined {
	if (type === 'LOC') return `d [m [s]] N|S d [m [s]] E|W altitude [size hprec vprec], e.g. ${locExample}`;
	const spec = Object.hasOwn(structured, type) ? structured[type] : undefined;
	return spec ? `${spec.parts.map(part => part.label.replace(/ /g, '-')).join(' ')}, e.g. ${spec.example}` : undefined;
}

export type RecordData = Record<string, string | number>;

/** Splits zone-file text into words; a word in double quotes may hold spaces (\" and \\ escaped). */
class Words {
	private position = 0;
	constructor(private readonly text: string) {}

	get done(): boolean {
		return this.text.slice(this.position).trim() === '';
	}

	/** The next word, unquoted; a problem string when a quote is not closed; undefined at the end. */
	next(): {word: string; quoted: boolean} | {problem: string} | undefined {
		const rest = this.text.slice(this.position);
		const start = rest.search(/\S/);
		if (start < 0) return undefined;
		this.position += start;
		if (this.text[this.position] !== '"') {
			const word = /^\S+/.exec(this.text.slice(this.position))![0];
			this.position += word.length;
			return {word, quoted: false};
		}
		let word = '';
		for (let index = this.position + 1; index < this.text.length; index++) {
			const char = this.text[index]!;
			if (char === '\\' && index + 1 < this.text.length) {
				word += this.text[++index];
			} else if (char === '"') {
				this.position = index + 1;
				return {word, quoted: true};
			} else {
				word += char;
			}
		}
		return {problem: 'has a quote that is not closed'};
	}

	/** Whatever is left, trimmed. */
	rest(): string {
		const rest = this.text.slice(this.position).trim();
		this.position = this.text.length;
		return rest;
	}
}

/**
 * The `data` of a structured record from its zone-file form, or the problem with it (a sentence that
 * names the part). SRV's data also takes the record's priority: the caller adds it.
 */
export function parseRecordData(type: string, content: string): RecordData | string {
	if (content.length > maxV4Content) return `is ${content.length} characters long; a record holds at most ${maxV4Content}`;
	if (/[\u0000-\u001f\u007f-\u009f]/.test(content)) return 'must not contain control characters';
	if (type === 'LOC') return parseLoc(content);
	const spec = Object.hasOwn(structured, type) ? structured[type] : undefined;
	if (!spec) return `${quote(type, 20)} has no structured form`;
	const usage = `${type} content is ${contentFormat(type)}`;
	if (content.trim() === '') return 'is empty';
	const words = new Words(content);
	const data: RecordData = {};
	for (const part of spec.parts) {
		if (part.kind === 'rest' || part.kind === 'hex' || part.kind === 'base64') {
			const rest = words.rest();
			if (part.kind === 'rest') {
				data[part.key] = rest;
				continue;
			}
			// Zone files may break a long key or digest with spaces; the API takes it whole.
			const joined = rest.replace(/\s+/g, '');
			if (joined === '') return `has no ${part.label}; ${usage}`;
			const problem = checkEncoded(joined, part.kind, part.label);
			if (problem) return problem;
			data[part.key] = joined;
			continue;
		}
		const next = words.next();
		if (next === undefined) return `has no ${part.label}; ${usage}`;
		if ('problem' in next) return next.problem;
		const {word, quoted} = next;
		switch (part.kind) {
			case 'int': {
				const [min, max] = [part.min ?? 0, part.max ?? u16];
				if (quoted || !/^\d{1,10}$/.test(word) || Number(word) < min || Number(word) > max) return `the ${part.label} ${quote(word, 20)} is not ${min === max ? String(min) : `a whole number from ${min} to ${max}`}`;
				data[part.key] = Number(word);
				break;
			}
			case 'host': {
				if (word === '.') {
					data[part.key] = word;
					break;
				}
				const problem = checkHostname(word.replace(/\.$/, ''));
				if (problem) return `the ${part.label} ${problem}`;
				data[part.key] = word.replace(/\.$/, '');
				break;
			}
			case 'word':
				if (quoted || !(part.choices ?? []).includes(word.toLowerCase())) return `the ${part.label} ${quote(word, 20)} is not ${(part.choices ?? []).join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
				data[part.key] = word.toLowerCase();
				break;
			case 'string':
				if (part.key === 'target' && word === '') return `the ${part.label} is empty`;
				data[part.key] = word;
				break;
		}
	}
	if (!words.done) return `has more than ${spec.parts.map(part => part.label).join(', ')}: ${quote(words.rest(), 20)}; ${usage}`;
	return data;
}

function checkEncoded(value: string, kind: 'hex' | 'base64', label: string): string | undefined {
	if (value === '') return `has no ${label}`;
	if (value.length > maxV4Content) return `the ${label} is ${value.length} characters long; a record holds at most ${maxV4Content}`;
	// Whole bytes: hex in pairs, base64 in groups of four.
	if (kind === 'hex' && !/^(?:[0-9A-Fa-f]{2})+$/.test(value)) return `the ${label} ${quote(value, 20)} is not hexadecimal bytes (pairs of 0-9, a-f)`;
	if (kind === 'base64' && (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0)) return `the ${label} ${quote(value, 20)} is not base64`;
	return undefined;
}

/** Decimal with up to `decimals` places, in [min, max]. */
function decimal(word: string, decimals: number, min: number, max: number): number | undefined {
	const pattern = decimals === 0 ? /^\d{1,9}$/ : new RegExp(`^-?\\d{1,9}(\\.\\d{1,${decimals}})?$`);
	if (!pattern.test(word)) return undefined;
	const value = Number(word);
	return value >= min && value <= max ? value : undefined;
}

/** `d [m [s]] N|S d [m [s]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]` (RFC 1876). */
function parseLoc(content: string): RecordData | string {
	const usage = `LOC content is ${contentFormat('LOC')}`;
	const words = content.trim().split(/\s+/).filter(Boolean);
	if (words.length === 0) return 'is empty';
	let index = 0;
	const data: RecordData = {};
	for (const [axis, directions, maxDegrees] of [['lat', ['N', 'S'], 90], ['long', ['E', 'W'], 180]] as const) {
		const name = axis === 'lat' ? 'latitude' : 'longitude';
		const parts: string[] = [];
		while (index < words.length && !(directions as readonly string[]).includes(words[index]!.toUpperCase()) && parts.length < 3) parts.push(words[index++]!);
		const direction = words[index]?.toUpperCase();
		if (parts.length === 0 || direction === undefined || !(directions as readonly string[]).includes(direction)) return `has no ${name} ending in ${directions.join(' or ')}; ${usage}`;
		index++;
		const degrees = decimal(parts[0]!, 0, 0, maxDegrees);
		const minutes = parts[1] === undefined ? 0 : decimal(parts[1], 0, 0, 59);
		const seconds = parts[2] === undefined ? 0 : decimal(parts[2], 3, 0, 59.999);
		if (degrees === undefined || minutes === undefined || seconds === undefined) return `the ${name} ${quote(parts.join(' '), 20)} is not degrees (0 to ${maxDegrees}), minutes and seconds`;
		data[`${axis}_degrees`] = degrees;
		data[`${axis}_minutes`] = minutes;
		data[`${axis}_seconds`] = seconds;
		data[`${axis}_direction`] = direction;
	}
	const meters = (word: string | undefined, label: string, min: number, max: number, fallback?: number): number | string => {
		if (word === undefined) return fallback ?? `has no ${label}; ${usage}`;
		const value = decimal(word.replace(/m$/i, ''), 2, min, max);
		return value === undefined ? `the ${label} ${quote(word, 20)} is not meters from ${min} to ${max}` : value;
	};
	const fields: Array<[key: string, label: string, min: number, max: number, fallback?: number]> = [
		['altitude', 'altitude', -100_000, 42_849_672.95],
		['size', 'size', 0, 90_000_000, 1],
		['precision_horz', 'horizontal precision', 0, 90_000_000, 10_000],
		['precision_vert', 'vertical precision', 0, 90_000_000, 10],
	];
	for (const [key, label, min, max, fallback] of fields) {
		const value = meters(words[index++], label, min, max, fallback);
		if (typeof value === 'string') return value;
		data[key] = value;
	}
	if (index < words.length) return `has more than latitude, longitude, altitude, size and precisions: ${quote(words.slice(index).join(' '), 20)}`;
	return data;
}

/** A string part in zone-file form: quoted when it must be (empty, spaces, quotes) or the type quotes it. */
function quoted(value: string): string {
	return `"${value.replace(/["\\]/g, char => `\\${char}`)}"`;
}

/**
 * The zone-file form of a structured record's `data` as the API answers it; undefined when a part is
 * missing or of the wrong kind (the caller then shows the API's own content).
 */
export function formatRecordData(type: string, data: unknown): string | undefined {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
	const object = data as Record<string, unknown>;
	const number = (key: string): string | undefined => (typeof object[key] === 'number' && Number.isFinite(object[key]) ? String(object[key]) : undefined);
	const text = (key: string): string | undefined => (typeof object[key] === 'string' ? (object[key] as string) : undefined);
	if (type === 'LOC') {
		const parts = [number('lat_degrees'), number('lat_minutes'), number('lat_seconds'), text('lat_direction'), number('long_degrees'), number('long_minutes'), number('long_seconds'), text('long_direction')];
		const meters = [number('altitude'), number('size'), number('precision_horz'), number('precision_vert')];
		if ([...parts, ...meters].some(part => part === undefined)) return undefined;
		return [...parts, ...meters.map(value => `${value}m`)].join(' ');
	}
	const spec = Object.hasOwn(structured, type) ? structured[type] : undefined;
	if (!spec) return undefined;
	const words: string[] = [];
	for (const part of spec.parts) {
		const value = part.kind === 'int' ? number(part.key) : text(part.key);
		if (value === undefined) return undefined;
		if (part.kind === 'rest' && value === '') continue;
		words.push(part.kind === 'string' ? quoted(value) : value);
	}
	return words.join(' ');
}
