/**
 * `flarewatch report --since 2h` against the emulator over loopback HTTP, on both APIs: actions sent by
 * the real action queue through the real backend (audited as the console does), a drift record and a
 * hostile line planted in the log, then the command reads the log and asks the API for the traffic and
 * the threat IPs. What an operator checks in the files: each action with its outcome, the drift, the
 * level period, the top threat IPs and what was done to them; files 0600, a second report beside the
 * first, the key nowhere; a bad --since refused with nothing sent.
 */
import {appendFileSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {auditLogPath, FileAuditLog} from '../../source/actions/audit-log.js';
import {ActionQueue} from '../../source/actions/queue.js';
import type {IncidentReport} from '../../source/actions/report.js';
import type {Backend, ZoneRef} from '../../source/backend.js';
import {openBackend} from '../../source/backends.js';
import {commandMain} from '../../source/commands/index.js';
import {configSecrets, loadConfig, requireCredentials} from '../../source/config.js';
import {RealClock} from '../../source/lib/clock.js';
import {apis} from '../e2e/apis.js';
import {callsSeen, captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';

describe.each(apis)('flarewatch report against the emulator (API %s)', api => {
	let emu: EmulatorHandle;
	let home: string;
	let env: Record<string, string>;
	let secret: string;
	let backend: Backend;
	let zone: ZoneRef;

	const sent = () => callsSeen(emu) + emu.state().accounts.reduce((sum, account) => sum + account.calls.v4.total, 0);
	const run = async (argv: string[]) => {
		const capture = captureIo(env);
		const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
		return {code, stdout: capture.stdout(), stderr: capture.stderr()};
	};

	beforeAll(async () => {
		emu = await emulator({rateLimit: 5000});
		home = mkdtempSync(join(tmpdir(), `flarewatch-report-${api}-`));
		secret = api === 'v1' ? emu.key : emu.token;
		env = {
			...(api === 'v1' ? {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key} : {CF_API_TOKEN: emu.token}),
			CF_API_ENDPOINT: emu.url,
			CF_ZONE: 'example.com',
			XDG_STATE_HOME: home,
			XDG_CONFIG_HOME: home,
			HOME: home,
		};
		const {config} = loadConfig({flags: {zones: [], readOnly: false, neverBan: []}, env});
		const secrets = configSecrets(config);
		backend = openBackend({...requireCredentials(config), endpoint: config.endpoint, timeoutMs: config.timeoutMs, env, secrets});
		[zone] = (await backend.checkZones(['example.com'])) as [ZoneRef];
		// The console's queue and audit log, as console/main.ts makes them.
		const audit = new FileAuditLog(auditLogPath(env), secrets.map(s => s.reveal()), () => {}, {endpoint: backend.endpointLabel, account: config.email ?? ''});
		const queue = new ActionQueue({backend, clock: new RealClock(), audit, session: `${process.pid}@test`, retryDelayMs: 10});
		const ruleZone = backend.capabilities.ruleScope === 'zone' ? {zone} : {};
		queue.submit({kind: 'security-level', zone, level: 'help'});
		queue.submit({kind: 'ban', ip: '203.0.113.7', ...ruleZone});
		await queue.idle();
		emu.setFault({mode: 'http500', count: 1});
		queue.submit({kind: 'whitelist', ip: '192.0.2.10', ...ruleZone});
		await queue.idle();
		// What the drift part writes (the contract), and a hostile line: the key and an escape sequence in a field.
		appendFileSync(auditLogPath(env), `${JSON.stringify({time: new Date().toISOString(), id: 0, session: `${process.pid}@test`, endpoint: backend.endpointLabel, account: config.email ?? '', zone: 'example.com', action: 'drift', params: {what: 'dev-mode', from: 'off', to: 'on'}, outcome: 'observed'})}\n`);
		appendFileSync(auditLogPath(env), `${JSON.stringify({time: new Date().toISOString(), id: 77, session: 'hostile', endpoint: backend.endpointLabel, account: config.email ?? '', zone: 'example.com', action: 'ban', params: {ip: '198.51.100.66', notes: `key=${secret} \u001b]0;pwned\u0007`}, outcome: 'failed', error: `echo ${secret}`})}\n`);
	}, 60_000);

	afterAll(async () => {
		backend?.close();
		await emu?.close();
		rmSync(home, {recursive: true, force: true});
	});

	it('writes the Markdown and JSON of the window, 0600, with the actions, drift, level, threats and calls', async () => {
		const result = await run(['report', '--since', '2h']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const [summary, markdownPath, jsonPath] = result.stdout.trim().split('\n');
		expect(summary).toMatch(/^Incident report, .* 4 actions \(2 failed\), 1 change made elsewhere\.$/);
		expect(markdownPath).toMatch(new RegExp(`^${home}/flarewatch/reports/incident-example\\.com-\\d{8}T\\d{6}Z\\.md$`));
		expect(jsonPath).toBe(markdownPath!.replace(/\.md$/, '.json'));
		for (const file of [markdownPath!, jsonPath!]) expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(join(home, 'flarewatch', 'reports')).mode & 0o777).toBe(0o700);

		const markdown = readFileSync(markdownPath!, 'utf8');
		const report = JSON.parse(readFileSync(jsonPath!, 'utf8')) as IncidentReport;
		expect(markdown).toMatch(/\| #1 security level → I'm Under Attack \| done \|/);
		expect(markdown).toMatch(/\| #2 ban 203\.0\.113\.7 \(permanent\) \| done \|/);
		expect(markdown).toMatch(/\| #3 whitelist 192\.0\.2\.10 \| FAILED: .*500/);
		expect(markdown).toContain('changed elsewhere: dev-mode off → on');
		// The level now, as the API says it, from our action on.
		expect(report.periods.find(period => period.what === 'security-level')).toMatchObject({value: "I'm Under Attack", source: 'action'});
		// The emulator's threat IPs, most hits first, as visitors answered over the window.
		expect(report.threats.length).toBeGreaterThan(0);
		expect(report.threats.map(row => row.hits)).toEqual([...report.threats.map(row => row.hits)].sort((a, b) => b - a));
		expect(markdown).toContain('## Top threat IPs');
		expect(report.traffic[0]!.totals?.edgeRequests).toEqual(expect.any(Number));
		expect(markdown).toMatch(/Last 6 hours: [\d,]+ requests at the edge/);
		expect(report.calls).toMatchObject({api, reportCalls: 2, requestsSentForActions: 3});
		expect(markdown).toContain('- Calls made to write this report: 2');
		// Neither file holds the key or a raw escape sequence, the planted line's included.
		for (const text of [markdown, readFileSync(jsonPath!, 'utf8')]) {
			expect(text).not.toContain(secret);
			expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
		}
		expect(markdown).toContain('198.51.100.66');
	});

	it('a second report of the same second goes beside the first; --json gives the paths', async () => {
		const [first, second] = await Promise.all([run(['report', '--since', '2h', '--json']), run(['report', '--since', '2h', '--json'])]);
		const a = JSON.parse(first.stdout) as {markdown: string; summary: {actions: number}};
		const b = JSON.parse(second.stdout) as {markdown: string};
		expect(a.markdown).not.toBe(b.markdown);
		expect(a.summary.actions).toBe(4);
	});

	it('a failed call is named on stderr and in the report, the report is still written, the exit code says it', async () => {
		emu.setFault({mode: 'http500', count: 1});
		const result = await run(['report', '--since', '2h']);
		expect(result.code).toBe(3);
		expect(result.stderr).toMatch(/^flarewatch report: example\.com: .*500/m);
		const markdownPath = result.stdout.trim().split('\n')[1]!;
		const markdown = readFileSync(markdownPath, 'utf8');
		expect(markdown).toMatch(/Traffic not available: .*500/);
		expect(markdown).toMatch(/## Notes\n\n- example\.com: stats failed: .*500/);
		// The audit log's part is whole.
		expect(markdown).toMatch(/#2 ban 203\.0\.113\.7 \(permanent\) \| done/);
	});

	it('a bad --since or --until is refused with exit 2 and nothing sent', async () => {
		const before = sent();
		for (const argv of [
			['report', '--since', 'yesterday'],
			['report', '--since', '1h', '--until', '2h'],
			['report', '--since', '2h', '--out', join(home, 'missing')],
		]) {
			const result = await run(argv);
			expect(result.code, argv.join(' ')).toBe(2);
			expect(result.stderr).toMatch(/^flarewatch report: /);
		}
		expect((await run(['report', '--since', 'yesterday'])).stderr).toContain('"yesterday" is neither a span back from now');
		expect(sent()).toBe(before);
	});
});
