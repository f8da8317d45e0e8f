/**
 * Bounded replacements for Ink 6.8's measure-text.js and wrap-text.js (the bundle uses them in
 * their place; see source/tools/ink-output-plugin.mjs). Ink keeps every text it ever measured or
 * wrapped in a module-level cache that never forgets, so a console that shows changing numbers for
 * days grows its heap without bound (about 100 KB an hour in the 24-hour soak of `npm run bench`).
 * Same answers as Ink's, remembered in an LRU of a few frames' worth.
 */
import cliTruncate from 'cli-truncate';
import wrapAnsi from 'wrap-ansi';
import {Lru} from '../lib/lru.js';
import widestLine from './widest-line.js';

const dimensions = new Lru<{width: number; height: number}>(1024);

export function measureText(text: string): {width: number; height: number} {
	if (text.length === 0) return {width: 0, height: 0};
	return dimensions.get(text, () => ({width: widestLine(text), height: text.split('\n').length}));
}

const wrapped = new Lru<string>(1024);

export function wrapText(text: string, maxWidth: number, wrapType: string): string {
	return wrapped.get(`${maxWidth}\u0000${wrapType}\u0000${text}`, () => {
		if (wrapType === 'wrap') return wrapAnsi(text, maxWidth, {trim: false, hard: true});
		if (wrapType.startsWith('truncate')) {
			const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
			return cliTruncate(text, maxWidth, {position});
		}
		return text;
	});
}
