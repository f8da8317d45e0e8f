/** Small deterministic hashing and PRNG: the traffic model must be identical for a seed on any machine. */

/** FNV-1a over a string, 32-bit unsigned. */
export function hashString(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Mixes integers into one 32-bit unsigned hash (murmur3 finaliser). */
export function mix(...values: number[]): number {
	let hash = 0x9e3779b9;
	for (const value of values) {
		hash ^= value | 0;
		hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
		hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
		hash ^= hash >>> 16;
	}
	return hash >>> 0;
}

/** A uniform float in [0, 1) from a 32-bit hash. */
export function unit(hash: number): number {
	return hash / 4294967296;
}

/** mulberry32: a seeded stream of floats in [0, 1). */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
