/**
 * The DNS record form (add, edit) and the DIUP form, as a pure state and reducer. Every field is checked
 * as it is typed, with the same checks the one-shot commands use, and the form yields a request only
 * when every field is valid: nothing is sent before that.
 */
import type {ActionRequest} from '../../actions/types.js';
import type {DnsRecord, ZoneRef} from '../../backend.js';
import {qualify} from '../../actions/palette.js';
import {checkHostname, checkIpv4, checkRecordContent, checkRecordName, checkTtl, parseIntegerIn} from '../../lib/validate.js';

export type FieldName = 'type' | 'name' | 'content' | 'ttl' | 'proxied' | 'ip' | 'hosts';

/** One field: free text, or a choice among `options` (Space or ←/→ switch). */
export interface FormField {
	name: FieldName;
	label: string;
	value: string;
	options?: readonly string[];
}

/** A form being filled in. */
export interface RecordForm {
	mode: 'add' | 'edit' | 'update-ip';
	zone: ZoneRef;
	fields: FormField[];
	focus: number;
	/** The record being edited. */
	original?: DnsRecord;
}

/** The longest text a field takes (a host name is at most 253; several hosts for DIUP). */
const maxFieldLength = 600;

export function addForm(zone: ZoneRef): RecordForm {
	return {
		mode: 'add',
		zone,
		focus: 1,
		fields: [
			{name: 'type', label: 'Type', value: 'A', options: ['A', 'CNAME']},
			{name: 'name', label: 'Name', value: ''},
			{name: 'content', label: 'Content', value: ''},
			{name: 'ttl', label: 'TTL (1 = auto)', value: '1'},
			{name: 'proxied', label: 'Proxied', value: 'yes', options: ['yes', 'no']},
		],
	};
}

export function editForm(zone: ZoneRef, record: DnsRecord): RecordForm {
	return {
		mode: 'edit',
		zone,
		original: record,
		focus: 1,
		fields: [
			{name: 'name', label: 'Name', value: record.name},
			{name: 'content', label: 'Content', value: record.content},
			{name: 'ttl', label: 'TTL (1 = auto)', value: String(record.ttl)},
			{name: 'proxied', label: 'Proxied', value: record.proxied ? 'yes' : 'no', options: ['yes', 'no']},
		],
	};
}

/** DIUP: point the A records of the chosen hosts (space-separated) at a new IP. */
export function updateIpForm(zone: ZoneRef, hosts: readonly string[], ip = ''): RecordForm {
	return {
		mode: 'update-ip',
		zone,
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

/** The problem with each field, as the form shows it inline (undefined when the field is fine). */
export function formProblems(form: RecordForm): Partial<Record<FieldName, string>> {
	const problems: Partial<Record<FieldName, string>> = {};
	if (form.mode === 'update-ip') {
		problems.ip = checkIpv4(field(form, 'ip'));
		const hosts = field(form, 'hosts').split(/[\s,]+/).filter(Boolean);
		problems.hosts = hosts.length === 0 ? 'name at least one host' : hosts.map(host => checkHostname(host)).find(Boolean);
		return problems;
	}
	const type = form.mode === 'add' ? field(form, 'type') : (form.original?.type ?? 'A');
	problems.name = checkRecordName(field(form, 'name'));
	problems.content = checkRecordContent(type, field(form, 'content'));
	const ttl = parseIntegerIn(field(form, 'ttl'), 1, 4294967295);
	problems.ttl = typeof ttl === 'string' ? ttl : checkTtl(ttl);
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
	const proxied = field(form, 'proxied') === 'yes';
	if (form.mode === 'add') {
		const type = field(form, 'type') === 'CNAME' ? 'CNAME' : 'A';
		return {kind: 'dns-add', zone: form.zone, record: {type, name: field(form, 'name'), content: field(form, 'content'), ttl, proxied}};
	}
	const original = form.original as DnsRecord;
	return {kind: 'dns-edit', zone: form.zone, record: {...original, name: qualify(field(form, 'name'), form.zone.name), content: field(form, 'content'), ttl, proxied}};
}

/** What a key does to a form. */
export type FormInput = {type: 'text'; text: string} | {type: 'backspace'} | {type: 'focus'; by: number} | {type: 'switch'};

export function applyFormInput(form: RecordForm, input: FormInput): RecordForm {
	const current = form.fields[form.focus];
	const replace = (value: string): RecordForm => ({...form, fields: form.fields.map((candidate, index) => (index === form.focus ? {...candidate, value} : candidate))});
	switch (input.type) {
		case 'focus':
			return {...form, focus: (form.focus + input.by + form.fields.length) % form.fields.length};
		case 'switch':
		case 'text': {
			if (current.options) {
				if (input.type === 'text' && input.text !== ' ') return form;
				const next = current.options[(current.options.indexOf(current.value) + 1) % current.options.length];
				return replace(next);
			}
			if (input.type === 'switch') return form;
			// Typed or pasted: printable characters only, and not without bound.
			return replace((current.value + input.text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')).slice(0, maxFieldLength));
		}
		case 'backspace':
			return current.options ? form : replace(current.value.slice(0, -1));
	}
}
