/**
 * What the operator sees: danger badges never dropped, `? help` at every width, the threat score at
 * 80 columns, the help overlay whole at 80x24, a Free zone's delayed stats said, and the operator's
 * own results over the poll status until seen. Plain state, widths 40, 80 and 120, and monochrome.
 */
import chalk from 'chalk';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {ZoneStats} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor, type MonitorHandle} from '../../source/monitor/monitor.js';
import {headerMeter, noticeInfoMs, selectHeader, selectNotice, selectStatus, selectTraffic, statusChangesAt, type HeaderView, type StatusView} from '../../source/monitor/select.js';
import {initialState, type MonitorMessage, type MonitorState, type TrafficSample} from '../../source/monitor/store.js';
import {InkTerminal} from '../../source/term/output/interpreter.js';
import {Attr, StyleTable} from '../../source/term/output/style.js';
import {App} from '../../source/ui/app.js';
import {HelpDialog, helpColumns} from '../../source/ui/dialogs/help-dialog.js';
import {keyHelp} from '../../source/ui/keymap.js';
import {computeLayout} from '../../source/ui/layout.js';
import {HeaderPane, headerFirstLine} from '../../source/ui/panes/header-pane.js';
import {StatusPane} from '../../source/ui/panes/status-pane.js';
import {threatColumns, ThreatsPane} from '../../source/ui/panes/threats-pane.js';
import {TrafficPane} from '../../source/ui/panes/traffic-pane.js';
import {acknowledgeNotice, initialUiState} from '../../source/ui/ui-state.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const widths = [40, 80, 120] as const;
const lines = (frame: string | undefined) => (frame ?? '').split('\n');

const header: HeaderView = {
	zoneName: 'example.com',
	zonePosition: '1/2',
	plan: 'Pro',
	securityLabel: "I'm under attack!",
	cacheLevel: 'agg',
	devModeSecondsLeft: 10_781,
	ipv6: false,
	callsLeft: 243,
	perHour: 300,
	meter: headerMeter({callsLeft: 243, calls: 300, window: 'hour'}),
	budgetLow: false,
	demo: true,
	readOnly: false,
	underAttack: true,
	lockdownBans: 48,
};

describe('header: the danger badges', () => {
	it.each(widths)('keeps UNDER ATTACK, LOCKDOWN n and DEV H:MM:SS at %d columns, in two lines within the width', width => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused={false} width={width} />);
		const [first, second] = lines(lastFrame());
		expect(first).toContain('UNDER ATTACK');
		expect(first).toContain('LOCKDOWN 48');
		expect(first).toContain('DEV 2:59:41');
		expect(lines(lastFrame())).toHaveLength(2);
		for (const line of lines(lastFrame())) expect(line.length).toBeLessThanOrEqual(width);
		expect(second).toContain('243/300');
	});

	it('drops the least important settings first, and the level first of all under attack', () => {
		expect(headerFirstLine(header, 120).settings).toEqual(['Pro', "sec I'm under attack!", 'cache agg', 'IPv6 off']);
		expect(headerFirstLine(header, 80).settings).toEqual(['Pro', 'cache agg']);
		const calm = {...header, underAttack: false, lockdownBans: undefined, devModeSecondsLeft: undefined, securityLabel: 'Medium'};
		expect(headerFirstLine(calm, 80).settings).toEqual(['Pro', 'sec Medium', 'cache agg', 'dev off', 'IPv6 off']);
		expect(headerFirstLine(calm, 40)).toMatchObject({badges: [], settings: ['Pro', 'sec Medium']});
		expect(headerFirstLine(header, 40)).toMatchObject({badges: ['UNDER ATTACK', 'LOCKDOWN 48', 'DEV 2:59:41'], padded: false, settings: []});
	});

	it('at 40 columns, the second line keeps DEMO and PAUSED: only the current view is named', () => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused width={40} />);
		const second = lines(lastFrame())[1];
		expect(second).toContain('Dashboard');
		expect(second).not.toContain('DNS');
		expect(second).not.toContain('…');
		expect(second).toContain('DEMO');
		expect(second).toContain('PAUSED');
		expect(second).toContain('243/300 calls/h');
	});

	it('shows no badge on a calm zone', () => {
		const {lastFrame} = render(<HeaderPane header={{...header, underAttack: false, lockdownBans: undefined, devModeSecondsLeft: undefined}} view="dashboard" paused={false} width={80} />);
		expect(lastFrame()).not.toMatch(/UNDER ATTACK|LOCKDOWN|DEV \d/);
		expect(lastFrame()).toContain('dev off');
	});

	it('monochrome: the badges are in reverse video once the output layer has dropped every colour', () => {
		const level = chalk.level;
		chalk.level = 1;
		try {
			const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused={false} width={80} />);
			const first = lines(lastFrame())[0];
			const terminal = new InkTerminal(new StyleTable(true), 80, 1);
			terminal.write(first);
			const text = terminal.grid.chars.join('');
			const inverseAt = (x: number) => (terminal.styles.get(terminal.grid.styles[x]).flags & Attr.inverse) !== 0;
			for (const badge of ['UNDER ATTACK', 'LOCKDOWN 48', 'DEV 2:59:41']) {
				const at = text.indexOf(badge);
				expect(at).toBeGreaterThan(0);
				for (let x = at; x < at + badge.length; x++) expect(inverseAt(x)).toBe(true);
			}
			expect(inverseAt(text.indexOf('example.com'))).toBe(false);
		} finally {
			chalk.level = level;
		}
	});
});

describe('status line', () => {
	const failure: MonitorMessage = {at: 0, level: 'error', text: '#3 ban 192.0.2.9: FAILED: HTTP 500'};
	const status: StatusView = {ageSeconds: 95, stale: true, nextPollSeconds: 40, polling: false, paused: false, banner: '2 failed polls, backing off: HTTP 500', message: {at: 0, level: 'error', text: 'HTTP 500'}};

	it.each(widths)('at %d columns: STALE, the age and ? help stay; an unseen failure outranks the banner', width => {
		const {lastFrame} = render(<StatusPane status={{...status, notice: failure}} width={width} />);
		const line = lines(lastFrame())[0];
		expect(lines(lastFrame())).toHaveLength(1);
		expect(line.length).toBeLessThanOrEqual(width);
		expect(line).toContain('STALE');
		expect(line).toContain('data 1m35s old');
		expect(line.trimEnd().endsWith('? help')).toBe(true);
		expect(line).toContain('#3 ban');
		expect(line).not.toContain('backing off');
		if (width >= 80) expect(line).toContain('FAILED: HTTP 500');
	});

	it('shows the banner again once nothing is unseen', () => {
		const {lastFrame} = render(<StatusPane status={status} width={80} />);
		expect(lastFrame()).toContain('2 failed polls, backing off');
	});
});

function stateWith(messages: MonitorMessage[], change: Partial<MonitorState> = {}): MonitorState {
	const state = initialState({zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}});
	let buffer = state.messages;
	for (const message of messages) buffer = buffer.push(message);
	return {...state, ...change, messages: buffer};
}

describe('selectNotice: the operator results over the poll status until seen', () => {
	const pollFailure = (at: number): MonitorMessage => ({at, level: 'error', text: 'The request failed: HTTP 500'});
	const failed: MonitorMessage = {at: 10_000, level: 'error', text: '#4 ban 192.0.2.9: FAILED: HTTP 500', source: 'operator'};
	const refused: MonitorMessage = {at: 12_000, level: 'warn', text: 'Refresh refused: it would use the 30 calls kept for actions', source: 'operator'};
	const done: MonitorMessage = {at: 10_000, level: 'info', text: '#5 cache level agg on example.com: done: cache level agg', source: 'operator'};

	it('keeps a failed action above newer poll failures, with the banner still in the view', () => {
		const state = stateWith([failed, pollFailure(11_000), pollFailure(40_000)], {failure: {kind: 'network', message: 'HTTP 500', at: 40_000}, failures: 2});
		const view = selectStatus(state, 60_000);
		expect(view.notice).toEqual(failed);
		expect(view.banner).toContain('2 failed polls');
	});

	it('a failure or refusal stays until a key acknowledged it; a newer one replaces it', () => {
		expect(selectNotice(stateWith([failed]), 500_000)).toEqual(failed);
		expect(selectNotice(stateWith([failed]), 500_000, failed.at)).toBeUndefined();
		expect(selectNotice(stateWith([failed, refused]), 500_000, failed.at)).toEqual(refused);
	});

	it('a newer line of the operator, even a plain one, replaces a failure', () => {
		const cancelled: MonitorMessage = {at: 11_000, level: 'info', text: 'Cancelled: nothing was sent', source: 'operator'};
		expect(selectNotice(stateWith([failed, cancelled, pollFailure(12_000)]), 15_000)).toEqual(cancelled);
	});

	it('a success shows 10 s', () => {
		expect(selectNotice(stateWith([done, pollFailure(12_000)]), 19_999)).toEqual(done);
		expect(selectNotice(stateWith([done, pollFailure(12_000)]), 20_000)).toBeUndefined();
	});

	it('poll reports are never notices; palette errors are', () => {
		expect(selectNotice(stateWith([{at: 500, level: 'info', text: 'Watching example.com'}, pollFailure(1000), {at: 2000, level: 'info', text: 'Polling recovered: the data is current again'}]), 3000)).toBeUndefined();
		const palette: MonitorMessage = {at: 2000, level: 'error', text: ':sec hgih: "hgih" is not a security level', source: 'operator'};
		expect(selectNotice(stateWith([palette, pollFailure(3000)]), 4000)).toEqual(palette);
	});

	it('the rate-limit banner stays over a refusal that only repeats it', () => {
		const refusal: MonitorMessage = {at: 50_000, level: 'warn', text: 'The API call limit is reached: refresh refused until the window allows', source: 'operator'};
		const view = selectStatus(stateWith([refusal], {rateLimitedUntil: 600_000}), 51_000);
		expect(view.notice).toBeUndefined();
		expect(view.banner).toContain('API call limit reached');
	});

	it('a key acknowledges a failure only once it has been up 2 s', () => {
		const ui = acknowledgeNotice(initialUiState, failed, failed.at + 1999);
		expect(ui).toBe(initialUiState);
		expect(acknowledgeNotice(initialUiState, failed, failed.at + 2000).noticeSeenAt).toBe(failed.at);
		expect(acknowledgeNotice(initialUiState, done, done.at + 5000)).toBe(initialUiState);
		expect(acknowledgeNotice(initialUiState, undefined, 1)).toBe(initialUiState);
	});

	it('the status line wakes when a success times out, with no store event', () => {
		expect(statusChangesAt(stateWith([done]), 15_000)).toBe(done.at + noticeInfoMs);
		expect(statusChangesAt(stateWith([done]), done.at + noticeInfoMs)).toBeUndefined();
	});
});

describe('selectors: header and traffic', () => {
	const stats = {interval: 40, securityLevel: 'help', securityLabel: "I'm under attack!", devModeUntil: 0} as unknown as ZoneStats;
	function zoneState(change: Partial<MonitorState['zones'][number]>): MonitorState {
		const state = initialState({zoneNames: ['example.net'], policy: {perHour: 300, reserve: 30}});
		return {...state, zones: [{...state.zones[0], ...change}]};
	}

	it('UNDER ATTACK from the level help, LOCKDOWN from the zone lockdown', () => {
		expect(selectHeader(zoneState({stats, lockdown: {bans: 12}}), 1_000_000)).toMatchObject({underAttack: true, lockdownBans: 12});
		expect(selectHeader(zoneState({}), 1_000_000)).toMatchObject({underAttack: false, lockdownBans: undefined});
	});

	it("a Free zone's stats (a day behind) are said, not drawn as a flat zero", () => {
		const sample = (at: number, interval: number): TrafficSample => ({at, serverTime: at, interval, edgeRequests: 5000, originRequests: 900, threatHits: 400, threatIps: 9});
		let history = zoneState({}).zones[0].history;
		for (const at of [0, 30_000, 60_000]) history = history.push(sample(at, 40));
		const traffic = selectTraffic(zoneState({history, plan: 'Free'}), 30);
		expect(traffic.statsDayBehind).toBe(true);
		expect(traffic.edgeRequests).toEqual([0, 0]);
		let pro = zoneState({}).zones[0].history;
		for (const at of [0, 30_000]) pro = pro.push(sample(at, 120));
		expect(selectTraffic(zoneState({history: pro}), 30).statsDayBehind).toBeUndefined();

		for (const width of widths) {
			const layout = computeLayout({columns: width, rows: 24});
			const {lastFrame} = render(<TrafficPane traffic={traffic} chartHeight={layout.traffic.chartHeight} chartWidth={layout.traffic.chartWidth} sideBySide={layout.traffic.sideBySide} />);
			expect(lastFrame()).toContain('a day behind');
			expect(lastFrame()).not.toMatch(/0 ┼─+\s*$/m);
		}
	});
});

describe('threat list and help at 80x24', () => {
	it('keeps the score column beside the stats table', () => {
		const layout = computeLayout({columns: 80, rows: 24});
		expect(layout.stats.visible).toBe(true);
		expect(threatColumns(layout.threats.width).score).toBeGreaterThan(0);
		const rows = [{ip: '203.0.113.7', classification: 'threat' as const, hits: 5400, score: 'BAD:11'}, {ip: '198.51.100.2', classification: 'regular' as const, hits: 12, rule: 'wl' as const}];
		const {lastFrame} = render(<ThreatsPane rows={rows} start={0} selected={0} total={2} totalAll={2} classFilter="all" textFilter="" editingFilter={false} width={layout.threats.width} height={6} />);
		expect(lastFrame()).toContain('SCORE');
		expect(lastFrame()).toContain('BAD:11');
		expect(lastFrame()).toContain('WHITELIST');
		for (const line of lines(lastFrame())) expect(line.length).toBeLessThanOrEqual(layout.threats.width);
	});

	it('lists every key with its whole description, nothing cut', () => {
		const layout = computeLayout({columns: 80, rows: 24});
		expect(helpColumns(keyHelp.map(entry => [entry.keys, entry.description] as const), 76, layout.body.height - 3).hidden).toBe(0);
		const {lastFrame} = render(<HelpDialog width={80} height={layout.body.height} />);
		const frame = lastFrame() ?? '';
		expect(lines(frame)).toHaveLength(layout.body.height);
		expect(frame).not.toContain('…');
		const text = frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
		for (const entry of keyHelp) {
			expect(text).toContain(entry.keys);
			for (const word of entry.description.split(' ')) expect(text).toContain(word);
		}
	});
});

describe('the palette page of the help at 80x24', () => {
	it('lists every command whole, a long usage on lines of its own', async () => {
		const {paletteUsage} = await import('../../source/actions/palette.js');
		const layout = computeLayout({columns: 80, rows: 24});
		const {lastFrame} = render(<HelpDialog width={80} height={layout.body.height} page="palette" />);
		const frame = lastFrame() ?? '';
		expect(frame).not.toContain('more if wider');
		expect(frame).not.toContain('…');
		// A long usage wraps onto lines of its own: every word is there.
		const text = frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
		for (const [usage, description] of paletteUsage) for (const word of `${usage} ${description}`.split(' ')) expect(text).toContain(word);
	});
});

describe('App with plain state', () => {
	let monitors: Monitor[] = [];
	afterEach(() => {
		for (const monitor of monitors) monitor.stop();
		monitors = [];
	});

	it.each([
		[40, 20],
		[80, 24],
		[120, 40],
	])('at %dx%d: the lockdown badge from the zone state, and ? help at the end of the status line', async (columns, rows) => {
		const clock = new FakeClock();
		const backend = new FakeBackend({clock, zones: {'example.com': {zid: 1, pro: true}}, visitors: [{ip: '192.0.2.1', classification: 'threat', hits: 10}]});
		const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, demo: true});
		monitors.push(monitor);
		await monitor.start();
		await clock.advance(0);
		// Another part of the console fills zone.lockdown; here it is simply in the state.
		// One derived state per monitor state: React wants the same snapshot until the store changes.
		const derived = new WeakMap<MonitorState, MonitorState>();
		const withLockdown = (state: MonitorState): MonitorState => {
			const known = derived.get(state) ?? {...state, zones: state.zones.map(zone => ({...zone, lockdown: {bans: 7}}))};
			derived.set(state, known);
			return known;
		};
		const handle: MonitorHandle = {...monitor, getState: () => withLockdown(monitor.getState())};
		const view = render(<App monitor={handle} size={{columns, rows}} onQuit={() => undefined} />);
		// Rendering is asynchronous: wait (with a deadline) for the first frame with data.
		for (let waited = 0; waited < 2000 && !(view.lastFrame() ?? '').includes('LOCKDOWN'); waited += 20) await new Promise(resolve => setTimeout(resolve, 20));
		const frame = lines(view.lastFrame());
		expect(frame[0]).toContain('LOCKDOWN 7');
		expect(frame.at(-1)?.trimEnd().endsWith('? help')).toBe(true);
		for (const line of frame) expect(line.length).toBeLessThanOrEqual(columns);
		view.unmount();
	});
});
