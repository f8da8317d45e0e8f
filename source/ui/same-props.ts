/**
 * Props equality for the panes (React.memo): equal when every prop is structurally equal. The App
 * builds each pane's view model afresh on every render (selectors return new objects), so React's
 * default identity check would re-render every pane on every key and every store change (a poll's
 * calls, a message), and the clocked header and status line on every step of their clock; a
 * re-rendered pane costs Ink a layout and a redraw of its nodes. Comparing the view models is far
 * cheaper: they are small (what fits on a screen), and plain data (objects, arrays, Maps, primitives).
 */
const maxDepth = 8;

export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
	if (Object.is(a, b)) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	// Too deep to be a view model: treat as changed (a render too many, never one too few).
	if (depth >= maxDepth) return false;
	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let index = 0; index < a.length; index++) if (!sameValue(a[index], b[index], depth + 1)) return false;
		return true;
	}
	if (a instanceof Map) {
		if (!(b instanceof Map) || a.size !== b.size) return false;
		for (const [key, value] of a) if (!b.has(key) || !sameValue(value, b.get(key), depth + 1)) return false;
		return true;
	}
	if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
	const keysA = Object.keys(a);
	if (keysA.length !== Object.keys(b).length) return false;
	for (const key of keysA) {
		if (!Object.hasOwn(b, key) || !sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
	}
	return true;
}

export function sameProps<P extends object>(previous: Readonly<P>, next: Readonly<P>): boolean {
	return sameValue(previous, next);
}
