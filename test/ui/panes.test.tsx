import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {headerMeter, type HeaderView, type StatsView, type StatusView, type TrafficView} from '../../source/monitor/select.js';
import {HelpDialog} from '../../source/ui/dialogs/help-dialog.js';
import {keyHelp} from '../../source/ui/keymap.js';
import {HeaderPane} from '../../source/ui/panes/header-pane.js';
import {StatsPane} from '../../source/ui/panes/stats-pane.js';
import {StatusPane} from '../../source/ui/panes/status-pane.js';
import {ThreatsPane} from '../../source/ui/panes/threats-pane.js';
import {TrafficPane} from '../../source/ui/panes/traffic-pane.js';

const header: HeaderView = {
	zoneName: 'example.com',
	zonePosition: '1/2',
	plan: 'Pro',
	securityLabel: 'High',
	cacheLevel: 'agg',
	devModeSecondsLeft: 10_781,
	ipv6: true,
	callsLeft: 243,
	perHour: 300,
	meter: headerMeter({callsLeft: 243, calls: 300, window: 'hour'}),
	budgetLow: false,
	demo: true,
	readOnly: true,
	underAttack: false,
};

function lines(frame: string | undefined): string[] {
	return (frame ?? '').split('\n');
}

describe('HeaderPane', () => {
	it('shows zone, plan, levels, the dev-mode countdown, IPv6, budget and badges in two lines', () => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused={false} width={100} />);
		const frame = lastFrame() ?? '';
		expect(lines(frame)).toHaveLength(2);
		for (const text of ['example.com', '1/2', 'Pro', 'sec High', 'cache agg', 'DEV 2:59:41', 'IPv6 on', '243/300 calls left / hour', 'DEMO', 'READ-ONLY', 'Dashboard']) {
			expect(frame).toContain(text);
		}
	});

	it('says dev off, and never lets an escape sequence from the API through', () => {
		const {lastFrame} = render(<HeaderPane header={{...header, devModeSecondsLeft: undefined, securityLabel: 'High\u001b]0;pwned\u0007\u001b[2J', demo: false, readOnly: false}} view="log" paused width={80} />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain('dev off');
		expect(frame).toContain('PAUSED');
		expect(frame).not.toContain('DEMO');
		expect(frame).not.toContain('pwned');
		expect(frame).not.toContain('\u001b]');
	});

	it('fits 60 columns', () => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused={false} width={60} />);
		for (const line of lines(lastFrame())) expect(line.length).toBeLessThanOrEqual(60);
	});
});

describe('TrafficPane', () => {
	const traffic: TrafficView = {edgeRequests: [100, 120, 400, 2000, 2100], originRequests: [50, 60, 200, 1000, 90], threatHits: [10, 10, 900, 5000, 5200]};

	it('draws both charts with asciichart glyphs, height and width as given', () => {
		const {lastFrame} = render(<TrafficPane traffic={traffic} chartHeight={5} chartWidth={40} sideBySide />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain('requests/min');
		expect(frame).toContain('threat IPs');
		expect(frame).toMatch(/[┤┼]/);
		expect(frame).toMatch(/[╭╮╰╯─]/);
		expect(lines(frame)).toHaveLength(6);
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(81);
	});

	it('stacks the charts when asked, and says when there is nothing to plot', () => {
		const {lastFrame} = render(<TrafficPane traffic={{edgeRequests: [], originRequests: [], threatHits: []}} chartHeight={3} chartWidth={50} sideBySide={false} />);
		expect(lastFrame()).toContain('needs two polls');
		expect(lastFrame()).toContain('waiting for the first poll');
	});
});

describe('StatsPane', () => {
	const stats: StatsView = {
		pageviews: {regular: 9200, threat: 2100, crawler: 3800},
		uniques: {regular: 372, threat: 48, crawler: 12},
		requests: {edge: 29_000, origin: 8500},
		bandwidth: {edgeKB: 61_542, originKB: 22_016},
		pageLoad: {withCloudflare: 0.49, without: 1.12},
		securityLabel: 'Medium',
		windowLabel: 'last 6 h',
	};

	it('renders the two tables (no separators between rows) and the security setting', () => {
		const {lastFrame} = render(<StatsPane stats={stats} width={38} height={14} />);
		const frame = lastFrame() ?? '';
		for (const text of ['views', 'uniques', '9.2k', '2.1k', 'requests', '29k', '8.5k', 'bandwidth', '60.1 MB', '0.49 s', '1.12 s', 'security Medium', 'last 6 h']) {
			expect(frame).toContain(text);
		}
		expect(lines(frame).length).toBeLessThanOrEqual(14);
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(38);
	});

	it('waits for the first poll', () => {
		const {lastFrame} = render(<StatsPane width={38} height={14} />);
		expect(lastFrame()).toContain('waiting for the first poll');
	});
});

describe('ThreatsPane', () => {
	const rows = [
		{ip: '203.0.113.7', classification: 'threat' as const, hits: 5400, geo: '52.5,13.4', score: 'BAD:11'},
		{ip: '198.51.100.2', classification: 'regular' as const, hits: 12},
		{ip: '2001:db8::1', classification: 'crawler' as const, hits: 3},
	];

	it('lists IP, class, hits, geo and score, marks the highlighted row, shows the range and filter', () => {
		const {lastFrame} = render(<ThreatsPane rows={rows} start={10} selected={11} total={50} totalAll={60} classFilter="threat" textFilter="20" editingFilter={false} width={80} height={6} />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain('203.0.113.7');
		expect(frame).toContain('5.4k');
		expect(frame).toContain('52.5,13.4');
		expect(frame).toContain('BAD:11');
		expect(frame).toContain('11-13/50');
		expect(frame).toContain('threat /20 of 60');
		const marked = lines(frame).filter(line => line.includes('› '));
		expect(marked).toHaveLength(1);
		expect(marked[0]).toContain('198.51.100.2');
	});

	it('renders no more rows than given, inert, within its width', () => {
		const hostile = [{ip: '10.0.0.1\u001b[31m\u001b[2J', classification: 'threat' as const, hits: 1}];
		const {lastFrame} = render(<ThreatsPane rows={hostile} start={0} selected={0} total={1} totalAll={1} classFilter="all" textFilter="" editingFilter={false} width={40} height={5} />);
		const frame = lastFrame() ?? '';
		expect(frame).not.toContain('\u001b[2J');
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(40);
	});

	it('says when the filter matches nothing', () => {
		const {lastFrame} = render(<ThreatsPane rows={[]} start={0} selected={-1} total={0} totalAll={5} classFilter="crawler" textFilter="" editingFilter={false} width={60} height={5} />);
		expect(lastFrame()).toContain('no visitor matches the filter');
	});

	it('in a terminal too small for any row, says so with the count instead of claiming the filter matches nothing', () => {
		const {lastFrame} = render(<ThreatsPane rows={[]} start={0} selected={0} total={1516} totalAll={1516} classFilter="all" textFilter="" editingFilter={false} width={40} height={3} />);
		const frame = lastFrame() ?? '';
		expect(frame).not.toContain('no visitor matches the filter');
		expect(frame).not.toContain('1-0');
		expect(frame).toContain('1516');
		expect(frame).toContain('enlarge');
	});
});

describe('StatusPane', () => {
	const status: StatusView = {ageSeconds: 75, stale: false, nextPollSeconds: 12, polling: false, paused: false, message: {at: 0, level: 'info', text: 'Watching example.com'}};

	it('shows the data age, the next poll and the last message', () => {
		const {lastFrame} = render(<StatusPane status={status} width={80} />);
		// In steps (status-clock.ts): a minute above a minute, 10 s below; the next poll rounded up.
		expect(lastFrame()).toContain('data 1m old');
		expect(lastFrame()).toContain('next poll 20s');
		expect(lastFrame()).toContain('Watching example.com');
		expect(lastFrame()).not.toContain('STALE');
	});

	it('marks stale data and shows the banner over the message', () => {
		const {lastFrame} = render(<StatusPane status={{...status, stale: true, banner: 'API call limit reached: polling stopped for 600 s'}} width={80} />);
		expect(lastFrame()).toContain('STALE');
		expect(lastFrame()).toContain('API call limit reached');
		expect(lines(lastFrame())).toHaveLength(1);
	});
});

describe('HelpDialog', () => {
	it('lists every key', () => {
		const {lastFrame} = render(<HelpDialog width={100} height={26} />);
		// Descriptions wrap: every word of each, in order, beside its keys.
		const text = (lastFrame() ?? '').replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
		for (const entry of keyHelp) expect(text).toContain(entry.keys);
		for (const entry of keyHelp) for (const word of entry.description.split(' ')) expect(text).toContain(word);
	});
});
