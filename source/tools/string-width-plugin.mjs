// An esbuild plugin for string-width 8 (Ink's, and flarewatch's through term/widest-line.ts), two
// changes that keep every width it returns:
// - its `/^\p{RGI_Emoji}$/v` is built on first use, not when the module loads: V8 takes 20-40 ms to
//   build that one regular expression (the RGI emoji set has thousands of sequences), and its first
//   test() another 10-30 ms to compile it;
// - text of printable ASCII, Latin-1 and spacing modifier letters (U+00A0-U+02FF but the soft
//   hyphen), the punctuation U+2010-U+2027 (dashes, quotes, bullets, the ellipsis) and box drawing and
//   blocks (U+2500-U+259F) is one column a code unit, as string-width finds it (checked for each of
//   these characters and every pair of them) unless ambiguous characters are asked to be wide; such
//   text takes its ASCII fast path, without the segmenter and that expression.
// With both, a start that draws only such text never builds the expression. (source/term/output/
// width.ts builds its own copy at load; V8 shares one compiled expression per pattern, so the saving
// needs width.ts to build it on first use too: measured together, first frame 352 -> 306 ms.)
// The build fails if string-width no longer looks as expected, rather than shipping it unchanged.
import {readFile} from 'node:fs/promises';

const stringWidth = /[\\/]node_modules[\\/]string-width[\\/]index\.js$/;
const declaration = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const asciiFastPath = 'if (/^[\\u0020-\\u007E]*$/.test(string)) {';

function count(text, part) {
	return text.split(part).length - 1;
}

export function stringWidthPlugin() {
	return {
		name: 'flarewatch-string-width',
		setup(build) {
			let used = false;
			build.onLoad({filter: stringWidth}, async args => {
				const text = await readFile(args.path, 'utf8');
				// string-width 7 (wrap-ansi's own copy) has no such expression; it is left as it is. (If 8 no
				// longer has it either, no file is changed, and onEnd fails the build.)
				if (!text.includes(declaration)) return undefined;
				const uses = count(text, 'rgiEmojiRegex');
				if (count(text, declaration) !== 1 || count(text, 'rgiEmojiRegex.test(') !== uses - 1 || count(text, asciiFastPath) !== 1 || !text.includes('ambiguousIsNarrow = true')) {
					return {errors: [{text: `flarewatch-string-width: ${args.path} is not the string-width this plugin knows; update source/tools/string-width-plugin.mjs`}]};
				}
				used = true;
				const contents = text
					.replace(declaration, 'let rgiEmojiRegexBuilt;\nconst rgiEmojiRegex = {test: segment => (rgiEmojiRegexBuilt ??= /^\\p{RGI_Emoji}$/v).test(segment)};')
					.replace(asciiFastPath, 'if (/^[\\u0020-\\u007E]*$/.test(string) || (ambiguousIsNarrow && /^[\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u02FF\\u2010-\\u2027\\u2500-\\u259F]*$/.test(string))) {');
				return {contents, loader: 'js'};
			});
			build.onEnd(result => {
				if (result.errors.length === 0 && !used) result.errors.push({text: 'flarewatch-string-width: string-width 8 was not bundled; update source/tools/string-width-plugin.mjs'});
			});
		},
	};
}
