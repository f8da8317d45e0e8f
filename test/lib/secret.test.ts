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

/** Keys with every character whose encodings differ between encoders, and non-ASCII ones. */
const keys = [
	'Flw+Secr3t/Key=Zq9&x%7e_0451',
	"a b+c/d=e&f%g~h*i'j(k)l!m",
	'ключ-Ünïcødé-straße-😀-Key',
	'quote"back\\slash/key 1234',
	'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9',
];

const percentAll = (text: string) => [...Buffer.from(text, 'utf8')].map(byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
const jsonInner = (text: string) => JSON.stringify(text).slice(1, -1);

/** How a key can appear on the wire or in a server's echo of it. */
const encoders: Record<string, (text: string) => string> = {
	raw: text => text,
	encodeURIComponent: text => encodeURIComponent(text),
	'URLSearchParams (form)': text => new URLSearchParams({k: text}).toString().slice(2),
	'every byte percent-encoded': percentAll,
	'JSON string': jsonInner,
	'JSON with escaped slashes': text => jsonInner(text).replaceAll('/', '\\/'),
	'JSON inside JSON': text => jsonInner(jsonInner(text)),
	'JSON with escaped slashes inside JSON': text => jsonInner(jsonInner(text).replaceAll('/', '\\/')),
	'percent-encoded twice': text => encodeURIComponent(encodeURIComponent(text)),
	'HTML escaped': text => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;'),
	'HTML numeric references': text => [...text].map(character => `&#x${character.codePointAt(0)!.toString(16)};`).join(''),
	'JSON, ASCII only': text => jsonInner(text).replace(/[^\u0000-\u007f]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`),
};

/** The case a server may turn the key or its encoding into. */
const cases: Record<string, (text: string) => string> = {
	as: text => text,
	upper: text => text.toUpperCase(),
	lower: text => text.toLowerCase(),
};

describe('scrub: every encoding × every letter case × awkward keys', () => {
	for (const key of keys) {
		it(`masks ${JSON.stringify(key)} in every form`, () => {
			const secret = new Secret(key);
			for (const [encoding, encode] of Object.entries(encoders)) {
				for (const [caseName, change] of Object.entries(cases)) {
					// Both orders: the key's case changed before encoding, and the encoded text's after.
					for (const form of new Set([encode(change(key)), change(encode(key))])) {
						const label = `${encoding}, ${caseName}: ${form}`;
						expect(scrub(`before ${form} after`, [secret]), label).toBe('before [redacted] after');
						expect(scrub(`${form}${form}`, [key]), label).toBe('[redacted][redacted]');
					}
				}
			}
		});
	}

	it('leaves other text alone, a near miss included', () => {
		const key = keys[0]!;
		const near = `${key.slice(0, -1)}X`;
		for (const text of ['nothing to hide', near, encodeURIComponent(near), 'Flw+Secr3t/Key=Zq9&x%7e_045']) expect(scrub(text, [key])).toBe(text);
		// Too short to be a key: never matched, so ordinary words survive.
		expect(scrub('abc abc', ['abc'])).toBe('abc abc');
	});

	it('a masked JSON string stays valid JSON', () => {
		const key = keys[3]!;
		const body = JSON.stringify({msg: `bad key ${key}`, request: {tkn: key}});
		const parsed = JSON.parse(scrub(body, [key])) as {msg: string; request: {tkn: string}};
		expect(parsed).toEqual({msg: 'bad key [redacted]', request: {tkn: '[redacted]'}});
	});
});
