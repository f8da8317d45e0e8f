/** Number and time formats shared by the panes. */

/** 950, 9.5k, 12k, 1.2M: at most five characters for the numbers a dashboard shows. */
export function compactNumber(value: number): string {
	if (!Number.isFinite(value)) return '-';
	const abs = Math.abs(value);
	if (abs < 1000) return Number.isInteger(value) ? String(value) : value.toFixed(abs < 10 ? 2 : 1);
	const units: Array<[number, string]> = [
		[1e9, 'G'],
		[1e6, 'M'],
		[1e3, 'k'],
	];
	for (const [size, suffix] of units) {
		if (abs >= size) {
			const scaled = value / size;
			return `${Math.abs(scaled) < 10 ? scaled.toFixed(1) : Math.round(scaled)}${suffix}`;
		}
	}
	return String(value);
}

/** Kilobytes as a short size: 512 KB, 1.5 MB, 2.0 GB. */
export function formatKilobytes(kb: number): string {
	if (kb < 1024) return `${Math.round(kb)} KB`;
	if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(1)} MB`;
	return `${(kb / 1024 / 1024).toFixed(1)} GB`;
}

/** Seconds as H:MM:SS, the dev-mode countdown format. */
export function formatCountdown(seconds: number): string {
	const total = Math.max(0, Math.floor(seconds));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const rest = total % 60;
	return `${hours}:${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
}

export {formatAge} from '../lib/format.js';

/** Pads or cuts `text` to exactly `width` columns (ASCII content: IPs, numbers, labels). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	if (text.length > width) return width > 1 ? `${text.slice(0, width - 1)}…` : text.slice(0, width);
	return align === 'left' ? text.padEnd(width) : text.padStart(width);
}
