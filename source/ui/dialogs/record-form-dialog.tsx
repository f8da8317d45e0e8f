import {Box, Text} from 'ink';
import {formProblems, isFormValid, type RecordForm} from '../forms/record-form.js';
import {sanitize} from '../sanitize.js';

export interface RecordFormDialogProps {
	form: RecordForm;
	width: number;
}

const titles: Record<RecordForm['mode'], string> = {add: 'Add a DNS record', edit: 'Edit a DNS record', 'update-ip': 'Point A records at a new IP (DIUP)'};

/** The form, each field's problem shown inline as it is typed; Enter reviews the change (old and new) only when all are valid. */
export function RecordFormDialog({form, width}: RecordFormDialogProps) {
	const problems = formProblems(form);
	const labelWidth = Math.max(...form.fields.map(field => field.label.length)) + 2;
	const valid = isFormValid(form);
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold color="cyan" wrap="truncate">
				{`${titles[form.mode]} · ${sanitize(form.zone.name)}${form.original ? ` · ${sanitize(form.original.type)} ${sanitize(form.original.name)}` : ''}`}
			</Text>
			{form.fields.map((field, index) => {
				const focused = index === form.focus;
				const problem = problems[field.name];
				const value = field.options ? field.options.map(option => (option === field.value ? `[${option}]` : ` ${option} `)).join(' ') : sanitize(field.value);
				return (
					<Text key={field.name} wrap="truncate">
						<Text color={focused ? 'yellow' : undefined}>{`${focused ? '›' : ' '} ${field.label.padEnd(labelWidth)}`}</Text>
						<Text inverse={focused && !field.options}>{value}</Text>
						{focused && !field.options ? '▏' : ''}
						{problem ? <Text color="red">{`  ✗ ${sanitize(problem)}`}</Text> : <Text color="green">{'  ✓'}</Text>}
					</Text>
				);
			})}
			<Text dimColor wrap="truncate">
				{`${valid ? 'Enter reviews it' : 'Nothing is sent until every field is valid'} · Tab/↑↓ field · Space/←→ switch · Esc cancels`}
			</Text>
		</Box>
	);
}
