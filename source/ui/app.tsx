/**
 * The console's root view. It reads the monitor's state through selectors, turns keys into
 * commands with the keymap, keeps its own UI state in a pure reducer, and hands every pane its size
 * from one layout computed from the terminal size it is given (never measured here, so tests can
 * pass any size).
 */
import {Box, useInput} from 'ink';
import {useCallback, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {Visitor} from '../backend.js';
import type {MonitorHandle} from '../monitor/monitor.js';
import {filterThreatRows, selectHeader, selectStats, selectStatus, selectTraffic, threatRowView} from '../monitor/select.js';
import {pointsFor} from './chart.js';
import {HelpDialog} from './dialogs/help-dialog.js';
import {keyToCommand, type Command, type KeyPress} from './keymap.js';
import {computeLayout, type TerminalSize} from './layout.js';
import {HeaderPane} from './panes/header-pane.js';
import {MessagePane} from './panes/message-pane.js';
import {StatsPane} from './panes/stats-pane.js';
import {StatusPane} from './panes/status-pane.js';
import {ThreatsPane} from './panes/threats-pane.js';
import {TrafficPane} from './panes/traffic-pane.js';
import {applyUiCommand, initialUiState, keyMode, selectionIndex, visibleWindow, type UiState} from './ui-state.js';

export interface AppProps {
	monitor: MonitorHandle;
	size: TerminalSize;
	/** Called once when the operator quits (q, Ctrl-C). */
	onQuit: () => void;
	/** For tests: the UI state to start from. */
	initialUi?: UiState;
}

const noRows: readonly Visitor[] = [];

export function App({monitor, size, onQuit, initialUi}: AppProps) {
	const state = useSyncExternalStore(monitor.subscribe, monitor.getState, monitor.getState);
	const [ui, setUi] = useState<UiState>(initialUi ?? initialUiState);
	const layout = useMemo(() => computeLayout(size), [size]);
	const zone = state.zones[state.activeZone];
	const allRows = zone?.threatRows ?? noRows;
	// Filtering a 50,000-row flood costs a few ms: only when the rows or the filters change.
	const rows = useMemo(() => filterThreatRows(allRows, ui.classFilter, ui.textFilter), [allRows, ui.classFilter, ui.textFilter]);
	const selected = selectionIndex(ui, rows);
	const shown = visibleWindow(selected, rows.length, layout.threats.visibleRows);
	const quitting = useRef(false);

	const quit = useCallback(() => {
		if (quitting.current) return;
		quitting.current = true;
		onQuit();
	}, [onQuit]);

	// The latest UI state, for keys that arrive before React re-renders (a burst over SSH).
	const uiRef = useRef(ui);
	uiRef.current = ui;

	/** Carries out one command and returns the UI state after it. */
	const perform = (command: Command, current: UiState): UiState => {
		switch (command.type) {
			case 'quit':
				quit();
				return current;
			case 'refresh':
				monitor.refreshNow();
				return current;
			case 'toggle-pause':
				monitor.togglePause();
				return current;
			case 'next-zone':
				monitor.nextZone();
				return current;
			default:
				return applyUiCommand(current, command, rows, layout.threats.visibleRows);
		}
	};

	useInput((input, key) => {
		let current = uiRef.current;
		// Ink hands over plain characters typed in a burst as one string ("jjj"): split them into
		// keys, so that a fast typist or a slow link loses nothing. Escape sequences come one by one.
		const keys: Array<[string, KeyPress]> = input.length > 1 && keyMode(current) !== 'filter' && !key.ctrl && !key.meta ? [...input].map(char => [char === '\t' ? '' : char, {tab: char === '\t'}]) : [[input, key]];
		for (const [char, press] of keys) {
			const command = keyToCommand(char, press, keyMode(current));
			if (command) current = perform(command, current);
		}
		if (current !== uiRef.current) {
			uiRef.current = current;
			setUi(current);
		}
	});

	const header = selectHeader(state);
	const status = selectStatus(state);
	let body;
	if (ui.overlay === 'help') {
		body = <HelpDialog width={layout.width} height={layout.body.height} />;
	} else if (state.startup.phase === 'connecting') {
		body = <MessagePane title={`Connecting to ${state.endpointLabel}…`} lines={['Checking the zones (one zone_check call).']} width={layout.width} height={layout.body.height} />;
	} else if (state.startup.phase === 'failed') {
		body = <MessagePane tone="error" title="Cannot start the console" lines={[state.startup.message, '', 'r retries · q quits']} width={layout.width} height={layout.body.height} />;
	} else if (ui.view === 'dns') {
		body = <MessagePane title="DNS records" lines={['The DNS editor arrives with the console actions (issue 5).']} width={layout.width} height={layout.body.height} />;
	} else if (ui.view === 'log') {
		const lines = state.messages
			.latest(Math.max(0, layout.body.height - 1))
			.map(message => `${new Date(message.at).toISOString().slice(11, 19)} ${message.level.padEnd(5)} ${message.text}`);
		body = <MessagePane title="Log (this session)" lines={lines} width={layout.width} height={layout.body.height} />;
	} else {
		const traffic = selectTraffic(state, pointsFor(layout.traffic.chartWidth));
		const scores = zone?.scores ?? new Map();
		const visible = rows.slice(shown.start, shown.end).map(row => threatRowView(row, scores));
		body = (
			<Box flexDirection="column" height={layout.body.height}>
				<Box height={layout.traffic.height} overflow="hidden">
					<TrafficPane traffic={traffic} chartHeight={layout.traffic.chartHeight} chartWidth={layout.traffic.chartWidth} sideBySide={layout.traffic.sideBySide} />
				</Box>
				<Box flexDirection="row" columnGap={layout.stats.visible ? 1 : 0}>
					{layout.stats.visible ? <StatsPane stats={selectStats(state)} width={layout.stats.width} height={layout.stats.height} /> : null}
					<ThreatsPane
						rows={visible}
						start={shown.start}
						selected={selected}
						total={rows.length}
						totalAll={allRows.length}
						classFilter={ui.classFilter}
						textFilter={ui.textFilter}
						editingFilter={ui.editingFilter}
						width={layout.threats.width}
						height={layout.threats.height}
					/>
				</Box>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
			<HeaderPane header={header} view={ui.view} paused={state.paused} width={layout.width} />
			<Box height={layout.body.height} overflow="hidden">
				{body}
			</Box>
			<StatusPane status={status} width={layout.width} />
		</Box>
	);
}
