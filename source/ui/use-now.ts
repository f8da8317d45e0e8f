/**
 * The time, read where it is drawn. The monitor's state holds no clock (it changes only with data and
 * the operator's doings), so a component that shows an age or a countdown reads the injected clock
 * with `useNow`: it re-renders that component alone, at each whole step of the clock it asks for and
 * at the moments it names (when something turns, e.g. STALE), and runs no timer when it asks for
 * neither. The clock comes from the App (the monitor's), so a FakeClock drives the UI in tests.
 */
import {createContext, useContext, useLayoutEffect, useState} from 'react';
import {RealClock, type Clock} from '../lib/clock.js';

export const ClockContext = createContext<Clock>(new RealClock());

export function useClock(): Clock {
	return useContext(ClockContext);
}

/**
 * The clock's time at this render. The caller renders again at the next whole `stepMs` of the clock
 * (undefined: none) and at the first of `wakeAt` after now, whichever comes first.
 */
export function useNow(stepMs: number | undefined, wakeAt: ReadonlyArray<number | undefined> = []): number {
	const clock = useClock();
	const [woken, setWoken] = useState(0);
	const now = clock.now();
	const wake = nextWake(now, stepMs, wakeAt);
	// A layout effect is armed in the commit itself, so a FakeClock moving on finds the next timer at
	// once; `woken` re-arms it even when a timer fired a hair early and the wake time did not move.
	useLayoutEffect(() => {
		if (wake === undefined) return;
		const id = clock.setTimeout(() => setWoken(count => count + 1), wake - clock.now());
		return () => clock.clearTimeout(id);
	}, [clock, wake, woken]);
	return now;
}

/** The next whole `stepMs` after `now`, or the first of `wakeAt` after now if sooner. */
export function nextWake(now: number, stepMs: number | undefined, wakeAt: ReadonlyArray<number | undefined> = []): number | undefined {
	let wake = stepMs !== undefined && stepMs > 0 ? now - (now % stepMs) + stepMs : undefined;
	for (const at of wakeAt) if (at !== undefined && at > now && (wake === undefined || at < wake)) wake = at;
	return wake;
}
