/**
 * Human formatting: byte sizes, local and relative times, aligned tables, and making text from the
 * API inert before it reaches a terminal.
 */

/**
 * What must never reach a terminal from outside: C0 controls (ESC included), DEL, C1 controls (the
 * 8-bit CSI U+009B included), the line and paragraph separators, the bidi marks (U+200E, U+200F),
 * and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that can make
 * printed text read differently from what it is. The one definition every message, excerpt, quote
 * and pane (ui/sanitize.ts) uses.
 */
export const unsafePattern = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const unsafeTest = new RegExp(unsafePattern.source);

/** True when `text` holds a character `inert` would replace. */
export function hasUnsafeCharacters(text: string): boolean {
	return unsafeTest.test(text);
}

/** Replaces control and bidi characters so a string from outside cannot drive or mislead the terminal. */
export function inert(text: string, replacement = '\uFFFD'): string {
	return text.replace(unsafePattern, replacement);
}

const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 → "1.5 KB" (binary multiples, as Cloudflare's dashboards showed them). */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return '?';
	let value = Math.abs(bytes);
	let unit = 0;
	while (value >= 1024 && unit < byteUnits.length - 1) {
		value /= 1024;
		unit++;
	}
	const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
	return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${byteUnits[unit]}`;
}

/** Kilobytes, as `stats` reports bandwidth. */
export function formatKilobytes(kilobytes: number): string {
	return formatBytes(kilobytes * 1024);
}

/** Thousands separated: 12345 → "12,345". */
export function formatCount(value: number): string {
	if (!Number.isFinite(value)) return '?';
	return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Epoch milliseconds → "2026-11-28 18:10:04" in the machine's local time zone. */
export function formatLocalTime(epochMs: number): string {
	const d = new Date(epochMs);
	if (Number.isNaN(d.getTime())) return '?';
	return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** A span of seconds, coarse: "45s", "3m 20s", "2h 59m", "4d 2h". */
export function formatSpan(seconds: number): string {
	const s = Math.round(Math.abs(seconds));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
	return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** "in 2h 59m", "3m 20s ago", "just now". */
export function formatRelative(epochMs: number, nowMs: number): string {
	const delta = (epochMs - nowMs) / 1000;
	if (Math.abs(delta) < 1) return 'just now';
	return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(delta)} ago`;
}

/** "2026-11-28 21:10:04 (in 2h 59m)". */
export function formatWhen(epochMs: number, nowMs: number): string {
	return `${formatLocalTime(epochMs)} (${formatRelative(epochMs, nowMs)})`;
}

/** Seconds left as a countdown: 10781 → "2:59:41". */
export function formatCountdown(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	return `${Math.floor(s / 3600)}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

/** Column alignment for `formatTable`. */
export type Align = 'left' | 'right';

/** Width of a string as a terminal shows it, close enough for tables of ASCII and common text. */
function displayWidth(text: string): number {
	return [...text].length;
}

/**
 * Rows of cells → aligned lines, two spaces between columns, no trailing spaces. Cells are made inert.
 * `align` defaults to left for every column.
 */
export function formatTable(header: readonly string[] | undefined, rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string[] {
	const all = (header ? [header, ...rows] : rows).map(row => row.map(cell => inert(cell)));
	const columns = Math.max(0, ...all.map(row => row.length));
	const widths = Array.from({length: columns}, (_, column) => Math.max(0, ...all.map(row => displayWidth(row[column] ?? ''))));
	return all.map(row =>
		widths
			.map((width, column) => {
				const cell = row[column] ?? '';
				const gap = ' '.repeat(width - displayWidth(cell));
				return align[column] === 'right' ? gap + cell : cell + gap;
			})
			.join('  ')
			.trimEnd(),
	);
}

/** An age or a delay: 5s, 2m05s, 1h04m. */
export function formatAge(seconds: number): string {
	const total = Math.max(0, Math.floor(seconds));
	if (total < 60) return `${total}s`;
	if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
	return `${Math.floor(total / 3600)}h${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}
