/**
 * The monitor's clock ticks once a second so countdowns move, and every tick is a new state. Each
 * new state re-renders the whole App, and Ink then lays out and re-draws its whole frame (~40 ms of
 * CPU at 120x40: Ink has no partial rendering), even when nothing on screen changed. This module
 * decides when a tick changes something a person can see; `useMonitorState` keeps the previous
 * state (and so skips the render) when it does not.
 */
import {useCallback, useRef, useSyncExternalStore} from 'react';
import type {MonitorHandle} from '../monitor/monitor.js';
import {selectHeader, selectStatus, type StatusView} from '../monitor/select.js';
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

/**
 * The time-dependent words of the status line: "data 20s old", "next poll 10s". In steps while all
 * is well; to the second when the data is STALE or a poll failed, when the age is what matters.
 */
export function statusClock(status: StatusView): {age: string; next: string} {
	const exact = status.stale || status.banner !== undefined;
	const shown = (seconds: number, round: 'down' | 'up') => (exact ? formatAge(seconds) : steppedAge(statusSeconds(seconds, round)));
	const age = status.ageSeconds === undefined ? 'no data yet' : `data ${shown(status.ageSeconds, 'down')} old`;
	let next = '';
	if (status.paused) next = 'paused';
	else if (status.polling) next = 'polling…';
	else if (status.nextPollSeconds !== undefined) next = `next poll ${shown(status.nextPollSeconds, 'up')}`;
	return {age, next};
}

/** The status clock's step: ages and delays move together, once per 10 s of wall time. */
export const statusStepMs = 10_000;

/**
 * The status line's view: as `selectStatus`, with the data age and the next-poll delay read at the
 * last whole 10 s, so that both change on the same tick instead of two ticks in every five.
 */
export function selectShownStatus(state: MonitorState, seenAt?: number): StatusView {
	const status = selectStatus(state, seenAt);
	if (status.stale || status.banner !== undefined) return status;
	const stepped = selectStatus({...state, now: state.now - (state.now % statusStepMs)}, seenAt);
	return {...status, ageSeconds: stepped.ageSeconds, nextPollSeconds: stepped.nextPollSeconds};
}

/**
 * Everything on screen that moves with the clock alone, as one string. The status line's notice
 * leaves with the clock only when it is a success whose time is up (a failure waits for a key, which
 * renders anyway), so its time stamp is enough here.
 */
export function clockFace(state: MonitorState): string {
	const status = selectShownStatus(state);
	const {age, next} = statusClock(status);
	const header = selectHeader(state);
	return `${age}|${next}|${status.stale}|${status.banner ?? ''}|${header.devModeSecondsLeft ?? ''}|${header.callsLeft}|${status.notice?.at ?? ''}`;
}

/**
 * A scheduled poll's first second is quiet: its bookkeeping (in flight, the calls it spends, the
 * server's calls_left) is not drawn until the poll finishes, so a quick poll is one frame, the data's,
 * instead of three ("polling…", a call spent, the data). A poll still running after a second shows
 * "polling…" on the next tick; a poll the operator asked for (r) shows it at once.
 */
export const pollQuietMs = 1000;
const pollBookkeeping: ReadonlySet<keyof MonitorState> = new Set<keyof MonitorState>(['now', 'polling', 'pollStartedAt', 'ledger', 'serverCallsLeft', 'nextPollAt']);

function inQuietPoll(state: MonitorState): boolean {
	return state.polling !== undefined && state.pollStartedAt !== undefined && state.now - state.pollStartedAt < pollQuietMs;
}

/**
 * True when `next` differs from `previous` only by a clock tick that changes nothing on screen, or
 * only by a scheduled poll's bookkeeping in its quiet first second.
 */
export function onlyInvisibleTick(previous: MonitorState, next: MonitorState): boolean {
	if (previous === next) return true;
	const quiet = inQuietPoll(next);
	for (const key of Object.keys(next) as Array<keyof MonitorState>) {
		if (key !== 'now' && previous[key] !== next[key] && !(quiet && pollBookkeeping.has(key))) return false;
	}
	return quiet || clockFace(previous) === clockFace(next);
}

/**
 * The monitor's state for the view: a new state object only when something visible changed.
 * Actions read `monitor.getState()` when they run, so they always see the true clock.
 */
export function useMonitorState(monitor: MonitorHandle): MonitorState {
	const shown = useRef<MonitorState | undefined>(undefined);
	const getSnapshot = useCallback(() => {
		const next = monitor.getState();
		const previous = shown.current;
		if (previous !== undefined && onlyInvisibleTick(previous, next)) return previous;
		shown.current = next;
		return next;
	}, [monitor]);
	return useSyncExternalStore(monitor.subscribe, getSnapshot, getSnapshot);
}
