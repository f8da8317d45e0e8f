import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {FileAuditLog, auditLogPath} from '../../source/actions/audit-log.js';
import {RememberedStore} from '../../source/actions/remembered.js';

describe('remembered state', () => {
	it('keeps the level before I’m Under Attack and the last lockdown across a restart', () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'fw-state-')), 'nested', 'state.json');
		const first = new RememberedStore(file);
		first.update('example.com', memory => ({...memory, levelBeforeAttack: 'low'}));
		first.update('example.com', memory => ({...memory, lockdown: {previousLevel: 'low', bannedIps: ['203.0.113.7'], at: 5}}));
		const second = new RememberedStore(file);
		expect(second.zone('example.com')).toEqual({levelBeforeAttack: 'low', lockdown: {previousLevel: 'low', bannedIps: ['203.0.113.7'], at: 5}});
		expect(second.zone('example.net')).toEqual({});
		expect(statSync(file).mode & 0o777).toBe(0o600);
	});

	it('treats zone names like "__proto__" or "constructor" as plain names', () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'fw-state-')), 'state.json');
		writeFileSync(file, '{"zones": {"__proto__": {"levelBeforeAttack": "low"}}}');
		const store = new RememberedStore(file);
		expect(store.zone('constructor')).toEqual({});
		expect(store.zone('__proto__')).toEqual({levelBeforeAttack: 'low'});
		store.update('constructor', memory => ({...memory, levelBeforeAttack: 'high'}));
		expect(new RememberedStore(file).zone('constructor')).toEqual({levelBeforeAttack: 'high'});
		expect(new RememberedStore(file).zone('example.com')).toEqual({});
	});

	it('ignores a corrupt or hand-edited file instead of crashing', () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'fw-state-')), 'state.json');
		writeFileSync(file, '{"zones": {"example.com": {"levelBeforeAttack": "panic", "lockdown": {"bannedIps": [1, "192.0.2.1"], "at": 3}}}}');
		expect(new RememberedStore(file).zone('example.com')).toEqual({lockdown: {previousLevel: undefined, bannedIps: ['192.0.2.1'], at: 3}});
		writeFileSync(file, 'not json');
		expect(new RememberedStore(file).zone('example.com')).toEqual({});
	});
});

describe('audit log', () => {
	it('lives under XDG_STATE_HOME, else ~/.local/state', () => {
		expect(auditLogPath({XDG_STATE_HOME: '/var/state', HOME: '/home/op'})).toBe('/var/state/flarewatch/audit.jsonl');
		expect(auditLogPath({HOME: '/home/op'})).toBe('/home/op/.local/state/flarewatch/audit.jsonl');
		expect(auditLogPath({XDG_STATE_HOME: 'relative', HOME: '/home/op'})).toBe('/home/op/.local/state/flarewatch/audit.jsonl');
	});

	it('appends one JSON line per record, private to the user, with secrets scrubbed', () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'fw-audit-')), 'flarewatch', 'audit.jsonl');
		const log = new FileAuditLog(file, ['s3cr3t-key-value']);
		const base = {time: '2026-01-01T00:00:00.000Z', id: 1, session: 's', action: 'ban', params: {ip: '203.0.113.7'}};
		log.write({...base, outcome: 'sending'});
		log.write({...base, outcome: 'failed', error: 'server said s3cr3t-key-value is wrong'});
		const lines = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		expect(lines.map(line => line.outcome)).toEqual(['sending', 'failed']);
		expect(lines[1].error).toBe('server said [redacted] is wrong');
		expect(readFileSync(file, 'utf8')).not.toContain('s3cr3t-key-value');
		expect(statSync(file).mode & 0o777).toBe(0o600);
	});

	it('reports once when the file cannot be written, and keeps running', () => {
		const messages: string[] = [];
		const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'fw-audit-')), 'a-file');
		writeFileSync(blocker, '');
		const log = new FileAuditLog(path.join(blocker, 'flarewatch', 'audit.jsonl'), [], message => messages.push(message));
		const record = {time: 't', id: 1, session: 's', action: 'ban', params: {}, outcome: 'sending' as const};
		log.write(record);
		log.write(record);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatch(/audit log .* cannot be written/);
	});
});
