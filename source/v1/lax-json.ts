/**
 * A tolerant parser for the documentation's JSON-like examples: unquoted keys (`dev_mode: 0`,
 * `{1.0.171.33: "BAD:11"}`), single-quoted strings and trailing commas. Used only after strict
 * `JSON.parse` fails. Depth and size are bounded so hostile bodies cannot exhaust the stack.
 */

import {quote} from '../lib/validate.js';

const maxDepth = 64;

/** Thrown on a body that even the tolerant reading cannot make sense of. */
export class LaxJsonError extends Error {
	constructor(message: string, readonly position: number) {
		super(message);
		this.name = 'LaxJsonError';
	}
}

const bareKeyChar = /[^\s:,{}[\]"']/;
const numberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function parseLaxJson(text: string): unknown {
	let at = 0;

	const fail = (what: string): never => {
		throw new LaxJsonError(`${what} at offset ${at}`, at);
	};

	const skipSpace = () => {
		while (at < text.length && /\s/.test(text[at]!)) at++;
	};

	const readString = (): string => {
		const quoteChar = text[at];
		let out = '';
		at++;
		while (at < text.length) {
			const char = text[at]!;
			if (char === quoteChar) {
				at++;
				return out;
			}
			if (char === '\\') {
				const next = text[at + 1];
				if (next === undefined) break;
				const escapes: Record<string, string> = {n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"', "'": "'"};
				if (next === 'u') {
					const hex = text.slice(at + 2, at + 6);
					if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad unicode escape');
					out += String.fromCharCode(parseInt(hex, 16));
					at += 6;
					continue;
				}
				const mapped = escapes[next];
				if (mapped === undefined) fail('bad escape');
				out += mapped;
				at += 2;
				continue;
			}
			out += char;
			at++;
		}
		return fail('unterminated string');
	};

	const readBare = (): string => {
		const start = at;
		while (at < text.length && bareKeyChar.test(text[at]!)) at++;
		if (at === start) fail('unexpected character');
		return text.slice(start, at);
	};

	const readValue = (depth: number): unknown => {
		if (depth > maxDepth) fail('nesting too deep');
		skipSpace();
		const char = text[at];
		if (char === undefined) return fail('unexpected end');
		if (char === '{') return readObject(depth + 1);
		if (char === '[') return readArray(depth + 1);
		if (char === '"' || char === "'") return readString();
		const word = readBare();
		if (word === 'true') return true;
		if (word === 'false') return false;
		if (word === 'null') return null;
		if (numberPattern.test(word)) return Number(word);
		return fail(`unexpected word ${quote(word, 20)}`);
	};

	const readObject = (depth: number): Record<string, unknown> => {
		const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
		at++;
		for (;;) {
			skipSpace();
			if (text[at] === '}') {
				at++;
				return object;
			}
			const char = text[at];
			const key = char === '"' || char === "'" ? readString() : readBare();
			skipSpace();
			if (text[at] !== ':') fail('expected ":"');
			at++;
			object[key] = readValue(depth);
			skipSpace();
			if (text[at] === ',') at++;
			else if (text[at] !== '}') fail('expected "," or "}"');
		}
	};

	const readArray = (depth: number): unknown[] => {
		const array: unknown[] = [];
		at++;
		for (;;) {
			skipSpace();
			if (text[at] === ']') {
				at++;
				return array;
			}
			array.push(readValue(depth));
			skipSpace();
			if (text[at] === ',') at++;
			else if (text[at] !== ']') fail('expected "," or "]"');
		}
	};

	const value = readValue(0);
	skipSpace();
	if (at !== text.length) fail('trailing characters');
	return value;
}
