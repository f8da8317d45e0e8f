/**
 * Durations as the operator writes them, the same in the config file, the `b` dialog, the palette and
 * the commands: `30s`, `10m`, `1h`, `1d`, `2w`, and `0` or `permanent` for no end. Seconds inside.
 */

const units: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86_400, w: 604_800};

/** The longest timed duration taken: a year (anything longer is meant as permanent). */
export const maxDurationSeconds = 366 * 86_400;

/** A duration in seconds (0 = permanent), or why the text is not one. */
export function parseDuration(text: string): number | {error: string} {
	const trimmed = text.trim().toLowerCase();
	if (trimmed === '0' || trimmed === 'permanent' || trimmed === 'perm') return 0;
	const match = /^(\d{1,6})\s*([smhdw])$/.exec(trimmed);
	// Quoted inert and short: the text may be a paste.
	const shown = `'${(text.length > 20 ? `${text.slice(0, 20)}…` : text).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '?')}'`;
	if (!match) return {error: `${shown} is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent`};
	const seconds = Number(match[1]) * (units[match[2]!] ?? 1);
	if (seconds === 0) return 0;
	if (seconds > maxDurationSeconds) return {error: `${match[1]}${match[2]} is longer than a year: use 0 (permanent) for a ban with no end`};
	return seconds;
}

/** True when parseDuration failed. */
export function isDurationError(value: number | {error: string}): value is {error: string} {
	return typeof value !== 'number';
}

/** Seconds in the largest unit that divides them (`90m` stays `90m`, `3600` is `1h`); 0 is `permanent`. */
export function formatDuration(seconds: number): string {
	if (!(seconds > 0)) return 'permanent';
	for (const unit of ['w', 'd', 'h', 'm'] as const) {
		const size = units[unit]!;
		if (seconds % size === 0) return `${seconds / size}${unit}`;
	}
	return `${Math.round(seconds)}s`;
}

/** Time left in one or two short units for a narrow column: `42m`, `3h`, `1d4h`, `50s`; `0s` when due. */
export function formatLeft(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.ceil(seconds / 60);
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return minutes % 60 === 0 || hours >= 10 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	const days = Math.floor(hours / 24);
	return hours % 24 === 0 || days >= 10 ? `${days}d` : `${days}d${hours % 24}h`;
}

/** A ladder of durations, e.g. `10m, 1h, 1d, permanent`: steps, or why it is not one (the step named). */
export function parseLadder(text: string | readonly string[]): number[] | {error: string} {
	const items = (typeof text === 'string' ? text.split(',') : text.flatMap(item => item.split(','))).map(item => item.trim()).filter(item => item !== '');
	if (items.length === 0) return {error: 'the ladder is empty: give durations such as 10m, 1h, 1d, permanent'};
	const steps: number[] = [];
	for (const item of items) {
		const value = parseDuration(item);
		if (isDurationError(value)) return value;
		const previous = steps.at(-1);
		// Each step must be longer than the one before (permanent is longest, and last).
		if (previous !== undefined && (previous === 0 || (value !== 0 && value <= previous))) return {error: `the ladder must grow step by step: ${item} after ${formatDuration(previous)}`};
		steps.push(value);
	}
	return steps;
}
