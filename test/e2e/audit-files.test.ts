/**
 * The audit log as the console writes it: a demo rehearsal goes to audit-demo.jsonl (never the real
 * log), each record naming the endpoint and the account; on a full disk the action is not sent and the
 * screen says why. And a key file others can read is named on the dashboard's status line.
 */
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {consoleEnv} from './pty-console.js';
import {ReliabilityPty, waitForData} from './reliability-harness.js';

async function raiseSecurityLevel(app: ReliabilityPty): Promise<void> {
	app.press(':sec high\r');
	await app.waitFor(text => text.includes('Change the security level?') || /#1 security level high/.test(text), 'the confirmation (or the action)');
	if (app.screen().includes('Change the security level?')) app.press('y');
}

describe('the console audit log', () => {
	it('a demo writes audit-demo.jsonl, each record with the endpoint and the account; audit.jsonl is untouched', async () => {
		const env = consoleEnv();
		const app = new ReliabilityPty(['--demo'], {cols: 120, rows: 30, env});
		try {
			await waitForData(app);
			await raiseSecurityLevel(app);
			await app.waitFor(() => /#1 security level high on example\.com: done/.test(app.status()), 'the action done');
			const folder = join(env.XDG_STATE_HOME, 'flarewatch');
			expect(existsSync(join(folder, 'audit.jsonl'))).toBe(false);
			const records = readFileSync(join(folder, 'audit-demo.jsonl'), 'utf8')
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line) as Record<string, unknown>);
			expect(records.map(record => record.outcome)).toEqual(['sending', 'done']);
			for (const record of records) expect(record).toMatchObject({endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/), account: 'demo@example.com'});
		} finally {
			app.dispose();
		}
	}, 60_000);

	it('on a full disk the action is not sent, and the screen says the audit log cannot be written', async context => {
		const env = consoleEnv();
		mkdirSync(env.XDG_STATE_HOME, {recursive: true});
		try {
			execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', env.XDG_STATE_HOME], {stdio: 'ignore'});
		} catch {
			context.skip('mounting a tmpfs is not permitted here');
			return;
		}
		const app = new ReliabilityPty(['--demo'], {cols: 160, rows: 30, env});
		try {
			await waitForData(app);
			mkdirSync(join(env.XDG_STATE_HOME, 'flarewatch'), {recursive: true});
			try {
				writeFileSync(join(env.XDG_STATE_HOME, 'filler'), Buffer.alloc(128 * 1024));
			} catch {
				// ENOSPC: the disk is full, as intended.
			}
			await raiseSecurityLevel(app);
			await app.waitFor(() => /#1 security level high on example\.com: FAILED: not sent: the audit log cannot be written \(ENOSPC/.test(app.status()), 'the action not sent, the reason on the status line');
			expect(app.screen()).not.toMatch(/#1 security level high on example\.com: (sent|done)/);
			expect(readFileSync(join(env.XDG_STATE_HOME, 'flarewatch', 'audit-demo.jsonl'), 'utf8')).toBe('');
		} finally {
			// Unmounted before dispose() removes the temporary HOME: a mount point cannot be removed.
			app.kill();
			await Promise.race([app.exited, new Promise(resolve => setTimeout(resolve, 5000))]);
			execFileSync('umount', ['-l', env.XDG_STATE_HOME]);
			app.dispose();
		}
	}, 60_000);
});

describe('a key file others can read', () => {
	it('is named on the dashboard status line with the chmod 600 fix', async () => {
		const env = consoleEnv();
		const key = join(env.HOME, 'flarewatch.key');
		writeFileSync(key, 'abcdef0123456789\n');
		chmodSync(key, 0o644);
		const app = new ReliabilityPty(['--demo', '--key-file', key], {cols: 200, rows: 30, env});
		try {
			await waitForData(app);
			await app.waitFor(() => /The key file \S+flarewatch\.key is readable by group or others \(mode 644\); run chmod 600/.test(app.status()), 'the warning on the status line');
		} finally {
			app.dispose();
		}
	}, 60_000);
});
