import {describe, expect, it} from 'vitest';
import {canonicalIp, isBannable, specialAddress} from '../../source/lib/ip.js';
import {checkIpOrRange, checkRuleTarget} from '../../source/lib/validate.js';

describe('canonicalIp', () => {
	it.each([
		['203.0.113.7', '203.0.113.7'],
		['0.0.0.0', '0.0.0.0'],
		['2001:DB8::1', '2001:db8::1'],
		['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
		['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
		['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
		['0:0:0:0:0:0:0:0', '::'],
		['::1', '::1'],
		['1::', '1::'],
		['FE80::A', 'fe80::a'],
		['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
		['::FFFF:c000:0201', '::ffff:192.0.2.1'],
		['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
	])('%s → %s', (text, canonical) => {
		expect(canonicalIp(text)).toBe(canonical);
	});

	it.each([
		'999.1.1.1',
		'203.0.113.66\u200b',
		'\u200b203.0.113.66',
		'203.0.113.66\u001b[2J',
		'010.0.0.1',
		'1.2.3',
		'1.2.3.4.5',
		'',
		'1:2:3:4:5:6:7:8:9',
		'1::2::3',
		'1:2:3:4:5:6:7::8',
		'12345::1',
		'fe80::1%eth0',
		'::ffff:1.2.3.04',
		'2001:db8::/32',
		'g::1',
	])('%j does not parse', text => {
		expect(canonicalIp(text)).toBeUndefined();
		expect(isBannable(text)).toBe(false);
	});
});

describe('addresses no visitor can have', () => {
	it.each([
		['0.0.0.0', 'unspecified'],
		['::', 'unspecified'],
		['127.0.0.1', 'loopback'],
		['127.255.255.254', 'loopback'],
		['::1', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['255.255.255.255', 'broadcast'],
		['224.0.0.1', 'multicast'],
		['239.255.255.255', 'multicast'],
		['ff02::1', 'multicast'],
		['FF0E::1', 'multicast'],
		['169.254.0.1', 'link-local'],
		['169.254.255.255', 'link-local'],
		['fe80::1', 'link-local'],
		['febf:ffff::1', 'link-local'],
	])('%s is %s: refused for ban and whitelist', (ip, kind) => {
		expect(specialAddress(canonicalIp(ip)!)).toContain(kind);
		expect(isBannable(ip)).toBe(false);
		expect(checkRuleTarget(ip, 'ban')).toContain(kind);
		expect(checkRuleTarget(ip, 'whitelist')).toContain(kind);
	});

	it.each(['0.0.0.1', '126.255.255.255', '128.0.0.0', '223.255.255.255', '240.0.0.1', '255.255.255.254', '169.253.255.255', '169.255.0.0', '203.0.113.7', '::2', 'fec0::1', 'fe7f::1', 'fe00::1', '2001:db8::1', '::ffff:203.0.113.7'])(
		'%s is an ordinary address (the edges of each class)',
		ip => {
			expect(specialAddress(canonicalIp(ip)!)).toBeUndefined();
			expect(isBannable(ip)).toBe(true);
			expect(checkRuleTarget(ip, 'ban')).toBeUndefined();
		},
	);

	it('names what is wrong, quoted', () => {
		expect(checkRuleTarget('127.0.0.1', 'ban')).toBe('"127.0.0.1" is a loopback address; no visitor comes from it, so it is not banned');
		expect(checkRuleTarget('203.0.113.66\u200b', 'ban')).toMatch(/not an IP address/);
		expect(checkRuleTarget('10.0.0.0/8', 'ban')).toMatch(/network range/);
	});
});

describe('never-ban entries', () => {
	it.each(['10.0.0.0/8', '10.0.0.0/0', '10.0.0.0/32', '192.0.2.7/24', '192.0.2.7', '2001:db8::/32', '2001:db8::/128', '::/0', 'fe80::1'])('%s is accepted', entry => {
		expect(checkIpOrRange(entry)).toBeUndefined();
	});
	it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0/8', 'example.com/8', '10.0.0.0/ 8', '10.0.0.0/0x8'])('%j is refused, named', entry => {
		expect(checkIpOrRange(entry)).toContain(JSON.stringify(entry));
	});
});

describe('canonical IPv6 agrees with the WHATWG URL serialiser (RFC 5952)', () => {
	it('for 500 addresses with runs of zero groups', () => {
		let seed = 7;
		const random = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		for (let round = 0; round < 500; round++) {
			const groups = Array.from({length: 8}, () => (random(3) === 0 ? random(65536) : 0));
			if (groups.slice(0, 6).join() === '0,0,0,0,0,65535') continue;
			const full = groups.map(group => group.toString(16).toUpperCase().padStart(random(2) ? 4 : 1, '0')).join(':');
			expect(canonicalIp(full), full).toBe(new URL(`http://[${full}]/`).hostname.slice(1, -1));
		}
	});
});
