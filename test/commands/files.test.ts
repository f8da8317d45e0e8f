/**
 * The key and config files through the real binary: anything but a small regular file is refused at
 * once (never a read that blocks on a FIFO or grows on /dev/zero), as is a file others can write; a
 * key file others can read is a warning on stderr. Every refusal is exit 2, fast, naming the file.
 */
import {execFile, execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;
let folder: string;

beforeAll(async () => {
	emu = await emulator();
	folder = mkdtempSync(join(tmpdir(), 'flarewatch-files-'));
});

afterAll(async () => {
	await emu.close();
	rmSync(folder, {recursive: true, force: true});
});

/** The bundle as an operator runs it, with a deadline: a read that blocks or grows would hit it. */
function flarewatch(args: string[], env: Record<string, string> = {}): Promise<{code: number; stdout: string; stderr: string; ms: number}> {
	const started = Date.now();
	return new Promise(resolve => {
		execFile(process.execPath, ['dist/flarewatch.js', ...args], {env: {PATH: process.env.PATH ?? '', HOME: folder, ...env}, timeout: 10_000, killSignal: 'SIGKILL'}, (error, stdout, stderr) => {
			const code = error ? ((error as {code?: unknown}).code ?? (error as {signal?: unknown}).signal) : 0;
			resolve({code: typeof code === 'number' ? code : -1, stdout, stderr, ms: Date.now() - started});
		});
	});
}

function file(name: string, text: string, mode: number): string {
	const path = join(folder, name);
	writeFileSync(path, text);
	chmodSync(path, mode);
	return path;
}

describe('key and config files', () => {
	it('refuses /dev/zero, a FIFO, a directory, a 100 KiB file and group-writable files: exit 2 at once, naming the file and why', {timeout: 60_000}, async () => {
		const fifo = join(folder, 'fifo');
		execFileSync('mkfifo', [fifo]);
		const big = file('big.json', `{"email": "${'x'.repeat(100 * 1024)}"}`, 0o600);
		const groupWritable = file('group.json', '{}', 0o664);
		const worldWritableKey = file('key-666', 'k3y0123456789\n', 0o666);
		const cases: Array<{args: string[]; message: RegExp}> = [
			{args: ['--key-file', '/dev/zero'], message: /The key file \/dev\/zero is a character device, not a regular file/},
			{args: ['--config', '/dev/zero'], message: /The config file \/dev\/zero is a character device, not a regular file/},
			{args: ['--key-file', fifo], message: /The key file \S+fifo is a FIFO, not a regular file/},
			{args: ['--config', fifo], message: /The config file \S+fifo is a FIFO, not a regular file/},
			{args: ['--config', folder], message: /The config file \S+ is a directory/},
			{args: ['--config', big], message: /The config file \S+big\.json is larger than 64 KiB/},
			{args: ['--config', groupWritable], message: /The config file \S+group\.json is writable by group or others \(mode 664\)[^\n]*chmod 600 \S+group\.json/},
			{args: ['--key-file', worldWritableKey], message: /The key file \S+key-666 is writable by group or others \(mode 666\)[^\n]*chmod 600/},
		];
		// The one-shot commands and the console refuse alike (the console before it asks for a terminal).
		// Two at a time: the machine is shared, and each deadline must measure the read, not a queue.
		for (const {args, message} of cases) {
			for (const run of await Promise.all([flarewatch(['stats', ...args]), flarewatch(args)])) {
				expect(run.stderr, JSON.stringify(run)).toMatch(message);
				expect(run.code).toBe(2);
				expect(run.ms).toBeLessThan(8_000);
			}
		}
	});

	it('a key file others can read works, with a warning on stderr naming the chmod 600 fix', {timeout: 30_000}, async () => {
		const key = file('key-644', `${emu.key}\n`, 0o644);
		const run = await flarewatch(['stats', '--json', '--key-file', key], {CF_API_EMAIL: emu.email, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'});
		expect(run.code).toBe(0);
		expect(run.stderr).toMatch(/warning: The key file \S+key-644 is readable by group or others \(mode 644\); run chmod 600/);
		expect(run.stderr + run.stdout).not.toContain(emu.key);
	});
});
