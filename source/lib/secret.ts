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
 * Replaces every occurrence of each secret (and its URL-encoded form) in `text`. Used on anything
 * derived from the wire, URLs and error causes before it reaches a message.
 */
export function scrub(text: string, secrets: ReadonlyArray<Secret | string>): string {
	let result = text;
	for (const secret of secrets) {
		const value = typeof secret === 'string' ? secret : secret.reveal();
		// Very short values would mangle ordinary text and cannot be a real key anyway.
		if (value.length < 4) continue;
		for (const form of new Set([value, encodeURIComponent(value), encodeURIComponent(value).replaceAll('%20', '+')])) {
			result = result.split(form).join(redacted);
		}
	}
	return result;
}
