/**
 * A dropped SSH link, as the console sees it: the pty master closes (what sshd does), the kernel hangs
 * up the terminal (SIGHUP and SIGCONT to the session leader, EIO on every read and write). The console
 * must end quietly with exit 129, not abort in Node's exit-time terminal reset (SIGABRT, a core file),
 * write no crash report, and audit the action in flight as outcome unknown. Also: core dumps are off.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import * as pty from 'node-pty';
import {describe, expect, it} from 'vitest';
import {startEmulator} from '../../source/emulator/index.js';
import {apis, credentials} from './emulated-console.js';
import {bin, consoleEnv} from './pty-console.js';
import {emulatorFlags, ReliabilityPty, waitForData} from './reliability-harness.js';

/** Closes the master side of the pty without signalling the child: the link is simply gone. */
function closeMaster(app: ReliabilityPty): void {
	(app.process as unknown as {_socket: {destroy(): void}})._socket.destroy();
}

/** The wait status: node-pty reports a death by signal apart from the exit code. */
function waitStatus(app: ReliabilityPty): Promise<{exitCode: number; signal?: number}> {
	return new Promise(resolve => app.process.onExit(resolve));
}

function stateFiles(env: Record<string, string>): string[] {
	const folder = join(env.XDG_STATE_HOME, 'flarewatch');
	return existsSync(folder) ? readdirSync(folder) : [];
}

// The request in flight is v1's client or v4's SDK on the shared HTTP stack: both must end the same way.
describe.each(apis)('hang-up with an action in flight (API %s)', {concurrent: true}, api => {
	it('closing the pty master with an action in flight: exit 129, no abort, no crash report, the action audited as unknown', async () => {
		const handle = await startEmulator({port: 0, quiet: true, scenario: 'attack', rateLimit: 3600});
		const env = consoleEnv(credentials(handle, api).env);
		const app = new ReliabilityPty(emulatorFlags(handle, ['--timeout', '60'], api), {cols: 120, rows: 30, env});
		const status = waitStatus(app);
		try {
			await waitForData(app);
			handle.setFault({mode: 'timeout'});
			app.press(':sec high\r');
			await app.waitFor(text => text.includes('Change the security level?') || /#1 security level high/.test(text), 'the confirmation (or the action)');
			if (app.screen().includes('Change the security level?')) app.press('y');
			await app.waitFor(() => /#1 security level high on example\.com: sent/.test(app.status()), 'the action in flight');

			closeMaster(app);
			const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the console did not end within 10 s of the hang-up')), 10_000));
			const ended = await Promise.race([status, deadline]);
			expect(ended).toEqual(expect.objectContaining({exitCode: 129}));
			expect(ended.signal ?? 0).toBe(0);
			expect(stateFiles(env).filter(name => name.startsWith('crash-'))).toEqual([]);
			const audit = readFileSync(join(env.XDG_STATE_HOME, 'flarewatch', 'audit.jsonl'), 'utf8')
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line) as {outcome: string; action: string});
			expect(audit.map(line => line.outcome)).toEqual(['sending', 'unknown']);
			expect(audit[1].action).toBe('security-level');
		} finally {
			app.dispose();
			await handle.close();
		}
	}, 60_000);
});

describe('hang-up', () => {
	it('the demo console, its terminal closed twice over: always exit 129, never a crash report', async () => {
		for (let run = 0; run < 2; run++) {
			const env = consoleEnv();
			const app = new ReliabilityPty(['--demo'], {cols: 100, rows: 30, env});
			const status = waitStatus(app);
			try {
				await waitForData(app);
				closeMaster(app);
				const ended = await status;
				expect(ended.exitCode).toBe(129);
				expect(ended.signal ?? 0).toBe(0);
				expect(stateFiles(env).filter(name => name.startsWith('crash-'))).toEqual([]);
			} finally {
				app.dispose();
			}
		}
	}, 90_000);
});

describe('core dumps', () => {
	it('are off in the running console even when the shell allows them (soft limit 0)', async () => {
		const env = consoleEnv();
		const child = pty.spawn('/bin/sh', ['-c', 'ulimit -c unlimited && exec "$0" "$@"', process.execPath, bin, '--demo'], {cols: 100, rows: 30, env, cwd: process.cwd()});
		let output = '';
		child.onData(data => {
			output += data;
		});
		try {
			const deadline = Date.now() + 20_000;
			while (!output.includes('\u001b[?1049h') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
			const limits = readFileSync(`/proc/${child.pid}/limits`, 'utf8');
			expect(limits).toMatch(/^Max core file size +0 /m);
		} finally {
			child.kill('SIGKILL');
		}
	}, 30_000);
});
