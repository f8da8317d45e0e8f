/**
 * The console's own state (which view, which overlay, the filters, the highlighted IP) and its
 * pure reducer. The highlight is kept as an IP, not an index, so it stays on the same address when
 * a refresh reorders the list; the index is only a fallback when that IP has gone.
 */
import type {Visitor} from '../backend.js';
import {classFilters, noticeReadMs, type ClassFilter} from '../monitor/select.js';
import type {MonitorMessage} from '../monitor/store.js';
import type {Dialog} from './dialog-state.js';
import type {Command, KeyMode} from './keymap.js';

export type ViewName = 'dashboard' | 'dns' | 'log';
export const viewNames: readonly ViewName[] = ['dashboard', 'dns', 'log'];

export interface UiState {
	view: ViewName;
	overlay: 'none' | 'help' | 'palette-help';
	classFilter: ClassFilter;
	textFilter: string;
	/** True while the operator types after `/`. */
	editingFilter: boolean;
	selectedIp?: string;
	/** Where the highlight was, for when its IP leaves the list. */
	selectedIndex: number;
	/** The open dialog (confirmation, level picker, record form). */
	dialog?: Dialog;
	/** The `:` palette's text while it is open. */
	palette?: string;
	/** The highlighted row of the DNS view and of the Log view (the Log starts on its newest action). */
	dnsIndex: number;
	logIndex: number;
	/** The time of the last status-line notice a key acknowledged (acknowledgeNotice); older ones are seen. */
	noticeSeenAt?: number;
}

export const initialUiState: UiState = {view: 'dashboard', overlay: 'none', classFilter: 'all', textFilter: '', editingFilter: false, selectedIndex: 0, dnsIndex: 0, logIndex: Number.MAX_SAFE_INTEGER};

/**
 * A key pressed at `now` marks the status line's notice seen, if it has been up for `noticeReadMs`:
 * the key that confirmed an action, or one typed just as its failure appeared, was not a reading.
 * `now` is the monitor's clock, read when the key arrives.
 */
export function acknowledgeNotice(ui: UiState, notice: MonitorMessage | undefined, now: number): UiState {
	if (!notice || notice.level === 'info' || (ui.noticeSeenAt !== undefined && notice.at <= ui.noticeSeenAt) || now - notice.at < noticeReadMs) return ui;
	return {...ui, noticeSeenAt: notice.at};
}

/** The longest text filter accepted: a paste cannot grow it without bound. */
export const maxFilterLength = 64;

export function keyMode(ui: UiState): KeyMode {
	if (ui.dialog?.kind === 'form') return 'form';
	if (ui.dialog) return 'dialog';
	if (ui.palette !== undefined) return 'palette';
	if (ui.overlay !== 'none') return 'help';
	if (ui.editingFilter) return 'filter';
	return 'normal';
}

/**
 * True when `next` shows a dialog `ui` did not: one opened, or another in place of the last (a form's
 * confirmation, the never-ban guard's second warning). Moving the focus or typing in a form is not.
 */
export function opensDialog(ui: UiState, next: UiState): boolean {
	const before = ui.dialog;
	const after = next.dialog;
	if (!after || after === before) return false;
	if (!before || before.kind !== after.kind) return true;
	if (before.kind === 'confirm' && after.kind === 'confirm') return before.step !== after.step;
	if (before.kind === 'level' && after.kind === 'level') return before.zone !== after.zone;
	return before.kind === 'form' && after.kind === 'form' && before.form.mode !== after.form.mode;
}

/** The index of the highlighted row in `rows`: its IP if still listed, else the old position. */
export function selectionIndex(ui: UiState, rows: readonly Visitor[]): number {
	if (rows.length === 0) return -1;
	if (ui.selectedIp !== undefined) {
		const found = rows.findIndex(row => row.ip === ui.selectedIp);
		if (found >= 0) return found;
	}
	return Math.min(Math.max(0, ui.selectedIndex), rows.length - 1);
}

function select(ui: UiState, rows: readonly Visitor[], index: number): UiState {
	if (rows.length === 0) return {...ui, selectedIndex: 0};
	const clamped = Math.min(Math.max(0, index), rows.length - 1);
	return {...ui, selectedIp: rows[clamped].ip, selectedIndex: clamped};
}

/** Only the rows that fit are rendered: the window keeps the highlight in view. */
export function visibleWindow(index: number, count: number, height: number): {start: number; end: number} {
	if (height <= 0 || count === 0) return {start: 0, end: 0};
	const start = Math.min(Math.max(0, index - Math.floor(height / 2)), Math.max(0, count - height));
	return {start, end: Math.min(count, start + height)};
}

/**
 * Applies a UI command. `rows` are the rows currently listed (after filters), `pageSize` the rows
 * visible. Commands that belong to the monitor (refresh, pause, zone, quit) leave the state alone.
 */
export function applyUiCommand(ui: UiState, command: Command, rows: readonly Visitor[], pageSize: number, counts: {dns: number; log: number} = {dns: 0, log: 0}): UiState {
	const index = selectionIndex(ui, rows);
	const clamp = (value: number, count: number) => Math.min(Math.max(0, value), Math.max(0, count - 1));
	switch (command.type) {
		case 'move':
			if (ui.view === 'dns') return {...ui, dnsIndex: clamp(clamp(ui.dnsIndex, counts.dns) + command.by, counts.dns)};
			if (ui.view === 'log') return {...ui, logIndex: clamp(clamp(ui.logIndex, counts.log) + command.by, counts.log)};
			return select(ui, rows, index + command.by);
		case 'page':
			return select(ui, rows, index + command.by * Math.max(1, pageSize - 1));
		case 'jump':
			if (ui.view === 'dns') return {...ui, dnsIndex: command.to === 'first' ? 0 : clamp(counts.dns, counts.dns)};
			if (ui.view === 'log') return {...ui, logIndex: command.to === 'first' ? 0 : clamp(counts.log, counts.log)};
			return select(ui, rows, command.to === 'first' ? 0 : rows.length - 1);
		case 'cycle-class': {
			const next = classFilters[(classFilters.indexOf(ui.classFilter) + 1) % classFilters.length];
			return {...ui, classFilter: next};
		}
		case 'start-text-filter':
			return {...ui, editingFilter: true, view: 'dashboard'};
		case 'filter-input': {
			// Typed or pasted: keep printable characters only, and not too many.
			const text = (ui.textFilter + command.text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')).slice(0, maxFilterLength);
			return {...ui, textFilter: text};
		}
		case 'filter-backspace':
			return {...ui, textFilter: ui.textFilter.slice(0, -1)};
		case 'filter-accept':
			return {...ui, editingFilter: false};
		case 'filter-cancel':
			return {...ui, editingFilter: false, textFilter: ''};
		case 'toggle-help':
			return {...ui, overlay: ui.overlay === 'none' ? 'help' : 'none'};
		case 'open-palette':
			return {...ui, palette: ''};
		case 'palette-input':
			return ui.palette === undefined ? ui : {...ui, palette: (ui.palette + command.text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')).slice(0, 1024)};
		case 'palette-backspace':
			return ui.palette === undefined ? ui : {...ui, palette: ui.palette.slice(0, -1)};
		case 'palette-cancel':
			return {...ui, palette: undefined};
		case 'close-overlay':
			if (ui.overlay !== 'none') return {...ui, overlay: 'none'};
			if (ui.textFilter !== '') return {...ui, textFilter: ''};
			return ui;
		case 'next-view': {
			const at = viewNames.indexOf(ui.view);
			return {...ui, view: viewNames[(at + command.by + viewNames.length) % viewNames.length]};
		}
		default:
			return ui;
	}
}
