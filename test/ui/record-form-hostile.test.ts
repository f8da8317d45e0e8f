/**
 * Hostile input to the console's forms (issue 7): each bad value, typed or pasted, is refused inline with
 * a message naming what is wrong, and the form yields no request, so nothing can be sent.
 */
import {describe, expect, it} from 'vitest';
import {addForm, applyFormInput, formProblems, formRequest, updateIpForm, type FieldName, type RecordForm} from '../../source/ui/forms/record-form.js';

const zone = {name: 'example.com', id: '969678'};

/** Types `text` into the field called `name` (as a paste: one chunk). */
function typeInto(form: RecordForm, name: FieldName, text: string): RecordForm {
	const index = form.fields.findIndex(field => field.name === name);
	let next: RecordForm = {...form, focus: index};
	while (next.fields[index].value.length > 0) next = applyFormInput(next, {type: 'backspace'});
	return applyFormInput(next, {type: 'text', text});
}

function addWith(values: Partial<Record<FieldName, string>>): RecordForm {
	let form = addForm(zone);
	if (values.type === 'CNAME') form = applyFormInput({...form, focus: 0}, {type: 'switch'});
	for (const [name, value] of Object.entries({name: 'www', content: '203.0.113.7', ttl: '1', ...values})) {
		if (name !== 'type') form = typeInto(form, name as FieldName, value);
	}
	return form;
}

describe('record form: hostile input', () => {
	it('accepts a valid record, so the table below proves the refusals', () => {
		expect(formRequest(addWith({}))).toMatchObject({kind: 'dns-add', record: {type: 'A', name: 'www', content: '203.0.113.7'}});
		expect(formRequest(addWith({type: 'CNAME', content: 'ghs.example.org'}))).toMatchObject({record: {type: 'CNAME'}});
	});

	it.each<[string, Partial<Record<FieldName, string>>, FieldName, RegExp]>([
		['a name with a space', {name: 'bad name'}, 'name', /space/],
		['a unicode name', {name: 'bücher'}, 'name', /not ASCII/],
		['a trailing dot', {name: 'www.example.com.'}, 'name', /ends with a dot/],
		['a 64-character label', {name: `${'a'.repeat(64)}.example.com`}, 'name', /longer than 63/],
		['an IP as a name', {name: '203.0.113.7'}, 'name', /IP address/],
		['escape sequences in a name', {name: 'www\u001b[2J\u0007'}, 'name', /invalid label/],
		['a 100 KB paste as a name', {name: 'x'.repeat(100_000)}, 'name', /a name has at most 253/],
		['a CIDR range as A content', {content: '203.0.113.0/24'}, 'content', /network range/],
		['IPv6 as A content', {content: '2001:db8::1'}, 'content', /not an IPv4 address/],
		['five octets', {content: '1.2.3.4.5'}, 'content', /not an IPv4 address/],
		['a leading-zero octet', {content: '010.0.0.1'}, 'content', /not an IPv4 address/],
		['empty content', {content: ''}, 'content', /not an IPv4 address/],
		['an IP as CNAME content', {type: 'CNAME', content: '203.0.113.7'}, 'content', /CNAME points at a host name/],
		['a CNAME target with a space', {type: 'CNAME', content: 'host name.example.org'}, 'content', /space/],
		['a TTL below 120', {ttl: '60'}, 'ttl', /not a TTL/],
		['a negative TTL', {ttl: '-1'}, 'ttl', /not a whole number/],
		['an overflowing TTL', {ttl: '99999999999999'}, 'ttl', /not a whole number|outside/],
		['a fractional TTL', {ttl: '300.5'}, 'ttl', /not a whole number/],
	])('refuses %s', (_what, values, field, message) => {
		const form = addWith(values);
		expect(formProblems(form)[field]).toMatch(message);
		expect(formRequest(form)).toBeUndefined();
	});

	it('never lets control characters or an unbounded paste into a field', () => {
		const form = addWith({name: `www${'\u001b'.repeat(5)}\u009b${'y'.repeat(100_000)}`});
		const value = form.fields.find(field => field.name === 'name')!.value;
		expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
		expect(value.length).toBeLessThanOrEqual(600);
	});
});

describe('DIUP form: hostile input', () => {
	it.each<[string, string, string, FieldName, RegExp]>([
		['an IPv6 address', '2001:db8::1', 'www.example.com', 'ip', /not an IPv4 address/],
		['a CIDR range', '192.0.2.0/24', 'www.example.com', 'ip', /network range/],
		['no hosts', '192.0.2.10', '   ', 'hosts', /at least one host/],
		['a host with a trailing dot', '192.0.2.10', 'www.example.com.', 'hosts', /ends with a dot/],
		['a unicode host', '192.0.2.10', 'www.bücher.example', 'hosts', /not ASCII/],
		['an IP as a host', '192.0.2.10', '203.0.113.7', 'hosts', /IP address/],
	])('refuses %s', (_what, ip, hosts, field, message) => {
		let form = updateIpForm(zone, []);
		form = typeInto(form, 'ip', ip);
		form = typeInto(form, 'hosts', hosts);
		expect(formProblems(form)[field]).toMatch(message);
		expect(formRequest(form)).toBeUndefined();
	});

	it('yields the request when the IP and hosts are valid', () => {
		const form = typeInto(typeInto(updateIpForm(zone, []), 'ip', '192.0.2.10'), 'hosts', 'www.example.com api.example.com');
		expect(formRequest(form)).toEqual({kind: 'dns-update-ip', ip: '192.0.2.10', hosts: ['www.example.com', 'api.example.com']});
	});
});
