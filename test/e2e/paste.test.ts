/**
 * Pasting in a real terminal against the emulator: the console turns bracketed paste on, so a paste on
 * the dashboard ("Ly": L is lockdown, y confirms) sends nothing and says so; a paste into the palette is
 * text there, never run; the same bytes without the markers (a terminal without bracketed paste) never
 * confirm either; and the terminal's paste mode is off again when the console ends.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {readyAndPaused, startEmulatedConsole, type EmulatedConsole} from './emulated-console.js';

const start = '\u001b[200~';
const end = '\u001b[201~';

let running: EmulatedConsole[] = [];
afterEach(async () => {
	for (const console of running) await console.close();
	running = [];
});

/** Time for a wrongly sent request to reach the emulator before counting. */
const settle = () => new Promise(resolve => setTimeout(resolve, 300));

describe('paste (pty, emulator)', {timeout: 60_000}, () => {
	it('a paste sends nothing, goes into the palette only as text, and the paste mode ends with the console', async () => {
		const console = await startEmulatedConsole();
		running.push(console);
		const {app} = console;
		await readyAndPaused(console);
		expect(app.raw).toContain('\u001b[?2004h');
		const calls = await console.calls();
		const {securityLevel: level, accessRules: rules} = await console.zone();

		// On the dashboard: ignored with a notice, no lockdown preview, no call.
		app.press(`${start}Ly${end}`);
		await app.waitFor(text => text.includes('Paste ignored'), 'the notice');
		await settle();
		expect(app.screen()).not.toContain('Lockdown example.com?');
		expect(await console.calls()).toBe(calls);
		expect((await console.zone()).securityLevel).toBe(level);

		// Into the palette: text, line break and y included, not run.
		app.press(':');
		await app.waitFor(text => text.includes('Enter runs'), 'the palette');
		app.press(`${start}ban 1.2.3.4\ry${end}`);
		await app.waitFor(text => text.includes(':ban 1.2.3.4 y'), 'the pasted text in the palette');
		await settle();
		expect(app.screen()).not.toContain('Ban this IP?');
		expect(await console.calls()).toBe(calls);
		app.press('\u001b');
		await app.waitFor(text => !text.includes('Enter runs'), 'the palette closed');

		// The same bytes without markers, as one chunk: the confirmation opens and stays open.
		app.press(':ban 1.2.3.4\ry');
		await app.waitFor(text => text.includes('Ban this IP?') && text.includes('Not answered'), 'the ban confirmation, unanswered');
		app.press('Ly');
		await settle();
		expect(app.screen()).toContain('Ban this IP?');
		expect(await console.calls()).toBe(calls);
		app.press('n');
		await app.waitFor(text => text.includes('Cancelled: nothing was sent'), 'the cancellation');
		app.press('Ly');
		await app.waitFor(text => text.includes('Lockdown example.com?'), 'the lockdown preview');
		await settle();
		expect(app.screen()).toContain('Lockdown example.com?');
		expect(await console.calls()).toBe(calls);
		expect((await console.zone()).securityLevel).toBe(level);
		expect((await console.zone()).accessRules).toEqual(rules);

		app.press('n');
		await app.waitFor(text => !text.includes('Lockdown example.com?'), 'the preview cancelled');
		app.press('q');
		expect(await app.exited).toBe(0);
		// Paste mode off last, after the screen was left; only Ink's cursor-restoring exit hook (restore-cursor,
		// run after every 'exit' listener) may still show the cursor once more after it.
		expect(app.raw.lastIndexOf('\u001b[?2004l')).toBeGreaterThan(app.raw.lastIndexOf('\u001b[?2004h'));
		expect(app.raw.lastIndexOf('\u001b[?2004l')).toBeGreaterThan(app.raw.lastIndexOf('\u001b[?1049l'));
		expect(app.raw.replace(/(?:\u001b\[\?25h)+$/, '').endsWith('\u001b[?2004l')).toBe(true);
	});
});
