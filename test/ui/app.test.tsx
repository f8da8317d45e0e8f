import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {App} from '../../source/ui/app.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

function visitors(count: number): Visitor[] {
	return Array.from({length: count}, (_, i) => ({
		ip: `10.0.${Math.floor(i / 250)}.${i % 250}`,
		classification: i % 3 === 0 ? 'threat' : i % 3 === 1 ? 'crawler' : 'regular',
		hits: 100_000 - i,
	}));
}

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

async function setup(rows: Visitor[], size = {columns: 100, rows: 30}) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock, zones: {'example.com': {zid: 1, pro: true}, 'example.net': {zid: 2, pro: false}}, visitors: rows});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com', 'example.net'], policy: {perHour: 300, reserve: 30}, demo: true});
	monitors.push(monitor);
	await monitor.start();
	await clock.advance(0);
	let quit = 0;
	const view = render(<App monitor={monitor} size={size} onQuit={() => quit++} />);
	await tick();
	return {view, monitor, clock, backend, quits: () => quit};
}

function highlighted(frame: string): string | undefined {
	// The highlighted row is marked (and in inverse video, which the test renderer leaves out).
	const line = frame.split('\n').find(text => text.includes('› ') && /\d+\.\d+\.\d+\.\d+/.test(text));
	return line?.match(/\d+\.\d+\.\d+\.\d+/)?.[0];
}

describe('App', () => {
	it('shows the zone, the badges and the threat rows', async () => {
		const {view} = await setup(visitors(5));
		const frame = view.lastFrame() ?? '';
		expect(frame).toContain('example.com');
		expect(frame).toContain('1/2');
		expect(frame).toContain('DEMO');
		expect(frame).toContain('10.0.0.0');
		expect(frame).toContain('calls left / hour');
		view.unmount();
	});

	it('moves the highlight with j/k and arrows, and keeps it on the same IP across refreshes', async () => {
		const rows = visitors(10);
		const {view, monitor, clock, backend} = await setup(rows);
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.0');
		view.stdin.write('j');
		await tick();
		view.stdin.write('j');
		await tick();
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.2');
		view.stdin.write('k');
		await tick();
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.1');
		view.stdin.write('\u001b[B');
		await tick();
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.2');
		// The next poll puts a new IP on top: the highlight stays on 10.0.0.2.
		backend.visitorRows = [{ip: '192.0.2.1', classification: 'threat', hits: 1_000_000}, ...rows];
		await clock.advance(60_000);
		await clock.advance(60_000);
		await tick();
		expect(monitor.getState().zones[0].threatRows[0].ip).toBe('192.0.2.1');
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.2');
		view.unmount();
	});

	it('cycles the class filter with f and filters by text with /', async () => {
		const {view} = await setup(visitors(9));
		view.stdin.write('f');
		await tick();
		let frame = view.lastFrame() ?? '';
		expect(frame).toContain('threat');
		expect(frame).not.toMatch(/crawler\s+\d/);
		view.stdin.write('f');
		await tick();
		frame = view.lastFrame() ?? '';
		expect(frame).toMatch(/crawler\s+\d/);
		expect(frame).not.toMatch(/threat\s+\d/);
		view.stdin.write('f');
		view.stdin.write('f');
		await tick();
		view.stdin.write('/');
		await tick();
		for (const char of '0.0.7') {
			view.stdin.write(char);
			await tick();
		}
		view.stdin.write('\r');
		await tick();
		frame = view.lastFrame() ?? '';
		expect(frame).toContain('10.0.0.7');
		expect(frame).not.toContain('10.0.0.1 ');
		// Esc clears the text filter.
		view.stdin.write('\u001b');
		await tick();
		expect(view.lastFrame()).toContain('10.0.0.1 ');
		view.unmount();
	});

	it('opens help with ?, closes it with Esc, and quits with q', async () => {
		const {view, quits} = await setup(visitors(3));
		view.stdin.write('?');
		await tick();
		expect(view.lastFrame()).toContain('Keys (Esc closes)');
		expect(view.lastFrame()).toContain('pause polling');
		view.stdin.write('\u001b');
		await tick();
		expect(view.lastFrame()).not.toContain('Keys (Esc closes)');
		view.stdin.write('q');
		await tick();
		expect(quits()).toBe(1);
		view.unmount();
	});

	it('cycles views with Tab, zones with z, and pauses with p', async () => {
		const {view, monitor} = await setup(visitors(3));
		view.stdin.write('\t');
		await tick();
		expect(view.lastFrame()).toContain('DNS records');
		view.stdin.write('\t');
		await tick();
		expect(view.lastFrame()).toContain('Log (this session)');
		view.stdin.write('\t');
		await tick();
		view.stdin.write('z');
		await tick();
		expect(view.lastFrame()).toContain('example.net');
		expect(view.lastFrame()).toContain('2/2');
		view.stdin.write('p');
		await tick();
		expect(monitor.getState().paused).toBe(true);
		expect(view.lastFrame()).toContain('PAUSED');
		view.stdin.write('r');
		await tick();
		expect(view.lastFrame()).toContain('Paused: press p');
		view.unmount();
	});

	it('splits a burst of keys that arrives in one chunk', async () => {
		const {view} = await setup(visitors(10));
		view.stdin.write('jjj');
		await tick();
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.3');
		view.stdin.write('\t\t');
		await tick();
		expect(view.lastFrame()).toContain('Log (this session)');
		view.unmount();
	});

	it('renders only the visible rows of a 50,000-IP flood, and stays quick', async () => {
		const {view} = await setup(visitors(50_000), {columns: 80, rows: 24});
		const frame = view.lastFrame() ?? '';
		expect(frame.split('\n').length).toBeLessThanOrEqual(23);
		expect(frame).toContain('/50000');
		const started = performance.now();
		for (let i = 0; i < 20; i++) view.stdin.write('j');
		await tick();
		expect(performance.now() - started).toBeLessThan(2000);
		expect(highlighted(view.lastFrame() ?? '')).toBe('10.0.0.20');
		view.unmount();
	});
});
