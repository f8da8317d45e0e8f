import {Box, Text} from 'ink';
import {keyHelp} from '../keymap.js';

export interface HelpDialogProps {
	width: number;
	height: number;
}

/** Every key, from the same table the keymap is documented by. Esc or ? closes it. */
export function HelpDialog({width, height}: HelpDialogProps) {
	const keyWidth = Math.max(...keyHelp.map(entry => entry.keys.length)) + 2;
	// Two rows of border and one of title; the rest lists keys.
	const fits = Math.max(0, height - 3);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
			<Text bold wrap="truncate">
				Keys (Esc closes)
			</Text>
			{keyHelp.slice(0, fits).map(entry => (
				<Text key={entry.keys} wrap="truncate">
					<Text color="cyan">{entry.keys.padEnd(keyWidth)}</Text>
					{entry.description}
				</Text>
			))}
		</Box>
	);
}
