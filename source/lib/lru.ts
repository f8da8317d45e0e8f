/**
 * Remembers up to `limit` computed answers by key; when full, the one used longest ago goes first
 * (a Map iterates in insertion order, so a hit moves its entry to the back). Used by the bundle's
 * Ink Output and widest-line (source/term/), whose limits hold a few frames' worth, so a day of
 * changing numbers does not fill memory with old lines.
 */
export class Lru<Value> {
	readonly #entries = new Map<string, Value>();

	constructor(private readonly limit: number) {}

	get(key: string, compute: () => Value): Value {
		const value = this.find(key) ?? compute();
		this.set(key, value);
		return value;
	}

	/** The remembered answer, if any (without computing one). */
	find(key: string): Value | undefined {
		return this.#entries.get(key);
	}

	set(key: string, value: Value): void {
		if (this.#entries.has(key)) {
			// Used again: to the back of the line (a Map iterates in insertion order).
			this.#entries.delete(key);
		} else if (this.#entries.size >= this.limit) {
			const oldest = this.#entries.keys().next();
			if (oldest.done !== true) this.#entries.delete(oldest.value);
		}
		this.#entries.set(key, value);
	}
}
