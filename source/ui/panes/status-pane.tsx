import {Box, Text} from 'ink';
import type {StatusView} from '../../monitor/select.js';
import {sanitize} from '../sanitize.js';
import {statusClock} from '../visible-clock.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

export interface StatusPaneProps {
	status: StatusView;
	width: number;
}

/** One line: how old the data is (STALE when it cannot be trusted), the next poll, the last message; ages in steps (visible-clock.ts). */
function StatusPaneView({status, width}: StatusPaneProps) {
	const {age, next} = statusClock(status);
	const text = status.banner ?? status.message?.text ?? '';
	const level = status.banner ? 'error' : status.message?.level;
	return (
		<Box width={width} height={1}>
			<Box flexShrink={0}>
				{status.stale ? (
					<Text backgroundColor="red" color="white" bold>
						{' STALE '}
					</Text>
				) : null}
				<Text>{` ${age}`}</Text>
				{next ? <Text dimColor>{` · ${next}`}</Text> : null}
				<Text dimColor>{' │ '}</Text>
			</Box>
			<Box flexShrink={1}>
				<Text wrap="truncate" color={level === 'error' ? 'red' : level === 'warn' ? 'yellow' : undefined}>
					{sanitize(text)}
				</Text>
			</Box>
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const StatusPane = memo(StatusPaneView, sameProps);
