/**
 * `flarewatch ban --for` and `flarewatch expire` through commandMain against the emulator over loopback
 * HTTP, on both APIs: a timed ban recorded with its end, nothing cleared before it, `--dry-run` sending
 * nothing, the due ban cleared once (audited as expired) and never again; a wrong duration refused with
 * exit 2 and nothing sent; on v4 another machine (an empty registry) clears it from the rule's notes.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {spawnSync} from 'node:child_process';
import {accountKey, FileRegistry} from '../../source/actions/registry.js';
import {parseRuleNote} from '../../source/actions/rule-notes.js';
import {commandMain} from '../../source/commands/index.js';
import {apis, type Api} from '../e2e/apis.js';
import {captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;
const homes: string[] = [];

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
});

afterAll(async () => {
	await emu.close();
	for (const home of homes) rmSync(home, {recursive: true, force: true});
});

/** A machine: its own state folder (registry, audit log). */
function machine(api: Api): Record<string, string> {
	const home = mkdtempSync(join(tmpdir(), 'flarewatch-expire-'));
	homes.push(home);
	const common = {CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com', XDG_STATE_HOME: home, XDG_CONFIG_HOME: home};
	return api === 'v4' ? {...common, CF_API_TOKEN: emu.token} : {...common, CF_API_EMAIL: emu.email, CF_API_KEY: emu.key};
}

async function run(env: Record<string, string>, argv: string[]) {
	const capture = captureIo(env);
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	return {code, stdout: capture.stdout(), stderr: capture.stderr()};
}

/** Clears the emulator answered: v1's `nul`, v4's rule deletions. */
function clears(api: Api): number {
	const account = emu.state().accounts.find(entry => entry.email === emu.email)!;
	return api === 'v1' ? (account.calls.byAction.nul ?? 0) : (account.calls.v4.byRoute['DELETE /zones/:zone_id/firewall/access_rules/rules/:rule_id'] ?? 0);
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.each(apis)('ban --for and expire on %s', api => {
	const ip = api === 'v1' ? '198.51.100.41' : '198.51.100.42';

	it('bans for a time, clears it once when due (dry run first), and audits the clear as expired', async () => {
		const env = machine(api);
		const ban = await run(env, ['ban', ip, '--for', '2s', '--json']);
		expect(ban.code, ban.stdout + ban.stderr).toBe(0);
		const banned = JSON.parse(ban.stdout) as Record<string, unknown> & {zones?: Array<Record<string, unknown>>};
		const entry = api === 'v1' ? banned : banned.zones![0]!;
		expect(entry.duration).toBe(2);
		expect(Date.parse(String(entry.expiresAt))).toBeGreaterThan(Date.now());
		if (api === 'v4') expect(parseRuleNote(String(entry.notes))?.until).toBeGreaterThan(Date.now());
		const before = clears(api);
		const early = await run(env, ['expire']);
		expect(early.code).toBe(0);
		expect(early.stdout).toContain('0 cleared, 0 failed (they stay due), 1 not due yet');
		await sleep(2500);
		const dry = await run(env, ['expire', '--dry-run', '--json']);
		expect(JSON.parse(dry.stdout)).toMatchObject({dryRun: true, due: [{ip}]});
		expect(clears(api)).toBe(before);
		const done = await run(env, ['expire', '--json']);
		expect(done.code, done.stdout + done.stderr).toBe(0);
		expect(JSON.parse(done.stdout)).toMatchObject({cleared: [{ip}], failed: [], dryRun: false});
		expect(clears(api)).toBe(before + 1);
		const again = await run(env, ['expire']);
		expect(again.stdout).toContain('0 cleared');
		expect(clears(api)).toBe(before + 1);
		const audit = readFileSync(join(env.XDG_STATE_HOME!, 'flarewatch', 'audit.jsonl'), 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {action: string; outcome: string; params: Record<string, unknown>});
		expect(audit.filter(record => record.action === 'clear-rule').map(record => [record.outcome, record.params.expired, record.params.ip])).toEqual([
			['sending', true, ip],
			['done', true, ip],
		]);
		expect(JSON.stringify(audit)).not.toContain(api === 'v4' ? emu.token : emu.key);
	});

	it('a wrong duration is named, exit 2, nothing sent', async () => {
		const env = machine(api);
		const before = emu.state().accounts[0]!.calls.total + emu.state().accounts[0]!.calls.v4.total;
		const result = await run(env, ['ban', ip, '--for', '90x']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("--for: '90x' is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent");
		expect(emu.state().accounts[0]!.calls.total + emu.state().accounts[0]!.calls.v4.total).toBe(before);
	});
});

describe('expire on another machine (v4)', () => {
	it('finds our timed ban in the rule notes with an empty registry, and clears only ours', async () => {
		const ip = '198.51.100.43';
		const made = await run(machine('v4'), ['ban', ip, '--for', '1s', '--reason', 'scraper']);
		expect(made.code, made.stderr).toBe(0);
		const elsewhere = machine('v4');
		// The note names the end to the second, rounded up.
		await sleep(2500);
		const before = clears('v4');
		const result = await run(elsewhere, ['expire', '--json']);
		expect(result.code, result.stdout).toBe(0);
		const answer = JSON.parse(result.stdout) as {cleared: Array<{ip: string}>};
		expect(answer.cleared.map(entry => entry.ip)).toEqual([ip]);
		expect(clears('v4')).toBe(before + 1);
	});
});

describe('expire beside a console (v1)', () => {
	it('leaves a ban a live process is clearing, and takes over the claim of a killed one', async () => {
		const ip = '198.51.100.44';
		const env = machine('v1');
		expect((await run(env, ['ban', ip, '--for', '1s'])).code).toBe(0);
		await sleep(1200);
		const registry = new FileRegistry(join(env.XDG_STATE_HOME!, 'flarewatch', 'registry.json'), accountKey(emu.url, emu.email));
		const claim = (pid: number) => registry.update(records => ({...records, expiries: {...records.expiries, [ip]: {...records.expiries![ip]!, claim: {pid, session: 'a console', at: Date.now()}}}}));
		// A console (this live process) claimed it a moment ago: not cleared twice.
		claim(process.pid);
		const before = clears('v1');
		const held = await run(env, ['expire', '--json']);
		expect(JSON.parse(held.stdout)).toMatchObject({cleared: [], failed: []});
		expect(clears('v1')).toBe(before);
		// The console was killed (kill -9) between its claim and the answer: expire takes it over.
		claim(spawnSync(process.execPath, ['-e', '']).pid);
		const taken = await run(env, ['expire', '--json']);
		expect(JSON.parse(taken.stdout)).toMatchObject({cleared: [{ip}]});
		expect(clears('v1')).toBe(before + 1);
	});
});
