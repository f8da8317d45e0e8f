/**
 * The DNS record rules per API: v1's are validate.ts's, unchanged; v4's add types, TTLs, priorities and
 * comments; a structured record's zone-file content and v4's `data` convert both ways without loss.
 */
import {describe, expect, it} from 'vitest';
import {checkAnyContentFor, checkContentFor, checkRecordComment, checkRecordTtl, checkRecordTypeIn, contentFormat, formatRecordData, isStructuredType, parseRecordData} from '../../source/lib/dns-records.js';
import {checkRecordContent, checkTtl} from '../../source/lib/validate.js';

describe('v1 keeps its rules', () => {
	it.each([
		['A', '203.0.113.7'],
		['A', 'example.com'],
		['CNAME', '203.0.113.7'],
		['TXT', 'x'.repeat(256)],
		['MX', 'mail.example.com'],
	])('%s %j: the same answer as validate.ts', (type, content) => {
		expect(checkContentFor(type, content, 'v1')).toBe(checkRecordContent(type, content));
	});

	it('TTL and the any-type bound', () => {
		for (const ttl of [1, 60, 119, 120, 86_401, 4294967295]) expect(checkRecordTtl(ttl, 'v1')).toBe(checkTtl(ttl));
		expect(checkAnyContentFor('x'.repeat(256), 'v1')).toBeDefined();
		expect(checkAnyContentFor('x'.repeat(4096), 'v4')).toBeUndefined();
		expect(checkAnyContentFor('x'.repeat(4097), 'v4')).toBeDefined();
	});
});

describe('v4 rules', () => {
	it('types: one of the list, named in the refusal', () => {
		expect(checkRecordTypeIn('MX', ['A', 'MX'], 'v4')).toBeUndefined();
		expect(checkRecordTypeIn('MX', ['A', 'CNAME'], 'v1')).toBe('"MX" is not a record type flarewatch creates on API v1 (A or CNAME)');
	});

	it('comments: 100 characters on one line', () => {
		expect(checkRecordComment('c'.repeat(100))).toBeUndefined();
		expect(checkRecordComment('c'.repeat(101))).toMatch(/at most 100/);
		expect(checkRecordComment('a\rb')).toMatch(/control/);
	});

	it('TTL: 1 or 60..86400', () => {
		expect([1, 60, 86_400].map(ttl => checkRecordTtl(ttl, 'v4'))).toEqual([undefined, undefined, undefined]);
		expect([0, 59, 86_401, 1.5].every(ttl => checkRecordTtl(ttl, 'v4') !== undefined)).toBe(true);
	});
});

describe('structured types', () => {
	const examples: Array<[string, string]> = [
		['SRV', '5 5060 sip.example.com'],
		['URI', '1 "https://example.com/a b"'],
		['CAA', '128 iodef "mailto:security@example.com"'],
		['CERT', '1 12345 8 MIIBCgKC'],
		['DNSKEY', '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0d'],
		['DS', '2371 13 2 1f987cc6583e92df'],
		['HTTPS', '1 . alpn="h3,h2" ipv4hint="192.0.2.1"'],
		['SVCB', '0 svc.example.com'],
		['NAPTR', '100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!" .'],
		['SMIMEA', '3 1 1 0e7a9b'],
		['TLSA', '3 1 2 0e7a9b'],
		['SSHFP', '4 2 9a8b7c6d'],
		['LOC', '51 30 12.748 N 0 7 39.611 W -10.5m 2m 100m 5m'],
	];

	it.each(examples)('%s %j: data and back, the same data', (type, content) => {
		expect(isStructuredType(type)).toBe(true);
		expect(contentFormat(type)).toMatch(/, e\.g\. /);
		const data = parseRecordData(type, content);
		expect(typeof data).toBe('object');
		const text = formatRecordData(type, data);
		expect(text).toBeDefined();
		expect(parseRecordData(type, text!)).toEqual(data);
	});

	it.each<[string, string, RegExp]>([
		['SRV', '5 5060 sip.example.com extra', /has more than weight, port, target: "extra"/],
		['SRV', '5 -1 sip.example.com', /port "-1" is not a whole number from 0 to 65535/],
		['SRV', '5 5060 192.0.2.1', /target "192\.0\.2\.1" is an IP address/],
		['CAA', '0 "issue" ca.example', /tag "issue" is not issue, issuewild or iodef/],
		['CAA', '256 issue ca.example', /flags "256" is not a whole number from 0 to 255/],
		['URI', '1 ""', /target is empty/],
		['LOC', '51 30 N 0 W', /has no altitude/],
		['LOC', '51 60 N 0 W 0m', /latitude "51 60" is not degrees/],
		['LOC', '51 N 181 E 0m', /longitude "181"/],
		['SSHFP', '7 2 9a8b', /algorithm "7" is not a whole number from 1 to 6/],
		['CERT', '1 2 3 not*base64', /not base64/],
		['SRV', 'x\u001b[2J', /control characters/],
	])('%s %j refused: %s', (type, content, problem) => {
		expect(parseRecordData(type, content)).toMatch(problem);
		expect(checkContentFor(type, content, 'v4')).toMatch(problem);
	});

	it('data the API answers with a part missing is not formatted (the API’s own content is shown)', () => {
		expect(formatRecordData('SRV', {weight: 5, port: 5060})).toBeUndefined();
		expect(formatRecordData('LOC', {lat_degrees: 1})).toBeUndefined();
		expect(formatRecordData('SRV', null)).toBeUndefined();
	});
});
