/**
 * Time on screen without time in the store: the monitor's state changes only with data and the
 * operator's doings, and the countdowns and ages still move, on a FakeClock, where they are drawn.
 */
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {staleAfter} from '../../source/monitor/scheduler.js';
import {App} from '../../source/ui/app.js';
import {FakeBackend} from '../monitor/fake-backend.js';

/** Ink draws after React, throttled in real time: wait for it. */
const drawn = () => new Promise(resolve => setTimeout(resolve, 60));
const spacing = (2 * 3_600_000) / 270;
const zone = {name: 'example.com', id: '1001'};

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

async function setup(options: {start?: boolean} = {}) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, paceMs: 0});
	monitors.push(monitor);
	if (options.start !== false) {
		await monitor.start();
		await clock.advance(0);
	}
	let changes = 0;
	monitor.subscribe(() => changes++);
	const view = render(<App monitor={monitor} size={{columns: 100, rows: 30}} onQuit={() => undefined} />);
	await drawn();
	const frame = () => view.lastFrame() ?? '';
	/** Moves the fake clock and waits for Ink to draw what it caused. */
	const advance = async (ms: number) => {
		await clock.advance(ms);
		await drawn();
	};
	return {clock, backend, monitor, view, frame, advance, changes: () => changes};
}

const statusLine = (frame: string) => frame.split('\n').at(-1) ?? '';
const devCountdown = (frame: string) => /DEV (\d+:\d\d:\d\d)/.exec(frame)?.[1];

describe('the clock on screen, with no clock in the store', () => {
	it('idle time with no data change changes nothing in the store', async () => {
		const {clock, monitor, changes} = await setup();
		const before = monitor.getState();
		const seen = changes();
		// Between two polls: nothing happens but time.
		await clock.advance(spacing - 1000);
		expect(changes()).toBe(seen);
		expect(monitor.getState()).toBe(before);
		// Paused, ten minutes pass and the store does not move at all.
		monitor.togglePause();
		const paused = monitor.getState();
		const afterPause = changes();
		await clock.advance(600_000);
		expect(changes()).toBe(afterPause);
		expect(monitor.getState()).toBe(paused);
	});

	it('the dev-mode countdown goes down each second with no poll and no store change in between', async () => {
		const {monitor, backend, frame, advance, changes} = await setup();
		monitor.togglePause();
		monitor.actions.submit({kind: 'dev-mode', zone, on: true});
		await monitor.actions.queue.idle();
		await advance(0);
		expect(devCountdown(frame())).toBe('3:00:00');
		const calls = backend.calls.length;
		const seen = changes();
		await advance(1000);
		expect(devCountdown(frame())).toBe('2:59:59');
		await advance(1000);
		expect(devCountdown(frame())).toBe('2:59:58');
		await advance(60_000);
		expect(devCountdown(frame())).toBe('2:58:58');
		expect(backend.calls.length).toBe(calls);
		expect(changes()).toBe(seen);
	});

	it('ends the dev-mode countdown at its time, and then its timer stops', async () => {
		const {clock, monitor, frame, advance} = await setup();
		monitor.togglePause();
		// A poll reports dev mode with 5 s left (the server's clock is ours here).
		const stats = monitor.getState().zones[0].stats!;
		monitor.store.dispatch({type: 'poll-finished', zone: 0, at: clock.now(), stats: {...stats, devModeUntil: Math.floor(clock.now() / 1000) + 5}});
		await advance(0);
		expect(devCountdown(frame())).toBe('0:00:05');
		await advance(4000);
		expect(devCountdown(frame())).toBe('0:00:01');
		await advance(1000);
		expect(devCountdown(frame())).toBeUndefined();
		expect(frame()).toContain('dev off');
		// A minute more: only the status line's 10 s steps ask the clock, not a timer each second.
		const setTimeout = clock.setTimeout.bind(clock);
		let armed = 0;
		clock.setTimeout = (callback, delayMs) => (armed++, setTimeout(callback, delayMs));
		await advance(60_000);
		expect(armed).toBeLessThanOrEqual(6);
	});

	it('"data Xs old" advances in 10 s steps while all is well, with no store event', async () => {
		const {monitor, frame, advance, changes} = await setup();
		monitor.togglePause();
		await advance(0);
		expect(statusLine(frame())).toContain('data 0s old');
		const seen = changes();
		await advance(10_000);
		expect(statusLine(frame())).toContain('data 10s old');
		await advance(10_000);
		expect(statusLine(frame())).toContain('data 20s old');
		await advance(45_000);
		expect(statusLine(frame())).toContain('data 1m old');
		expect(changes()).toBe(seen);
	});

	it('marks the data STALE at the moment it turns stale, with no store event then', async () => {
		const {clock, monitor, backend, frame, advance, changes} = await setup();
		// The next poll never answers: the data only grows old.
		backend.stats = () => new Promise(() => undefined);
		const turns = staleAfter(monitor.getState())!;
		await advance(spacing + 10);
		expect(monitor.getState().polling).toBe(0);
		const seen = changes();
		await advance(turns - 1 - clock.now());
		expect(statusLine(frame())).not.toContain('STALE');
		await advance(1);
		expect(statusLine(frame())).toContain('STALE');
		// STALE counts the age to the second.
		const age = /data (\S+) old/.exec(statusLine(frame()))?.[1];
		await advance(1000);
		expect(/data (\S+) old/.exec(statusLine(frame()))?.[1]).not.toBe(age);
		expect(changes()).toBe(seen);
	});

	it('runs no timer while nothing on screen moves with time', async () => {
		const {clock, frame} = await setup({start: false});
		expect(frame()).toContain('Connecting');
		expect(clock.pendingCount).toBe(0);
	});
});
