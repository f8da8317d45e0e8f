/**
 * The address rules through commandMain against the emulator: refusals exit 2 naming the reason with
 * no request sent; never-ban CIDRs, IPv4 and IPv6, from the flag and the config file; and a hostile
 * server's visitor row that is not an IP never becomes a ban.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createGuard} from '../../source/actions/guard.js';
import {describeLockdown, planLockdown} from '../../source/actions/lockdown.js';
import {commandMain} from '../../source/commands/index.js';
import {callsSeen, captureIo, clientFor, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;
let env: Record<string, string>;
const home = mkdtempSync(join(tmpdir(), 'flarewatch-addresses-'));

beforeAll(async () => {
	emu = await emulator({rateLimit: 5000});
	// A config file with never-ban ranges applies to every command; its state folder keeps the registry out of $HOME.
	mkdirSync(join(home, 'flarewatch'), {recursive: true});
	writeFileSync(join(home, 'flarewatch', 'config.json'), JSON.stringify({neverBan: ['10.0.0.0/8', '2001:db8::/32']}), {mode: 0o600});
	env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com', XDG_CONFIG_HOME: home, XDG_STATE_HOME: home};
});

afterAll(async () => {
	await emu.close();
});

async function run(argv: string[]) {
	const capture = captureIo(env);
	const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
	return {code, stdout: capture.stdout(), stderr: capture.stderr()};
}

const rules = (ip: string) => emu.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === ip).map(rule => rule.mode);

describe('address rules in the one-shot commands', () => {
	it.each([
		[['ban', '127.0.0.1'], 'is a loopback address'],
		[['ban', '0.0.0.0'], 'is the unspecified address'],
		[['ban', '::'], 'is the unspecified address'],
		[['whitelist', '255.255.255.255'], 'is the broadcast address'],
		[['ban', '224.0.0.251'], 'is a multicast address'],
		[['ban', 'ff02::1'], 'is a multicast address'],
		[['ban', 'fe80::1'], 'is a link-local address'],
		[['ban', '10.20.30.40'], 'is on the --never-ban list'],
		[['ban', '2001:DB8::7'], 'is on the --never-ban list'],
		[['ban', '10.1.1.1', '--never-ban', '192.0.2.0/24'], 'is on the --never-ban list'],
		[['ban', '192.0.2.200', '--never-ban', '192.0.2.0/24'], 'is on the --never-ban list'],
		[['ban', '203.0.113.66\u200b'], 'is not an IP address'],
		[['ban', '999.1.1.1'], 'is not an IP address'],
	])('flarewatch %j exits 2 (%s), nothing sent', async (argv, reason) => {
		const before = callsSeen(emu);
		const result = await run(argv);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(reason);
		expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
		expect(callsSeen(emu)).toBe(before);
	});

	it('--never-ban with CIDRs is accepted; a whitelist of a never-ban address is allowed; IPv6 is sent canonical', async () => {
		expect((await run(['ban', '198.51.100.61', '--never-ban', '10.0.0.0/8,2001:db8::/32'])).code).toBe(0);
		expect(rules('198.51.100.61')).toContain('ban');
		expect((await run(['whitelist', '10.9.9.9'])).code).toBe(0);
		expect(rules('10.9.9.9')).toContain('wl');
		const v6 = await run(['ban', '2001:0DB9:0:0::1', '--json']);
		expect(v6.code).toBe(0);
		expect(JSON.parse(v6.stdout)).toMatchObject({ip: '2001:db9::1', rule: 'ban'});
		expect((await run(['unban', '127.0.0.1'])).code).toBe(0);
	});

	it('a bad never-ban entry (flag or file) exits 2 naming it, for every command', async () => {
		const flag = await run(['stats', '--never-ban', '10.0.0.0/8,10.0.0.0/33']);
		expect([flag.code, flag.stderr]).toEqual([2, expect.stringContaining('"10.0.0.0/33"')]);
		const dir = mkdtempSync(join(tmpdir(), 'flarewatch-addresses-bad-'));
		writeFileSync(join(dir, 'bad.json'), JSON.stringify({neverBan: ['10.0.0.0/8', 'fe80::/x']}), {mode: 0o600});
		const file = await run(['zone-check', '--config', join(dir, 'bad.json')]);
		expect([file.code, file.stderr]).toEqual([2, expect.stringContaining('"fe80::/x"')]);
	});
});

describe('a hostile server\'s visitor row', () => {
	it('keeps its text (not an IP), cannot be banned, and a lockdown leaves it out and says so', async () => {
		const hostile = await emulator({scenario: 'hostile'});
		try {
			const client = clientFor(hostile);
			const [zone] = await client.checkZones(['example.com']);
			const visitors = await client.visitors(zone!, {classification: 'threat'});
			const row = visitors.find(visitor => visitor.ip.startsWith('203.0.113.66'))!;
			expect(row.ip).not.toBe('203.0.113.66');
			const plan = planLockdown({zone: {name: zone!.name, id: String(zone!.zid)}, currentLevel: 'med', visitors, guard: createGuard([], {}), hasRule: () => false, callsLeft: 10_000});
			expect(plan.bans.map(visitor => visitor.ip)).not.toContain(row.ip);
			expect(plan.unbannable).toEqual([row.ip]);
			const line = describeLockdown(plan).find(text => text.startsWith('Left out (not a valid visitor address)'))!;
			expect(line).toContain('1 row');
			expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
		} finally {
			await hostile.close();
		}
	});
});
