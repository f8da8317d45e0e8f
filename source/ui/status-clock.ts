/**
 * The status line's clock: how its ages and delays read, and how often they move. Nothing ticks in
 * the monitor's state; the status line reads the clock where it is drawn (use-now.ts) at the step
 * chosen here, and wakes at the moments its words change by time alone (statusChangesAt).
 */
import {selectStatus, statusChangesAt, type StatusView} from '../monitor/select.js';
import type {MonitorState} from '../monitor/store.js';
import {formatAge} from './format.js';

/**
 * Ages and delays on the status line, in steps: 10 s under a minute, a minute above. A poll comes
 * every 10–30 s, so a per-second "data 7s old · next poll 13s" was a full re-render every second
 * for the least useful digits on screen; in 5 s steps those renders were still most of an idle
 * console's CPU. The dev-mode countdown in the header keeps its seconds, and so does the status line
 * while the data is STALE or polls fail (statusClock).
 */
export function statusSeconds(seconds: number, round: 'down' | 'up'): number {
	const step = seconds < 60 ? 10 : 60;
	return round === 'down' ? Math.floor(seconds / step) * step : Math.ceil(seconds / step) * step;
}

/** A stepped age: "20s", "2m", "1h04m". */
function steppedAge(seconds: number): string {
	return seconds >= 60 && seconds < 3600 ? `${Math.floor(seconds / 60)}m` : formatAge(seconds);
}

/** True when the status line counts every second: the data is STALE or polls fail, when the age is what matters. */
function exact(status: StatusView): boolean {
	return status.stale || status.banner !== undefined;
}

/**
 * The time-dependent words of the status line: "data 20s old", "next poll 10s". In steps while all
 * is well; to the second when the data is STALE or a poll failed.
 */
export function statusClock(status: StatusView): {age: string; next: string} {
	const shown = (seconds: number, round: 'down' | 'up') => (exact(status) ? formatAge(seconds) : steppedAge(statusSeconds(seconds, round)));
	const age = status.ageSeconds === undefined ? 'no data yet' : `data ${shown(status.ageSeconds, 'down')} old`;
	let next = '';
	if (status.paused) next = 'paused';
	else if (status.polling) next = 'polling…';
	else if (status.nextPollSeconds !== undefined) next = `next poll ${shown(status.nextPollSeconds, 'up')}`;
	return {age, next};
}

/** The status clock's step while all is well: ages and delays move together, once per 10 s of wall time. */
export const statusStepMs = 10_000;
/** Its step while the data is STALE or polls fail. */
export const exactStepMs = 1000;

/**
 * The status line's view at `now`: as `selectStatus`, but while all is well the data age and the
 * next-poll delay are read at the last whole 10 s (so both change at the same moment instead of two
 * moments in every five) and given as shown (statusSeconds), so that the view changes only when
 * its words do.
 */
export function selectShownStatus(state: MonitorState, now: number, seenAt?: number): StatusView {
	const status = selectStatus(state, now, seenAt);
	if (exact(status)) return status;
	const stepped = selectStatus(state, now - (now % statusStepMs), seenAt);
	return {
		...status,
		ageSeconds: stepped.ageSeconds === undefined ? undefined : statusSeconds(stepped.ageSeconds, 'down'),
		nextPollSeconds: stepped.nextPollSeconds === undefined ? undefined : statusSeconds(stepped.nextPollSeconds, 'up'),
	};
}

/**
 * How the status line follows the clock at `now`: its step (none when nothing on it moves with time:
 * no data yet and no poll scheduled) and the moments its words change by time alone.
 */
export function statusTiming(state: MonitorState, now: number): {stepMs?: number; wakeAt: ReadonlyArray<number | undefined>} {
	const status = selectStatus(state, now);
	const moving = status.ageSeconds !== undefined || status.banner !== undefined || (!status.paused && state.nextPollAt !== undefined);
	return {stepMs: !moving ? undefined : exact(status) ? exactStepMs : statusStepMs, wakeAt: [statusChangesAt(state, now)]};
}
