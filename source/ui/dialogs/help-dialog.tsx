import {Box, Text} from 'ink';
import {paletteUsage} from '../../actions/palette.js';
import {keyHelp} from '../keymap.js';

export interface HelpDialogProps {
	width: number;
	height: number;
	/** The keys (`?`), or the palette's commands (`:help`). */
	page?: 'keys' | 'palette';
}

/**
 * Every key, from the same table the keymap is documented by; or every palette command. Esc or ?
 * closes it. When one column does not fit the height, two columns share the width.
 */
export function HelpDialog({width, height, page = 'keys'}: HelpDialogProps) {
	const entries = page === 'keys' ? keyHelp.map(entry => [entry.keys, entry.description] as const) : paletteUsage;
	// Two rows of border and one of title; the rest lists keys.
	const fits = Math.max(0, height - 3);
	const columns = entries.length > fits && width >= 60 ? 2 : 1;
	const perColumn = Math.ceil(entries.length / columns);
	const columnWidth = Math.floor((width - 4) / columns);
	const keyWidth = Math.min(Math.floor(columnWidth / 2), Math.max(...entries.map(entry => entry[0].length)) + 2);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
			<Text bold wrap="truncate">
				{page === 'keys' ? 'Keys (Esc closes)' : 'Commands after : (Esc closes)'}
			</Text>
			<Box flexDirection="row">
				{Array.from({length: columns}, (_, column) => (
					<Box key={column} flexDirection="column" width={columnWidth} paddingRight={1}>
						{entries.slice(column * perColumn, (column + 1) * perColumn).slice(0, fits).map(([keys, description]) => (
							<Text key={keys} wrap="truncate">
								<Text color="cyan">{keys.padEnd(keyWidth)}</Text>
								{description}
							</Text>
						))}
					</Box>
				))}
			</Box>
		</Box>
	);
}
