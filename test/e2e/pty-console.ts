/**
 * Drives the built console in a real pseudo-terminal and reads the screen as a person would: the
 * pty's bytes are replayed into @xterm/headless, and tests wait (with a deadline, never a fixed
 * sleep) for text to appear.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import xtermHeadless from '@xterm/headless';
import * as pty from 'node-pty';

const {Terminal} = xtermHeadless;

export const bin = join(process.cwd(), 'dist', 'flarewatch.js');

/** A clean environment: no CI (Ink would print only the last frame), no account, production React. */
export function consoleEnv(extra: Record<string, string> = {}): Record<string, string> {
	const home = mkdtempSync(join(tmpdir(), 'flarewatch-e2e-'));
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value === undefined || name === 'CI' || name.startsWith('CF_') || name === 'NO_COLOR') continue;
		env[name] = value;
	}
	return {...env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), NODE_ENV: 'production', TERM: 'xterm-256color', ...extra};
}

export class PtyConsole {
	readonly term: InstanceType<typeof Terminal>;
	readonly process: pty.IPty;
	raw = '';
	exitCode: number | undefined;
	readonly exited: Promise<number>;

	/** `launch`: run this program with these arguments instead of `node bin args` (e.g. under a shell). */
	constructor(args: string[], size: {cols: number; rows: number}, env = consoleEnv(), launch?: {file: string; argv: string[]}) {
		this.term = new Terminal({cols: size.cols, rows: size.rows, allowProposedApi: true});
		this.process = pty.spawn(launch?.file ?? process.execPath, launch?.argv ?? [bin, ...args], {name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: process.cwd(), env});
		this.process.onData(data => {
			this.raw += data;
			this.term.write(data);
		});
		this.exited = new Promise(resolve => {
			this.process.onExit(({exitCode}) => {
				this.exitCode = exitCode;
				resolve(exitCode);
			});
		});
	}

	/**
	 * The visible screen, one string per row. Only the first `cols` columns: after the terminal
	 * narrows, xterm keeps what was drawn right of the new edge in its lines, unseen.
	 */
	lines(): string[] {
		const buffer = this.term.buffer.active;
		const rows: string[] = [];
		for (let y = 0; y < this.term.rows; y++) rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true, 0, this.term.cols) ?? '');
		return rows;
	}

	screen(): string {
		return this.lines().join('\n');
	}

	/** Waits until `test` holds for the screen, or fails with the screen in the message. */
	async waitFor(test: (screen: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			// xterm parses asynchronously: an empty write's callback runs after everything before it.
			await new Promise<void>(resolve => this.term.write('', resolve));
			const screen = this.screen();
			if (test(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	}

	press(keys: string): void {
		this.process.write(keys);
	}

	kill(): void {
		if (this.exitCode === undefined) this.process.kill();
	}
}

/** The IP on the highlighted (marked) row, if any. */
export function highlightedIp(screen: string): string | undefined {
	const line = screen.split('\n').find(text => /› [0-9a-f:.]+/i.test(text));
	return line?.match(/› ([0-9a-f:.]+)/i)?.[1];
}
