/**
 * The dialogs the console opens, as plain data, and the keys they take. `y` confirms, `n` or Esc
 * cancels, and focus starts on Cancel, so a stray Enter never sends anything.
 */
import type {LockdownPlan} from '../actions/lockdown.js';
import type {RecordForm} from './forms/record-form.js';
import type {ActionRequest} from '../actions/types.js';
import {securityLevels, type SecurityLevel, type ZoneRef} from '../backend.js';
import {applyFormInput, type FormInput} from './forms/record-form.js';

/** What happens when a confirmation is accepted. */
export type ConfirmStep =
	| {type: 'submit'; requests: ActionRequest[]; rememberLevel?: {zone: string; level?: SecurityLevel}}
	| {type: 'lockdown'; plan: LockdownPlan}
	| {type: 'unlock'; zone: ZoneRef}
	/** Send the rest of an interrupted lockdown. */
	| {type: 'finish-lockdown'; zone: ZoneRef}
	/** `R` in the Log view: the failed action again. */
	| {type: 'retry'; id: number}
	/** A DNS form's request; cancelling goes back to the form. */
	| {type: 'form'; request: ActionRequest; form: RecordForm};

export type Dialog =
	| {
			kind: 'confirm';
			title: string;
			lines: string[];
			tone: 'normal' | 'danger';
			confirmLabel: string;
			focus: 'cancel' | 'confirm';
			step: ConfirmStep;
			/**
			 * A second way out, on its own key: an interrupted lockdown (finish with y, or undo with u), the
			 * lockdown's choice (one ASN rule with y, or the top IPs with i).
			 */
			alternative?: {key: 'u' | 'i' | 'a'; label: string; step: ConfirmStep};
		}
	| {kind: 'level'; zone: ZoneRef; current?: SecurityLevel; cursor: number}
	| {kind: 'form'; form: RecordForm};

/** Keys a dialog understands. */
export type DialogCommand =
	| {type: 'dialog-yes'}
	| {type: 'dialog-no'}
	| {type: 'dialog-enter'}
	| {type: 'dialog-alt'; key: string}
	| {type: 'dialog-focus'; by: number}
	| {type: 'dialog-move'; by: number}
	| {type: 'form-input'; input: FormInput};

export function confirmDialog(title: string, lines: string[], step: ConfirmStep, options: {tone?: 'normal' | 'danger'; confirmLabel?: string} = {}): Dialog {
	return {kind: 'confirm', title, lines, step, tone: options.tone ?? 'normal', confirmLabel: options.confirmLabel ?? 'Confirm', focus: 'cancel'};
}

export function levelDialog(zone: ZoneRef, current: SecurityLevel | undefined): Dialog {
	return {kind: 'level', zone, current, cursor: Math.max(0, current ? securityLevels.indexOf(current) : 0)};
}

/** Moves focus or the cursor, or edits a form; confirming and cancelling are the App's to carry out. */
export function moveInDialog(dialog: Dialog, command: DialogCommand): Dialog {
	if (dialog.kind === 'confirm' && (command.type === 'dialog-focus' || command.type === 'dialog-move')) {
		return {...dialog, focus: dialog.focus === 'cancel' ? 'confirm' : 'cancel'};
	}
	if (dialog.kind === 'level' && (command.type === 'dialog-move' || command.type === 'dialog-focus')) {
		return {...dialog, cursor: (dialog.cursor + command.by + securityLevels.length) % securityLevels.length};
	}
	if (dialog.kind === 'form' && command.type === 'form-input') return {...dialog, form: applyFormInput(dialog.form, command.input)};
	return dialog;
}
