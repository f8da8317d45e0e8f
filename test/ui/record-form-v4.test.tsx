/**
 * The record form follows the API: the types it offers come from the backend's capabilities, each type
 * brings the fields it needs (priority for MX, SRV and URI; proxied only for A, AAAA and CNAME; a
 * comment where records carry one), and TTLs are checked by the API's rule. v1's form is unchanged.
 */
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {DnsRecord} from '../../source/backend.js';
import {RecordFormDialog} from '../../source/ui/dialogs/record-form-dialog.js';
import {addForm, applyFormInput, editForm, formProblems, formRequest, type FieldName, type RecordForm, type RecordFormApi} from '../../source/ui/forms/record-form.js';
import {DnsPane} from '../../source/ui/panes/dns-pane.js';
import {v1Capabilities} from '../../source/v1/backend.js';
import {v4Capabilities} from '../../source/v4/backend.js';

const zone = {name: 'example.com', id: '0123456789abcdef0123456789abcdef'};
const v4: RecordFormApi = v4Capabilities;
const v1: RecordFormApi = v1Capabilities;

function names(form: RecordForm): FieldName[] {
	return form.fields.map(field => field.name);
}

function focusOn(form: RecordForm, name: FieldName): RecordForm {
	return {...form, focus: form.fields.findIndex(field => field.name === name)};
}

/** Clears the field and types `text` into it (one chunk, as a paste). */
function typeInto(form: RecordForm, name: FieldName, text: string): RecordForm {
	let next = focusOn(form, name);
	while (next.fields[next.focus]!.value.length > 0) next = applyFormInput(next, {type: 'backspace'});
	return applyFormInput(next, {type: 'text', text});
}

/** Picks `type` in the add form with letters, as an operator would. */
function pickType(form: RecordForm, type: string): RecordForm {
	let next = focusOn(form, 'type');
	for (let guard = 0; guard < 30 && next.fields[0]!.value !== type; guard++) next = applyFormInput(next, {type: 'text', text: type[0]!.toLowerCase()});
	expect(next.fields[0]!.value).toBe(type);
	return next;
}

function fill(form: RecordForm, values: Partial<Record<FieldName, string>>): RecordForm {
	let next = form;
	for (const [name, value] of Object.entries(values)) next = typeInto(next, name as FieldName, value);
	return next;
}

function frameOf(form: RecordForm, width: number, height?: number): string {
	return render(<RecordFormDialog form={form} width={width} height={height} />).lastFrame() ?? '';
}

describe('the types offered come from the capabilities', () => {
	it('v1: A and CNAME exactly as before, no priority and no comment', () => {
		const form = addForm(zone, v1);
		expect(form.fields[0]!.options).toEqual(['A', 'CNAME']);
		expect(names(form)).toEqual(['type', 'name', 'content', 'ttl', 'proxied']);
		// The default is the v1 form of old.
		expect(names(addForm(zone))).toEqual(names(form));
		const done = fill(form, {name: 'www2', content: '203.0.113.7'});
		expect(formRequest(done)).toEqual({kind: 'dns-add', zone, record: {type: 'A', name: 'www2', content: '203.0.113.7', ttl: 1, proxied: true}});
	});

	it('v4: all 21 types the API lists; a letter jumps to the next type starting with it', () => {
		let form = focusOn(addForm(zone, v4), 'type');
		expect(form.fields[0]!.options).toEqual(v4Capabilities.recordTypes);
		expect(form.fields[0]!.options).toHaveLength(21);
		const seen: string[] = [];
		for (const letter of ['m', 's', 's', 's', 'a', 'x']) {
			form = applyFormInput(form, {type: 'text', text: letter});
			seen.push(form.fields[0]!.value);
		}
		expect(seen).toEqual(['MX', 'SMIMEA', 'SRV', 'SSHFP', 'A', 'A']);
		form = applyFormInput(form, {type: 'switch', by: -1});
		expect(form.fields[0]!.value).toBe('URI');
	});

	it('each type brings its fields, and what was typed stays across a change of type', () => {
		let form = fill(addForm(zone, v4), {name: 'mail', content: 'mx1.example.com'});
		expect(names(form)).toEqual(['type', 'name', 'content', 'ttl', 'proxied', 'comment']);
		form = pickType(form, 'MX');
		expect(names(form)).toEqual(['type', 'name', 'content', 'priority', 'ttl', 'comment']);
		expect(form.fields.find(field => field.name === 'name')!.value).toBe('mail');
		expect(names(pickType(form, 'AAAA'))).toContain('proxied');
		expect(names(pickType(form, 'TXT'))).not.toContain('proxied');
		expect(names(pickType(form, 'SRV'))).toContain('priority');
		expect(names(pickType(form, 'URI'))).toContain('priority');
	});
});

describe('checks per type, the field named', () => {
	it('MX needs a priority from 0 to 65535 and a host name', () => {
		let form = fill(pickType(addForm(zone, v4), 'MX'), {name: '@', content: 'mail.example.com'});
		expect(formProblems(form).priority).toMatch(/is required for MX \(0 to 65535/);
		expect(formRequest(form)).toBeUndefined();
		expect(formProblems(typeInto(form, 'priority', '65536')).priority).toMatch(/outside 0\.\.65535/);
		expect(formProblems(typeInto(form, 'content', '192.0.2.1')).content).toMatch(/IP address; an MX record points at a host name/);
		form = typeInto(form, 'priority', '10');
		expect(formRequest(form)).toEqual({kind: 'dns-add', zone, record: {type: 'MX', name: '@', content: 'mail.example.com', ttl: 1, proxied: false, prio: 10}});
	});

	it('a comment of at most 100 characters, without control characters; sent only when given', () => {
		const base = fill(addForm(zone, v4), {name: 'www2', content: '203.0.113.7'});
		expect(formProblems(typeInto(base, 'comment', 'c'.repeat(101))).comment).toMatch(/at most 100 characters, not 101/);
		expect(formRequest(typeInto(base, 'comment', 'c'.repeat(101)))).toBeUndefined();
		expect(formRequest(base)).toMatchObject({record: {type: 'A'}});
		expect(formRequest(base)).not.toHaveProperty('record.comment');
		expect(formRequest(typeInto(base, 'comment', 'origin in Frankfurt'))).toMatchObject({record: {comment: 'origin in Frankfurt'}});
	});

	it('TTL by the API: v1 1 or 120 and up; v4 1 or 60..86400', () => {
		const v1Form = fill(addForm(zone, v1), {name: 'www2', content: '203.0.113.7'});
		const v4Form = fill(addForm(zone, v4), {name: 'www2', content: '203.0.113.7'});
		expect(formProblems(typeInto(v1Form, 'ttl', '60')).ttl).toMatch(/not a TTL; use 1 \(automatic\) or 120 to 4294967295/);
		expect(formProblems(typeInto(v1Form, 'ttl', '100000')).ttl).toBeUndefined();
		expect(formProblems(typeInto(v4Form, 'ttl', '60')).ttl).toBeUndefined();
		expect(formProblems(typeInto(v4Form, 'ttl', '59')).ttl).toMatch(/1 \(automatic\) or 60 to 86400/);
		expect(formProblems(typeInto(v4Form, 'ttl', '100000')).ttl).toMatch(/60 to 86400/);
	});

	it.each<[string, string, RegExp | undefined]>([
		['AAAA', '2001:db8::1', undefined],
		['AAAA', '192.0.2.1', /not an IPv6 address/],
		['TXT', 'v=spf1 -all', undefined],
		['TXT', 'x'.repeat(2049), /at most 2048 characters/],
		['NS', 'ns1.example.net', undefined],
		['CAA', '0 issue "letsencrypt.org"', undefined],
		['CAA', '0 issue', /has no value; CAA content is flags tag value, e\.g\./],
		['SRV', '5 5060 sip.example.com', undefined],
		['SRV', '5 sip.example.com', /the port "sip\.example\.com" is not a whole number/],
		['LOC', '51 30 12.7 N 0 7 39.6 W 10m', undefined],
		['SSHFP', '4 2 not-hex', /not hexadecimal/],
	])('%s content %j', (type, content, problem) => {
		const form = fill(pickType(addForm(zone, v4), type), {name: 'x', content, ...(['SRV', 'URI', 'MX'].includes(type) ? {priority: '10'} : {})});
		if (problem) expect(formProblems(form).content).toMatch(problem);
		else expect(formProblems(form).content).toBeUndefined();
	});
});

describe('editing', () => {
	const mx: DnsRecord = {id: 'a'.repeat(32), name: 'example.com', type: 'MX', content: 'mail.example.com', ttl: 3600, proxied: false, prio: 10, comment: 'primary'};

	it('v4: an MX shows its priority and comment, no proxied; only a changed comment is sent', () => {
		let form = editForm(zone, mx, v4);
		expect(names(form)).toEqual(['name', 'content', 'priority', 'ttl', 'comment']);
		expect(form.fields[form.focus]!.name).toBe('content');
		form = typeInto(form, 'priority', '20');
		const request = formRequest(form);
		expect(request).toMatchObject({kind: 'dns-edit', record: {id: mx.id, prio: 20, comment: 'primary', proxied: false}});
		form = typeInto(form, 'comment', '');
		expect(formRequest(form)).toMatchObject({record: {comment: ''}});
	});

	it('v1: an A record’s form is the one of old', () => {
		const a: DnsRecord = {id: '9001', name: 'www.example.com', type: 'A', content: '203.0.113.10', ttl: 1, proxied: true};
		const form = editForm(zone, a);
		expect(names(form)).toEqual(['name', 'content', 'ttl', 'proxied']);
		expect(formRequest(typeInto(form, 'content', '203.0.113.11'))).toEqual({kind: 'dns-edit', zone, record: {...a, content: '203.0.113.11'}});
	});
});

describe('the dialog on small screens', () => {
	const mxForm = fill(pickType(addForm(zone, v4), 'SRV'), {name: '_sip._udp', content: '5 5060 sip.example.com', priority: '10'});

	it('80x24: every field, the content format of the type and the keys', () => {
		const frame = frameOf(mxForm, 80, 20);
		for (const label of ['Type', 'Name', 'Content', 'Priority', 'TTL', 'Comment']) expect(frame).toContain(label);
		expect(frame).toMatch(/‹ SRV ›\s+16\/21/);
		expect(frame).toContain('SRV content: weight port target, e.g. 5 5060 sip.example.com');
		expect(frame).toContain('Enter reviews it');
		expect(frame.split('\n').length).toBeLessThanOrEqual(20);
	});

	it('40x10: fits the rows it has, the focused field always shown', () => {
		for (const focus of ['type', 'comment', 'ttl'] as const) {
			const frame = frameOf(focusOn(mxForm, focus), 40, 6);
			expect(frame.split('\n').length).toBeLessThanOrEqual(6);
			expect(frame).toMatch(new RegExp(`› ${focus === 'type' ? 'Type' : focus === 'ttl' ? 'TTL' : 'Comment'}`));
			for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
		}
	});

	it('a long value shows its end where one types, with room for its problem', () => {
		const form = typeInto(pickType(addForm(zone, v4), 'TXT'), 'content', `${'a'.repeat(2100)}END`);
		const frame = frameOf(form, 80, 20);
		expect(frame).toMatch(/…a+END▏\s+✗ must be at most 2048/);
	});
});

describe('the DNS view on v4', () => {
	const records: DnsRecord[] = [
		{id: '1', name: 'example.com', type: 'MX', content: 'mail.example.com', ttl: 3600, proxied: false, prio: 10, comment: 'primary \u001b[31mred\u001b[0m mail server of the company, long'},
		{id: '2', name: 'www.example.com', type: 'OPENPGPKEY', content: 'mQINBF...', ttl: 1, proxied: false},
	];

	it('shows PRIO and COMMENT columns, the comment cut and inert', () => {
		const frame = render(<DnsPane zoneName="example.com" records={records} loading={false} selected={0} readOnly={false} width={100} height={8} showPriority showComment />).lastFrame() ?? '';
		expect(frame).toMatch(/NAME\s+TYPE\s+CONTENT\s+PRIO\s+TTL\s+PROXIED\s+COMMENT/);
		expect(frame).toMatch(/example\.com\s+MX\s+mail\.example\.com\s+10\s+3600\s+-\s+primary red [a-z ]+…\n/);
		expect(frame).toMatch(/OPENPGPKEY mQINBF/);
		expect(frame).not.toContain('\u001b[31m');
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
	});

	it('drops the comment, then the priority, on narrow screens; v1 has neither', () => {
		const narrow = render(<DnsPane zoneName="example.com" records={records} loading={false} selected={0} readOnly={false} width={60} height={8} showPriority showComment />).lastFrame() ?? '';
		expect(narrow).toContain('PRIO');
		expect(narrow).not.toContain('COMMENT');
		const tiny = render(<DnsPane zoneName="example.com" records={records} loading={false} selected={0} readOnly={false} width={40} height={8} showPriority showComment />).lastFrame() ?? '';
		expect(tiny).not.toContain('PRIO');
		const v1Frame = render(<DnsPane zoneName="example.com" records={records} loading={false} selected={0} readOnly={false} width={100} height={8} />).lastFrame() ?? '';
		expect(v1Frame).not.toMatch(/PRIO|COMMENT/);
	});
});
