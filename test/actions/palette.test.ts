import {describe, expect, it} from 'vitest';
import {parsePalette, qualify} from '../../source/actions/palette.js';

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
