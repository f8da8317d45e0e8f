import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandMain} from '../../source/commands/index.js';
import {callsSeen, captureIo, emulator, type EmulatorHandle} from '../v1/harness.js';
import {expectKeyNeverPrinted, transcript} from './transcript.js';

let emu: EmulatorHandle;
let env: Record<string, string>;

beforeAll(async () => {
	emu = await emulator();
	env = {CF_API_EMAIL: emu.email, CF_API_KEY: emu.key, CF_API_ENDPOINT: emu.url, CF_ZONE: 'example.com'};
});

afterAll(async () => {
	await emu.close();
});

const paste = '203.0.113.7'.repeat(10_000);

/** Bad invocations: every one exits 2 with one sentence on stderr, and nothing reaches the emulator. */
const bad: Array<[string, string[], Record<string, string | undefined>?]> = [
	['a network range where one address is needed', ['ban', '203.0.113.0/24']],
	['an IPv4 octet over 255', ['ban', '203.0.113.256']],
	['an IPv6 zone index', ['whitelist', 'fe80::1%eth0']],
	['an IPv6 range', ['unban', '2001:db8::/32']],
	['a host name where an IP is needed', ['lookup', 'example.com']],
	['an escape sequence in an IP', ['ban', '203.0.113.7\u001b[2J']],
	['a 100 KB paste', ['ban', paste]],
	['an unknown security level', ['security-level', 'max']],
	['an unknown cache level', ['cache-level', 'none']],
	['devmode maybe', ['devmode', 'maybe']],
	['ipv6 yes', ['ipv6', 'yes']],
	['an unknown interval', ['stats', '--interval', '15']],
	['hours over 48', ['ips', '--hours', '49']],
	['hours 0', ['ips', '--hours', '0']],
	['hours not a number', ['ips', '--hours', '1e1']],
	['an unknown class', ['ips', '--class', 'x']],
	['a zone with a space', ['zone-check', 'exa mple.com']],
	['a zone with a trailing dot', ['zone-check', 'example.com.']],
	['a configured zone that is not a domain', ['stats'], {CF_ZONE: 'localhost'}],
	['no zone at all', ['stats'], {CF_ZONE: undefined}],
	['an MX record', ['dns', 'add', 'MX', 'www', 'mail.example.com']],
	['A content that is a host name', ['dns', 'add', 'A', 'www', 'example.com']],
	['A content that is IPv6', ['dns', 'add', 'A', 'www', '2001:db8::1']],
	['CNAME content that is an IP', ['dns', 'add', 'CNAME', 'www', '203.0.113.7']],
	['a name with a space', ['dns', 'add', 'A', 'w w', '203.0.113.7']],
	['a name with a trailing dot', ['dns', 'add', 'A', 'www.', '203.0.113.7']],
	['an over-long label', ['dns', 'add', 'A', 'a'.repeat(64), '203.0.113.7']],
	['a unicode name', ['dns', 'add', 'A', 'bücher', '203.0.113.7']],
	['a control character in a name', ['dns', 'add', 'A', 'w\u0007w', '203.0.113.7']],
	['a TTL under 120', ['dns', 'add', 'A', 'www', '203.0.113.7', '--ttl', '60']],
	['an edit that changes nothing', ['dns', 'edit', '10000001']],
	['both --proxied and --no-proxied', ['dns', 'edit', '10000001', '--proxied', '--no-proxied']],
	['a bad record id', ['dns', 'edit', '../etc', '--ttl', '300']],
	['rm of a name with a space', ['dns', 'rm', 'bad name']],
	['update-ip to a host name', ['dns', 'update-ip', 'example.com', 'www.example.com']],
	['update-ip to IPv6', ['dns', 'update-ip', '2001:db8::1', 'www.example.com']],
	['update-ip of a bad host', ['dns', 'update-ip', '203.0.113.7', 'www example.com']],
	['update-ip of a host twice', ['dns', 'update-ip', '203.0.113.7', 'www.example.com', 'WWW.example.com']],
	['report-spam without its flags', ['report-spam', '--author', 'A']],
	['spam content over 100 characters', ['report-spam', '--author', 'A', '--author-email', 'a@example.org', '--ip', '203.0.113.7', '--content', 'x'.repeat(101)]],
	['spam from a bad email', ['report-spam', '--author', 'A', '--author-email', 'nobody', '--ip', '203.0.113.7', '--content', 'x']],
	['an unknown option', ['stats', '--bogus']],
	['a missing argument', ['ban']],
	['an extra argument', ['ban', '203.0.113.7', '203.0.113.8']],
	['a key on the command line', ['stats', '--key', 'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9']],
	['plain http to a remote host', ['stats', '--endpoint', 'http://www.cloudflare.com']],
	['a bad timeout', ['stats', '--timeout', '0']],
	['a bad email', ['stats'], {CF_API_EMAIL: 'ops at example.com'}],
];

describe('validation: exit 2, one sentence, nothing sent', () => {
	it.each(bad)('%s', async (_label, argv, extraEnv = {}) => {
		const before = callsSeen(emu);
		const capture = captureIo({...env, ...extraEnv});
		const code = await commandMain(argv[0]!, argv.slice(1), capture.io);
		transcript.push(capture.stdout(), capture.stderr());
		expect(code).toBe(2);
		expect(capture.stdout()).toBe('');
		const lines = capture.stderr().split('\n').filter(Boolean);
		expect(lines).toHaveLength(1);
		expect(lines[0]!.length).toBeLessThan(260);
		expect(lines[0]).toMatch(/\.$/);
		expect(lines[0]).not.toMatch(/[\u0000-\u001f]/);
		expect(callsSeen(emu)).toBe(before);
	});
});

describe('secrets', () => {
	it('no output of this file ever held the key', () => expectKeyNeverPrinted(emu.key));
});
