import {Box, Text} from 'ink';
import {sanitize} from '../sanitize.js';

export interface MessagePaneProps {
	title: string;
	lines: readonly string[];
	width: number;
	height: number;
	tone?: 'normal' | 'error';
}

/** A titled block of text lines: start-up, failures, and the placeholder views. */
export function MessagePane({title, lines, width, height, tone = 'normal'}: MessagePaneProps) {
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold color={tone === 'error' ? 'red' : undefined} wrap="truncate">
				{title}
			</Text>
			{lines.slice(0, Math.max(0, height - 1)).map((line, index) => (
				<Text key={index} wrap={tone === 'error' ? 'wrap' : 'truncate'}>
					{sanitize(line)}
				</Text>
			))}
		</Box>
	);
}
