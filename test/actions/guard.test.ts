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

	it('refuses a malformed --never-ban entry instead of silently guarding nothing', () => {
		expect(() => createGuard(['203.0.113.300'], {})).toThrow(/"203\.0\.113\.300" is not an IP address/);
		expect(() => createGuard(['203.0.113.0/33'], {})).toThrow(/invalid prefix length/);
		expect(() => createGuard(['example.com'], {})).toThrow(/not an IP address/);
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

