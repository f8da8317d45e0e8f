import {BlockList} from 'node:net';
import {describe, expect, it} from 'vitest';
import {createGuard, sshClientAddress} from '../../source/actions/guard.js';

describe('never-ban guard', () => {
	it('guards the SSH client address from SSH_CONNECTION or SSH_CLIENT', () => {
		expect(sshClientAddress({SSH_CONNECTION: '198.51.100.23 50122 10.0.0.5 22'})).toBe('198.51.100.23');
		expect(sshClientAddress({SSH_CLIENT: '2001:db8::7 50122 22'})).toBe('2001:db8::7');
		expect(sshClientAddress({})).toBeUndefined();
		const guard = createGuard([], {SSH_CLIENT: '198.51.100.23 50122 22'});
		expect(guard.check('198.51.100.23')).toMatch(/SSH session/);
		expect(guard.check('198.51.100.24')).toBeUndefined();
	});

	it('guards --never-ban addresses and CIDR ranges, IPv4 and IPv6', () => {
		const guard = createGuard(['203.0.113.0/24,192.0.2.9', '2001:db8:1::/48'], {});
		expect(guard.check('203.0.113.77')).toMatch(/never-ban/);
		expect(guard.check('203.0.114.1')).toBeUndefined();
		expect(guard.check('192.0.2.9')).toMatch(/never-ban/);
		expect(guard.check('192.0.2.10')).toBeUndefined();
		expect(guard.check('2001:db8:1:ffff::1')).toMatch(/never-ban/);
		expect(guard.check('2001:db8:2::1')).toBeUndefined();
		expect(guard.check('not-an-ip')).toBeUndefined();
	});

	it.each([
		['10.0.0.0/8', '10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0'],
		['192.0.2.7/24', '192.0.2.0', '192.0.2.255', '192.0.1.255', '192.0.3.0'],
		['198.51.100.7/32', '198.51.100.7', '198.51.100.7', '198.51.100.6', '198.51.100.8'],
		['2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::'],
		['2001:DB8:0:0::1/128', '2001:db8::1', '2001:0DB8::0001', '2001:db8::0', '2001:db8::2'],
		['fe80::/10', 'fe80::', 'febf:ffff::1', 'fe7f:ffff::1', 'fec0::'],
	])('%s: guards its first and last address, not the ones either side', (pattern, first, last, before, after) => {
		const guard = createGuard([pattern], {});
		expect(guard.check(first)).toMatch(/never-ban/);
		expect(guard.check(last)).toMatch(/never-ban/);
		expect(guard.check(before)).toBeUndefined();
		expect(guard.check(after)).toBeUndefined();
	});

	it('keeps entries in canonical form and guards IPv4-mapped IPv6 addresses by their IPv4 range', () => {
		const guard = createGuard(['2001:DB8:0::1/48', '10.0.0.0/8'], {SSH_CLIENT: '2001:DB8::5 4000 22'});
		expect(guard.entries.map(entry => entry.pattern)).toEqual(['2001:db8::5', '2001:db8::1/48', '10.0.0.0/8']);
		expect(guard.check('::ffff:10.1.2.3')).toMatch(/never-ban/);
		expect(guard.check('::ffff:11.1.2.3')).toBeUndefined();
		expect(guard.check('2001:db8::5')).toMatch(/SSH session/);
	});

	it('refuses a malformed --never-ban entry instead of silently guarding nothing', () => {
		expect(() => createGuard(['203.0.113.300'], {})).toThrow(/"203\.0\.113\.300" is not an IP address/);
		expect(() => createGuard(['203.0.113.0/33'], {})).toThrow(/invalid prefix length/);
		expect(() => createGuard(['example.com'], {})).toThrow(/not an IP address/);
		expect(() => createGuard(['2001:db8::/129'], {})).toThrow(/"2001:db8::\/129" has an invalid prefix length/);
		expect(() => createGuard(['10.0.0.0/8/8'], {})).toThrow(/"10\.0\.0\.0\/8\/8"/);
	});

	it('answers for IPv4 exactly as node:net BlockList does, at every prefix length', () => {
		const patterns = ['0.0.0.0/0', '10.0.0.0/8', '172.16.0.0/12', '192.168.128.0/17', '198.51.100.7/31', '203.0.113.9/32', '100.64.3.3'];
		const guard = createGuard(patterns, {});
		const reference = new BlockList();
		const narrow = createGuard(patterns.slice(1), {});
		for (const pattern of patterns.slice(1)) {
			const [address, prefix] = pattern.split('/');
			if (prefix === undefined) reference.addAddress(address);
			else reference.addSubnet(address, Number(prefix));
		}
		let seed = 7;
		const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
		for (let index = 0; index < 5000; index++) {
			const ip = index % 2 ? `${next()}.${next()}.${next()}.${next()}` : `${[10, 172, 192, 198, 203, 100][index % 6]}.${next() % 32 + (index % 3 === 0 ? 16 : 0)}.${next()}.${next()}`;
			expect(narrow.check(ip) !== undefined, ip).toBe(reference.check(ip));
			expect(guard.check(ip)).toMatch(/never-ban/);
		}
	});
});

