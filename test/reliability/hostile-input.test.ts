/**
 * Hostile input to every one-shot command and to the console's palette: each is refused with one
 * clear sentence naming what is wrong (exit 2), nothing reaches the emulator (calls, failed logins and
 * faulted calls all unchanged), and nothing refused is echoed raw: no ESC, no other C0/C1 control, no
 * 100 KB blob on stderr. test/commands/validation.test.ts and test/actions/palette.test.ts cover the
 * common cases; this table adds the IPv6 forms, length limits, numbers out of range, escape sequences
 * in every position and the paste in every argument.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parsePalette} from '../../source/actions/palette.js';
import {commandMain} from '../../source/commands/index.js';
import {callsSeen, captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';

let emu: EmulatorHandle;
let env: Record<string, string>;

beforeAll(async () => {
	emu = await emulator({rateLimit: 100_000});
	env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
});

afterAll(async () => {
	await emu.close();
});

const esc = '\u001b[2J\u001b]0;pwned\u0007';
const csi8 = '\u009b6n';
const paste = `203.0.113.7 ${'x'.repeat(100 * 1024)}\n`;
const label64 = 'a'.repeat(64);
/** 254 characters: one over the DNS limit, every label legal. */
const name254 = `${Array.from({length: 4}, () => 'b'.repeat(62)).join('.')}.com`.slice(-254).replace(/^\./, 'c');
const ipv6Forms = ['::ffff:1.2.3.4.5', '1::2::3', 'fe80::1%eth0', '2001:db8::1/128', ':::', '1:2:3:4:5:6:7:8:9', '[2001:db8::1]'];

type Case = [label: string, argv: string[], names: RegExp];

const cases: Case[] = [
	// IP arguments.
	...['ban', 'whitelist', 'unban', 'lookup'].flatMap((command): Case[] => [
		...ipv6Forms.map((ip): Case => [`${command} ${ip}`, [command, ip], /IP address/]),
		[`${command} with a CIDR range`, [command, '198.51.100.0/24'], /network range/],
		[`${command} with an empty string`, [command, ''], /IP address/],
		[`${command} with an escape sequence`, [command, `1.2.3.4${esc}`], /IP address/],
		[`${command} with an 8-bit CSI`, [command, `1.2.3.4${csi8}`], /IP address/],
		[`${command} with a 100 KB paste`, [command, paste], /IP address.*characters long/],
	]),
	['report-spam with a CIDR', ['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.0/24', '--content', 'x'], /IP address/],
	['report-spam with an IPv6 zone index', ['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', 'fe80::1%eth0', '--content', 'x'], /IP address/],
	['report-spam with an escape in the author', ['report-spam', '--author', `A${esc}`, '--author-email', 'a@example.org', '--ip', '203.0.113.7', '--content', 'x'], /author.*control/],
	['report-spam with a pasted content', ['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.7', '--content', paste], /content/],
	// Zone and host names.
	['zone-check with a space', ['zone-check', 'example .com'], /zone.*space/],
	['zone-check with unicode', ['zone-check', 'bücher.example'], /zone.*ASCII/],
	['zone-check with a trailing dot', ['zone-check', 'example.org.'], /zone.*dot/],
	['zone-check with a 64-character label', ['zone-check', `${label64}.com`], /zone.*longer than 63/],
	['zone-check with a 254-character name', ['zone-check', name254], /zone.*254 characters/],
	['zone-check with an escape sequence', ['zone-check', `example.com${esc}`], /zone/],
	['zone-check with an empty name', ['zone-check', ''], /zone.*empty/],
	['zone-check with a 100 KB paste', ['zone-check', paste], /zone.*characters long/],
	['a configured zone with unicode', ['stats', '--zone', 'exämple.com'], /zone/],
	['a configured zone with an escape', ['stats', '--zone', `example.com${esc}`], /zone/],
	['dns add with a 64-character label', ['dns', 'add', 'CNAME', 'www', `${label64}.example.org`], /content.*longer than 63/],
	['dns add with a 254-character name', ['dns', 'add', 'A', name254, '203.0.113.7'], /name.*254 characters/],
	['dns add with a unicode CNAME target', ['dns', 'add', 'CNAME', 'www', 'bücher.example'], /content.*ASCII/],
	['dns add with a trailing-dot CNAME target', ['dns', 'add', 'CNAME', 'www', 'target.example.org.'], /content.*dot/],
	['dns add with an escape in the content', ['dns', 'add', 'CNAME', 'www', `t.example.org${esc}`], /content/],
	['dns add with an empty name', ['dns', 'add', 'A', '', '203.0.113.7'], /name.*empty/],
	['dns add with an A that is an IPv4-mapped IPv6', ['dns', 'add', 'A', 'www', '::ffff:1.2.3.4'], /content/],
	['dns add with a pasted content', ['dns', 'add', 'CNAME', 'www', paste], /content.*characters long/],
	['dns rm with a 64-character label', ['dns', 'rm', label64], /name.*longer than 63/],
	['dns rm with a 254-character name', ['dns', 'rm', name254], /name.*254 characters/],
	['dns rm with a trailing dot', ['dns', 'rm', 'www.'], /name.*dot/],
	['dns rm with unicode', ['dns', 'rm', 'bücher'], /name.*ASCII/],
	['dns rm with an escape sequence', ['dns', 'rm', `www${esc}`], /name.*control/],
	['dns edit with a bad --name', ['dns', 'edit', '10000001', '--name', 'w w'], /name.*space/],
	['dns edit with a 254-character --name', ['dns', 'edit', '10000001', '--name', name254], /name.*254/],
	['dns update-ip to an IPv4 with CIDR', ['dns', 'update-ip', '203.0.113.0/24', 'www.example.com'], /IP address.*network range/],
	['dns update-ip with a trailing-dot host', ['dns', 'update-ip', '203.0.113.7', 'www.example.com.'], /host.*dot/],
	['dns update-ip with a 254-character host', ['dns', 'update-ip', '203.0.113.7', name254], /host.*254/],
	['dns update-ip with an empty host', ['dns', 'update-ip', '203.0.113.7', ''], /host.*empty/],
	// Numbers: negative, fractional, overflowing, not decimal.
	...['-1', '0', '49', '1.5', '1e1', '0x10', '99999999999999999999', ''].map((value): Case => [`ips --hours ${JSON.stringify(value)}`, ['ips', `--hours=${value}`], /hours/]),
	...['-20', '0', '21', '20.0', '0x14', '1e309', '99999999999999999999', ''].map((value): Case => [`stats --interval ${JSON.stringify(value)}`, ['stats', `--interval=${value}`], /interval/]),
	...['-1', '0', '119', '4294967296', '99999999999999999999', '1e3', '300.5', ''].map((value): Case => [`dns add --ttl ${JSON.stringify(value)}`, ['dns', 'add', 'A', 'www', '203.0.113.7', `--ttl=${value}`], /ttl/]),
	...['-1', '4294967296', 'NaN', ''].map((value): Case => [`dns edit --ttl ${JSON.stringify(value)}`, ['dns', 'edit', '10000001', `--ttl=${value}`], /ttl/]),
	...['-1', '601', '1e309', 'Infinity'].map((value): Case => [`--timeout ${value}`, ['stats', `--timeout=${value}`], /timeout/]),
	// Escape sequences and 8-bit controls in every other argument and option.
	['security-level with an escape sequence', ['security-level', `high${esc}`], /security level/],
	['cache-level with an escape sequence', ['cache-level', `agg${esc}`], /cache level/],
	['devmode with an escape sequence', ['devmode', `on${esc}`], /dev mode/],
	['ipv6 with an escape sequence', ['ipv6', `on${esc}`], /ipv6/i],
	['ips --class with an escape sequence', ['ips', '--class', `t${esc}`], /class/],
	['an unknown option with an escape sequence', ['stats', `--bogus${esc}`], /option/],
	['an unknown command with an escape sequence', [`stats${esc}`], /not a command/],
	['an unknown dns subcommand with an escape sequence', ['dns', `list${esc}`], /not a dns command/],
	['security-level with an 8-bit CSI', ['security-level', `high${csi8}`], /security level/],
	['cache-level with an 8-bit CSI', ['cache-level', `agg${csi8}`], /cache level/],
	['devmode with an 8-bit CSI', ['devmode', `on${csi8}`], /dev mode/],
	['stats --interval with an 8-bit CSI', ['stats', `--interval=20${csi8}`], /interval/],
	['ips --class with an 8-bit CSI', ['ips', '--class', `t${csi8}`], /class/],
	['an unknown option with an 8-bit CSI', ['stats', `--bogus${csi8}`], /option/],
	// Inputs that name a JavaScript object property rather than a value.
	['ips --class=__proto__', ['ips', '--class=__proto__'], /class.*__proto__/],
	['ips --class=constructor', ['ips', '--class=constructor'], /class.*constructor/],
	// parseConfigArgs must not take these for configuration flags (it tests `name in configFlagNames`).
	['zone-check toString example.org', ['zone-check', 'toString', 'example.org'], /zone.*toString/],
	['ips --class __proto__', ['ips', '--class', '__proto__'], /class.*__proto__/],
	// A pasted 100 KB blob as any argument.
	['security-level with a 100 KB paste', ['security-level', paste], /security level/],
	['stats --interval with a 100 KB paste', ['stats', `--interval=${paste}`], /interval/],
	['dns edit --content with a 100 KB paste', ['dns', 'edit', '10000001', '--content', paste], /content/],
	['dns edit --content with an escape sequence', ['dns', 'edit', '10000001', '--content', `1.2.3.4${esc}`], /content/],
];

/** C0 (ESC included), DEL and C1 (8-bit CSI included): none may reach the terminal from refused input. */
const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('hostile input to the one-shot commands: exit 2, one clear sentence, nothing sent, nothing echoed raw', () => {
	it.each(cases)('%s', async (_label, argv, names) => {
		const before = callsSeen(emu);
		const capture = captureIo(env);
		const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
		const stderr = capture.stderr();
		expect(callsSeen(emu), 'a request reached the emulator').toBe(before);
		expect(code).toBe(2);
		expect(capture.stdout()).toBe('');
		expect(stderr.includes('\u001b'), 'ESC on stderr').toBe(false);
		expect(stderr).not.toMatch(controls);
		const lines = stderr.split('\n').filter(Boolean);
		expect(lines).toHaveLength(1);
		// Bounded: a 100 KB paste is described, never echoed back.
		expect(lines[0]!.length).toBeLessThan(300);
		expect(lines[0]).toMatch(names);
	});
});

const zone = {name: 'example.com', id: '969678'};
const context = {zone, zones: ['example.com', 'example.net']};

const paletteCases: Array<[input: string, names: RegExp]> = [
	...ipv6Forms.flatMap((ip): Array<[string, RegExp]> => [
		[`:ban ${ip}`, /IP|IPv6/],
		[`:wl ${ip}`, /IP|IPv6/],
		[`:lookup ${ip}`, /IP|IPv6/],
	]),
	[':unban 2001:db8::/32', /network range/],
	[`:ban 1.2.3.4${csi8}`, /IP address/],
	[`:sec high${csi8}`, /security level/],
	[`:zone example.com${csi8}`, /watched zones/],
	[`:ban 1.2.3.4${esc}`, /control characters/],
	[`:dns add A www 1.2.3.4 ${esc}`, /control characters/],
	[`:dns add A www ${paste}`, /at most 1024/],
	[':dns add A bücher 203.0.113.7', /ASCII/],
	[':dns add A www. 203.0.113.7', /dot/],
	[`:dns add A ${label64} 203.0.113.7`, /longer than 63/],
	[`:dns add CNAME www ${label64}.example.org`, /longer than 63/],
	[`:dns add CNAME www ${name254}`, /254 characters/],
	[':dns add CNAME www target.example.org.', /dot/],
	[':dns add A www ::ffff:1.2.3.4', /IPv4/],
	[`:dns rm ${label64}`, /longer than 63/],
	[':dns rm www.', /dot/],
	[':dns rm bücher', /ASCII/],
	[`:dns rm ${name254}`, /254 characters/],
	[':dns update-ip 203.0.113.0/24 www.example.com', /network range/],
	[':dns update-ip 203.0.113.7 www.example.com.', /host.*dot/],
	[`:dns update-ip 203.0.113.7 ${name254}`, /host.*254/],
	[':dns update-ip ::ffff:1.2.3.4 www.example.com', /IPv4/],
	...['-1', '0', '119', '4294967296', '99999999999999', '1e3', '300.5', ''].map((value): [string, RegExp] => [`:dns add A www 203.0.113.7 --ttl=${value}`, /--ttl/]),
	[':zone exa mple.com', /one zone name/],
	['   ', /type a command/],
	[':', /type a command/],
	[':dns', /usage/],
	[':dns add', /usage/],
	[':ban ', /one IP address/],
];

describe('hostile input to the palette: refused with a clear, printable, bounded message', () => {
	it.each(paletteCases)('%j', (input, names) => {
		const result = parsePalette(input, context);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error).toMatch(names);
		expect(result.error).not.toMatch(controls);
		expect(result.error.length).toBeLessThan(300);
	});
});

describe('words that happen to name JavaScript object members are ordinary arguments', () => {
	it('dns rm constructor deletes the record named constructor instead of failing as a flag', async () => {
		// parseConfigArgs tests `name in configFlagNames`, so inherited members (constructor, toString,
		// __proto__) are taken for configuration flags that need a value.
		const before = callsSeen(emu);
		const capture = captureIo(env);
		await commandMain('dns', ['rm', 'constructor'], capture.io);
		expect(capture.stderr()).not.toMatch(/needs a value/);
		expect(callsSeen(emu)).toBe(before + 1);
	});
});
