/** A small seeded generator: the same seed gives the same bodies, inputs and load on every run. */
export interface Random {
	/** [0, 1) */
	next(): number;
	/** A whole number in [min, max]. */
	int(min: number, max: number): number;
	bool(probability: number): boolean;
	pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast and good enough for test data. */
export function mulberry32(seed: number): Random {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		bool: probability => next() < probability,
		pick: items => items[Math.floor(next() * items.length)]!,
	};
}
