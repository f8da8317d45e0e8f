/**
 * The console's root view. It reads the monitor's state through selectors, turns keys into
 * commands with the keymap, keeps its own UI state in a pure reducer, and hands every pane its size
 * from one layout computed from the terminal size it is given (never measured here, so tests can
 * pass any size).
 */
import {Box, useInput} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {AccessRule, Capabilities, DnsRecord, Visitor} from '../backend.js';
import type {MonitorHandle} from '../monitor/monitor.js';
import {formatLeft} from '../lib/duration.js';
import {filterThreatRows, selectDrift, selectDriftLog, selectNotice, serverSkew, selectStats, selectTraffic, threatRowView} from '../monitor/select.js';
import {DriftPane, driftRows, layoutWithDrift} from './panes/drift-pane.js';
import {pointsFor} from './chart.js';
import {answerDialog, runPalette, startAction, type ActionContext} from './operator-actions.js';
import {ConfirmDialog} from './dialogs/confirm-dialog.js';
import {DetailsDialog} from './dialogs/details-dialog.js';
import {HelpDialog} from './dialogs/help-dialog.js';
import {LevelPicker} from './dialogs/level-picker.js';
import {RecordFormDialog} from './dialogs/record-form-dialog.js';
import {DnsPane} from './panes/dns-pane.js';
import {needsPriority} from '../lib/dns-records.js';
import {LogPane} from './panes/log-pane.js';
import {ClockedRulesPane} from './panes/rules-pane.js';
import {PaletteLine} from './panes/palette-line.js';
import {keyToCommand, pasteToCommand, type Command, type KeyPress} from './keymap.js';
import {computeLayout, type TerminalSize} from './layout.js';
import {ClockedHeader} from './panes/header-pane.js';
import {MessagePane} from './panes/message-pane.js';
import {StatsPane} from './panes/stats-pane.js';
import {ClockedStatus} from './panes/status-pane.js';
import {ThreatsPane, type ThreatRow} from './panes/threats-pane.js';
import {filterRules, indexedRules, indexRulesByIp, sortRules} from './rule-marks.js';
import {TrafficPane} from './panes/traffic-pane.js';
import {ClockContext} from './use-now.js';
import {acknowledgeNotice, applyUiCommand, initialUiState, keyMode, opensDialog, selectionIndex, viewsFor, visibleWindow, type UiState} from './ui-state.js';
import {isActiveZone} from '../backend.js';

/** Where bracketed pastes come from (term/input.ts's PasteChannel): `subscribe` returns the unsubscribe. */
export interface PasteSource {
	subscribe(listener: (text: string) => void): () => void;
}

export interface AppProps {
	monitor: MonitorHandle;
	size: TerminalSize;
	/** Called once when the operator quits (q, Ctrl-C). */
	onQuit: () => void;
	/** Pasted text from the terminal: typed into a text field, ignored (with a notice) anywhere else. */
	paste?: PasteSource;
	/** For tests: the UI state to start from. */
	initialUi?: UiState;
	/** Writes the incident report (E, :export). */
	exportReport?: () => void;
}

const noRows: readonly Visitor[] = [];
const noRecords: readonly DnsRecord[] = [];
const noRules: readonly AccessRule[] = [];
/** Keys that arrive inside a burst of typed characters; Ctrl-C too, so that it quits from inside one. */
const burstKeys: Record<string, [string, KeyPress]> = {'\t': ['', {tab: true}], '\r': ['', {return: true}], '\u007f': ['', {backspace: true}], '\b': ['', {backspace: true}], '\u0003': ['c', {ctrl: true}]};
const burstKey = /[\r\t\u007f\b\u0003]/;

/** Does `command` act on the open confirmation or level picker (y, Enter, u)? Typing in a form (or a confirmation's reason) does not. */
function answers(command: Command, ui: UiState): boolean {
	return ui.dialog !== undefined && keyMode(ui) !== 'form' && (command.type === 'dialog-yes' || command.type === 'dialog-enter' || command.type === 'dialog-alt');
}


export function App({monitor, size, onQuit, paste, initialUi, exportReport}: AppProps) {
	// The state changes only with data and the operator's doings; what moves with time reads the
	// clock where it is drawn (ClockedHeader, ClockedStatus).
	const state = useSyncExternalStore(monitor.subscribe, monitor.getState, monitor.getState);
	const [ui, setUi] = useState<UiState>(initialUi ?? initialUiState);
	const fullLayout = useMemo(() => computeLayout(size), [size]);
	const zone = state.zones[state.activeZone];
	// What changed elsewhere and still holds: lines on the dashboard, taken from the charts' rows.
	const drift = selectDrift(state);
	const driftLines = driftRows(drift.lines.length, fullLayout);
	const layout = useMemo(() => layoutWithDrift(fullLayout, driftLines), [fullLayout, driftLines]);
	const allRows = zone?.threatRows ?? noRows;
	// Filtering a 50,000-row flood costs a few ms: only when the rows or the filters change.
	const rows = useMemo(() => filterThreatRows(allRows, ui.classFilter, ui.textFilter), [allRows, ui.classFilter, ui.textFilter]);
	const selected = selectionIndex(ui, rows);
	const shown = visibleWindow(selected, rows.length, layout.threats.visibleRows);
	const quitting = useRef(false);
	const records = zone?.records ?? noRecords;
	const dnsIndex = Math.min(ui.dnsIndex, Math.max(0, records.length - 1));
	const logIndex = Math.min(ui.logIndex, Math.max(0, state.actions.length - 1));
	// What the API can do: which views and keys there are (a bare monitor in a test: v1's).
	const capabilities = monitor.actions.capabilities as Capabilities | undefined;
	const ruleListing = capabilities?.ruleListing ?? false;
	const views = useMemo(() => viewsFor(ruleListing), [ruleListing]);
	const listedRules = zone?.rules?.list ?? noRules;
	const sortedRules = useMemo(() => sortRules(listedRules), [listedRules]);
	const shownRules = useMemo(() => filterRules(sortedRules, ui.rulesFilter), [sortedRules, ui.rulesFilter]);
	const rulesIndex = Math.min(ui.rulesIndex, Math.max(0, shownRules.length - 1));
	// A threat row's mark looks its address up here, not through the whole list per row.
	const rulesByIp = useMemo(() => indexRulesByIp(ruleListing ? listedRules : undefined), [listedRules, ruleListing]);

	// The DNS view loads the zone's records once (one rec_load_all); r reloads them.
	const zoneRef = zone && isActiveZone(zone) && state.startup.phase === 'ready' ? zone : undefined;
	const needsRecords = ui.view === 'dns' && zoneRef !== undefined && zoneRef.records === undefined && !zoneRef.recordsStatus;
	useEffect(() => {
		if (needsRecords && zoneRef) monitor.actions.loadRecords({name: zoneRef.name, id: zoneRef.id});
	}, [needsRecords, zoneRef, monitor]);
	// The Rules view lists the zone's rules once when it opens on a zone never listed; r lists them again.
	const needsRules = ui.view === 'rules' && ruleListing && zoneRef !== undefined && zoneRef.rules === undefined;
	useEffect(() => {
		if (needsRules && zoneRef) monitor.actions.loadRules({name: zoneRef.name, id: zoneRef.id});
	}, [needsRules, zoneRef, monitor]);

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
		const latest = monitor.getState();
		const context: ActionContext = {
			monitor,
			state: latest,
			row: rows[selectionIndex(current, rows)],
			record: records[Math.min(current.dnsIndex, records.length - 1)],
			entry: latest.actions[Math.min(current.logIndex, latest.actions.length - 1)],
			drift: selectDrift(latest).entries[0],
			rule: current.view === 'rules' ? shownRules[Math.min(current.rulesIndex, shownRules.length - 1)] : undefined,
			quit,
			exportReport,
		};
		switch (command.type) {
			case 'quit':
				quit();
				return current;
			case 'action':
				return startAction(current, command.action, context);
			case 'dialog-yes':
			case 'dialog-no':
			case 'dialog-enter':
			case 'dialog-alt':
			case 'dialog-focus':
			case 'dialog-move':
			case 'form-input':
				return answerDialog(current, command, context);
			case 'palette-run':
				return runPalette(current, context);
			case 'refresh':
				if (current.view === 'dns' && zoneRef) {
					monitor.actions.loadRecords({name: zoneRef.name, id: zoneRef.id});
					return current;
				}
				if (current.view === 'rules' && zoneRef) {
					monitor.actions.loadRules({name: zoneRef.name, id: zoneRef.id});
					return current;
				}
				monitor.refreshNow();
				return current;
			case 'toggle-pause':
				monitor.togglePause();
				return current;
			case 'next-zone':
				monitor.nextZone();
				return current;
			default:
				return applyUiCommand(current, command, rows, current.view === 'rules' ? Math.max(1, layout.body.height - 4) : layout.threats.visibleRows, {dns: records.length, log: monitor.getState().actions.length, rules: shownRules.length}, views);
		}
	};

	// A lockdown (or its undo) cut short by a kill or a dropped link: once the zone is ready, its
	// finish-or-undo dialog opens by itself, so one key settles it.
	const offeredResume = useRef(false);
	const ready = state.startup.phase === 'ready';
	useEffect(() => {
		if (offeredResume.current || !ready || !zoneRef || state.readOnly) return;
		offeredResume.current = true;
		if (uiRef.current.dialog || monitor.actions.lockdownStatus(zoneRef.name).kind !== 'interrupted') return;
		const next = perform({type: 'action', action: 'lockdown'}, uiRef.current);
		uiRef.current = next;
		setUi(next);
	});

	// On APIs with rule notes, L lists the zone's rules first: its dialog opens once they are listed.
	useEffect(() => {
		if (!zoneRef || !monitor.actions.lockdownReady(zoneRef.name) || uiRef.current.dialog) return;
		const next = perform({type: 'action', action: 'lockdown'}, uiRef.current);
		uiRef.current = next;
		setUi(next);
	});

	// True from the key that opened a dialog until the input read with it is done (one event-loop turn:
	// Ink hands every key of a chunk over in one go). A confirmation takes only a key pressed on its own,
	// never one that came with the key opening it: a paste in a terminal without bracketed paste ("Ly"),
	// or ":ban 1.2.3.4⏎y" in one chunk. Those keys are dropped; the dialog stays open.
	const dialogJustOpened = useRef(false);
	const noteOpened = (before: UiState, after: UiState): void => {
		if (!opensDialog(before, after) || dialogJustOpened.current) return;
		dialogJustOpened.current = true;
		setImmediate(() => {
			dialogJustOpened.current = false;
		});
	};

	useInput((input, key) => {
		const latest = monitor.getState();
		// A key read the status line's notice once it has been up long enough (ui-state.ts).
		const now = monitor.clock.now();
		let current = acknowledgeNotice(uiRef.current, selectNotice(latest, now, uiRef.current.noticeSeenAt), now);
		// Ink hands over plain characters typed in a burst as one string ("jjj"): split them into
		// keys, so that a fast typist or a slow link loses nothing. Escape sequences come one by one.
		const typing = ['filter', 'palette', 'form'].includes(keyMode(current));
		// A burst may also end in Enter (":ban 1.2.3.4⏎" typed fast): split it, Enter and Tab as keys.
		const split = input.length > 1 && !key.ctrl && !key.meta && (!typing || burstKey.test(input));
		const keys: Array<[string, KeyPress]> = split ? [...input].map(char => burstKeys[char] ?? [char, {}]) : [[input, key]];
		let refused = false;
		for (const [char, press] of keys) {
			const command = keyToCommand(char, press, keyMode(current), current.view);
			if (!command) continue;
			// Nor does a y (or Enter, u) among other keys answer one already open: "yes" pasted, a held key.
			// Ctrl-C still quits.
			if (current.dialog && command.type !== 'quit' && (dialogJustOpened.current || (keys.length > 1 && answers(command, current)))) {
				refused ||= answers(command, current);
				continue;
			}
			const next = perform(command, current);
			noteOpened(current, next);
			current = next;
		}
		if (refused) monitor.say('warn', 'Not answered: that key came with others (a paste?); press it on its own');
		if (current !== uiRef.current) {
			uiRef.current = current;
			setUi(current);
		}
	});

	// A paste is text for a text field, never keys: anywhere else it is ignored, and the status line says so.
	const pasted = (text: string): void => {
		const current = uiRef.current;
		const dialog = current.dialog;
		const choiceField = dialog?.kind === 'form' && dialog.form.fields[dialog.form.focus]?.options !== undefined;
		const outcome = pasteToCommand(text, keyMode(current), choiceField);
		if ('ignored' in outcome) {
			monitor.say('warn', `Paste ignored: ${outcome.ignored}; nothing was done`);
			return;
		}
		const next = perform(outcome.command, current);
		if (next !== current) {
			uiRef.current = next;
			setUi(next);
		}
	};
	const pastedRef = useRef(pasted);
	pastedRef.current = pasted;
	useEffect(() => paste?.subscribe(text => pastedRef.current(text)), [paste]);

	let body;
	// A dialog takes the body: Ink cannot clip a fixed-height view under it reliably (rows bled into the
	// status line when tried), and a confirmation repeats what it is about (IP, class, hits, score).
	const dialog = ui.dialog;
	let dialogElement;
	if (dialog?.kind === 'confirm') {
		dialogElement = (
			<ConfirmDialog
				title={dialog.title}
				lines={dialog.lines}
				tone={dialog.tone}
				confirmLabel={dialog.confirmLabel}
				focus={dialog.focus}
				alternativeLabel={dialog.alternative?.label}
				alternativeKey={dialog.alternative?.key}
				input={dialog.input}
				wrap={dialog.wrap}
				width={layout.width}
				height={layout.body.height}
			/>
		);
	} else if (dialog?.kind === 'details') {
		const remembered = monitor.actions.details(dialog.ip);
		const entry = [...state.actions].reverse().find(candidate => candidate.request.kind === 'details' && candidate.request.ip === dialog.ip);
		const failure = !remembered && entry?.state === 'failed' ? `Not fetched: ${entry.message ?? 'failed'}` : undefined;
		const age = remembered ? Math.floor((monitor.clock.now() - remembered.at) / 1000) : undefined;
		dialogElement = <DetailsDialog ip={dialog.ip} details={remembered?.details} ageSeconds={age} failure={failure} width={layout.width} height={layout.body.height} />;
	} else if (dialog?.kind === 'level') {
		dialogElement = <LevelPicker zoneName={dialog.zone.name} current={dialog.current} cursor={dialog.cursor} width={layout.width} />;
	} else if (dialog?.kind === 'form') {
		dialogElement = <RecordFormDialog form={dialog.form} width={layout.width} height={layout.body.height} />;
	}
	if (dialogElement) {
		body = dialogElement;
	} else if (ui.overlay !== 'none') {
		body = <HelpDialog width={layout.width} height={layout.body.height} page={ui.overlay === 'help' ? 'keys' : 'palette'} capabilities={capabilities} />;
	} else if (state.startup.phase === 'connecting') {
		body = <MessagePane title={`Connecting to ${state.endpointLabel}…`} lines={['Checking the zones (one zone_check call).']} width={layout.width} height={layout.body.height} />;
	} else if (state.startup.phase === 'failed') {
		body = <MessagePane tone="error" title="Cannot start the console" lines={[state.startup.message, '', 'r retries · q quits']} width={layout.width} height={layout.body.height} />;
	} else if (ui.view === 'dns') {
		body = (
			<DnsPane
				zoneName={zone?.name ?? ''}
				records={zone?.records}
				loading={zone?.recordsStatus?.loading ?? false}
				error={zone?.recordsStatus?.error}
				selected={dnsIndex}
				readOnly={state.readOnly}
				width={layout.width}
				height={layout.body.height}
				showPriority={monitor.actions.capabilities.recordTypes.some(needsPriority)}
				showComment={monitor.actions.capabilities.recordComments}
			/>
		);
	} else if (ui.view === 'rules') {
		body = (
			<ClockedRulesPane
				zoneName={zone?.name ?? ''}
				rules={shownRules}
				totalAll={listedRules.length}
				snapshot={zone?.rules}
				serverSkew={serverSkew(zone)}
				selected={rulesIndex}
				filter={ui.rulesFilter}
				editingFilter={ui.editingFilter}
				readOnly={state.readOnly}
				width={layout.width}
				height={layout.body.height}
			/>
		);
	} else if (ui.view === 'log') {
		const lines = state.messages
			.latest(Math.max(0, layout.body.height - 1))
			.map(message => `${new Date(message.at).toISOString().slice(11, 19)} ${message.level.padEnd(5)} ${message.text}`);
		body = <LogPane entries={state.actions} selected={logIndex} messages={lines} drift={selectDriftLog(state)} width={layout.width} height={layout.body.height} />;
	} else {
		const traffic = selectTraffic(state, pointsFor(layout.traffic.chartWidth));
		const scores = zone?.scores ?? new Map();
		const visible = rows.slice(shown.start, shown.end).map((row): ThreatRow => {
			const view = threatRowView(row, scores, state.rules);
			// API v4 says where an address is from (country, network) rather than its coordinates.
			const origin = view.geo ?? ([row.country, row.asn].filter(Boolean).join(' ') || undefined);
			// A timed ban's time left, read where it is drawn (each poll redraws the rows).
			const left = monitor.actions.bans?.timeLeft(row.ip, zone?.name);
			const banLeft = left === undefined ? undefined : formatLeft(left);
			return ruleListing ? {...view, geo: origin, rules: indexedRules(rulesByIp, row.ip), banLeft} : {...view, geo: origin, banLeft};
		});
		body = (
			<Box flexDirection="column" height={layout.body.height}>
				<Box height={layout.traffic.height} overflow="hidden">
					<TrafficPane traffic={traffic} chartHeight={layout.traffic.chartHeight} chartWidth={layout.traffic.chartWidth} sideBySide={layout.traffic.sideBySide} />
				</Box>
				{driftLines > 0 ? <DriftPane lines={drift.lines} rows={driftLines} width={layout.width} /> : null}
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
						lastColumn={ruleListing && !(capabilities?.ipLookup ?? true) ? 'rule' : 'score'}
						width={layout.threats.width}
						height={layout.threats.height}
					/>
				</Box>
			</Box>
		);
	}

	return (
		<ClockContext.Provider value={monitor.clock}>
			<Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
				<ClockedHeader state={state} view={ui.view} width={layout.width} views={views} />
				<Box height={layout.body.height} overflow="hidden" alignItems="flex-start">
					{body}
				</Box>
				{ui.palette === undefined ? <ClockedStatus state={state} seenAt={ui.noticeSeenAt} width={layout.width} /> : <PaletteLine text={ui.palette} width={layout.width} />}
			</Box>
		</ClockContext.Provider>
	);
}
