/**
 * The incident report against a scripted incident on a fake clock: the audit log as the queue and the
 * drift watcher write it (through the real FileAuditLog, with a torn last line and another account's
 * records), read back, built into Markdown and JSON, written as files. What an operator checks: each
 * action once with its outcome, the failed one named, the timed ban's expiry, drift old → new, the level
 * periods, the top IPs with what was done, the calls, the chart; files 0600, never overwritten, never
 * through a link, never the key.
 */
import {appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FileAuditLog, type AuditRecord} from '../../source/actions/audit-log.js';
import {readAuditLog} from '../../source/actions/audit-read.js';
import {buildReport, reportJson, type IncidentReport, type ReportFacts} from '../../source/actions/report.js';
import {reportMarkdown} from '../../source/actions/report-text.js';
import {reportBaseName, writeReportFiles} from '../../source/actions/report-file.js';
import {FakeClock} from '../../source/lib/clock.js';

const key = 'c0ffee0123456789abcdef0123456789abcde';
const endpoint = 'https://api.cloudflare.com/client/v4/';
const account = 'ops@example.com';
const start = Date.parse('2026-12-07T21:00:00Z');

let root: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'flarewatch-report-'));
});
afterEach(() => {
	rmSync(root, {recursive: true, force: true});
});

/** The incident: what the queue and the drift watcher write, minute by minute on a fake clock. */
async function scriptIncident(file: string): Promise<FakeClock> {
	const clock = new FakeClock(start);
	const log = new FileAuditLog(file, [key], () => {}, {endpoint, account});
	const session = '4242@2026-12-07T20:59:00.000Z';
	let id = 0;
	const act = async (action: string, params: Record<string, unknown>, outcome: 'done' | 'failed', error?: string, zone = 'example.com') => {
		id++;
		log.write({time: new Date(clock.now()).toISOString(), id, session, zone, action, params, outcome: 'sending', attempt: 1});
		await clock.advance(800);
		log.write({time: new Date(clock.now()).toISOString(), id, session, zone, action, params, outcome, attempt: 1, ...(error ? {error} : {})});
	};
	// Before the window: the level was medium (a poll-free fact the report reads for the start).
	await clock.advance(2 * 60_000);
	await act('security-level', {zone: 'example.com', level: 'help'}, 'done');
	await clock.advance(60_000);
	await act('ban', {ip: '203.0.113.7', zone: 'example.com', notes: 'flarewatch: block by ops@host: scraping', duration: 1800, expiresAt: new Date(clock.now() + 1800_000).toISOString()}, 'done');
	await clock.advance(60_000);
	await act('ban', {ip: '198.51.100.23', zone: 'example.com', notes: `flarewatch: block by ops@host [lockdown L-20261207-2104-ab12]: lockdown; level was med`}, 'done');
	await clock.advance(60_000);
	// A failed one, whose error echoes the key and carries an escape sequence.
	await act('whitelist', {ip: '192.0.2.10', zone: 'example.com', notes: 'partner \u001b]52;c;aGk=\u0007'}, 'failed', `HTTP 500 from the API: token ${key} \u001b[31mrejected`);
	await clock.advance(5 * 60_000);
	// Drift, per the contract: someone else set the level to high.
	log.write({time: new Date(clock.now()).toISOString(), id: 0, session, zone: 'example.com', action: 'drift', params: {what: 'security-level', from: "I'm Under Attack", to: 'high'}, outcome: 'observed' as AuditRecord['outcome']});
	await clock.advance(60_000);
	log.write({time: new Date(clock.now()).toISOString(), id: 0, session, zone: 'example.com', action: 'drift', params: {what: 'dns', from: 'A www → 203.0.113.80', to: 'A www → 198.51.100.99', detail: 'changed'}, outcome: 'observed' as AuditRecord['outcome']});
	await clock.advance(10 * 60_000);
	await act('clear-rule', {ip: '203.0.113.7', zone: 'example.com', expired: true}, 'done');
	// Another account on the same machine: not this report's.
	new FileAuditLog(file, [], () => {}, {endpoint, account: 'other@example.org'}).write({time: new Date(clock.now()).toISOString(), id: 1, session: 'x', zone: 'other.example', action: 'ban', params: {ip: '203.0.113.250'}, outcome: 'sending'});
	// A torn last line (a copy cut mid-write).
	appendFileSync(file, '{"time":"2026-12-07T21:30:00.000Z","id":99,"sess');
	return clock;
}

function facts(file: string, clock: FakeClock): ReportFacts {
	const {records, skipped} = readAuditLog(file, {endpoint, account});
	const polls = [0, 5, 10, 15, 20].map(minute => start + minute * 60_000);
	return {
		generatedAt: clock.now(),
		window: {from: start + 60_000, until: clock.now(), basis: 'from the first action of this session'},
		api: 'v4',
		endpoint,
		account,
		zones: ['example.com'],
		records,
		observations: [{at: start, zone: 'example.com', securityLevel: 'med', devMode: false}, {at: start + 20 * 60_000, zone: 'example.com', devMode: true}],
		threats: [
			{zone: 'example.com', ip: '198.51.100.23', hits: 4200, classification: 'threat', country: 'NL', asn: 'AS64500'},
			{zone: 'example.com', ip: '203.0.113.7', hits: 9100, classification: 'threat'},
			{zone: 'example.com', ip: '66.249.66.1', hits: 99_999, classification: 'crawler'},
		],
		calls: {api: 'v4', window: '5 min', limit: 1200, reserve: 120, usedInWindow: 37, left: 1163},
		traffic: [{zone: 'example.com', samples: polls.map((at, index) => ({at, serverTime: at, interval: 120, edgeRequests: 10_000 + index * index * 5000, originRequests: 2000 + index * 100, threatHits: [50, 900, 4000, 2500, 300][index]!}))}],
		notes: skipped > 0 ? [`${skipped} line of the audit log could not be read`] : [],
		secrets: [key],
	};
}

describe('incident report', () => {
	let report: IncidentReport;
	let markdown: string;
	let json: string;
	beforeEach(async () => {
		const file = join(root, 'audit.jsonl');
		const clock = await scriptIncident(file);
		const built = facts(file, clock);
		report = buildReport(built);
		markdown = reportMarkdown(report, [key]);
		json = reportJson(report, [key]);
	});

	it('lists each action once with its outcome, the failed one with its reason, drift as observed', () => {
		const actions = report.timeline.filter(line => line.kind === 'action');
		expect(actions.map(line => [line.what, line.outcome])).toEqual([
			["security level → I'm Under Attack", 'done'],
			['ban 203.0.113.7 for 30m until 2026-12-07 21:33:00Z: scraping', 'done'],
			['ban 198.51.100.23 (permanent): lockdown; level was med', 'done'],
			['whitelist 192.0.2.10', 'failed'],
			['clear the expired ban of 203.0.113.7', 'done'],
		]);
		expect(markdown).toMatch(/\| 21:05:\d\d \| #4 whitelist 192\.0\.2\.10 \| FAILED: HTTP 500 from the API/);
		expect(markdown).toContain("changed elsewhere: security-level I'm Under Attack → high");
		expect(markdown).toContain('changed elsewhere: dns A www → 203.0.113.80 → A www → 198.51.100.99 (changed)');
		expect(report.summary).toEqual({actions: 5, failed: 1, drift: 2, requestsSent: 5});
		// The other account's ban is not in it; the torn line is counted, not fatal.
		expect(json).not.toContain('203.0.113.250');
		expect(report.notes).toEqual(['1 line of the audit log could not be read']);
	});

	it('gives the level and dev-mode periods from polls, our actions and drift', () => {
		const levels = report.periods.filter(period => period.what === 'security-level').map(period => [period.value, period.from.slice(11, 16), period.until.slice(11, 16), period.source]);
		expect(levels).toEqual([
			['medium', '21:01', '21:02', 'poll'],
			["I'm Under Attack", '21:02', '21:10', 'action'],
			['high', '21:10', '21:21', 'drift'],
		]);
		expect(report.periods.filter(period => period.what === 'dev-mode').map(period => [period.value, period.from.slice(11, 16)])).toEqual([
			['off', '21:01'],
			['on', '21:20'],
		]);
		expect(markdown).toMatch(/\| high \| 21:10:\d\d \| 21:21:\d\d \| changed elsewhere \|/);
	});

	it('lists the top threat IPs by hits with what was done to each, lockdown and expiry included', () => {
		expect(report.threats.map(row => [row.ip, row.hits])).toEqual([
			['203.0.113.7', 9100],
			['198.51.100.23', 4200],
		]);
		const banned = report.threats[0]!.done;
		expect(banned.map(item => item.what)).toEqual(['ban 203.0.113.7 for 30m until 2026-12-07 21:33:00Z: scraping', 'clear the expired ban of 203.0.113.7']);
		expect(banned[0]).toMatchObject({duration: 1800, expiresAt: '2026-12-07 21:33:00Z'});
		expect(banned[1]).toMatchObject({expired: true});
		expect(report.threats[1]!.done[0]).toMatchObject({lockdown: 'L-20261207-2104-ab12'});
		expect(markdown).toMatch(/\| 198\.51\.100\.23 \| 4,200 \| NL \| AS64500 \| .*ban 198\.51\.100\.23 \(permanent\): lockdown; level was med \[lockdown L-20261207-2104-ab12\] \|/);
		expect(report.otherAddresses.map(row => row.ip)).toEqual(['192.0.2.10']);
	});

	it('states the calls and draws the traffic as plain text', () => {
		expect(markdown).toContain('- Limit: 1200 calls per 5 min, 120 kept in reserve for actions');
		expect(markdown).toContain('- Used in the current 5 min: 37, 1163 left');
		expect(markdown).toContain('- Requests sent for actions in the window (audit log): 5');
		// Rates between polls: (10000+9*5000 - (10000+4*5000)) / 5 min = 5000/min at the 15-minute poll.
		// The poll at 21:00, before the window, is the run-up: a point without a rate (nothing before it).
		expect(report.traffic[0]!.points.map(point => point.edgePerMinute)).toEqual([undefined, 1000, 3000, 5000, 7000]);
		expect(markdown).toContain('peak 7.0k/min at 21:20:00');
		expect(markdown).toContain('Threat hits in the hour before each poll (peak 4.0k at 21:10:00)');
		const chart = markdown.slice(markdown.indexOf('## Traffic'));
		expect(chart).toMatch(/┤|┼/);
		expect(chart).not.toMatch(/\u001b/);
	});

	it('never carries the key, an escape sequence or a control character, in either output', () => {
		for (const output of [markdown, json]) {
			expect(output).not.toContain(key);
			expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		}
		expect(markdown).toContain('token [redacted]');
		const parsed = JSON.parse(json) as IncidentReport;
		expect(parsed.summary.failed).toBe(1);
	});

	it('writes both files 0600 in a 0700 folder, never over another report, never through a link', () => {
		const directory = join(root, 'state', 'reports');
		const base = reportBaseName(['example.com'], Date.parse('2026-12-07T21:22:00Z'));
		expect(base).toBe('incident-example.com-20261207T212200Z');
		// A hostile zone name cannot leave the folder or hide: no slash, no leading dot, no control character.
		expect(reportBaseName(['../../Etc/\u001b[2Jx', 'b.example'], 0)).toBe('incident-__.._etc___2jx+1-19700101T000000Z');
		const first = writeReportFiles({directory, create: true, baseName: base, markdown, json});
		if (!first.ok) throw new Error(first.problem);
		expect(statSync(directory).mode & 0o777).toBe(0o700);
		for (const file of [first.markdown, first.json]) expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readFileSync(first.markdown, 'utf8')).toBe(markdown);
		// The same second again: a new name, the first untouched.
		const second = writeReportFiles({directory, create: true, baseName: base, markdown: 'second\n', json: '{}\n'});
		if (!second.ok) throw new Error(second.problem);
		expect(second.markdown).toBe(join(directory, `${base}-2.md`));
		expect(readFileSync(first.markdown, 'utf8')).toBe(markdown);
		// A link planted at the next name: passed over, its target never written.
		const target = join(root, 'target');
		writeFileSync(target, 'mine\n');
		symlinkSync(target, join(directory, `${base}-3.md`));
		const third = writeReportFiles({directory, create: true, baseName: base, markdown, json});
		expect(third.ok && third.markdown).toBe(join(directory, `${base}-4.md`));
		expect(readFileSync(target, 'utf8')).toBe('mine\n');
		// The reports folder itself a link: refused, with the reason.
		const linked = join(root, 'linked');
		mkdirSync(join(root, 'elsewhere'));
		symlinkSync(join(root, 'elsewhere'), linked);
		const refused = writeReportFiles({directory: linked, create: true, baseName: base, markdown, json});
		expect(refused).toMatchObject({ok: false});
		expect(!refused.ok && refused.problem).toMatch(/symbolic link is refused/);
		expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
	});

	it('an action sent without an answer yet is "in flight" in the console, "no outcome recorded" in an old log', () => {
		const sending: AuditRecord = {time: '2026-12-07T21:10:00.000Z', id: 9, session: 's', zone: 'example.com', action: 'purge', params: {zone: 'example.com'}, outcome: 'sending', attempt: 1};
		const base = {generatedAt: start + 20 * 60_000, window: {from: start, until: start + 20 * 60_000, basis: 'test'}, api: 'v1' as const, endpoint, zones: ['example.com'], records: [sending], threats: [], calls: {api: 'v1' as const, window: 'hour', limit: 300}, traffic: [], secrets: []};
		expect(buildReport({...base, inFlight: new Set(['s#9'])}).timeline[0]).toMatchObject({what: 'purge the whole cache', outcome: 'in flight'});
		const old = buildReport(base);
		expect(old.timeline[0]).toMatchObject({outcome: 'no outcome recorded'});
		expect(reportMarkdown(old, [])).toContain('| 21:10:00 | #9 purge the whole cache | no outcome recorded |');
	});

	it('a full disk says why and leaves no half report', () => {
		const directory = join(root, 'reports');
		let calls = 0;
		const result = writeReportFiles({
			directory,
			create: true,
			baseName: 'incident-x',
			markdown,
			json,
			write: (_fd, bytes) => {
				calls++;
				if (calls > 1) throw Object.assign(new Error('no space'), {code: 'ENOSPC'});
				return bytes.length;
			},
		});
		expect(result).toMatchObject({ok: false});
		expect(!result.ok && result.problem).toMatch(/^the report cannot be written \(ENOSPC\)/);
		expect(readdirSync(directory)).toEqual([]);
	});
});
