import {Box, Text} from 'ink';
import {sanitize} from '../sanitize.js';

export interface ConfirmDialogProps {
	title: string;
	lines: readonly string[];
	tone: 'normal' | 'danger';
	confirmLabel: string;
	focus: 'cancel' | 'confirm';
	/** A second way out on its own key (`alternativeKey`, default u), shown as a third button. */
	alternativeLabel?: string;
	alternativeKey?: string;
	/** A line typed before the answer: a reason, or the "yes" a dangerous removal needs. */
	input?: {label: string; text: string; editing: boolean; purpose: 'reason' | 'typed-yes'};
	width: number;
	height: number;
}

/** The end of `text` that fits `room` columns (what is being typed stays in view), "…" when cut. */
function tail(text: string, room: number): string {
	const chars = [...text];
	return chars.length <= room ? text : `…${chars.slice(chars.length - Math.max(0, room - 1)).join('')}`;
}

/** A confirmation: what will be sent, then Cancel (focused first) and the confirm button. */
export function ConfirmDialog({title, lines, tone, confirmLabel, focus, alternativeLabel, alternativeKey = 'u', input, width, height}: ConfirmDialogProps) {
	const color = tone === 'danger' ? 'red' : 'cyan';
	// Border (2), title (1), a blank and the buttons (2), the typed line if any: the rest holds lines.
	const inputRows = input ? 1 : 0;
	const room = Math.max(0, height - 5 - inputRows);
	const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 1)), `… ${lines.length - room + 1} more`] : lines;
	// Inside the border (2) and padding (2): the label, the text and the cursor.
	const label = input ? `${input.label} ` : '';
	const typed = input ? tail(sanitize(input.text), Math.max(1, width - 4 - label.length - 1)) : '';
	const editing = input?.editing ?? false;
	const hint = input?.purpose === 'typed-yes' ? ' type yes, then Enter · Esc cancels ' : ' Enter accepts the reason (may be empty) · Esc cancels ';
	return (
		<Box flexDirection="column" width={width} height={Math.min(height, shown.length + 5 + inputRows)} borderStyle="round" borderColor={color} paddingX={1} overflow="hidden">
			<Text bold color={color} wrap="truncate">
				{sanitize(title)}
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate">
					{/* An empty Text takes no row in Ink: keep blank lines one row tall. */}
					{sanitize(line) || ' '}
				</Text>
			))}
			{input ? (
				<Text wrap="truncate">
					<Text bold>{label}</Text>
					{typed}
					{editing ? <Text inverse> </Text> : typed === '' ? <Text dimColor>(none)</Text> : null}
				</Text>
			) : null}
			<Text> </Text>
			{editing ? (
				<Text wrap="truncate" dimColor>
					{hint}
				</Text>
			) : (
				<Text wrap="truncate">
					<Text inverse={focus === 'cancel'} bold={focus === 'cancel'}>
						{' Cancel (n/Esc) '}
					</Text>
					{'  '}
					<Text inverse={focus === 'confirm'} bold={focus === 'confirm'} color={tone === 'danger' ? 'red' : undefined}>
						{` ${sanitize(confirmLabel)} (y) `}
					</Text>
					{alternativeLabel ? `   ${sanitize(alternativeLabel)} (${alternativeKey})` : ''}
				</Text>
			)}
		</Box>
	);
}
