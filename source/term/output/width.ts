/**
 * How many terminal columns a grapheme cluster takes: 0, 1 or 2.
 *
 * Ink lays text out with `string-width` (grapheme clusters; RGI emoji are double width; otherwise the
 * East Asian Width of the first visible code point). We follow the same rules so that our virtual
 * screen puts every cell where Ink meant it, without importing Ink's transitive dependencies (they
 * are not ours to pin). The wide table below is the Unicode 15 East Asian Wide/Fullwidth set, folded
 * into ranges; emoji are caught first by `\p{RGI_Emoji}`.
 */

// Both made on first use: the segmenter starts ICU (~15-25 ms) and the emoji expression takes V8
// 20-40 ms to build (thousands of sequences), and a first frame of ASCII, box drawing and the
// punctuation isPlainNarrow knows needs neither (string-width-plugin.mjs does the same for
// string-width, and V8 shares one compiled expression per pattern, so both must wait).
let segmenter: Intl.Segmenter | undefined;
let rgiEmoji: RegExp | undefined;
const visibleCharacter = new RegExp('[^\\p{Default_Ignorable_Code_Point}\\p{Control}\\p{Format}\\p{Nonspacing_Mark}\\p{Enclosing_Mark}\\p{Surrogate}]', 'v');

// Sorted [first, last] pairs of East Asian Wide (W) and Fullwidth (F) code points.
const wideRanges: ReadonlyArray<readonly [number, number]> = [
	[0x1100, 0x115F], [0x231A, 0x231B], [0x2329, 0x232A], [0x23E9, 0x23EC], [0x23F0, 0x23F0], [0x23F3, 0x23F3],
	[0x25FD, 0x25FE], [0x2614, 0x2615], [0x2648, 0x2653], [0x267F, 0x267F], [0x2693, 0x2693], [0x26A1, 0x26A1],
	[0x26AA, 0x26AB], [0x26BD, 0x26BE], [0x26C4, 0x26C5], [0x26CE, 0x26CE], [0x26D4, 0x26D4], [0x26EA, 0x26EA],
	[0x26F2, 0x26F3], [0x26F5, 0x26F5], [0x26FA, 0x26FA], [0x26FD, 0x26FD], [0x2705, 0x2705], [0x270A, 0x270B],
	[0x2728, 0x2728], [0x274C, 0x274C], [0x274E, 0x274E], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
	[0x27B0, 0x27B0], [0x27BF, 0x27BF], [0x2B1B, 0x2B1C], [0x2B50, 0x2B50], [0x2B55, 0x2B55], [0x2E80, 0x303E],
	[0x3041, 0x33FF], [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xA000, 0xA4CF], [0xA960, 0xA97F], [0xAC00, 0xD7A3],
	[0xF900, 0xFAFF], [0xFE10, 0xFE19], [0xFE30, 0xFE6F], [0xFF00, 0xFF60], [0xFFE0, 0xFFE6], [0x16FE0, 0x16FE4],
	[0x17000, 0x18CFF], [0x1AFF0, 0x1B2FF], [0x1F004, 0x1F004], [0x1F0CF, 0x1F0CF], [0x1F18E, 0x1F18E],
	[0x1F191, 0x1F19A], [0x1F200, 0x1F202], [0x1F210, 0x1F23B], [0x1F240, 0x1F248], [0x1F250, 0x1F251],
	[0x1F260, 0x1F265], [0x1F300, 0x1F320], [0x1F32D, 0x1F335], [0x1F337, 0x1F37C], [0x1F37E, 0x1F393],
	[0x1F3A0, 0x1F3CA], [0x1F3CF, 0x1F3D3], [0x1F3E0, 0x1F3F0], [0x1F3F4, 0x1F3F4], [0x1F3F8, 0x1F43E],
	[0x1F440, 0x1F440], [0x1F442, 0x1F4FC], [0x1F4FF, 0x1F53D], [0x1F54B, 0x1F54E], [0x1F550, 0x1F567],
	[0x1F57A, 0x1F57A], [0x1F595, 0x1F596], [0x1F5A4, 0x1F5A4], [0x1F5FB, 0x1F64F], [0x1F680, 0x1F6C5],
	[0x1F6CC, 0x1F6CC], [0x1F6D0, 0x1F6D2], [0x1F6D5, 0x1F6D7], [0x1F6DC, 0x1F6DF], [0x1F6EB, 0x1F6EC],
	[0x1F6F4, 0x1F6FC], [0x1F7E0, 0x1F7EB], [0x1F7F0, 0x1F7F0], [0x1F90C, 0x1F93A], [0x1F93C, 0x1F945],
	[0x1F947, 0x1F9FF], [0x1FA70, 0x1FAFF], [0x20000, 0x2FFFD], [0x30000, 0x3FFFD],
];

/**
 * Code units that are always one column and never start or extend a cluster: Latin-1 letters, the
 * general punctuation U+2010-U+2027 (dashes, quotes, bullets, the ellipsis) and the box drawing and
 * block elements Ink's borders and charts are made of (most of a frame's non-ASCII text), so they
 * skip grapheme segmentation.
 */
export function isPlainNarrow(code: number): boolean {
	return (code >= 0xA0 && code < 0x300 && code !== 0xAD) || (code >= 0x2010 && code <= 0x2027) || (code >= 0x2500 && code < 0x25A0);
}

/** Whether a code point is East Asian Wide or Fullwidth (binary search over `wideRanges`). */
export function isWideCodePoint(codePoint: number): boolean {
	if (codePoint < 0x1100) return false;
	let low = 0;
	let high = wideRanges.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const [first, last] = wideRanges[middle];
		if (codePoint < first) high = middle - 1;
		else if (codePoint > last) low = middle + 1;
		else return true;
	}
	return false;
}

/** Columns taken by one grapheme cluster. */
export function clusterWidth(cluster: string): number {
	const first = cluster.codePointAt(0) ?? 0;
	if (cluster.length === 1 && first >= 0x20 && first < 0x7F) return 1;
	const start = cluster.search(visibleCharacter);
	if (start === -1) return 0;
	// Built from a string: TypeScript's ES2022 target rejects the `v` flag in literals; Node 20 supports it.
	rgiEmoji ??= new RegExp('^\\p{RGI_Emoji}$', 'v');
	if (rgiEmoji.test(cluster)) return 2;
	return isWideCodePoint(cluster.codePointAt(start) ?? 0) ? 2 : 1;
}

/** Splits non-ASCII text into grapheme clusters (ASCII never needs this: the caller fast-paths it). */
export function clusters(text: string): Iterable<string> {
	const result: string[] = [];
	segmenter ??= new Intl.Segmenter();
	for (const {segment} of segmenter.segment(text)) result.push(segment);
	return result;
}
