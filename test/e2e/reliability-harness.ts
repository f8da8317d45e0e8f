/**
 * Shared pieces of the reliability end-to-end tests (issue 7): a pseudo-terminal that can also run the
 * console under a shell (so `stty -a` can read the terminal after it exits), the emulator's call count,
 * and the console's status line. Builds on pty-console.ts; every wait has a deadline, never a fixed sleep.
 */
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {accountCalls, credentials, type Api} from './emulated-console.js';
import {bin, PtyConsole} from './pty-console.js';

export interface SpawnOptions {
	cols?: number;
	rows?: number;
	env: Record<string, string>;
	/** Run as `sh -c 'node bin args; echo EXIT:$?; stty -a'`, so the terminal can be inspected after the console ends. */
	underShell?: boolean;
}

/** The console in a pty (pty-console.ts), also under a shell, with what the terminal answered and the titles set. */
export class ReliabilityPty extends PtyConsole {
	/** What the terminal answered (device status reports and the like): data must never cause any. */
	answers = '';
	/** Window titles set, by anything. */
	titles: string[] = [];
	readonly underShell: boolean;
	readonly #home: string | undefined;

	constructor(args: string[], options: SpawnOptions) {
		const shell = {file: '/bin/sh', argv: ['-c', '"$0" "$@"; echo "EXIT:$?"; stty -a; echo STTY-DONE', process.execPath, bin, ...args]};
		super(args, {cols: options.cols ?? 100, rows: options.rows ?? 30}, options.env, options.underShell ? shell : undefined);
		this.underShell = options.underShell ?? false;
		this.#home = options.env.HOME;
		// xterm parses asynchronously, so nothing it answers can come before these listeners.
		this.term.onData(data => {
			this.answers += data;
		});
		this.term.onTitleChange(title => this.titles.push(title));
	}

	/** The status line: the last non-empty row of the frame. */
	status(): string {
		return this.lines().filter(line => line.trim() !== '').at(-1) ?? '';
	}

	async flush(): Promise<void> {
		await new Promise<void>(resolve => this.term.write('', resolve));
	}

	/** Waits until the raw byte stream matches. */
	async waitForRaw(pattern: RegExp, what: string, timeoutMs = 15_000): Promise<RegExpMatchArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const match = this.raw.match(pattern);
			if (match) return match;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the last bytes: ${JSON.stringify(this.raw.slice(-400))}`);
			await delay(100);
		}
	}

	resize(cols: number, rows: number): void {
		this.process.resize(cols, rows);
		this.term.resize(cols, rows);
	}

	/** The node process running the console (the pty's own process, or the shell's child). */
	consolePid(): number {
		if (!this.underShell) return this.process.pid;
		const children = readFileSync(`/proc/${this.process.pid}/task/${this.process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
		if (children.length !== 1) throw new Error(`expected one child of the shell, found ${children.length}`);
		return Number(children[0]);
	}

	override kill(): void {
		if (this.exitCode !== undefined) return;
		try {
			// Under the shell, the console first: killing only the shell would orphan it.
			if (this.underShell) process.kill(this.consolePid(), 'SIGKILL');
		} catch {
			// No console child (not started yet, or already gone).
		}
		try {
			this.process.kill('SIGKILL');
		} catch {
			// Already gone.
		}
	}

	/** Ends the process if still running and removes its temporary HOME (from consoleEnv). */
	dispose(): void {
		this.kill();
		if (this.#home?.startsWith(join(tmpdir(), 'flarewatch-e2e-'))) rmSync(this.#home, {recursive: true, force: true});
	}
}

export function delay(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

/** Every API request the emulator has seen, on either face: counted by an account, refused as unauthorised, or faulted. */
export function apiCalls(emulator: EmulatorHandle): number {
	const state = emulator.state();
	return state.faultedCalls + state.unauthorizedCalls + state.accounts.reduce((sum, account) => sum + accountCalls(account), 0);
}

/**
 * Flags pointing the console at a separate emulator with a polling budget fast enough for tests; on
 * v4 the account is the token's (give `credentials(emulator, 'v4').env`), on v1 the email's.
 */
export function emulatorFlags(emulator: EmulatorHandle, extra: string[] = [], api: Api = 'v1'): string[] {
	return ['--endpoint', emulator.url, ...credentials(emulator, api).args, '--zone', 'example.com', '--budget', '3600', '--reserve', '30', ...extra];
}

export const dataAge = /data (\d+)s old/;

/**
 * Waits for the first data. A start-up zone check that times out on a loaded machine is retried with
 * `r` (start-up is not what these tests are about; see the report on start-up retries).
 */
export async function waitForData(app: ReliabilityPty, timeoutMs = 25_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		await app.flush();
		const screen = app.screen();
		if (/data \S+ old/.test(screen)) return screen;
		if (screen.includes('Cannot start the console') && screen.includes('r retries')) {
			app.press('r');
			await delay(1000);
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for the first data; the screen:\n${screen}`);
		await delay(100);
	}
}

/** Every regular file under a folder, with its text. */
export function filesUnder(folder: string): Array<{path: string; text: string}> {
	const found: Array<{path: string; text: string}> = [];
	const walk = (directory: string): void => {
		let names: string[];
		try {
			names = readdirSync(directory);
		} catch {
			return;
		}
		for (const name of names) {
			const path = join(directory, name);
			const stat = statSync(path);
			if (stat.isDirectory()) walk(path);
			else if (stat.isFile()) found.push({path, text: readFileSync(path, 'latin1')});
		}
	};
	walk(folder);
	return found;
}

/** The forms a key could leak in: as is, URL-encoded, form-encoded. */
export function secretForms(key: string): string[] {
	return [...new Set([key, encodeURIComponent(key), new URLSearchParams({k: key}).toString().slice(2)])];
}

/** The restore sequence is last: alternate screen left after it was last entered, cursor shown after it was last hidden. */
export function restoredTerminal(raw: string): {leftAlternateScreen: boolean; cursorShown: boolean; enteredAlternateScreen: boolean} {
	const entered = raw.lastIndexOf('\u001b[?1049h');
	const hidden = raw.lastIndexOf('\u001b[?25l');
	return {
		enteredAlternateScreen: entered >= 0,
		leftAlternateScreen: raw.lastIndexOf('\u001b[?1049l') > entered,
		cursorShown: raw.lastIndexOf('\u001b[?25h') > hidden,
	};
}

/** `stty -a` of the terminal after the console ended (from a console run under the shell). */
export function sttyAfterExit(raw: string): string {
	const start = raw.lastIndexOf('EXIT:');
	const end = raw.indexOf('STTY-DONE', start);
	return start >= 0 && end > start ? raw.slice(start, end) : '';
}

/**
 * A pass-through HTTP proxy in front of a server, counting the requests it forwards: `--sunset` answers
 * 410 without counting anything in the emulator's state, and a test must see that nothing more is asked.
 */
export async function countingProxy(target: string): Promise<{url: string; requests(): number; close(): Promise<void>}> {
	let requests = 0;
	const server = http.createServer((req, res) => {
		requests++;
		const upstream = http.request(new URL(req.url ?? '/', target), {method: req.method, headers: req.headers}, answer => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests: () => requests,
		async close() {
			server.closeAllConnections();
			await new Promise(resolve => server.close(resolve));
		},
	};
}

/** The screen's text as one line: a message wrapped over several rows reads as written. */
export function screenText(screen: string): string {
	return screen.split('\n').map(line => line.replace(/[│┃║|]/g, ' ').trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ');
}
