/**
 * A bounded history: it keeps the newest `capacity` items and drops the oldest. It is immutable, so
 * `push` returns a new buffer: the monitor's state stays a plain value that React can compare by
 * identity, and a history can never grow without bound however long the console runs.
 */
export class RingBuffer<T> {
	readonly capacity: number;
	readonly #items: readonly T[];

	private constructor(capacity: number, items: readonly T[]) {
		this.capacity = capacity;
		this.#items = items;
	}

	/** An empty buffer holding at most `capacity` items (at least 1). */
	static empty<T>(capacity: number): RingBuffer<T> {
		return new RingBuffer<T>(Math.max(1, Math.floor(capacity)), []);
	}

	/** A buffer holding the newest `capacity` of `items`. */
	static from<T>(capacity: number, items: readonly T[]): RingBuffer<T> {
		const cap = Math.max(1, Math.floor(capacity));
		return new RingBuffer<T>(cap, items.slice(Math.max(0, items.length - cap)));
	}

	get length(): number {
		return this.#items.length;
	}

	/** A new buffer with `item` appended, the oldest item dropped when full. */
	push(item: T): RingBuffer<T> {
		const keep = this.#items.length >= this.capacity ? this.#items.slice(this.#items.length - this.capacity + 1) : this.#items.slice();
		keep.push(item);
		return new RingBuffer<T>(this.capacity, keep);
	}

	/** The newest item. */
	last(): T | undefined {
		return this.#items[this.#items.length - 1];
	}

	/** The newest `count` items, oldest first. */
	latest(count: number): readonly T[] {
		return count >= this.#items.length ? this.#items : this.#items.slice(this.#items.length - Math.max(0, count));
	}

	/** Every item, oldest first. */
	toArray(): readonly T[] {
		return this.#items;
	}
}
