/**
 * The DNS record form (add, edit) and the DIUP form, as a pure state and reducer. Every field is checked
 * as it is typed, with the same checks the one-shot commands use, and the form yields a request only
 * when every field is valid: nothing is sent before that.
 *
 * The fields follow the API (`capabilities`) and the record's type: the types offered are the API's
 * (v1: A and CNAME; v4: every type it lists), a priority for MX, SRV and URI, the proxied switch only
 * for the types Cloudflare proxies (A, AAAA, CNAME), a comment where records carry one (v4), and the
 * API's TTL range. Structured types (SRV, CAA, LOC...) are typed as their zone-file content (see
 * lib/dns-records.ts); the v4 adapter makes the API's `data` from it.
 */
import type {ActionRequest} from '../../actions/types.js';
import type {Capabilities, DnsRecord, NewDnsRecord, ZoneRef} from '../../backend.js';
import {qualify} from '../../actions/palette.js';
import {checkContentFor, checkRecordComment, checkRecordPriority, checkRecordTtl, contentFormat, isProxiable, maxCommentLength, needsPriority} from '../../lib/dns-records.js';
import {checkHostname, checkIpv4, checkRecordName, parseIntegerIn} from '../../lib/validate.js';

export type FieldName = 'type' | 'name' | 'content' | 'priority' | 'ttl' | 'proxied' | 'comment' | 'ip' | 'hosts';

/** One field: free text, or a choice among `options` (Space or ←/→ switch). */
export interface FormField {
	name: FieldName;
	label: string;
	value: string;
	options?: readonly string[];
}

/** What the form needs of the backend's capabilities. */
export type RecordFormApi = Pick<Capabilities, 'api' | 'recordTypes' | 'recordComments'>;

/** API v1's: A and CNAME, no comments (the form as it always was). */
export const v1RecordApi: RecordFormApi = {api: 'v1', recordTypes: ['A', 'CNAME'], recordComments: false};

/** A form being filled in. */
export interface RecordForm {
	mode: 'add' | 'edit' | 'update-ip';
	zone: ZoneRef;
	fields: FormField[];
	focus: number;
	/** The record being edited. */
	original?: DnsRecord;
	/** The API's DNS rules: the types offered, comments, the TTL range. */
	api: RecordFormApi;
}

/** The longest text a field takes: a host name is at most 253, several hosts for DIUP; content (TXT, keys) up to a record's 4,096. */
const maxFieldLength = 600;
const maxContentLength = 4096;

type Values = Partial<Record<FieldName, string>>;

/** The fields of a record of `type`, filled from `values` (kept across a change of type). */
function recordFields(mode: 'add' | 'edit', type: string, api: RecordFormApi, values: Values): FormField[] {
	const fields: FormField[] = [];
	if (mode === 'add') fields.push({name: 'type', label: 'Type', value: type, options: api.recordTypes});
	fields.push({name: 'name', label: 'Name', value: values.name ?? ''});
	fields.push({name: 'content', label: 'Content', value: values.content ?? ''});
	if (needsPriority(type)) fields.push({name: 'priority', label: 'Priority', value: values.priority ?? ''});
	fields.push({name: 'ttl', label: 'TTL (1 = auto)', value: values.ttl ?? '1'});
	if (isProxiable(type)) fields.push({name: 'proxied', label: 'Proxied', value: values.proxied ?? 'yes', options: ['yes', 'no']});
	if (api.recordComments) fields.push({name: 'comment', label: 'Comment', value: values.comment ?? ''});
	return fields;
}

/** The add form: the API's first type (A), focus on the name. */
export function addForm(zone: ZoneRef, api: RecordFormApi = v1RecordApi): RecordForm {
	const type = api.recordTypes[0] ?? 'A';
	return {mode: 'add', zone, api, focus: 1, fields: recordFields('add', type, api, {})};
}

/** The edit form of a record; its type stays (a change of type is a delete and an add). */
export function editForm(zone: ZoneRef, record: DnsRecord, api: RecordFormApi = v1RecordApi): RecordForm {
	const values: Values = {
		name: record.name,
		content: record.content,
		priority: record.prio === undefined ? '' : String(record.prio),
		ttl: String(record.ttl),
		proxied: record.proxied ? 'yes' : 'no',
		comment: record.comment ?? '',
	};
	return {mode: 'edit', zone, api, original: record, focus: 1, fields: recordFields('edit', record.type, api, values)};
}

/** DIUP: point the A records of the chosen hosts (space-separated) at a new IP. */
export function updateIpForm(zone: ZoneRef, hosts: readonly string[], ip = ''): RecordForm {
	return {
		mode: 'update-ip',
		zone,
		api: v1RecordApi,
		focus: 0,
		fields: [
			{name: 'ip', label: 'New IPv4', value: ip},
			{name: 'hosts', label: 'Hosts', value: hosts.join(' ')},
		],
	};
}

function field(form: RecordForm, name: FieldName): string {
	return form.fields.find(candidate => candidate.name === name)?.value ?? '';
}

function hasField(form: RecordForm, name: FieldName): boolean {
	return form.fields.some(candidate => candidate.name === name);
}

/** The record type the form is about. */
export function formType(form: RecordForm): string {
	return form.mode === 'add' ? field(form, 'type') : (form.original?.type ?? 'A');
}

/** How the content of the form's type is written, for the structured types (SRV: "weight port target, e.g. ..."). */
export function formContentHint(form: RecordForm): string | undefined {
	if (form.mode === 'update-ip' || form.api.api === 'v1') return undefined;
	const format = contentFormat(formType(form));
	return format === undefined ? undefined : `${formType(form)} content: ${format}`;
}

/** The problem with each field, as the form shows it inline (undefined when the field is fine). */
export function formProblems(form: RecordForm): Partial<Record<FieldName, string>> {
	const problems: Partial<Record<FieldName, string>> = {};
	if (form.mode === 'update-ip') {
		problems.ip = checkIpv4(field(form, 'ip'));
		const hosts = field(form, 'hosts').split(/[\s,]+/).filter(Boolean);
		problems.hosts = hosts.length === 0 ? 'name at least one host' : hosts.map(host => checkHostname(host)).find(Boolean);
		return problems;
	}
	const type = formType(form);
	const api = form.api.api;
	problems.name = checkRecordName(field(form, 'name'));
	problems.content = checkContentFor(type, field(form, 'content'), api);
	if (hasField(form, 'priority')) {
		const text = field(form, 'priority');
		const priority = text === '' ? `is required for ${type} (0 to 65535, lower first)` : parseIntegerIn(text, 0, 65_535);
		problems.priority = typeof priority === 'string' ? priority : checkRecordPriority(priority);
	}
	const ttl = parseIntegerIn(field(form, 'ttl'), 1, 4294967295);
	problems.ttl = typeof ttl === 'string' ? ttl : checkRecordTtl(ttl, api);
	if (hasField(form, 'comment')) problems.comment = checkRecordComment(field(form, 'comment'));
	return problems;
}

export function isFormValid(form: RecordForm): boolean {
	return Object.values(formProblems(form)).every(problem => problem === undefined);
}

/** The request the form stands for, or undefined while any field is invalid. */
export function formRequest(form: RecordForm): ActionRequest | undefined {
	if (!isFormValid(form)) return undefined;
	if (form.mode === 'update-ip') {
		return {kind: 'dns-update-ip', ip: field(form, 'ip'), hosts: field(form, 'hosts').split(/[\s,]+/).filter(Boolean)};
	}
	const ttl = Number(field(form, 'ttl'));
	const type = formType(form);
	const proxied = isProxiable(type) ? field(form, 'proxied') === 'yes' : false;
	const priority = hasField(form, 'priority') ? {prio: Number(field(form, 'priority'))} : {};
	const comment = field(form, 'comment');
	if (form.mode === 'add') {
		const record: NewDnsRecord = {type, name: field(form, 'name'), content: field(form, 'content'), ttl, proxied, ...priority, ...(comment === '' ? {} : {comment})};
		return {kind: 'dns-add', zone: form.zone, record};
	}
	const original = form.original as DnsRecord;
	// A comment is sent only when changed ('' clears it); an edit leaves what it does not show alone.
	const changedComment = hasField(form, 'comment') && comment !== (original.comment ?? '') ? {comment} : {};
	return {
		kind: 'dns-edit',
		zone: form.zone,
		record: {...original, name: qualify(field(form, 'name'), form.zone.name), content: field(form, 'content'), ttl, proxied: isProxiable(type) ? proxied : original.proxied, ...priority, ...changedComment},
	};
}

/** What a key does to a form. `switch` moves a choice on (by −1 for back); a letter in the type field picks the next type starting with it. */
export type FormInput = {type: 'text'; text: string} | {type: 'backspace'} | {type: 'focus'; by: number} | {type: 'switch'; by?: 1 | -1};

export function applyFormInput(form: RecordForm, input: FormInput): RecordForm {
	const current = form.fields[form.focus];
	if (!current) return form;
	const replace = (value: string): RecordForm => withValue(form, current.name, value);
	switch (input.type) {
		case 'focus':
			return {...form, focus: (form.focus + input.by + form.fields.length) % form.fields.length};
		case 'switch':
		case 'text': {
			if (current.options) {
				const options = current.options;
				const at = options.indexOf(current.value);
				if (input.type === 'switch' || input.text === ' ') {
					const by = input.type === 'switch' ? (input.by ?? 1) : 1;
					return replace(options[(at + by + options.length) % options.length]!);
				}
				// Twenty types are too many to step through: a letter jumps to the next type starting with it.
				const letter = input.text.length === 1 ? input.text.toUpperCase() : '';
				if (current.name !== 'type' || !/^[A-Z]$/.test(letter)) return form;
				for (let step = 1; step <= options.length; step++) {
					const candidate = options[(at + step) % options.length]!;
					if (candidate.startsWith(letter)) return replace(candidate);
				}
				return form;
			}
			if (input.type === 'switch') return form;
			// Typed or pasted: printable characters only, and not without bound.
			const limit = current.name === 'content' ? maxContentLength : current.name === 'comment' ? maxCommentLength * 2 : maxFieldLength;
			return replace((current.value + input.text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')).slice(0, limit));
		}
		case 'backspace':
			return current.options ? form : replace(current.value.slice(0, -1));
	}
}

/** The form with one field's value changed; a new type brings its own fields, keeping what was typed. */
function withValue(form: RecordForm, name: FieldName, value: string): RecordForm {
	const fields = form.fields.map(candidate => (candidate.name === name ? {...candidate, value} : candidate));
	if (name !== 'type' || form.mode !== 'add') return {...form, fields};
	const values: Values = Object.fromEntries(fields.map(candidate => [candidate.name, candidate.value]));
	const rebuilt = recordFields('add', value, form.api, values);
	return {...form, fields: rebuilt, focus: rebuilt.findIndex(candidate => candidate.name === 'type')};
}
