import {execFile} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {callsSeen, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;

beforeAll(async () => {
	emu = await emulator();
});

afterAll(async () => {
	await emu.close();
});

/**
 * Runs the entry point as an operator's script would: the bundle the global setup built (what
 * `npm start` and the bin run), or the sources through tsx.
 */
function flarewatch(args: string[], env: Record<string, string>, via: 'dist' | 'tsx' = 'dist'): Promise<{code: number; stdout: string; stderr: string}> {
	const [file, argv] = via === 'dist' ? [process.execPath, ['dist/flarewatch.js', ...args]] : ['node_modules/.bin/tsx', ['source/cli.tsx', ...args]];
	return new Promise(resolve => {
		execFile(file, argv, {env: {PATH: process.env.PATH ?? '', ...env}, timeout: 40_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: unknown}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

describe('flarewatch <command> as a process', () => {
	it('stats --json, a validation error, help and a refused --key, with the exit codes of the issue', {timeout: 45_000}, async () => {
		const env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
		const before = callsSeen(emu);
		const [stats, invalid, help, keyFlag] = await Promise.all([
			flarewatch(['stats', '--json'], env),
			flarewatch(['ban', '203.0.113.0/24'], env),
			flarewatch(['--help'], {}, 'tsx'),
			flarewatch(['ban', '203.0.113.1', '--key', emu.key], env),
		]);
		expect(stats.code).toBe(0);
		expect(JSON.parse(stats.stdout).zones[0].zone).toBe('example.com');
		expect(invalid).toEqual({code: 2, stdout: '', stderr: 'flarewatch ban: Invalid IP address: "203.0.113.0/24" is a network range; give a single IP address.\n'});
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('dns update-ip');
		expect(keyFlag.code).toBe(2);
		expect(keyFlag.stderr).not.toContain(emu.key);
		expect(callsSeen(emu) - before).toBe(1);
		for (const output of [stats, invalid, help, keyFlag]) expect(output.stdout + output.stderr).not.toContain(emu.key);
	});
});
