/**
 * A remembering `widest-line` for Ink (the bundle uses it in place of the package; see
 * source/tools/ink-output-plugin.mjs). Ink measures every Text node's width on every frame
 * (render-node-to-output.js), and string-width on a line of text costs far more than a lookup:
 * after the Output replacement it was a quarter of all the console's time in a pty profile.
 * The answer for a string never changes, so it is kept (bounded, oldest first out).
 */
import stringWidth from 'string-width';

const limit = 4096;
const widths = new Map<string, number>();

export default function widestLine(text: string): number {
	let widest = widths.get(text);
	if (widest === undefined) {
		widest = 0;
		for (const line of text.split('\n')) widest = Math.max(widest, stringWidth(line));
		if (widths.size >= limit) {
			const oldest = widths.keys().next();
			if (oldest.done !== true) widths.delete(oldest.value);
		}
		widths.set(text, widest);
	}
	return widest;
}
