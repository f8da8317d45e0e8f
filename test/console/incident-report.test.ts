/**
 * The console's E / :export in process, on a fake clock: a monitor polling a fake backend for half an
 * hour, the session's actions audited to a real file, a drift record, then the report. What the
 * operator checks: the path on the status line and in the Log, the window from the first action, the
 * actions and drift, the level as polls saw it, the threat rows, the calls of the window and the
 * chart; a quiet session gets the last hour and says so; a refused folder says why and E works again.
 */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FileAuditLog, type AuditRecord} from '../../source/actions/audit-log.js';
import {createGuard} from '../../source/actions/guard.js';
import {MemoryRegistry} from '../../source/actions/registry.js';
import type {IncidentReport} from '../../source/actions/report.js';
import {createReportExporter} from '../../source/console/incident-report.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const key = 'Sup3rSecretKey-0123456789abcdef';
const identity = {endpoint: 'fake backend', account: 'ops@example.com'};
const session = '777@2014-06-01T12:00:00.000Z';

let root: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'flarewatch-console-report-'));
});
afterEach(() => {
	rmSync(root, {recursive: true, force: true});
});

async function setup(directory?: string) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock});
	const auditFile = join(root, 'state', 'flarewatch', 'audit.jsonl');
	const audit = new FileAuditLog(auditFile, [key], () => {}, identity);
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, audit, registry: new MemoryRegistry(), guard: createGuard([], {}), session, retryDelayMs: 10, paceMs: 0});
	await monitor.start();
	await clock.advance(0);
	const reports = createReportExporter({monitor, auditFile, session, identity, secrets: [key], api: 'v1', demo: false, ...(directory ? {directory} : {})});
	return {clock, backend, monitor, audit, auditFile, reports};
}

const lastMessage = (monitor: {getState(): {messages: {last(): {text: string} | undefined}}}) => monitor.getState().messages.last()?.text ?? '';

describe('the console incident report (E, :export)', () => {
	it('before anything happened: the last hour, said on the status line and in the report', async () => {
		const {monitor, reports, clock} = await setup();
		await clock.advance(5 * 60_000);
		const file = reports.exportReport();
		expect(file).toMatch(/\/state\/flarewatch\/reports\/incident-example\.com-20140601T120500Z\.md$/);
		expect(lastMessage(monitor)).toBe('Report: incident-example.com-20140601T120500Z.md; nothing happened yet this session: it covers the last hour');
		expect(monitor.getState().messages.latest(2)[0]?.text).toBe(`Report written (.md and .json) in ${join(root, 'state', 'flarewatch', 'reports')}`);
		// E mashed: the same report named again, no second file; a few seconds later, a new one.
		expect(reports.exportReport()).toBe(file);
		expect(lastMessage(monitor)).toMatch(/^Report already written just now: incident-example\.com-20140601T120500Z\.md/);
		expect(readdirSync(dirname(file!))).toHaveLength(2);
		await clock.advance(3000);
		expect(reports.exportReport()).toMatch(/incident-example\.com-20140601T120503Z\.md$/);
		const markdown = readFileSync(file!, 'utf8');
		expect(markdown).toContain('- Window: 2014-06-01 11:05:00Z to 2014-06-01 12:05:00Z (nothing done or noticed yet in this session: the last hour)');
		expect(markdown).toContain('Nothing was done and no change was noticed in the window.');
		monitor.stop();
		reports.stop();
	});

	it('from the first action: actions, drift, the level the polls saw, threat rows, calls and chart', async () => {
		const {monitor, backend, audit, reports, clock, auditFile} = await setup();
		await clock.advance(10 * 60_000);
		backend.attack = true;
		await clock.advance(5 * 60_000);
		const threat = monitor.getState().zones[0]!.threatRows.find(row => row.classification === 'threat')!;
		monitor.actions.submit({kind: 'ban', ip: threat.ip});
		await monitor.actions.queue.idle();
		// The ban takes the address off the visitor list from the next poll on.
		backend.visitorRows = backend.visitorRows.filter(row => row.ip !== threat.ip);
		backend.fault = {kind: 'api', count: 1};
		monitor.actions.submit({kind: 'whitelist', ip: '192.0.2.10'});
		await monitor.actions.queue.idle();
		await clock.advance(60_000);
		// Under Attack at 12:16, shown at once between polls: the period starts then, not at the last poll.
		monitor.actions.submit({kind: 'security-level', zone: {name: 'example.com', id: '1001'}, level: 'help'});
		await monitor.actions.queue.idle();
		await clock.advance(2 * 60_000);
		// The drift part's record, per the contract (same session, as the console writes it).
		audit.write({time: new Date(clock.now()).toISOString(), id: 0, session, zone: 'example.com', action: 'drift', params: {what: 'cache-level', from: 'agg', to: 'basic'}, outcome: 'observed' as AuditRecord['outcome']});
		await clock.advance(15 * 60_000);
		const file = reports.exportReport()!;
		expect(lastMessage(monitor)).toBe(`Report: ${basename(file)}`);
		expect(monitor.getState().messages.latest(2)[0]?.text).toBe(`Report written (.md and .json) in ${dirname(file)}`);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const markdown = readFileSync(file, 'utf8');
		const report = JSON.parse(readFileSync(file.replace(/\.md$/, '.json'), 'utf8')) as IncidentReport;
		expect(report.window.from).toBe('2014-06-01 12:15:00Z');
		expect(report.window.basis).toBe('from the first action or change noticed in this session');
		expect(report.timeline.map(line => (line.kind === 'action' ? `${line.what}: ${line.outcome}` : `${line.what} ${line.from} → ${line.to}`))).toEqual([`ban ${threat.ip} (permanent): done`, 'whitelist 192.0.2.10: failed', "security level → I'm Under Attack: done", 'cache-level agg → basic']);
		expect(report.periods.map(period => [period.what, period.value, period.from.slice(11, 19), period.until.slice(11, 19), period.source])).toEqual([
			['security-level', 'medium', '12:15:00', '12:16:00', 'poll'],
			// The fake backend's polls always say medium: the poll right after the action puts it back, as a real one would show a revert.
			['security-level', "I'm Under Attack", '12:16:00', '12:16:00', 'action'],
			['security-level', 'medium', '12:16:00', '12:33:00', 'poll'],
			['dev-mode', 'off', '12:15:00', '12:33:00', 'poll'],
		]);
		expect(report.threats[0]).toMatchObject({ip: expect.any(String), hits: expect.any(Number)});
		expect(monitor.getState().zones[0]!.threatRows.some(row => row.ip === threat.ip)).toBe(false);
		expect(report.threats.find(row => row.ip === threat.ip)).toMatchObject({hits: threat.hits, done: [{what: `ban ${threat.ip} (permanent)`, outcome: 'done'}]});
		// Every poll of the window is a point of the chart.
		expect(report.traffic[0]!.points.length).toBeGreaterThan(5);
		expect(markdown).toMatch(/Edge requests per minute, 12:00:\d\d to 12:3\d:\d\d \(\d+ polls/);
		expect(report.calls).toMatchObject({api: 'v1', window: 'hour', limit: 300, reserve: 30, requestsSentForActions: 3});
		expect(report.calls.usedInWindow).toBe(monitor.getState().ledger.filter(at => at > clock.now() - 3_600_000).length);
		expect(markdown).not.toContain(key);
		monitor.stop();
		reports.stop();
		expect(auditFile).toContain('audit.jsonl');
	});

	it('a refused folder says why, writes nothing, and E works once it is fixed', async () => {
		const directory = join(root, 'out');
		mkdirSync(join(root, 'elsewhere'));
		symlinkSync(join(root, 'elsewhere'), directory);
		const {monitor, reports} = await setup(directory);
		monitor.actions.submit({kind: 'ban', ip: '203.0.113.9'});
		await monitor.actions.queue.idle();
		expect(reports.exportReport()).toBeUndefined();
		expect(lastMessage(monitor)).toMatch(/^Report NOT written: .*out is not a directory \(a symbolic link is refused\)/);
		rmSync(directory);
		mkdirSync(directory);
		const file = reports.exportReport();
		expect(file).toMatch(/\/out\/incident-example\.com-\d{8}T\d{6}Z\.md$/);
		expect(readFileSync(file!, 'utf8')).toContain('ban 203.0.113.9 (permanent)');
		monitor.stop();
		reports.stop();
	});
});
