import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {ActionEntry} from '../../source/actions/types.js';
import {ConfirmDialog} from '../../source/ui/dialogs/confirm-dialog.js';
import {LevelPicker} from '../../source/ui/dialogs/level-picker.js';
import {RecordFormDialog} from '../../source/ui/dialogs/record-form-dialog.js';
import {addForm, applyFormInput, editForm, formRequest, updateIpForm} from '../../source/ui/forms/record-form.js';
import {DnsPane} from '../../source/ui/panes/dns-pane.js';
import {LogPane} from '../../source/ui/panes/log-pane.js';
import {PaletteLine} from '../../source/ui/panes/palette-line.js';
import {ThreatsPane} from '../../source/ui/panes/threats-pane.js';

const zone = {name: 'example.com', id: '1'};
const records = [
	{id: '1', name: 'example.com', type: 'A', content: '203.0.113.10', ttl: 1, proxied: true},
	{id: '2', name: 'www.example.com', type: 'CNAME', content: 'example.com', ttl: 3600, proxied: false},
];

function typeInto(form: ReturnType<typeof addForm>, text: string) {
	return applyFormInput(form, {type: 'text', text});
}

describe('ConfirmDialog', () => {
	it('shows the title, the lines, and Cancel focused first', () => {
		const {lastFrame} = render(<ConfirmDialog title="Ban this IP?" lines={['IP      192.0.2.1', 'Class   threat']} tone="danger" confirmLabel="Ban" focus="cancel" width={60} height={12} />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain('Ban this IP?');
		expect(frame).toContain('IP      192.0.2.1');
		expect(frame).toContain('Cancel (n/Esc)');
		expect(frame).toContain('Ban (y)');
	});

	it('cuts lines that do not fit and says how many more', () => {
		const lines = Array.from({length: 20}, (_, i) => `line ${i}`);
		const {lastFrame} = render(<ConfirmDialog title="t" lines={lines} tone="normal" confirmLabel="OK" focus="cancel" width={40} height={10} />);
		expect(lastFrame()).toContain('more');
		expect((lastFrame() ?? '').split('\n').length).toBeLessThanOrEqual(10);
	});
});

describe('LevelPicker', () => {
	it('lists the five levels and marks the current one', () => {
		const {lastFrame} = render(<LevelPicker zoneName="example.com" current="med" cursor={3} width={60} />);
		const frame = lastFrame() ?? '';
		for (const level of ['help', 'high', 'med', 'low', 'eoff']) expect(frame).toContain(level);
		expect(frame).toMatch(/med\s+Medium\s+● current/);
		expect(frame).toMatch(/› low/);
	});
});

describe('the record form', () => {
	it('shows problems inline as you type and yields a request only when valid', () => {
		let form = addForm(zone);
		form = typeInto(form, 'www2');
		form = applyFormInput(form, {type: 'focus', by: 1});
		form = typeInto(form, '203.0.113');
		let frame = render(<RecordFormDialog form={form} width={90} />).lastFrame() ?? '';
		expect(frame).toMatch(/Content\s+203\.0\.113▏\s+✗/);
		expect(frame).toContain('Nothing is sent until every field is valid');
		expect(formRequest(form)).toBeUndefined();
		form = typeInto(form, '.7');
		frame = render(<RecordFormDialog form={form} width={90} />).lastFrame() ?? '';
		expect(frame).toContain('Enter reviews it');
		expect(formRequest(form)).toEqual({kind: 'dns-add', zone, record: {type: 'A', name: 'www2', content: '203.0.113.7', ttl: 1, proxied: true}});
	});

	it('switches choice fields with Space, ignores other letters there, and checks CNAME content', () => {
		let form = applyFormInput(addForm(zone), {type: 'focus', by: -1});
		form = typeInto(form, 'x');
		expect(form.fields[0].value).toBe('A');
		form = typeInto(form, ' ');
		expect(form.fields[0].value).toBe('CNAME');
		form = applyFormInput(form, {type: 'focus', by: 1});
		form = typeInto(form, 'blog');
		form = applyFormInput(form, {type: 'focus', by: 1});
		form = typeInto(form, '192.0.2.1');
		expect(formRequest(form)).toBeUndefined();
	});

	it('edits keep the record id, and DIUP takes several hosts', () => {
		let form = editForm(zone, records[0]);
		form = applyFormInput(form, {type: 'backspace'});
		form = typeInto(form, '1');
		expect(formRequest(form)).toMatchObject({kind: 'dns-edit', record: {id: '1', content: '203.0.113.11'}});
		form = updateIpForm(zone, ['example.com', 'www.example.com']);
		expect(formRequest(form)).toBeUndefined();
		form = typeInto(form, '192.0.2.5');
		expect(formRequest(form)).toEqual({kind: 'dns-update-ip', ip: '192.0.2.5', hosts: ['example.com', 'www.example.com']});
	});
});

describe('DnsPane', () => {
	it('lists name, type, content, TTL and proxied, the highlighted record marked', () => {
		const {lastFrame} = render(<DnsPane zoneName="example.com" records={records} loading={false} selected={1} readOnly={false} width={100} height={10} />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain('DNS records of example.com (2)');
		expect(frame).toMatch(/example\.com\s+A\s+203\.0\.113\.10\s+auto\s+proxied/);
		expect(frame).toMatch(/› www\.example\.com\s+CNAME\s+example\.com\s+3600\s+-/);
	});

	it('says when it is loading, and in read-only mode offers no edits', () => {
		const {lastFrame} = render(<DnsPane zoneName="example.com" loading readOnly selected={0} width={100} height={10} />);
		expect(lastFrame()).toContain('Loading the records');
		expect(lastFrame()).toContain('read-only');
		expect(lastFrame()).not.toContain('a add');
	});
});

describe('LogPane', () => {
	const entries: ActionEntry[] = [
		{id: 1, request: {kind: 'ban', ip: '192.0.2.1'}, state: 'failed', createdAt: 0, updatedAt: 0, attempts: 2, message: 'connection reset', failureKind: 'network'},
		{id: 2, request: {kind: 'dns-add', zone, record: {type: 'A', name: 'x', content: '192.0.2.9', proxied: false}}, state: 'done', createdAt: 0, updatedAt: 0, attempts: 1, message: 'added A x.example.com'},
	];

	it('lists every action with its state, and the selected one with its retry rule', () => {
		let frame = render(<LogPane entries={entries} selected={0} messages={[]} width={100} height={12} />).lastFrame() ?? '';
		expect(frame).toMatch(/› #1 .*FAILED\s+ban 192\.0\.2\.1 \(2 attempts\) — connection reset/);
		expect(frame).toMatch(/#2 .*DONE\s+add A x/);
		expect(frame).toContain('Retry rule: idempotent');
		frame = render(<LogPane entries={entries} selected={1} messages={[]} width={100} height={12} />).lastFrame() ?? '';
		expect(frame).toContain('Retry rule: not idempotent');
	});
});

describe('ThreatsPane badges and the palette line', () => {
	it('shows BANNED / WHITELISTED in place of the class', () => {
		const rows = [
			{ip: '192.0.2.1', classification: 'threat' as const, hits: 10, rule: 'ban' as const},
			{ip: '192.0.2.2', classification: 'threat' as const, hits: 9, rule: 'wl' as const, score: 'BAD:11'},
		];
		const {lastFrame} = render(<ThreatsPane rows={rows} start={0} selected={0} total={2} totalAll={2} classFilter="all" textFilter="" editingFilter={false} width={70} height={5} />);
		expect(lastFrame()).toMatch(/192\.0\.2\.1\s+BANNED/);
		expect(lastFrame()).toMatch(/192\.0\.2\.2\s+WHITELISTED\s+9\s.*BAD:11/);
	});

	it('shows what is typed after :', () => {
		expect(render(<PaletteLine text="ban 192.0.2.1" width={80} />).lastFrame()).toContain(':ban 192.0.2.1▏');
	});
});
