import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {AlternateScreen, enterAlternateScreen, leaveAlternateScreen, showCursor, wipeScreen, type ExitReason} from '../../source/term/screen.js';

class FakeStream extends EventEmitter {
	written = '';
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write(chunk: string): boolean {
		this.written += chunk;
		return true;
	}
}

describe('alternate screen', () => {
	it('enters once, leaves once, and restores the cursor and raw mode', () => {
		const stdout = new FakeStream(80, 24);
		let raw = true;
		const screen = new AlternateScreen(stdout, {isTTY: true, setRawMode: mode => (raw = mode)});
		screen.enter();
		screen.enter();
		screen.leave();
		screen.leave();
		expect(stdout.written.split(enterAlternateScreen)).toHaveLength(2);
		expect(stdout.written.split(leaveAlternateScreen)).toHaveLength(2);
		expect(stdout.written.endsWith(showCursor + leaveAlternateScreen)).toBe(true);
		expect(raw).toBe(false);
	});

	it('wipes the screen when the terminal gets narrower or shorter, not when it grows', () => {
		const stdout = new FakeStream(100, 30);
		const screen = new AlternateScreen(stdout);
		screen.enter();
		stdout.written = '';
		stdout.columns = 120;
		stdout.emit('resize');
		expect(stdout.written).toBe('');
		stdout.columns = 70;
		stdout.emit('resize');
		expect(stdout.written).toBe(wipeScreen);
		stdout.written = '';
		stdout.rows = 20;
		stdout.emit('resize');
		expect(stdout.written).toBe(wipeScreen);
		screen.leave();
	});

	it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection'])('leaves the screen on %s before anything else', event => {
		const stdout = new FakeStream(80, 24);
		const signals = new EventEmitter();
		const screen = new AlternateScreen(stdout);
		screen.enter();
		const reasons: ExitReason[] = [];
		screen.guard(signals, reason => {
			// By the time the caller hears about it, the terminal is already restored.
			expect(stdout.written.endsWith(leaveAlternateScreen)).toBe(true);
			reasons.push(reason);
		});
		signals.emit(event, new Error('boom'));
		expect(reasons).toHaveLength(1);
		expect(reasons[0].kind).toBe(event.startsWith('SIG') ? 'signal' : 'error');
		screen.unguard();
		expect(signals.listenerCount(event)).toBe(0);
	});
});

describe('alternate screen under the output layer', () => {
	it('runs beforeLeave first on every way out (even when it throws), and does not wipe on resize', () => {
		const stdout = new FakeStream(100, 30);
		const order: string[] = [];
		const screen = new AlternateScreen(stdout, undefined, {
			beforeLeave: () => {
				order.push(`dispose while written ends with leave: ${stdout.written.endsWith(leaveAlternateScreen)}`);
				throw new Error('a broken layer');
			},
			wipeOnNarrowing: false,
		});
		screen.enter();
		stdout.written = '';
		stdout.columns = 60;
		stdout.emit('resize');
		expect(stdout.written).toBe('');
		screen.leave();
		screen.leave();
		expect(order).toEqual(['dispose while written ends with leave: false']);
		expect(stdout.written.endsWith(showCursor + leaveAlternateScreen)).toBe(true);
	});

	it('resume() after SIGCONT enters the alternate screen again and puts raw mode back, only while active', () => {
		const stdout = new FakeStream(80, 24);
		let raw = false;
		const screen = new AlternateScreen(stdout, {isTTY: true, setRawMode: mode => (raw = mode)});
		screen.resume();
		expect(stdout.written).toBe('');
		screen.enter();
		stdout.written = '';
		screen.resume();
		expect(stdout.written).toBe(enterAlternateScreen);
		expect(raw).toBe(true);
	});
});
