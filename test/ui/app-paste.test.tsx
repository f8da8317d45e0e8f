/**
 * Pasted text in the App: a bracketed paste (the `paste` prop) goes into the palette, the text filter
 * or a DNS form field as text and never submits; anywhere else it is ignored with a notice. Without
 * bracketed paste a paste arrives as one chunk of keys: a confirmation opened by a key of that chunk
 * is never answered by the keys after it.
 */
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createGuard} from '../../source/actions/guard.js';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {PasteChannel} from '../../source/term/input.js';
import {App} from '../../source/ui/app.js';
import {pasteText} from '../../source/ui/keymap.js';
import {FakeBackend} from '../monitor/fake-backend.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 30));

const rows: Visitor[] = [
	{ip: '192.0.2.66', classification: 'threat', hits: 500},
	{ip: '192.0.2.1', classification: 'threat', hits: 300},
	{ip: '192.0.2.2', classification: 'threat', hits: 100},
	{ip: '198.51.100.7', classification: 'regular', hits: 100},
];

let monitors: Monitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

async function setup() {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock, visitors: rows});
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], policy: {perHour: 300, reserve: 30}, guard: createGuard([], {}), paceMs: 0});
	monitors.push(monitor);
	await monitor.start();
	await clock.advance(0);
	const pastes = new PasteChannel();
	let quits = 0;
	const view = render(<App monitor={monitor} size={{columns: 100, rows: 30}} onQuit={() => quits++} paste={pastes} />);
	await tick();
	const settle = async () => {
		await tick();
		await monitor.actions.queue.idle();
		await tick();
	};
	/** Keys typed one at a time; an escape sequence is one key. */
	const press = async (keys: string) => {
		for (const key of keys.startsWith('\u001b') ? [keys] : keys) {
			view.stdin.write(key);
			await tick();
		}
		await settle();
	};
	/** Bytes arriving as one chunk: a paste in a terminal without bracketed paste. */
	const chunk = async (bytes: string) => {
		view.stdin.write(bytes);
		await settle();
	};
	const paste = async (text: string) => {
		pastes.emit(text);
		await settle();
	};
	const sent = () => backend.calls.filter(call => !['zone_check', 'stats', 'zone_ips', 'rec_load_all'].includes(call.action)).map(call => call.action);
	return {view, monitor, press, chunk, paste, sent, quits: () => quits, frame: () => view.lastFrame() ?? ''};
}

describe('pasteText', () => {
	it('takes escape sequences and control characters out, line breaks inside become spaces', () => {
		expect(pasteText('ban 1.2.3.4\ry')).toBe('ban 1.2.3.4 y');
		expect(pasteText('\r\n192.0.2.1\r\n')).toBe('192.0.2.1');
		expect(pasteText('\u001b[31mred\u001b[0m\u001b]0;title\u0007 \u001b\u0003x\ty\u007f')).toBe('red x y');
	});
});

describe('a bracketed paste', () => {
	it('goes into the palette as text, and does not run it', async () => {
		const {press, paste, frame, sent} = await setup();
		await press(':');
		await paste('ban 192.0.2.1\ry\r\n');
		expect(frame()).toContain(':ban 192.0.2.1 y▏');
		expect(frame()).not.toContain('Ban this IP?');
		expect(sent()).toEqual([]);
		await press('\u001b');
		expect(frame()).not.toContain(':ban');
	});

	it('goes into the / filter as text, which stays open', async () => {
		const {press, paste, frame} = await setup();
		await press('/');
		await paste('192.0.2.1\n');
		expect(frame()).toContain('/192.0.2.1▏');
		expect(frame()).not.toContain('192.0.2.66');
	});

	it('goes into a DNS form field as text and never submits the form', async () => {
		const {press, paste, frame, sent} = await setup();
		await press('\t');
		await press('a');
		expect(frame()).toMatch(/› Name/);
		await paste('www2\r\ny');
		expect(frame()).toMatch(/› Name\s+www2 y/);
		expect(frame()).not.toContain('Cancel (n/Esc)');
		expect(sent()).toEqual([]);
	});

	it('on the dashboard or in a confirmation does nothing but say so', async () => {
		const {press, paste, frame, sent} = await setup();
		await paste('Ly');
		expect(frame()).toContain('Paste ignored');
		expect(frame()).not.toContain('Lockdown example.com?');
		await press('b');
		expect(frame()).toContain('Ban this IP?');
		await paste('y');
		expect(frame()).toContain('Ban this IP?');
		expect(sent()).toEqual([]);
	});
});

describe('keys in one chunk (a paste without bracketed paste)', () => {
	it('"Ly" opens the lockdown preview but does not confirm it; y on its own does', async () => {
		const {press, chunk, frame, sent} = await setup();
		await chunk('Ly');
		expect(frame()).toContain('Lockdown example.com?');
		expect(sent()).toEqual([]);
		expect(frame()).toContain('Not answered: that key came with others');
		// Nor does a y among other keys once the dialog is up: "yes" pasted.
		await chunk('yes');
		expect(frame()).toContain('Lockdown example.com?');
		expect(sent()).toEqual([]);
		await press('y');
		expect(sent()).toContain('sec_lvl');
		expect(frame()).not.toContain('Lockdown example.com?');
	});

	it('":ban 192.0.2.1⏎y" opens the ban confirmation and leaves it open', async () => {
		const {press, chunk, frame, sent} = await setup();
		await chunk(':ban 192.0.2.1\ry');
		expect(frame()).toContain('Ban this IP?');
		expect(sent()).toEqual([]);
		await press('n');
		expect(frame()).toContain('Cancelled: nothing was sent');
		expect(sent()).toEqual([]);
	});

	it('Ctrl-C in the chunk still quits', async () => {
		const {chunk, quits} = await setup();
		await chunk('L\u0003');
		expect(quits()).toBe(1);
	});
});
