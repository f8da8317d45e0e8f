/**
 * Issue 7, the terminal side: hostile strings from the API reach the terminal inert; SIGINT, SIGTERM and
 * SIGHUP give the terminal back, flush the audit log and record an action in flight as outcome unknown;
 * a resize storm leaves a correct frame; an unhandled rejection or exception restores the terminal and
 * writes a report without the key.
 */
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator} from '../../source/emulator/index.js';
import {hostilePayload} from '../../source/emulator/hostile.js';
import {consoleEnv} from './pty-console.js';
import {emulatorFlags, filesUnder, ReliabilityPty, restoredTerminal, secretForms, sttyAfterExit, waitForData} from './reliability-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(app: ReliabilityPty): ReliabilityPty {
	cleanups.push(() => app.dispose());
	return app;
}

interface AuditLine {
	id: number;
	action: string;
	params: Record<string, unknown>;
	outcome: string;
	error?: string;
}

function auditLines(env: Record<string, string>): AuditLine[] {
	const file = join(env.XDG_STATE_HOME, 'flarewatch', 'audit.jsonl');
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as AuditLine);
}

describe('hostile strings from the API', () => {
	it('never reach the terminal raw: no title change, no data-caused clear, no terminal answers; shown as ?', async () => {
		const app = track(new ReliabilityPty(['--demo', '--scenario', 'hostile'], {cols: 180, rows: 30, env: consoleEnv()}));
		await waitForData(app);
		// The tainted row, zone name and security label, rendered inert.
		await app.waitFor(text => /203\.0\.113\.66\?+/.test(text) && /sec Medium\?+/.test(text), 'the hostile row and label, inert');
		// The DNS view: TXT records and names carrying the payload.
		app.press('\t');
		await app.waitFor(text => /evil\.example\.com/.test(text) && /v=spf1 \?+ -all/.test(text), 'the hostile DNS records, inert');
		// An API error message carrying the payload: a purge, then a CNAME on a name that has an A record,
		// which the API refuses (the console's own rules refuse a second purge before sending it).
		app.press('\t');
		await app.waitFor(text => /^Log /m.test(text), 'the Log view');
		app.press(':purge\r');
		await app.waitFor(text => /Purge the whole cache\?/.test(text) && /\(y\)/.test(text), 'the purge confirmation');
		app.press('y');
		await app.waitFor(text => /#1 [^\n]*: done/.test(text), 'the purge done', 20_000);
		app.press(':purge\r');
		await app.waitFor(text => text.includes('Purge: the cooldown is on'), 'the second purge refused before sending');
		app.press(':dns add CNAME www example.com\r');
		await app.waitFor(text => /Add this DNS record\?/.test(text) && /\(y\)/.test(text), 'the add confirmation');
		app.press('y');
		await app.waitFor(text => /#2 [^\n]*: FAILED/.test(text), 'the add refused by the API', 20_000);
		// The API's refusal, which the hostile emulator taints, is on screen.
		app.press('j');
		// API messages are cleaned upstream (lib/format.ts turns each control character into a space), so the
		// printable rest of the payload shows as plain text: inert, but visible.
		await app.waitFor(text => /#2 FAILED: [^\n]*CNAME cannot share[^\n]*6n\./.test(text), 'the refusal message, its payload inert');
		await app.flush();

		const raw = app.raw;
		expect(raw).not.toContain(hostilePayload);
		// Pieces no part of the app's own rendering ever writes. A lone BS is the output layer's cheapest
		// cursor move one column left (term/output/cursor.ts); the payload's is after a CR, where none moves.
		for (const piece of ['\u001b]', '\u001b]0;pwned', '\u0007', '\u0000', '\r\u0008', '\u009b', '\u009d', '\u202e', '\u001b[8m', '\u001b[6n', '\u001b[31m\r']) {
			expect(raw.includes(piece), `raw output contains ${JSON.stringify(piece)}`).toBe(false);
		}
		// Every full clear is the app's own: the wipe on entering (2J then 3J then home) or the output
		// layer's full repaint (home then 2J), never the payload's bare 2J + H.
		for (const match of raw.matchAll(/\u001b\[2J/g)) {
			const wipe = raw.slice(match.index, match.index + 11) === '\u001b[2J\u001b[3J\u001b[H';
			const repaint = raw.slice(Math.max(0, match.index - 3), match.index) === '\u001b[H';
			expect(wipe || repaint, `a clear at ${match.index}: ${JSON.stringify(raw.slice(match.index - 8, match.index + 12))}`).toBe(true);
		}
		expect(app.titles).toEqual([]);
		// The payload's device status request (CSI 6n) would make the terminal type an answer into the app.
		expect(app.answers).toBe('');
		expect(app.exitCode).toBeUndefined();
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);
});

describe.concurrent('signals with an action in flight', () => {
	const cases = [
		{signal: 'SIGINT', code: 130},
		{signal: 'SIGTERM', code: 143},
		{signal: 'SIGHUP', code: 129},
	] as const;
	for (const {signal, code} of cases) {
		it(`${signal}: exit ${code}, terminal restored (screen, cursor, cooked mode), audit flushed, action outcome unknown`, async () => {
			const handle = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600});
			const env = consoleEnv({CF_API_KEY: handle.key});
			const app = new ReliabilityPty(emulatorFlags(handle, ['--timeout', '60']), {cols: 120, rows: 30, env, underShell: true});
			try {
				await waitForData(app);
				handle.setFault({mode: 'timeout'});
				app.press(':sec high\r');
				await app.waitFor(text => text.includes('Change the security level?') || /#1 security level high/.test(text), 'the confirmation (or the action)');
				if (app.screen().includes('Change the security level?')) app.press('y');
				await app.waitFor(() => /#1 security level high on example\.com: sent/.test(app.status()), 'the action in flight');
				expect(auditLines(env).map(line => line.outcome)).toEqual(['sending']);

				process.kill(app.consolePid(), signal);
				await app.waitForRaw(/STTY-DONE/, 'the shell to report the exit and the terminal modes');
				expect(Number(/EXIT:(\d+)/.exec(app.raw)?.[1])).toBe(code);
				expect(restoredTerminal(app.raw.slice(0, app.raw.lastIndexOf('EXIT:')))).toEqual({enteredAlternateScreen: true, leftAlternateScreen: true, cursorShown: true});
				const stty = sttyAfterExit(app.raw);
				expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
				expect(stty).toMatch(/(^|\s)echo(\s|$)/);
				expect(stty).not.toMatch(/(^|\s)-icanon(\s|$)/);

				const audit = auditLines(env);
				expect(audit.map(line => line.outcome)).toEqual(['sending', 'unknown']);
				expect(audit[1]).toMatchObject({id: 1, action: 'security-level', params: {zone: 'example.com', level: 'high'}});
				expect(audit[1].error).toContain(signal);
				await app.exited;
			} finally {
				app.dispose();
				await handle.close();
			}
		}, 60_000);
	}
});

/** A small seeded generator, so a failing storm can be replayed. */
function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

describe('resize storm', () => {
	it('200 resizes in 5 s: no crash, then a correct 100x30 frame (header on row 1, no ghost rows)', async () => {
		const app = track(new ReliabilityPty(['--demo'], {cols: 100, rows: 30, env: consoleEnv()}));
		await waitForData(app);
		const random = seeded(7);
		const start = Date.now();
		for (let index = 0; index < 200; index++) {
			app.resize(40 + Math.floor(random() * 161), 10 + Math.floor(random() * 51));
			const due = start + ((index + 1) * 5_000) / 200;
			await new Promise(resolve => setTimeout(resolve, Math.max(0, due - Date.now())));
		}
		expect(Date.now() - start).toBeLessThan(7_000);
		expect(app.exitCode).toBeUndefined();
		app.resize(100, 30);
		const screen = await app.waitFor(text => {
			const rows = text.split('\n');
			return rows.length === 30 && /^example\.com\b/.test(rows[0]) && /calls left \/ hour/.test(rows[1]) && /data \S+ old/.test(rows[28]) && rows[29].trim() === '';
		}, 'the 100x30 frame after the storm', 20_000);
		const rows = screen.split('\n');
		expect(rows.filter(row => /calls left \/ hour/.test(row))).toHaveLength(1);
		expect(rows.filter(row => /^example\.com\b.*\bsec\b/.test(row))).toHaveLength(1);
		expect(rows.filter(row => /data \S+ old/.test(row))).toHaveLength(1);
		expect(rows.filter(row => row.length > 100)).toEqual([]);
		expect(app.exitCode).toBeUndefined();
		app.press('q');
		expect(await app.exited).toBe(0);
	}, 60_000);
});

describe.concurrent('an unexpected error reaching the top (injected with a --require preload)', () => {
	const key = 'Crash0Secret+Key/9f8e7d6c5b4a3928171605f4e3d2c1b0';
	const cases = [
		{kind: 'unhandled rejection', code: `setTimeout(() => { Promise.reject(new Error('injected rejection with ' + process.env.CF_API_KEY)); }, 2500);`},
		{kind: 'uncaught exception', code: `setTimeout(() => { throw new Error('injected exception with ' + process.env.CF_API_KEY); }, 2500);`},
	];
	for (const {kind, code} of cases) {
		it(`${kind}: terminal restored, exit 70, a report without the key, one line on stderr`, async () => {
			const handle = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600, key});
			const env = consoleEnv({CF_API_KEY: key});
			const preload = join(env.HOME, 'inject.cjs');
			writeFileSync(preload, code);
			env.NODE_OPTIONS = `--require ${preload}`;
			const app = new ReliabilityPty(emulatorFlags(handle), {cols: 100, rows: 30, env});
			try {
				await app.waitFor(text => /example\.com/.test(text), 'the console');
				expect(await app.exited).toBe(70);
				expect(restoredTerminal(app.raw)).toEqual({enteredAlternateScreen: true, leftAlternateScreen: true, cursorShown: true});
				const reports = filesUnder(join(env.XDG_STATE_HOME, 'flarewatch')).filter(file => /crash-.*\.txt$/.test(file.path));
				expect(reports).toHaveLength(1);
				expect(reports[0].text).toContain(kind === 'unhandled rejection' ? 'injected rejection' : 'injected exception');
				for (const form of secretForms(key)) expect(reports[0].text).not.toContain(form);
				const after = app.raw.slice(app.raw.lastIndexOf('\u001b[?1049l'));
				expect(after).toContain('an unexpected error stopped the console');
				expect(after).toContain(reports[0].path);
				for (const form of secretForms(key)) expect(app.raw).not.toContain(form);
			} finally {
				app.dispose();
				await handle.close();
			}
		}, 40_000);
	}
});
