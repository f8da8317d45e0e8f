import {Box, Text} from 'ink';
import {securityLevels, type SecurityLevel} from '../../backend.js';
import {securityLabels} from '../../monitor/reduce-actions.js';
import {sanitize} from '../sanitize.js';

export interface LevelPickerProps {
	zoneName: string;
	current?: SecurityLevel;
	cursor: number;
	width: number;
}

/** The five security levels, the current one marked; j/k choose, y or Enter reviews the change, n or Esc cancels. */
export function LevelPicker({zoneName, current, cursor, width}: LevelPickerProps) {
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold color="cyan" wrap="truncate">
				{`Security level of ${sanitize(zoneName)}`}
			</Text>
			{securityLevels.map((level, index) => (
				<Text key={level} inverse={index === cursor} wrap="truncate">
					{index === cursor ? '› ' : '  '}
					{level.padEnd(5)} {securityLabels[level].padEnd(18)}
					{level === current ? '● current' : ''}
				</Text>
			))}
			<Text dimColor wrap="truncate">
				j/k choose · y or Enter reviews it · n or Esc cancels
			</Text>
		</Box>
	);
}
