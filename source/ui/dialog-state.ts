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
	/** Removing rules someone else made: a second confirmation first, where "yes" is typed. */
	| {type: 'foreign-rules'; requests: ActionRequest[]; lines: string[]}
	| {type: 'lockdown'; plan: LockdownPlan}
	| {type: 'unlock'; zone: ZoneRef}
	/** Send the rest of an interrupted lockdown. */
	| {type: 'finish-lockdown'; zone: ZoneRef}
	/** `R` in the Log view: the failed action again. */
	| {type: 'retry'; id: number}
	/** A DNS form's request; cancelling goes back to the form. */
	| {type: 'form'; request: ActionRequest; form: RecordForm};

/**
 * A line of text typed in a confirmation: the reason a rule is made (Enter accepts it, and the
 * confirmation's y then sends), or the "yes" a dangerous removal needs (Enter sends when it is yes).
 */
export interface DialogInput {
	/** `duration`: how long a ban lasts (prefilled with the default or the escalated step), asked before the reason. */
	purpose: 'reason' | 'typed-yes' | 'duration';
	label: string;
	text: string;
	/** True while keys go into the text; a reason stops taking them on Enter. */
	editing: boolean;
	/** For a reason: the notes' action word (block, allow, challenge), which the accepted reason completes. */
	action?: string;
	/** For a duration: the ladder step it was prefilled with (kept when accepted unchanged), and its seconds. */
	offer?: {duration: number; step?: number};
	/** The input that follows this one once accepted (a ban's reason after its duration). */
	then?: DialogInput;
}

/** The longest reason taken (the notes cut it shorter still; a paste cannot grow it without bound). */
export const maxReasonLength = 200;

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
			/** A line typed before the answer (a reason, a typed "yes"). */
			input?: DialogInput;
			/** Long lines wrap instead of being cut (a quoted note is read whole). */
			wrap?: boolean;
			/** A ban's duration (seconds, 0 = permanent), shown and changed with `t`; the ladder step it was offered as. */
			duration?: {seconds: number; offer?: {duration: number; step?: number}};
		}
	| {kind: 'level'; zone: ZoneRef; current?: SecurityLevel; cursor: number}
	| {kind: 'form'; form: RecordForm}
	/** `i` on an API with IP details (v4): country, ASN and firewall events, as they arrive; any answer key closes it. */
	| {kind: 'details'; zone: ZoneRef; ip: string};

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
	if (dialog.kind === 'confirm' && dialog.input?.editing && command.type === 'form-input') return {...dialog, input: editInput(dialog.input, command.input)};
	return dialog;
}

/** Typing in a confirmation's line: printable text only (a paste arrives cleaned), at most `maxReasonLength`. */
export function editInput(input: DialogInput, change: FormInput): DialogInput {
	if (change.type === 'backspace') return {...input, text: [...input.text].slice(0, -1).join('')};
	if (change.type !== 'text') return input;
	const typed = change.text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '');
	return {...input, text: [...(input.text + typed)].slice(0, maxReasonLength).join('')};
}
