/**
 * The console on API v4 beside v1: keys and help from the backend's capabilities (a key the API lacks
 * is not listed and, pressed, says which call it needs), the notes of the rules b, w and C make,
 * rules made by someone else marked on the threat rows and removed only after "yes" is typed, the
 * Rules view, IP details and file purges.
 */
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {createGuard} from '../../source/actions/guard.js';
import {operatorIdentity, parseRuleNote} from '../../source/actions/rule-notes.js';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {PasteChannel} from '../../source/term/input.js';
import {App} from '../../source/ui/app.js';
import {HelpDialog} from '../../source/ui/dialogs/help-dialog.js';
import {computeLayout} from '../../source/ui/layout.js';
import {v4Capabilities} from '../../source/v4/backend.js';
import {FakeBackend} from '../monitor/fake-backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {FakeV4Backend, type SentCall} from './fake-v4.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

const rows: Visitor[] = [
	{ip: '192.0.2.66', classification: 'threat', hits: 500, country: 'NL', asn: 'AS64500'},
	{ip: '192.0.2.1', classification: 'threat', hits: 300},
	{ip: '192.0.2.2', classification: 'threat', hits: 100},
	{ip: '198.51.100.7', classification: 'regular', hits: 100},
];

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

interface SetupOptions {
	api?: 'v1' | 'v4';
	/** v4: the monitor lists the fake's rules (else every listing fails: never listed). */
	listed?: boolean;
	size?: {columns: number; rows: number};
	prepare?: (backend: FakeV4Backend) => void;
}

async function setup(options: SetupOptions = {}) {
	const clock = new FakeClock();
	const v4 = options.api === 'v4';
	const backend = v4 ? new FakeV4Backend({clock, visitors: rows}) : new FakeBackend({clock, visitors: rows});
	if (backend instanceof FakeV4Backend) {
		options.prepare?.(backend);
		if (!options.listed) backend.listFault = new FlarewatchError('network', 'injected: no listing');
	}
	const audit = new MemoryAuditLog();
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, guard: createGuard([], {}), paceMs: 0, audit, api: v4 ? 'v4' : 'v1'});
	monitors.push(monitor);
	await monitor.start();
	await clock.advance(0);
	const pastes = new PasteChannel();
	const view = render(<App monitor={monitor} size={options.size ?? {columns: 100, rows: 30}} onQuit={() => {}} paste={pastes} />);
	await tick();
	const settle = async () => {
		await tick();
		await monitor.actions.queue.idle();
		await tick();
	};
	const press = async (keys: string) => {
		for (const key of keys.startsWith('\u001b') ? [keys] : keys) {
			view.stdin.write(key);
			await tick();
		}
		await settle();
	};
	/** The frame, and the latest status message whole (the status line cuts a long one to the width). */
	const frame = () => `${view.lastFrame() ?? ''}\n${monitor.getState().messages.last()?.text ?? ''}`;
	/** The calls other than polling. */
	const sent = () => backend.calls.filter(call => !['zone_check', 'stats', 'zone_ips', 'listRules'].includes(call.action)).map(call => call.action);
	/** What reached the v4 fake, with arguments. */
	const calls = (): SentCall[] => (backend instanceof FakeV4Backend ? backend.sent.filter(call => call.action !== 'listRules') : []);
	return {clock, backend, monitor, view, press, frame, sent, calls, audit, pastes, settle};
}

/** The help's text with its borders taken out and blanks squeezed (descriptions wrap). */
function helpText(frame: string): string {
	return frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
}

describe('keys and help from the capabilities', () => {
	it('v1: the help lists the snapshot, the threat score and DIUP; no challenge, no Rules view; C says it is v4', async () => {
		const {press, frame, sent} = await setup();
		await press('?');
		const help = helpText(frame());
		expect(help).toContain('snapshot (once a day)');
		expect(help).toContain("the IP's threat score");
		expect(help).toContain('(DIUP)');
		expect(help).not.toMatch(/challenge|Rules/);
		await press('\u001b');
		await press('C');
		expect(frame()).toContain('Managed challenges are an API v4 rule mode; v1 has only ban and whitelist: b bans.');
		// Tab skips the Rules view: Dashboard, DNS, Log, Dashboard.
		await press('\t');
		expect(frame()).toContain('DNS records');
		await press('\t');
		expect(frame()).toContain('Log (this session)');
		expect(frame()).not.toContain('Rules');
		await press('\t');
		await press(':purge https://example.com/a.css\r');
		expect(frame()).toContain('Purging single files is an API v4 call');
		expect(sent()).toEqual(['rec_load_all']);
	});

	it('v4: the help lists b w C, x, the details and the Rules view; no snapshot, no DIUP, no threat score', async () => {
		const {press, frame} = await setup({api: 'v4'});
		await press('?');
		const help = helpText(frame());
		expect(help).toContain('block / allow / challenge the IP, with a reason');
		expect(help).toContain('country, ASN, firewall log');
		expect(help).toContain('Rules x remove; / filter; r again');
		expect(help).not.toContain('more if wider');
		expect(help).toContain('purge all (files: :purge)');
		expect(help).not.toContain('snapshot');
		expect(help).not.toContain('DIUP');
		expect(help).not.toContain('threat score');
		await press('\u001b');
		await press(':help\r');
		const commands = helpText(frame());
		expect(commands).toContain(':ban / :wl / :challenge IP');
		expect(commands).toContain(':purge [URL...]');
		expect(commands).not.toContain(':grab');
		expect(commands).not.toContain('update-ip');
	});

	it.each(['keys', 'palette'] as const)('v4: the %s page of the help fits 80x24 whole', page => {
		const layout = computeLayout({columns: 80, rows: 24});
		const {lastFrame} = render(<HelpDialog width={80} height={layout.body.height} page={page} capabilities={v4Capabilities} />);
		expect(lastFrame()).not.toContain('more if wider');
		expect(lastFrame()).not.toContain('…');
	});

	it('v4: G, DNS u and :grab say they are v1 calls and what to use instead; nothing is sent', async () => {
		const {press, frame, sent} = await setup({api: 'v4'});
		await press('G');
		expect(frame()).toContain('Snapshots (zone_grab) are a v1 call; API v4 has none.');
		await press(':grab\r');
		expect(frame()).toContain('Snapshots (zone_grab) are a v1 call; API v4 has none.');
		await press('\t');
		await press('u');
		expect(frame()).toContain('DIUP (pointing hosts at a new IP) is a v1 call; API v4 has none: edit each A record with e.');
		// Tab goes on to the Rules view, then the Log.
		await press('\t');
		expect(frame()).toContain('Rules of example.com');
		await press('\t');
		expect(frame()).toContain('Log (this session)');
		expect(sent()).toEqual(['rec_load_all']);
	});
});

describe('notes on the rules b, w and C make (v4)', () => {
	const note = (action: string, reason: string) => `flarewatch: ${action} by ${operatorIdentity()}: ${reason}`;

	it('b asks a reason (y and n are letters there), Enter shows the note, y sends it with the zone; the audit log records it', async () => {
		const {press, frame, calls, audit} = await setup({api: 'v4'});
		await press('b');
		expect(frame()).toContain('Ban this IP?');
		expect(frame()).toContain('Reason:');
		// A ban lasts the configured default (1h) unless t changes it: the note names its end.
		expect(frame()).toContain('For     1h, until');
		await press('scraping /login, yes');
		expect(calls()).toEqual([]);
		await press('\r');
		const timedNote = new RegExp(`^flarewatch: block by ${operatorIdentity().replace(/\./g, '\\.')} \\[until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ\\]: scraping /login, yes$`);
		expect(frame()).toContain(`Note    flarewatch: block by ${operatorIdentity()} [until `);
		expect(calls()).toEqual([]);
		await press('y');
		const [call] = calls();
		expect(call).toMatchObject({action: 'ban', args: ['192.0.2.66', {zone: {name: 'example.com', id: '1001'}}]});
		const sentNotes = (call?.args[1] as {notes: string}).notes;
		expect(sentNotes).toMatch(timedNote);
		const sending = audit.records.find(record => record.action === 'ban' && record.outcome === 'sending');
		expect(sending?.params).toMatchObject({ip: '192.0.2.66', zone: 'example.com', notes: sentNotes, duration: 3600});
		// The audit's expiresAt and the note's end are the same moment (the note to the second).
		expect(parseRuleNote(sentNotes)?.until).toBe(Math.ceil(Date.parse(String(sending?.params.expiresAt)) / 1000) * 1000);
		expect(note('block', 'x')).toMatch(/^flarewatch: block by [\w.-]+@[\w.-]+: x$/);
	});

	it('w and C: allow and managed challenge, each with its note; an empty reason is fine', async () => {
		const {press, calls} = await setup({api: 'v4'});
		await press('j');
		await press('w');
		await press('our monitoring\ry');
		await press('j');
		await press('C');
		await press('\ry');
		expect(calls()).toEqual([
			{action: 'whitelist', args: ['192.0.2.1', {zone: {name: 'example.com', id: '1001'}, notes: note('allow', 'our monitoring')}]},
			{action: 'addRule', args: [{name: 'example.com', id: '1001'}, {mode: 'managed_challenge', target: 'ip', value: '192.0.2.2', notes: `flarewatch: challenge by ${operatorIdentity()}`}]},
		]);
	});

	it('a pasted reason is text: control characters out, a line break a space, never an answer; Esc cancels', async () => {
		const {press, frame, calls, pastes, settle} = await setup({api: 'v4'});
		await press('b');
		pastes.emit('bot\u001b[31m net\r\ny');
		await settle();
		expect(frame()).toContain('bot net y');
		expect(frame()).toContain('Reason:');
		await press('\u001b');
		expect(frame()).toContain('Cancelled: nothing was sent');
		expect(calls()).toEqual([]);
	});

	it('a long reason is bounded, and the note stays within what the API takes', async () => {
		const {press, calls, pastes, settle} = await setup({api: 'v4'});
		await press('b');
		pastes.emit('x'.repeat(5000));
		await settle();
		await press('\ry');
		const notes = (calls()[0]?.args[1] as {notes: string}).notes;
		expect(notes.length).toBeLessThanOrEqual(400);
		expect(notes).toMatch(new RegExp(`^flarewatch: block by ${operatorIdentity().replace(/\./g, '\\.')} \\[until [^\\]]+\\]: xxx`));
	});
});

describe("rules someone else made (v4)", () => {
	const prepare = (backend: FakeV4Backend) => {
		backend.addExisting({value: '192.0.2.66', notes: 'blocked by SOC #4411'});
		backend.addExisting({value: '192.0.2.1', notes: `flarewatch: block by ops@bastion: scraping`});
		backend.addExisting({value: '192.0.2.2', mode: 'whitelist', notes: '', scope: 'account'});
	};

	it('are marked on the threat rows: ours, someone else’s', async () => {
		const {frame} = await setup({api: 'v4', listed: true, prepare, size: {columns: 120, rows: 30}});
		const line = (ip: string) => frame().split('\n').find(text => text.includes(ip)) ?? '';
		expect(frame()).toContain('RULE');
		expect(line('192.0.2.66')).toContain('block·other');
		expect(line('192.0.2.1 ')).toContain('block·ours');
		expect(line('192.0.2.2')).toContain('allow·other');
		expect(line('198.51.100.7')).not.toMatch(/ours|other/);
		// Where the column is narrow (80 columns beside the stats), "!" marks someone else's.
		const narrow = await setup({api: 'v4', listed: true, prepare, size: {columns: 80, rows: 24}});
		const narrowLine = (ip: string) => narrow.frame().split('\n').find(text => text.includes(ip)) ?? '';
		expect(narrowLine('192.0.2.66')).toMatch(/block!/);
		expect(narrowLine('192.0.2.1 ')).toMatch(/block\s*$/);
		for (const text of narrow.frame().split('\n')) expect(text.length).toBeLessThanOrEqual(80);
	});

	it('x on someone else’s rule: the first confirmation names it, the second quotes its note and needs yes typed', async () => {
		const {press, frame, calls} = await setup({api: 'v4', listed: true, prepare});
		await press('x');
		expect(frame()).toContain('NOT made by flarewatch');
		expect(frame()).toContain('note "blocked by SOC #4411"');
		await press('y');
		expect(frame()).toContain('Not made by flarewatch: remove it?');
		expect(frame()).toContain('Its note: "blocked by SOC #4411".');
		expect(frame()).toContain('This rule was not made by flarewatch. Remove it anyway? Type yes, then Enter.');
		// y is a letter here, and anything but yes sends nothing.
		await press('y\r');
		expect(frame()).toContain('Not removed: type yes');
		expect(calls()).toEqual([]);
		await press('yes\r');
		expect(calls()).toEqual([{action: 'deleteRule', args: [{name: 'example.com', id: '1001'}, {id: 'r1', scope: 'zone'}]}]);
	});

	it('x on our rule: one confirmation; on an account-wide rule it says so', async () => {
		const {press, frame, calls} = await setup({api: 'v4', listed: true, prepare});
		await press('j');
		await press('x');
		expect(frame()).toContain("flarewatch's (ops@bastion)");
		await press('y');
		expect(calls()).toEqual([{action: 'deleteRule', args: [{name: 'example.com', id: '1001'}, {id: 'r2', scope: 'zone'}]}]);
		await press('j');
		await press('x');
		expect(frame()).toContain('An account-wide rule covers every zone of the account.');
		await press('n');
	});

	it('b on an address with someone else’s rule says it takes that rule over, quoting its note', async () => {
		const {press, frame, calls} = await setup({api: 'v4', listed: true, prepare});
		await press('b');
		expect(frame()).toContain('Rule    block 192.0.2.66 · this zone · NOT made by flarewatch');
		expect(frame()).toContain('It takes over someone else\'s rule here (note "blocked by SOC #4411").');
		await press('\u001b');
		expect(calls()).toEqual([]);
	});

	it('x before the rules are listed says so and removes nothing (no blind clear)', async () => {
		const {press, frame, sent} = await setup({api: 'v4', prepare});
		await press('x');
		expect(frame()).toContain('The rules of example.com are not listed yet');
		expect(sent()).toEqual([]);
	});

	it('x on an address with no listed rule says so', async () => {
		const {press, frame, sent} = await setup({api: 'v4', listed: true, prepare});
		await press('jjj');
		await press('x');
		expect(frame()).toContain('No rule on 198.51.100.7 is listed');
		expect(sent()).toEqual([]);
	});
});

describe('the Rules view (v4)', () => {
	const prepare = (backend: FakeV4Backend) => {
		backend.addExisting({value: '203.0.113.0/24', target: 'ip_range', notes: 'blocked by SOC #4411'});
		backend.addExisting({value: '192.0.2.1', notes: 'flarewatch: block by ops@bastion: scraping'});
		backend.addExisting({value: 'AS64500', target: 'asn', mode: 'managed_challenge', notes: 'vendor scan'});
		backend.accountUnavailable = 'the token may not read the account';
	};

	it('lists every rule with whose it is; / filters over the notes; x removes the highlighted one', async () => {
		const {press, frame, calls} = await setup({api: 'v4', listed: true, prepare});
		await press('\t\t');
		expect(frame()).toContain('Rules of example.com · 3 (1 ours)');
		expect(frame()).toContain('account rules not shown: the token may not read the account');
		expect(frame()).toMatch(/block\s+range\s+203\.0\.113\.0\/24\s+zone\s+other/);
		expect(frame()).toMatch(/block\s+ip\s+192\.0\.2\.1\s+zone\s+ours/);
		expect(frame()).toMatch(/m-chall\s+asn\s+AS64500/);
		await press('/SOC\r');
		expect(frame()).toContain('1 of 3');
		expect(frame()).not.toContain('AS64500');
		await press('x');
		expect(frame()).toContain('Remove the block rule on 203.0.113.0/24?');
		await press('y');
		await press('yes\r');
		expect(calls()).toEqual([{action: 'deleteRule', args: [{name: 'example.com', id: '1001'}, {id: 'r1', scope: 'zone'}]}]);
		// Esc clears the filter: the others are back.
		await press('\u001b');
		expect(frame()).toContain('AS64500');
	});

	it("a rule's age is counted on the API's clock: one made 30 s ago by a clock 90 s ahead of ours says 30s, not '-'", async () => {
		const {press, frame} = await setup({
			api: 'v4',
			listed: true,
			prepare: backend => {
				backend.serverAheadMs = 90_000;
				backend.addExisting({value: '192.0.2.9', notes: 'flarewatch: block by ops@bastion: just now', createdAt: backend.serverNow() - 30_000});
			},
		});
		await press('\t\t');
		expect(frame()).toMatch(/192\.0\.2\.9\s+zone\s+ours\s+30s/);
	});

	it.each([
		{columns: 80, rows: 24},
		{columns: 40, rows: 10},
	])('fits %o: every line within the width, the highlighted rule and its note shown', async size => {
		const {press, frame, view} = await setup({api: 'v4', listed: true, prepare, size});
		await press('\t\t');
		const lines = (view.lastFrame() ?? '').split('\n');
		expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(size.columns);
		expect(frame()).toContain('› ');
		expect(frame()).toContain('note: ');
	});
});

describe('details and file purges (v4)', () => {
	it('i shows country, ASN and the firewall events; again within 10 minutes costs no call', async () => {
		const {press, frame, sent} = await setup({api: 'v4'});
		await press('i');
		expect(frame()).toContain('Details of 192.0.2.66');
		expect(frame()).toContain('country NL · AS64500 Example Transit');
		expect(frame()).toMatch(/block\s+ip\s+\/login/);
		await press('\u001b');
		await press('i');
		expect(frame()).toContain('no call made');
		expect(sent()).toEqual(['ipDetails']);
	});

	it(':purge URL... purges those files after a confirmation; a URL outside the zone is named and nothing is sent', async () => {
		const {press, frame, calls} = await setup({api: 'v4'});
		await press(':purge https://example.com/a.css https://evil.example.net/b.js\r');
		expect(frame()).toContain('URL 2: "https://evil.example.net/b.js" is not inside example.com; nothing was purged');
		expect(calls()).toEqual([]);
		await press(':purge https://example.com/a.css https://www.example.com/b.js\r');
		expect(frame()).toContain('Purge these files?');
		await press('y');
		expect(calls()).toEqual([{action: 'purgeFiles', args: [{name: 'example.com', id: '1001'}, ['https://example.com/a.css', 'https://www.example.com/b.js']]}]);
	});
});
