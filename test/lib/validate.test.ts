import {describe, expect, it} from 'vitest';
import {FlarewatchError} from '../../source/errors.js';
import {asnValue, checkEmail, checkHostname, checkIp, checkIpv4, checkIpv6, checkPurgeUrl, checkRecordContent, checkRecordName, checkRuleRange, checkText, checkTtl, checkZoneName, isNameInZone, parseIntegerIn, validated} from '../../source/lib/validate.js';

const longLabel = 'a'.repeat(64);
const paste = 'x'.repeat(100 * 1024);

describe('addresses', () => {
	it.each([
		['203.0.113.7', true],
		['0.0.0.0', true],
		['255.255.255.255', true],
		['256.1.1.1', false],
		['1.2.3', false],
		['01.2.3.4', false],
		['1.2.3.4/24', false],
		[' 1.2.3.4', false],
		['1.2.3.4\n', false],
		['::1', false],
		['', false],
	])('IPv4 %j → %s', (value, ok) => expect(checkIpv4(value) === undefined).toBe(ok));

	it.each([
		['::1', true],
		['2001:db8::7', true],
		['2001:0db8:0000:0000:0000:ff00:0042:8329', true],
		['::ffff:192.0.2.1', true],
		['fe80::1%eth0', false],
		['2001:db8::/32', false],
		['2001:db8:::1', false],
		['1.2.3.4', false],
		['gggg::1', false],
	])('IPv6 %j → %s', (value, ok) => expect(checkIpv6(value) === undefined).toBe(ok));

	it('names a network range as such', () => {
		expect(checkIp('10.0.0.0/8')).toMatch(/network range/);
		expect(checkIp('2001:db8::/32')).toMatch(/network range/);
		expect(checkIp(paste)).toBeDefined();
	});
});

describe('names', () => {
	it.each([
		['example.com', true],
		['www.example.com', true],
		['xn--bcher-kva.example', true],
		['_dmarc.example.com', true],
		['a-b.example.com', true],
		['example.com.', false],
		['exa mple.com', false],
		['bücher.example', false],
		['-a.example.com', false],
		['a-.example.com', false],
		[`${longLabel}.com`, false],
		['a..b.com', false],
		[`${'a.'.repeat(127)}com`, false],
		['203.0.113.7', false],
		['example.123', false],
		['ex\u001bample.com', false],
		['', false],
	])('host name %j → %s', (value, ok) => expect(checkHostname(value) === undefined).toBe(ok));

	it('zones need two labels and no underscore', () => {
		expect(checkZoneName('example.com')).toBeUndefined();
		expect(checkZoneName('localhost')).toBeDefined();
		expect(checkZoneName('_x.example.com')).toBeDefined();
	});

	it.each([
		['@', true],
		['www', true],
		['*.example.com', true],
		['*', true],
		['a.b', true],
		['www.example.com', true],
		['www ', false],
		['www.', false],
		['1.2.3.4', false],
	])('record name %j → %s', (value, ok) => expect(checkRecordName(value) === undefined).toBe(ok));

	it('record content follows the type', () => {
		expect(checkRecordContent('A', '203.0.113.7')).toBeUndefined();
		expect(checkRecordContent('A', 'example.com')).toBeDefined();
		expect(checkRecordContent('A', '2001:db8::1')).toBeDefined();
		expect(checkRecordContent('CNAME', 'target.example.net')).toBeUndefined();
		expect(checkRecordContent('CNAME', '203.0.113.7')).toMatch(/IP address/);
		expect(checkRecordContent('AAAA', '2001:db8::1')).toBeUndefined();
	});
});

describe('other values', () => {
	it('ttl, text, email, integers', () => {
		expect([1, 120, 4294967295].map(checkTtl)).toEqual([undefined, undefined, undefined]);
		expect([0, 2, 119, 4294967296, 1.5].every(ttl => checkTtl(ttl) !== undefined)).toBe(true);
		expect(checkText('fine text')).toBeUndefined();
		expect(checkText('x'.repeat(101))).toMatch(/100/);
		expect(checkText('bell\u0007')).toMatch(/control/);
		expect(checkEmail('ops@example.com')).toBeUndefined();
		expect(checkEmail('ops example.com')).toBeDefined();
		expect(checkEmail('ops@')).toBeDefined();
		expect(parseIntegerIn('48', 1, 48)).toBe(48);
		expect(typeof parseIntegerIn('49', 1, 48)).toBe('string');
		expect(typeof parseIntegerIn('1e3', 1, 48)).toBe('string');
	});

	it('throws validation errors naming the field, with a bounded and inert quote', () => {
		try {
			validated('IP address', `\u001b[31m${'9'.repeat(60)}`, checkIp);
			throw new Error('expected a failure');
		} catch (error) {
			const failure = error as FlarewatchError;
			expect(failure.kind).toBe('validation');
			expect(failure.field).toBe('IP address');
			expect(failure.message).not.toContain('\u001b');
			expect(failure.message.length).toBeLessThan(120);
		}
		expect(() => validated('host', paste, checkHostname)).toThrow(/characters long/);
	});
});

describe('rule values and purge URLs, shared by the v4 adapter, the commands and the palette', () => {
	it('asnValue spells every form of an ASN one way, and refuses 0 and numbers past 32 bits', () => {
		expect(['AS13335', 'as13335', '13335', ' AS0013335 '].map(asnValue)).toEqual(['AS13335', 'AS13335', 'AS13335', 'AS13335']);
		expect(['AS0', '0', 'AS4294967296', 'ASN13335', 'AS-1', ''].map(asnValue)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
	});

	it('checkRuleRange takes IPv4 /16 and /24, IPv6 /32, /48 and /64 only', () => {
		for (const good of ['203.0.113.0/24', '198.51.0.0/16', '2001:db8::/32', '2001:db8::/48', '2001:db8::/64']) expect(checkRuleRange(good), good).toBeUndefined();
		for (const bad of ['203.0.113.0/20', '203.0.113.0', '2001:db8::/56', '203.0.113.0/24/1', 'x/24']) expect(checkRuleRange(bad), bad).toMatch(/is not a range an access rule takes/);
	});

	it('checkPurgeUrl: http(s), no credentials, and inside the zone when one is named', () => {
		expect(checkPurgeUrl('https://cdn.example.com/a.css', 'example.com')).toBeUndefined();
		expect(checkPurgeUrl('https://EXAMPLE.com/a.css', 'example.com')).toBeUndefined();
		expect(checkPurgeUrl('https://example.org/a.css')).toBeUndefined();
		expect(checkPurgeUrl('https://example.org/a.css', 'example.com')).toMatch(/is not inside example\.com/);
		expect(checkPurgeUrl('https://notexample.com/a.css', 'example.com')).toMatch(/is not inside/);
		expect(checkPurgeUrl('ftp://example.com/a', 'example.com')).toMatch(/is not an http or https URL/);
		expect(checkPurgeUrl('https://u:p@example.com/a', 'example.com')).toMatch(/user name or password/);
		expect(checkPurgeUrl('example.com/a', 'example.com')).toMatch(/is not a URL \(https:\/\/example\.com\/path\)/);
		expect(isNameInZone('www.Example.com', 'example.COM')).toBe(true);
		expect(isNameInZone('wwwexample.com', 'example.com')).toBe(false);
	});
});
