/**
 * What the operator sees at 80x24, in a real terminal against the emulator, on both APIs: the danger
 * badges in the header, and an action's failure on the dashboard's status line while the polls fail too
 * (it used to be hidden under the poll failure, only the Log view said FAILED).
 */
import {describe, expect, it} from 'vitest';
import {answerYes, apis, startEmulatedConsole, waitForState} from './emulated-console.js';

/** The status line: the last non-empty row (the frame ends one row above the terminal's last). */
function statusLine(lines: string[]): string {
	return lines.filter(line => line.trim() !== '').at(-1) ?? '';
}

describe.each(apis)('header badges and the status line at 80x24 (pty, emulator, API %s)', {timeout: 60_000, concurrent: true}, api => {
	it('shows UNDER ATTACK and DEV in the header, and a failed ban beside STALE while every request fails', async ({onTestFinished}) => {
		const console = await startEmulatedConsole([], {}, {cols: 80, rows: 24}, api);
		onTestFinished(() => console.close());
		const {app, emulator} = console;
		await app.waitFor(text => /\d+\.\d+\.\d+\.\d+\s+threat\s+\S+/.test(text), 'the dashboard with threat rows', 15_000);
		expect(statusLine(app.lines())).toMatch(/\? help\s*$/);

		app.press('U');
		await app.waitFor(text => text.includes('Confirm (y)'), 'the attack confirmation');
		app.press('y');
		await app.waitFor(text => !text.includes('Confirm (y)'), 'the confirmation to close');
		app.press('d');
		await app.waitFor(text => text.includes('Confirm (y)'), 'the dev-mode confirmation');
		app.press('y');
		const header = (await app.waitFor(text => /UNDER ATTACK/.test(text.split('\n')[0]) && /DEV \d:\d\d:\d\d/.test(text.split('\n')[0]), 'both badges on the first line')).split('\n')[0];
		expect(header).toContain('example.com');
		expect(header.length).toBeLessThanOrEqual(80);

		// Every request now answers HTTP 500: a poll fails, then a ban fails.
		emulator.setFault({mode: 'http500'});
		app.press('r');
		await app.waitFor(text => statusLine(text.split('\n')).includes('STALE'), 'STALE after the failed poll');
		app.press('b');
		await app.waitFor(text => text.includes('Ban this IP?'), 'the ban dialog');
		await answerYes(app);
		const failed = statusLine((await app.waitFor(text => /FAILED/.test(statusLine(text.split('\n'))), 'FAILED on the status line', 20_000)).split('\n'));
		expect(failed).toContain('STALE');
		expect(failed).toMatch(/#\d+ ban/);

		// Another poll fails at once (r, before the notice counts as read): the failure stays on top.
		const faulted = (await console.state()).faultedCalls;
		app.press('r');
		await waitForState(console, state => state.faultedCalls > faulted, 'the next poll to fail');
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(statusLine(app.lines())).toContain('FAILED');

		// A key pressed once it has been up for 2 s (on the monitor's clock, which ticks each second)
		// marks it seen: the poll failure is back.
		await new Promise(resolve => setTimeout(resolve, 3100));
		app.press('j');
		const back = statusLine((await app.waitFor(text => /failed polls|Poll failed/.test(statusLine(text.split('\n'))), 'the poll failure again')).split('\n'));
		expect(back).toContain('STALE');
		expect(back).not.toContain('FAILED');
		emulator.setFault({mode: 'none'});
	});
});
