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
	width: number;
	height: number;
}

/** A confirmation: what will be sent, then Cancel (focused first) and the confirm button. */
export function ConfirmDialog({title, lines, tone, confirmLabel, focus, alternativeLabel, alternativeKey = 'u', width, height}: ConfirmDialogProps) {
	const color = tone === 'danger' ? 'red' : 'cyan';
	// Border (2), title (1), a blank and the buttons (2): the rest holds lines.
	const room = Math.max(0, height - 5);
	const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 1)), `… ${lines.length - room + 1} more`] : lines;
	return (
		<Box flexDirection="column" width={width} height={Math.min(height, shown.length + 5)} borderStyle="round" borderColor={color} paddingX={1} overflow="hidden">
			<Text bold color={color} wrap="truncate">
				{sanitize(title)}
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate">
					{/* An empty Text takes no row in Ink: keep blank lines one row tall. */}
					{sanitize(line) || ' '}
				</Text>
			))}
			<Text> </Text>
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
		</Box>
	);
}
