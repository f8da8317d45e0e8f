/**
 * A remembering `widest-line` for Ink (the bundle uses it in place of the package; see
 * source/tools/ink-output-plugin.mjs). Ink measures every Text node's width on every frame
 * (render-node-to-output.js), and string-width on a line of text costs far more than a lookup:
 * after the Output replacement it was a quarter of all the console's time in a pty profile.
 * The answer for a string never changes, so it is kept (bounded, the one used longest ago first out).
 */
import stringWidth from 'string-width';
import {Lru} from '../lib/lru.js';

const widths = new Lru<number>(1024);

export default function widestLine(text: string): number {
	return widths.get(text, () => {
		let widest = 0;
		for (const line of text.split('\n')) widest = Math.max(widest, stringWidth(line));
		return widest;
	});
}
