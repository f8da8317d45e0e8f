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
});
