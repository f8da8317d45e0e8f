/**
 * Issue 15: the header names the API in use beside the call budget, which is never cut; at 40 columns it
 * costs DEMO and PAUSED nothing ("calls/h" shortens to "/h" when they would not fit).
 */
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {headerMeter, type HeaderView} from '../../source/monitor/select.js';
import {headerBudget, HeaderPane} from '../../source/ui/panes/header-pane.js';

const header: HeaderView = {
	zoneName: 'example.com',
	zonePosition: '1/2',
	plan: 'Pro',
	securityLabel: 'Medium',
	cacheLevel: 'agg',
	devModeSecondsLeft: undefined,
	ipv6: false,
	callsLeft: 243,
	perHour: 300,
	meter: headerMeter({callsLeft: 243, calls: 300, window: 'hour'}),
	budgetLow: false,
	demo: true,
	readOnly: false,
	underAttack: false,
	lockdownBans: undefined,
};

const lines = (frame: string | undefined) => (frame ?? '').split('\n');

describe('header: the API badge', () => {
	it.each([40, 63, 64, 80, 120])('at %d columns: v4 beside the budget, two lines within the width', width => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused={false} width={width} api="v4" />);
		const [, second] = lines(lastFrame());
		expect(second).toMatch(width < 64 ? /v4 243\/300 calls\/h$/ : /v4 · 243\/300 calls left \/ hour$/);
		expect(second).toContain('DEMO');
		expect(lines(lastFrame())).toHaveLength(2);
		for (const line of lines(lastFrame())) expect(line.length).toBeLessThanOrEqual(width);
	});

	it('says v1 as plainly, and nothing when not told', () => {
		expect(lines(render(<HeaderPane header={header} view="log" paused={false} width={80} api="v1" />).lastFrame())[1]).toMatch(/v1 · 243\/300 calls left \/ hour$/);
		expect(lines(render(<HeaderPane header={header} view="log" paused={false} width={80} />).lastFrame())[1]).not.toMatch(/\bv[14]\b/);
	});

	it('at 40 columns with DEMO and PAUSED, "calls/h" becomes "/h" so that nothing on the left is cut', () => {
		const {lastFrame} = render(<HeaderPane header={header} view="dashboard" paused width={40} api="v4" />);
		const second = lines(lastFrame())[1]!;
		expect(second).toMatch(/^ Dashboard {2}DEMO {2}PAUSED +v4 243\/300\/h$/);
		expect(second).not.toContain('…');
		expect(headerBudget(header, 'dashboard', true, 40, 'v4')).toBe('v4 243/300/h');
		expect(headerBudget(header, 'dashboard', false, 40, 'v4')).toBe('v4 243/300 calls/h');
		// Without the API the narrow budget is what it always was.
		expect(headerBudget(header, 'dashboard', true, 40)).toBe('243/300 calls/h');
		expect(headerBudget(header, 'dashboard', false, 80)).toBe(' 243/300 calls left / hour');
	});
});
