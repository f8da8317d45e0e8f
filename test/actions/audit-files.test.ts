/**
 * The audit log and the rule registry on a real file system: never written through a planted symbolic
 * link, modes tightened to 0700/0600, each record whole or absent (a short write is cut back, a full
 * tmpfs refuses it), and an action whose `sending` record cannot be written is not sent.
 */
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FileAuditLog, type AuditRecord} from '../../source/actions/audit-log.js';
import {ActionQueue} from '../../source/actions/queue.js';
import {FileRegistry} from '../../source/actions/registry.js';
import type {Backend} from '../../source/backend.js';
import {writeCrashReport} from '../../source/console/crash-report.js';
import {RealClock} from '../../source/lib/clock.js';

let root: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'flarewatch-audit-'));
});
afterEach(() => {
	rmSync(root, {recursive: true, force: true});
});

function record(id: number, outcome: AuditRecord['outcome'] = 'sending'): AuditRecord {
	return {time: new Date(0).toISOString(), id, session: 'test', action: 'ban', params: {ip: '203.0.113.7'}, outcome};
}

function lines(file: string): Array<Record<string, unknown>> {
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as Record<string, unknown>);
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('audit log files', () => {
	it('refuses a symbolic link planted at audit.jsonl, and writes nothing through it', () => {
		const folder = join(root, 'flarewatch');
		mkdirSync(folder, {mode: 0o700});
		const target = join(root, 'elsewhere.txt');
		writeFileSync(target, 'untouched\n');
		symlinkSync(target, join(folder, 'audit.jsonl'));
		const warnings: string[] = [];
		const log = new FileAuditLog(join(folder, 'audit.jsonl'), [], message => warnings.push(message));
		const problem = log.write(record(1));
		expect(problem).toMatch(/^the audit log cannot be written \(\S+audit\.jsonl is a symbolic link; refused \(remove it\)\)/);
		expect(warnings).toEqual([problem]);
		expect(readFileSync(target, 'utf8')).toBe('untouched\n');
	});

	it('tightens a 0755 folder and a 0644 file to 0700 and 0600, and stamps endpoint and account', () => {
		const folder = join(root, 'flarewatch');
		mkdirSync(folder);
		chmodSync(folder, 0o755);
		const file = join(folder, 'audit.jsonl');
		writeFileSync(file, '');
		chmodSync(file, 0o644);
		const log = new FileAuditLog(file, ['s3cr3t-key'], () => {}, {endpoint: 'https://www.cloudflare.com/api_json.html', account: 'ops@example.com'});
		expect(log.write({...record(1), params: {note: 's3cr3t-key'}})).toBeUndefined();
		expect(mode(folder)).toBe(0o700);
		expect(mode(file)).toBe(0o600);
		const [line] = lines(file);
		expect(line).toMatchObject({id: 1, endpoint: 'https://www.cloudflare.com/api_json.html', account: 'ops@example.com', params: {note: '[redacted]'}});
	});

	it('cuts a short write back: the torn record is gone, the next one lands whole on its own line', () => {
		const file = join(root, 'flarewatch', 'audit.jsonl');
		let short = false;
		const log = new FileAuditLog(file, [], () => {}, undefined, (fd, bytes) => writeSync(fd, short ? bytes.subarray(0, 10) : bytes));
		expect(log.write(record(1))).toBeUndefined();
		short = true;
		expect(log.write(record(2))).toMatch(/cannot be written \(ENOSPC/);
		short = false;
		expect(log.write(record(3))).toBeUndefined();
		expect(lines(file).map(line => line.id)).toEqual([1, 3]);
	});

	it('on a full disk (a 64 KiB tmpfs) refuses the record whole and says why', context => {
		const mount = join(root, 'full');
		mkdirSync(mount);
		try {
			execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], {stdio: 'ignore'});
		} catch {
			context.skip('mounting a tmpfs is not permitted here');
			return;
		}
		try {
			const file = join(mount, 'flarewatch', 'audit.jsonl');
			const log = new FileAuditLog(file);
			expect(log.write(record(1))).toBeUndefined();
			// Fill what is left; tmpfs allocates whole pages, so a little may stay free: a big record then.
			try {
				writeFileSync(join(mount, 'filler'), Buffer.alloc(64 * 1024));
			} catch {
				// ENOSPC once full: as intended.
			}
			const big = {...record(2), params: {note: 'x'.repeat(16 * 1024)}};
			expect(log.write(big)).toMatch(/cannot be written \(ENOSPC/);
			expect(lines(file).map(line => line.id)).toEqual([1]);
		} finally {
			execFileSync('umount', [mount]);
		}
	});
});

describe('an action whose record cannot be written', () => {
	it('is not sent: the entry fails, saying the audit log cannot be written', async () => {
		const folder = join(root, 'flarewatch');
		mkdirSync(folder, {mode: 0o700});
		symlinkSync(join(root, 'elsewhere'), join(folder, 'audit.jsonl'));
		let calls = 0;
		const backend = new Proxy({}, {
			get: () => () => {
				calls++;
				return Promise.resolve();
			},
		}) as Backend;
		const actions = new ActionQueue({backend, clock: new RealClock(), audit: new FileAuditLog(join(folder, 'audit.jsonl')), session: 'test'});
		actions.submit({kind: 'ban', ip: '203.0.113.7'});
		await actions.idle();
		const [entry] = actions.entries;
		expect(calls).toBe(0);
		expect(entry).toMatchObject({state: 'failed', failureKind: 'not-sent'});
		expect(entry.message).toMatch(/^not sent: the audit log cannot be written \(\S+audit\.jsonl is a symbolic link; refused/);
		expect(existsSync(join(root, 'elsewhere'))).toBe(false);
	});
});

describe('rule registry files', () => {
	it('tightens modes, never reads or writes through a planted link, and makes its lock and temp files 0600', () => {
		const folder = join(root, 'flarewatch');
		mkdirSync(folder);
		chmodSync(folder, 0o755);
		const file = join(folder, 'registry.json');
		const registry = new FileRegistry(file, 'account', () => {});
		registry.update(records => ({...records, rules: {'203.0.113.7': {mode: 'ban', at: 0, by: 'command'}}}));
		expect(mode(folder)).toBe(0o700);
		expect(mode(file)).toBe(0o600);
		chmodSync(file, 0o644);
		expect(Object.keys(registry.read().rules)).toEqual(['203.0.113.7']);
		expect(mode(file)).toBe(0o600);

		rmSync(file);
		const target = join(root, 'secret.json');
		writeFileSync(target, '{"version": 1, "accounts": {"account": {"rules": {"198.51.100.1": {"mode": "wl", "at": 0, "by": "command"}}, "zones": {}}}}\n');
		symlinkSync(target, file);
		const errors: string[] = [];
		const linked = new FileRegistry(file, 'account', message => errors.push(message));
		expect(linked.read().rules).toEqual({});
		expect(errors[0]).toMatch(/registry\.json is a symbolic link; refused/);
		linked.update(records => records);
		expect(errors[1]).toMatch(/cannot be written \([^)]*symbolic link/);
		expect(readFileSync(target, 'utf8')).toContain('198.51.100.1');
	});
});

describe('crash reports', () => {
	it('go into a folder tightened to 0700, as a 0600 file', () => {
		const folder = join(root, 'flarewatch');
		mkdirSync(folder);
		chmodSync(folder, 0o755);
		const report = writeCrashReport(new Error('boom'), {XDG_STATE_HOME: root}, []);
		expect(report).toBeDefined();
		expect(mode(folder)).toBe(0o700);
		expect(mode(report!)).toBe(0o600);
	});
});
