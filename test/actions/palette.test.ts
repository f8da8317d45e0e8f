import {describe, expect, it} from 'vitest';
import {parsePalette, qualify} from '../../source/actions/palette.js';
import {v4Capabilities} from '../../source/v4/backend.js';

const zone = {name: 'example.com', id: '1001'};
const context = {zone, zones: ['example.com', 'example.net']};
const parse = (input: string) => parsePalette(input, context);

describe('command palette', () => {
	it.each([
		[':ban 203.0.113.7', {type: 'action', request: {kind: 'ban', ip: '203.0.113.7'}}],
		['wl 2001:db8::1', {type: 'action', request: {kind: 'whitelist', ip: '2001:db8::1'}}],
		[':unban 203.0.113.7', {type: 'action', request: {kind: 'clear-rule', ip: '203.0.113.7'}}],
		[':sec high', {type: 'action', request: {kind: 'security-level', zone, level: 'high'}}],
		[':sec HELP', {type: 'action', request: {kind: 'security-level', zone, level: 'help'}}],
		[':dev off', {type: 'action', request: {kind: 'dev-mode', zone, on: false}}],
		[':cache basic', {type: 'action', request: {kind: 'cache-level', zone, level: 'basic'}}],
		[':ipv6 on', {type: 'action', request: {kind: 'ipv6', zone, on: true}}],
		[':purge', {type: 'action', request: {kind: 'purge', zone}}],
		[':grab', {type: 'action', request: {kind: 'snapshot', zone}}],
		[':lookup 1.2.3.4', {type: 'action', request: {kind: 'lookup', ip: '1.2.3.4'}}],
		[':zone EXAMPLE.NET', {type: 'zone', name: 'example.net'}],
		[':dns add A www 203.0.113.7 --proxied', {type: 'action', request: {kind: 'dns-add', zone, record: {type: 'A', name: 'www', content: '203.0.113.7', ttl: 1, proxied: true}}}],
		[':dns add cname blog ghs.example.org --ttl=300', {type: 'action', request: {kind: 'dns-add', zone, record: {type: 'CNAME', name: 'blog', content: 'ghs.example.org', ttl: 300, proxied: false}}}],
		[':dns rm www', {type: 'action', request: {kind: 'dns-delete-name', zone, fqdn: 'www.example.com'}}],
		[':dns update-ip 192.0.2.10 www.example.com api.example.com', {type: 'action', request: {kind: 'dns-update-ip', ip: '192.0.2.10', hosts: ['www.example.com', 'api.example.com']}}],
		[':lockdown', {type: 'lockdown'}],
		[':unlock', {type: 'unlock'}],
		[':attack', {type: 'attack-toggle'}],
		[':q', {type: 'quit'}],
	])('%s', (input, command) => {
		expect(parse(input)).toEqual({ok: true, command});
	});

	it.each([
		[':ban 203.0.113.0/24', /network range/],
		[':ban 203.0.113.300', /not an IP address/],
		[':ban', /takes one IP address/],
		[':ban 1.2.3.4 5.6.7.8', /takes one IP address/],
		[':sec panic', /"panic" is not a security level; use help\|high\|med\|low\|eoff/],
		[':dev maybe', /takes on or off/],
		[':zone example.org', /not one of the watched zones \(example.com, example.net\)/],
		[':dns add A www 2001:db8::1', /not an IPv4 address/],
		[':dns add CNAME www 203.0.113.7', /IP address; a CNAME points at a host name/],
		[':dns add MX www mail.example.com', /not a record type/],
		[':dns add A "bad name" 1.2.3.4', /usage|label/],
		[':dns add A www 1.2.3.4 --ttl=60', /not a TTL/],
		[':dns add A www 1.2.3.4 --force', /unknown option/],
		[':dns rm www.example.com.', /ends with a dot/],
		[':purge now', /takes no arguments/],
		[':frobnicate', /unknown command "frobnicate"/],
		[':ban 1.2.3.4\u001b[2J', /control characters/],
		[`:ban ${'9'.repeat(100_000)}`, /at most 1024/],
		['', /type a command/],
	])('refuses %s with a clear message', (input, message) => {
		const result = parse(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(message);
	});

	it('qualifies record names against the zone', () => {
		expect(qualify('www', 'example.com')).toBe('www.example.com');
		expect(qualify('@', 'example.com')).toBe('example.com');
		expect(qualify('WWW.Example.com', 'example.com')).toBe('www.example.com');
	});
});

describe(':dns add on API v4 (every type the API lists)', () => {
	const v4 = (input: string) => parsePalette(input, {...context, capabilities: v4Capabilities});

	it.each([
		[':dns add MX @ mx.example.net --priority=10 --comment=mail relay, ticket 42', {type: 'MX', name: '@', content: 'mx.example.net', ttl: 1, proxied: false, prio: 10, comment: 'mail relay, ticket 42'}],
		[':dns add CAA @ 0 issue "letsencrypt.org" --ttl=3600', {type: 'CAA', name: '@', content: '0 issue "letsencrypt.org"', ttl: 3600, proxied: false}],
		[':dns add aaaa www 2001:db8::1 --proxied', {type: 'AAAA', name: 'www', content: '2001:db8::1', ttl: 1, proxied: true}],
		[':dns add TXT @ v=spf1 include:_spf.example.net ~all', {type: 'TXT', name: '@', content: 'v=spf1 include:_spf.example.net ~all', ttl: 1, proxied: false}],
	])('%s', (input, record) => {
		expect(v4(input)).toEqual({ok: true, command: {type: 'action', request: {kind: 'dns-add', zone, record}}});
	});

	it.each([
		[':dns add MX @ mx.example.net', /MX needs --priority/],
		[':dns add A www 203.0.113.7 --priority=5', /--priority is for MX, SRV and URI/],
		[':dns add TXT @ hello --proxied', /proxies A, AAAA and CNAME/],
		[':dns add A www 203.0.113.7 --ttl=30', /not a TTL; use 1 \(automatic\) or 60 to 86400/],
		[':dns add SPF @ v=spf1', /"SPF" is not a record type flarewatch creates on API v4/],
		[`:dns add A www 203.0.113.7 --comment=${'x'.repeat(101)}`, /--comment: .*100/],
		[':dns add MX @ mx.example.net --priority=70000', /--priority/],
	])('refuses %s', (input, message) => {
		const result = v4(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(message);
	});

	it('v1 keeps its A and CNAME and refuses the v4 options', () => {
		expect(parse(':dns add MX @ mx.example.net --priority=10')).toMatchObject({ok: false, error: expect.stringMatching(/unknown option "--priority=10"/)});
		expect(parse(':dns add TXT @ hello')).toMatchObject({ok: false, error: expect.stringMatching(/not a record type this console creates \(A or CNAME\)/)});
	});
});
