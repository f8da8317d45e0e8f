import {Box, Text} from 'ink';
import {sanitize} from '../sanitize.js';

export interface PaletteLineProps {
	text: string;
	width: number;
}

/** The `:` command line, in place of the status line while it is open. */
export function PaletteLine({text, width}: PaletteLineProps) {
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate">
				<Text color="yellow" bold>
					:
				</Text>
				{sanitize(text)}▏<Text dimColor>{'   Enter runs · Esc cancels · :help lists commands'}</Text>
			</Text>
		</Box>
	);
}
