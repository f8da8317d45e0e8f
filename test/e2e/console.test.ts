/**
 * The console in a real terminal (the built bin): the demo under attack on both APIs (the dashboard, the
 * highlight, help, a clean quit), refused credentials on both, a resize, SIGTERM, and no terminal.
 */
import {execFile} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator} from '../../source/emulator/index.js';
import {apis, credentials} from './emulated-console.js';
import {bin, consoleEnv, highlightedIp, PtyConsole} from './pty-console.js';

const ipRow = /\d+\.\d+\.\d+\.\d+\s+threat\s+\S+/;

let running: PtyConsole[] = [];
afterEach(() => {
	for (const app of running) app.kill();
	running = [];
});

function start(args: string[], cols = 100, rows = 30): PtyConsole {
	const app = new PtyConsole(args, {cols, rows});
	running.push(app);
	return app;
}

describe.each(apis)('the console in a real terminal (built bin, --demo, API %s)', {concurrent: true}, api => {
	it('shows a zone under attack, moves the highlight, opens help, and quits cleanly with q', async ({onTestFinished}) => {
		const app = new PtyConsole(['--demo', '--api', api], {cols: 100, rows: 30});
		onTestFinished(() => app.kill());
		const screen = await app.waitFor(text => ipRow.test(text) && /sec \w+/.test(text) && /[┤┼]/.test(text), 'the dashboard with threat rows and a chart', 30_000);
		expect(screen).toContain('example.com');
		expect(screen).toContain('1/2');
		expect(screen).toContain('DEMO');
		expect(screen).toMatch(/sec (Medium|High|Low|I'm Under Attack|Essentially Off)/i);
		// The API in use beside its budget (v1's per hour; v4's window is the monitor's to word).
		expect(screen).toMatch(new RegExp(`${api} · \\d+/\\d+ calls( · \\d+/\\d+ GraphQL)? left / `));
		expect(screen).toContain('views');
		// Frame at most rows − 1: the last row stays empty.
		expect(app.lines().at(-1)?.trim()).toBe('');

		const first = highlightedIp(screen);
		expect(first).toBeDefined();
		app.press('j');
		const moved = await app.waitFor(text => highlightedIp(text) !== first, 'the highlight to move');
		const second = highlightedIp(moved);
		app.press('k');
		await app.waitFor(text => highlightedIp(text) === first, 'the highlight to move back');
		app.press('j');
		await app.waitFor(text => highlightedIp(text) === second, 'the highlight on the second row again');

		app.press('?');
		await app.waitFor(text => text.includes('Keys (Esc closes)') && text.includes('pause polling'), 'the help overlay');
		app.press('\u001b');
		await app.waitFor(text => !text.includes('Keys (Esc closes)') && ipRow.test(text), 'help to close');

		app.press('q');
		expect(await app.exited).toBe(0);
		// The alternate screen was entered and then left, last.
		expect(app.raw.lastIndexOf('\u001b[?1049l')).toBeGreaterThan(app.raw.lastIndexOf('\u001b[?1049h'));
		expect(app.raw.lastIndexOf('\u001b[?1049h')).toBeGreaterThanOrEqual(0);
	});

	it('explains refused credentials on screen, without a stack trace or the secret', async ({onTestFinished}) => {
		const emulator = await startEmulator({port: 0, scenario: 'calm', quiet: true});
		onTestFinished(() => emulator.close());
		const wrong = {...emulator, key: 'not-the-right-key-0123456789', token: 'not-the-right-token-0123456789'};
		const {args, env} = credentials(wrong, api);
		const app = new PtyConsole([...args, '--endpoint', emulator.url, '--zone', 'example.com'], {cols: 80, rows: 24}, consoleEnv(env));
		onTestFinished(() => app.kill());
		const screen = await app.waitFor(text => text.includes('refused the credentials'), 'the credentials message', 30_000);
		expect(screen).toContain('Cannot start the console');
		expect(screen).not.toMatch(/\bat .+\.js:\d+/);
		expect(screen).not.toContain('not-the-right');
		app.press('q');
		expect(await app.exited).toBe(0);
	});
});

describe('the console in a real terminal (built bin, --demo)', () => {

	it('redraws on resize without ghost rows, and leaves the screen on SIGTERM', async () => {
		const app = start(['--demo'], 100, 30);
		await app.waitFor(text => ipRow.test(text), 'threat rows');
		app.process.resize(64, 20);
		app.term.resize(64, 20);
		const screen = await app.waitFor(text => text.split('\n').length === 20 && /example\.com/.test(text.split('\n')[0]) && ipRow.test(text), 'the narrower frame');
		const rows = screen.split('\n');
		expect(rows.filter(row => row.includes('calls left / hour'))).toHaveLength(1);
		expect(rows.at(-1)?.trim()).toBe('');
		app.process.kill('SIGTERM');
		expect(await app.exited).toBe(143);
		expect(app.raw.lastIndexOf('\u001b[?1049l')).toBeGreaterThan(app.raw.lastIndexOf('\u001b[?1049h'));
	});

	it('prints a one-line hint and exits 2 when stdout is not a terminal', async () => {
		const result = await new Promise<{code: number | null; stdout: string; stderr: string}>(resolve => {
			execFile(process.execPath, [bin, '--demo'], {env: consoleEnv()}, (error, stdout, stderr) => {
				resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr});
			});
		});
		expect(result.code).toBe(2);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain('one-shot commands');
		expect(result.stdout).not.toContain('\u001b[?1049h');
	});
});
