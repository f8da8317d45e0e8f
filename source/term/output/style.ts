/**
 * Cell styles (SGR state), interned to small integer ids so a screen is three flat arrays and a
 * cell comparison is two integer compares. Id 0 is the terminal's default style.
 */

/** Attribute bits of a style. */
export const Attr = {
	bold: 1,
	dim: 2,
	italic: 4,
	underline: 8,
	blink: 16,
	inverse: 32,
	hidden: 64,
	strikethrough: 128,
	overline: 256,
} as const;

/**
 * A colour as one number: `mode << 24 | value`. Mode 0 is the default colour, 1 the 16-colour
 * palette (value 0–15), 2 the 256-colour palette, 3 truecolor (value 0xRRGGBB). Keeping the mode
 * lets us re-emit exactly what Ink emitted (`31` and `38;5;1` are distinct in some terminals).
 */
export type Color = number;
export const defaultColor: Color = 0;
export const palette16 = (index: number): Color => (1 << 24) | index;
export const palette256 = (index: number): Color => (2 << 24) | index;
export const trueColor = (rgb: number): Color => (3 << 24) | rgb;

/** One interned style. */
export interface Style {
	readonly flags: number;
	readonly fg: Color;
	readonly bg: Color;
}

const attrCodes: ReadonlyArray<readonly [number, number, number]> = [
	// [bit, on, off]; bold and dim share their off code (22), handled separately.
	[Attr.italic, 3, 23], [Attr.underline, 4, 24], [Attr.blink, 5, 25], [Attr.inverse, 7, 27],
	[Attr.hidden, 8, 28], [Attr.strikethrough, 9, 29], [Attr.overline, 53, 55],
];

/** The result of applying one SGR sequence: the new style id, and whether any part was not understood. */
export interface SgrResult {
	id: number;
	unknown: boolean;
}

/** Interns styles and computes the shortest SGR sequence between two of them. */
export class StyleTable {
	private readonly styles: Style[] = [{flags: 0, fg: defaultColor, bg: defaultColor}];
	private readonly ids = new Map<string, number>([['0,0,0', 0]]);
	private readonly transitions = new Map<number, string>();
	private readonly applied = new Map<number, Map<string, SgrResult>>();

	/**
	 * @param monochrome `--no-color`/NO_COLOR: cells get {@link shown} styles, without colours, so no
	 * colour code can ever be emitted, whatever Ink, chalk or asciichart wrote.
	 */
	constructor(readonly monochrome = false) {}

	private readonly shownIds: number[] = [];

	/**
	 * The style a cell drawn with pen `id` gets on screen: `id` itself, or in monochrome the same
	 * attributes without colours, a background colour (a badge such as STALE or DEMO) turned into
	 * inverse video. The pen keeps the real style, so a later `49m` ends the badge as it should.
	 */
	shown(id: number): number {
		if (!this.monochrome || id === 0) return id;
		let shown = this.shownIds[id];
		if (shown === undefined) {
			const {flags, fg, bg} = this.styles[id];
			// Inverse inside an inverse highlight flips back, so a badge on a selected row still stands out.
			shown = fg === defaultColor && bg === defaultColor ? id : this.intern(bg === defaultColor ? flags : flags ^ Attr.inverse, defaultColor, defaultColor);
			this.shownIds[id] = shown;
		}
		return shown;
	}

	get(id: number): Style {
		return this.styles[id];
	}

	intern(flags: number, fg: Color, bg: Color): number {
		const key = `${flags},${fg},${bg}`;
		let id = this.ids.get(key);
		if (id === undefined) {
			id = this.styles.length;
			this.styles.push({flags, fg, bg});
			this.ids.set(key, id);
		}
		return id;
	}

	/** The style a terminal erases with: real terminals keep only the background (BCE). */
	eraseStyle(id: number): number {
		const {bg} = this.styles[id];
		return bg === defaultColor || this.monochrome ? 0 : this.intern(0, defaultColor, bg);
	}

	/** Applies the parameters of `CSI … m` to style `id` (memoized: a frame repeats the same few). */
	applySgr(id: number, parameters: string): SgrResult {
		let byParameters = this.applied.get(id);
		if (byParameters === undefined) {
			byParameters = new Map();
			this.applied.set(id, byParameters);
		}
		let result = byParameters.get(parameters);
		if (result === undefined) {
			result = this.computeSgr(id, parameters);
			byParameters.set(parameters, result);
		}
		return result;
	}

	private computeSgr(id: number, parameters: string): SgrResult {
		let {flags, fg, bg} = this.styles[id];
		let unknown = false;
		const fields = parameters === '' ? ['0'] : parameters.split(';');
		for (let index = 0; index < fields.length; index++) {
			const field = fields[index];
			if (field.includes(':')) {
				// Colon sub-parameters (`38:2::r:g:b`, `4:3`): Ink does not emit them; take what is clear.
				const parts = field.split(':').map(Number);
				if (parts[0] === 4) flags = parts[1] === 0 ? flags & ~Attr.underline : flags | Attr.underline;
				else if ((parts[0] === 38 || parts[0] === 48) && parts[1] === 5) [fg, bg] = setColor(parts[0], palette256(parts[2] & 255), fg, bg);
				else if ((parts[0] === 38 || parts[0] === 48) && parts[1] === 2) {
					const [r, g, b] = parts.length >= 6 ? parts.slice(3, 6) : parts.slice(2, 5);
					[fg, bg] = setColor(parts[0], trueColor(((r & 255) << 16) | ((g & 255) << 8) | (b & 255)), fg, bg);
				} else unknown = true;
				continue;
			}
			const code = field === '' ? 0 : Number(field);
			if (code === 0) {
				flags = 0;
				fg = defaultColor;
				bg = defaultColor;
			} else if (code === 1) flags |= Attr.bold;
			else if (code === 2) flags |= Attr.dim;
			else if (code === 21 || code === 22) flags &= code === 22 ? ~(Attr.bold | Attr.dim) : ~Attr.bold;
			else if (code >= 30 && code <= 37) fg = palette16(code - 30);
			else if (code >= 90 && code <= 97) fg = palette16(code - 82);
			else if (code >= 40 && code <= 47) bg = palette16(code - 40);
			else if (code >= 100 && code <= 107) bg = palette16(code - 92);
			else if (code === 39) fg = defaultColor;
			else if (code === 49) bg = defaultColor;
			else if (code === 38 || code === 48) {
				const kind = Number(fields[index + 1]);
				if (kind === 5) {
					[fg, bg] = setColor(code, palette256(Number(fields[index + 2]) & 255), fg, bg);
					index += 2;
				} else if (kind === 2) {
					const rgb = ((Number(fields[index + 2]) & 255) << 16) | ((Number(fields[index + 3]) & 255) << 8) | (Number(fields[index + 4]) & 255);
					[fg, bg] = setColor(code, trueColor(rgb), fg, bg);
					index += 4;
				} else {
					unknown = true;
					break;
				}
			} else {
				const known = attrCodes.find(([, on, off]) => on === code || off === code);
				if (known) flags = known[1] === code ? flags | known[0] : flags & ~known[0];
				else unknown = true;
			}
		}
		return {id: this.intern(flags, fg, bg), unknown};
	}

	/**
	 * The shortest SGR sequence taking the terminal from style `from` (-1: unknown) to `to`: either
	 * the differing attributes alone, or a reset followed by everything `to` sets.
	 */
	transition(from: number, to: number): string {
		if (from === to) return '';
		const key = (from + 1) * 0x100000 + to;
		let sequence = this.transitions.get(key);
		if (sequence === undefined) {
			const target = this.styles[to];
			const full = setParameters(target);
			let best = full.length === 0 ? '\u001B[m' : `\u001B[0;${full.join(';')}m`;
			if (from >= 0) {
				const delta = deltaParameters(this.styles[from], target);
				const incremental = `\u001B[${delta.join(';')}m`;
				if (incremental.length < best.length) best = incremental;
			}
			sequence = best;
			this.transitions.set(key, sequence);
		}
		return sequence;
	}
}

function setColor(code: number, color: Color, fg: Color, bg: Color): [Color, Color] {
	return code === 38 ? [color, bg] : [fg, color];
}

function colorParameter(color: Color, background: boolean): string {
	const mode = color >>> 24;
	const value = color & 0xFFFFFF;
	if (mode === 0) return background ? '49' : '39';
	if (mode === 1) return String((value < 8 ? (background ? 40 : 30) : (background ? 92 : 82)) + value);
	if (mode === 2) return `${background ? 48 : 38};5;${value}`;
	return `${background ? 48 : 38};2;${value >> 16};${(value >> 8) & 255};${value & 255}`;
}

function setParameters(style: Style): string[] {
	const parameters: string[] = [];
	if (style.flags & Attr.bold) parameters.push('1');
	if (style.flags & Attr.dim) parameters.push('2');
	for (const [bit, on] of attrCodes) if (style.flags & bit) parameters.push(String(on));
	if (style.fg !== defaultColor) parameters.push(colorParameter(style.fg, false));
	if (style.bg !== defaultColor) parameters.push(colorParameter(style.bg, true));
	return parameters;
}

function deltaParameters(from: Style, to: Style): string[] {
	const parameters: string[] = [];
	const boldDim = Attr.bold | Attr.dim;
	let on = to.flags & ~from.flags;
	if (from.flags & ~to.flags & boldDim) {
		// 22 clears both bold and dim: re-set whichever `to` keeps.
		parameters.push('22');
		on |= to.flags & boldDim;
	}
	if (on & Attr.bold) parameters.push('1');
	if (on & Attr.dim) parameters.push('2');
	for (const [bit, onCode, offCode] of attrCodes) {
		if (on & bit) parameters.push(String(onCode));
		else if (from.flags & ~to.flags & bit) parameters.push(String(offCode));
	}
	if (from.fg !== to.fg) parameters.push(colorParameter(to.fg, false));
	if (from.bg !== to.bg) parameters.push(colorParameter(to.bg, true));
	return parameters;
}
