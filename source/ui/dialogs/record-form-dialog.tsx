import {Box, Text} from 'ink';
import {formContentHint, formProblems, isFormValid, type FormField, type RecordForm} from '../forms/record-form.js';
import {sanitize} from '../sanitize.js';
import {visibleWindow} from '../ui-state.js';

export interface RecordFormDialogProps {
	form: RecordForm;
	width: number;
	/** Rows it may take; without it every line is drawn. */
	height?: number;
}

const titles: Record<RecordForm['mode'], string> = {add: 'Add a DNS record', edit: 'Edit a DNS record', 'update-ip': 'Point A records at a new IP (DIUP)'};

/** A choice: every option when they are few (yes/no, A/CNAME), else the chosen one and where it is in the list. */
function choiceText(field: FormField, options: readonly string[]): string {
	if (options.length <= 4) return options.map(option => (option === field.value ? `[${sanitize(option)}]` : ` ${sanitize(option)} `)).join(' ');
	const at = options.indexOf(field.value);
	return `‹ ${sanitize(field.value)} ›  ${at + 1}/${options.length}`;
}

/**
 * The form, each field's problem shown inline as it is typed; Enter reviews the change (old and new) only
 * when all are valid. Short of rows it drops the help lines, then shows the fields around the focused one.
 */
export function RecordFormDialog({form, width, height}: RecordFormDialogProps) {
	const problems = formProblems(form);
	const labelWidth = Math.max(...form.fields.map(field => field.label.length)) + 2;
	const valid = isFormValid(form);
	const hint = formContentHint(form);
	const typeField = form.fields.find(field => field.name === 'type');
	const manyTypes = (typeField?.options?.length ?? 0) > 4;
	// Rows inside the border: the title, the fields, the content hint, the keys; cut in that order of need.
	let room = height === undefined ? Infinity : Math.max(1, height - 2);
	const showTitle = room >= 2;
	if (showTitle) room--;
	const showKeys = room >= form.fields.length + 1;
	if (showKeys) room--;
	const showHint = hint !== undefined && room >= form.fields.length + 1;
	if (showHint) room--;
	const shown = visibleWindow(form.focus, form.fields.length, Math.min(form.fields.length, room));
	// Columns for a value: the border, padding, marker and label, and room left for the problem.
	const valueRoom = Math.max(8, width - 6 - labelWidth - 1);
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			{showTitle ? (
				<Text bold color="cyan" wrap="truncate">
					{`${titles[form.mode]} · ${sanitize(form.zone.name)}${form.original ? ` · ${sanitize(form.original.type)} ${sanitize(form.original.name)}` : ''}`}
				</Text>
			) : null}
			{form.fields.slice(shown.start, shown.end).map((field, offset) => {
				const focused = shown.start + offset === form.focus;
				const problem = problems[field.name];
				let value = field.options ? choiceText(field, field.options) : sanitize(field.value);
				if (focused && !field.options) {
					// The end is where one types: a long value shows its tail, leaving room for the problem.
					const fits = problem ? Math.max(8, Math.floor(valueRoom / 2)) : valueRoom - 3;
					if (value.length > fits) value = `…${value.slice(value.length - fits + 1)}`;
				}
				return (
					<Text key={field.name} wrap="truncate">
						<Text color={focused ? 'yellow' : undefined}>{`${focused ? '›' : ' '} ${field.label.padEnd(labelWidth)}`}</Text>
						<Text inverse={focused && !field.options}>{value}</Text>
						{focused && !field.options ? '▏' : ''}
						{problem ? <Text color="red">{`  ✗ ${sanitize(problem)}`}</Text> : <Text color="green">{'  ✓'}</Text>}
					</Text>
				);
			})}
			{showHint ? (
				<Text dimColor wrap="truncate">
					{sanitize(hint)}
				</Text>
			) : null}
			{showKeys ? (
				<Text dimColor wrap="truncate">
					{`${valid ? 'Enter reviews it' : 'Nothing is sent until every field is valid'} · Tab/↑↓ field · ${manyTypes ? 'a letter, Space or ←/→ picks' : 'Space/←→ switch'} · Esc cancels`}
				</Text>
			) : null}
		</Box>
	);
}
