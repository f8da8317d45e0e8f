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

export type ViewName = 'dashboard' | 'dns' | 'rules' | 'log';
/** Every view, in Tab order; the Rules view only where the API lists rules (`viewsFor`). */
export const viewNames: readonly ViewName[] = ['dashboard', 'dns', 'rules', 'log'];

/** The views Tab cycles through: the Rules view only when the API can list rules. */
export function viewsFor(ruleListing: boolean): readonly ViewName[] {
	return ruleListing ? viewNames : viewNames.filter(view => view !== 'rules');
}

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
	/** The Rules view: its highlighted rule and its text filter (`/` there edits it, with `editingFilter`). */
	rulesIndex: number;
	rulesFilter: string;
	/** The time of the last status-line notice a key acknowledged (acknowledgeNotice); older ones are seen. */
	noticeSeenAt?: number;
}

export const initialUiState: UiState = {view: 'dashboard', overlay: 'none', classFilter: 'all', textFilter: '', editingFilter: false, selectedIndex: 0, dnsIndex: 0, logIndex: Number.MAX_SAFE_INTEGER, rulesIndex: 0, rulesFilter: ''};

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
	// A confirmation's text field (a reason, a typed "yes") takes keys as a form's field does.
	if (ui.dialog?.kind === 'form' || (ui.dialog?.kind === 'confirm' && ui.dialog.input?.editing)) return 'form';
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
	if (before.kind === 'confirm' && after.kind === 'confirm') return before.step !== after.step || (before.input?.editing === true && after.input?.editing !== true);
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
 * visible, `counts` the rows of the other views, `views` those Tab cycles through. Commands that belong
 * to the monitor (refresh, pause, zone, quit) leave the state alone.
 */
export function applyUiCommand(ui: UiState, command: Command, rows: readonly Visitor[], pageSize: number, counts: {dns: number; log: number; rules?: number} = {dns: 0, log: 0}, views: readonly ViewName[] = viewsFor(false)): UiState {
	const index = selectionIndex(ui, rows);
	const clamp = (value: number, count: number) => Math.min(Math.max(0, value), Math.max(0, count - 1));
	switch (command.type) {
		case 'move':
			if (ui.view === 'dns') return {...ui, dnsIndex: clamp(clamp(ui.dnsIndex, counts.dns) + command.by, counts.dns)};
			if (ui.view === 'log') return {...ui, logIndex: clamp(clamp(ui.logIndex, counts.log) + command.by, counts.log)};
			if (ui.view === 'rules') return {...ui, rulesIndex: clamp(clamp(ui.rulesIndex, counts.rules ?? 0) + command.by, counts.rules ?? 0)};
			return select(ui, rows, index + command.by);
		case 'page':
			if (ui.view === 'rules') return {...ui, rulesIndex: clamp(clamp(ui.rulesIndex, counts.rules ?? 0) + command.by * Math.max(1, pageSize - 1), counts.rules ?? 0)};
			return select(ui, rows, index + command.by * Math.max(1, pageSize - 1));
		case 'jump':
			if (ui.view === 'dns') return {...ui, dnsIndex: command.to === 'first' ? 0 : clamp(counts.dns, counts.dns)};
			if (ui.view === 'log') return {...ui, logIndex: command.to === 'first' ? 0 : clamp(counts.log, counts.log)};
			if (ui.view === 'rules') return {...ui, rulesIndex: command.to === 'first' ? 0 : clamp(counts.rules ?? 0, counts.rules ?? 0)};
			return select(ui, rows, command.to === 'first' ? 0 : rows.length - 1);
		case 'cycle-class': {
			const next = classFilters[(classFilters.indexOf(ui.classFilter) + 1) % classFilters.length];
			return {...ui, classFilter: next};
		}
		case 'start-text-filter':
			// The Rules view filters its own list; anywhere else `/` filters the visitors.
			return {...ui, editingFilter: true, view: ui.view === 'rules' ? 'rules' : 'dashboard'};
		case 'filter-input': {
			// Typed or pasted: keep printable characters only, and not too many.
			const typed = command.text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
			if (ui.view === 'rules') return {...ui, rulesFilter: (ui.rulesFilter + typed).slice(0, maxFilterLength), rulesIndex: 0};
			return {...ui, textFilter: (ui.textFilter + typed).slice(0, maxFilterLength)};
		}
		case 'filter-backspace':
			if (ui.view === 'rules') return {...ui, rulesFilter: ui.rulesFilter.slice(0, -1), rulesIndex: 0};
			return {...ui, textFilter: ui.textFilter.slice(0, -1)};
		case 'filter-accept':
			return {...ui, editingFilter: false};
		case 'filter-cancel':
			if (ui.view === 'rules') return {...ui, editingFilter: false, rulesFilter: '', rulesIndex: 0};
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
			if (ui.view === 'rules' && ui.rulesFilter !== '') return {...ui, rulesFilter: '', rulesIndex: 0};
			if (ui.textFilter !== '') return {...ui, textFilter: ''};
			return ui;
		case 'next-view': {
			// A view the API lacks (Rules on v1) is never landed on; from it, Tab goes on from where it sits.
			const at = Math.max(0, views.indexOf(ui.view) < 0 ? viewNames.indexOf(ui.view) - 1 : views.indexOf(ui.view));
			return {...ui, view: views[(at + command.by + views.length) % views.length]};
		}
		default:
			return ui;
	}
}
