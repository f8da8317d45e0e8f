import {inspect} from 'node:util';

const redacted = '[redacted]';

/**
 * The API key, wrapped so that it cannot leak by accident: string conversion, JSON, `util.inspect`
 * and template literals all print `[redacted]`. Only `reveal()` hands out the value, and only the
 * transport calls it, when it builds a request body.
 */
export class Secret {
	readonly #value: string;

	constructor(value: string) {
		this.#value = value;
	}

	/** The key itself: for the request body, and for scrubbing text before it is shown. */
	reveal(): string {
		return this.#value;
	}

	/** True when there is a non-empty key. */
	get isSet(): boolean {
		return this.#value.length > 0;
	}

	toString(): string {
		return redacted;
	}

	toJSON(): string {
		return redacted;
	}

	[Symbol.toPrimitive](): string {
		return redacted;
	}

	[inspect.custom](): string {
		return `Secret(${redacted})`;
	}
}

/**
 * Replaces every occurrence of each secret in `text`, in any form it can take on the wire or in a
 * server's echo: raw, percent-encoded (encodeURIComponent, or the form encoding of URLSearchParams
 * with `+` for a space, or every byte encoded, or more than once), JSON-escaped (`\"`, `\/`, `\uXXXX`,
 * once or more), as HTML character references, with hex digits and the key's own letters in any
 * case, and any mix of these character by character. Used where
 * server text enters (the transport) and again on every message before it is shown or written.
 */
export function scrub(text: string, secrets: ReadonlyArray<Secret | string>): string {
	let result = text;
	for (const secret of secrets) {
		const value = typeof secret === 'string' ? secret : secret.reveal();
		// Very short values would mangle ordinary text and cannot be a real key anyway.
		if (value.length < 4) continue;
		result = result.replace(matcherFor(value), redacted);
	}
	return result;
}

/** Compiled matchers by key: scrub runs on every answer, the key rarely changes. */
const matchers = new Map<string, RegExp>();

function matcherFor(value: string): RegExp {
	let matcher = matchers.get(value);
	if (!matcher) {
		matcher = new RegExp([...value].map(character => `(?:${characterForms(character).join('|')})`).join(''), 'giu');
		// A handful of keys per process; the bound only guards against a caller scrubbing many values.
		if (matchers.size > 32) matchers.clear();
		matchers.set(value, matcher);
	}
	return matcher;
}

/**
 * Every way one character of the key can be written, as regex alternatives, longest first so that
 * an escape is consumed whole. Case-insensitive matching covers letter case and hex digit case;
 * the upper- and lower-case variants are listed too for letters whose case change is not one to one
 * (ß → SS).
 */
function characterForms(character: string): string[] {
	const forms = new Set<string>();
	for (const variant of new Set([character, character.toUpperCase(), character.toLowerCase()])) {
		// Percent-encoding of the UTF-8 bytes: what encodeURIComponent does for reserved characters
		// and what a server may do for all of them; (25)* is the same encoded again, once or more.
		forms.add([...Buffer.from(variant, 'utf8')].map(byte => `%(?:25)*${byte.toString(16).padStart(2, '0')}`).join(''));
		// JSON's \uXXXX, one per UTF-16 unit (a surrogate pair beyond the BMP), after one backslash or
		// more: JSON text put in a JSON string again escapes the escape.
		forms.add(
			Array.from({length: variant.length}, (_, index) => `\\\\+u${variant.charCodeAt(index).toString(16).padStart(4, '0')}`).join(''),
		);
		// JSON's short escapes, PHP's escaped slash among them, escaped any number of times.
		if (variant === '"' || variant === '\\' || variant === '/') forms.add(`\\\\+${escapeRegex(variant)}`);
		// An HTML error page's character references, named and numeric.
		const named = htmlNames.get(variant);
		if (named) forms.add(named);
		forms.add([...variant].map(unit => `&#(?:0*${unit.codePointAt(0)}|x0*${unit.codePointAt(0)!.toString(16)});`).join(''));
		// Form encoding writes a space as '+'.
		if (variant === ' ') forms.add('\\+');
		forms.add(escapeRegex(variant));
	}
	return [...forms].sort((a, b) => b.length - a.length);
}

const htmlNames: ReadonlyMap<string, string> = new Map([
	['&', '&amp;'],
	['<', '&lt;'],
	['>', '&gt;'],
	['"', '&quot;'],
	["'", '&apos;'],
]);

function escapeRegex(text: string): string {
	// Only the syntax characters and '/': the 'u' flag refuses needless escapes such as \-.
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
