/**
 * Assembles the monitor: the store and the poller over one backend and one clock. The UI receives
 * the result and talks to nothing else. The action queue of the next issue plugs in here beside the
 * poller: it dispatches `call` events into the same ledger, so actions and polls share one budget,
 * and it may spend the reserve that the poller never touches.
 */
import type {Backend, VisitorQuery} from '../backend.js';
import type {Clock} from '../lib/clock.js';
import type {BudgetPolicy} from './budget.js';
import {Poller, type CommandOutcome} from './poller.js';
import {reduce, type MonitorEvent} from './reduce.js';
import {initialState, Store, type MonitorState} from './store.js';

export interface MonitorOptions {
	backend: Backend;
	clock: Clock;
	zoneNames: readonly string[];
	policy: BudgetPolicy;
	demo?: boolean;
	readOnly?: boolean;
	visitorQuery?: VisitorQuery;
	tickMs?: number;
}

/** What the UI may do: read and subscribe to state, and ask for the operator's commands. */
export interface MonitorHandle {
	getState(): MonitorState;
	subscribe(listener: () => void): () => void;
	refreshNow(): CommandOutcome;
	togglePause(): CommandOutcome;
	nextZone(): CommandOutcome;
	/** Shows a line in the status bar (for UI-side refusals). */
	say(level: 'info' | 'warn' | 'error', text: string): void;
}

export interface Monitor extends MonitorHandle {
	readonly store: Store<MonitorState, MonitorEvent>;
	readonly poller: Poller;
	start(): Promise<void>;
	stop(): void;
}

export function createMonitor(options: MonitorOptions): Monitor {
	const store = new Store<MonitorState, MonitorEvent>(
		reduce,
		initialState({
			zoneNames: options.zoneNames,
			policy: options.policy,
			now: options.clock.now(),
			demo: options.demo,
			readOnly: options.readOnly,
			endpointLabel: options.backend.endpointLabel,
		}),
	);
	const poller = new Poller({backend: options.backend, clock: options.clock, store, visitorQuery: options.visitorQuery, tickMs: options.tickMs});
	return {
		store,
		poller,
		getState: store.getState,
		subscribe: store.subscribe,
		start: () => poller.start(),
		stop: () => poller.stop(),
		refreshNow: () => poller.refreshNow(),
		togglePause: () => poller.togglePause(),
		nextZone: () => poller.nextZone(),
		say: (level, text) => store.dispatch({type: 'message', message: {at: options.clock.now(), level, text}}),
	};
}
