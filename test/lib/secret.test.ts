import {inspect} from 'node:util';
import {describe, expect, it} from 'vitest';
import {scrub, Secret} from '../../source/lib/secret.js';

describe('Secret', () => {
	const value = 'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9';
	const secret = new Secret(value);

	it('never shows the key by accident', () => {
		const shown = [String(secret), `${secret}`, JSON.stringify({secret}), inspect(secret), inspect({nested: {secret}}, {depth: 5, showHidden: true}), secret.toString()].join('\n');
		expect(shown).not.toContain(value);
		expect(secret.reveal()).toBe(value);
	});

	it('scrubs plain and URL-encoded forms', () => {
		const odd = new Secret('a+b/c d==');
		expect(scrub(`x ${value} y`, [secret])).toBe('x [redacted] y');
		expect(scrub('tkn=a%2Bb%2Fc+d%3D%3D&u=1', [odd])).toBe('tkn=[redacted]&u=1');
	});
});
