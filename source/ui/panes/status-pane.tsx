import {Box, Text} from 'ink';
import type {StatusView} from '../../monitor/select.js';
import type {MonitorState} from '../../monitor/store.js';
import {sanitize} from '../sanitize.js';
import {selectShownStatus, statusClock, statusTiming} from '../status-clock.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';
import {useClock, useNow} from '../use-now.js';

export interface StatusPaneProps {
	status: StatusView;
	width: number;
}

/** The hint at the right end of the status line, at every width. */
export const helpHint = '? help';
/** Columns a message keeps before the next-poll delay gives way to it (a notice keeps all it needs). */
const messageRoom = 16;

/**
 * What the status line says: the operator's unseen notice (an action's result, a refusal) first,
 * then the banner (rate limit, failed polls), then the last message.
 */
export function statusText(status: StatusView): {text: string; level?: 'info' | 'warn' | 'error'} {
	if (status.notice) return status.notice;
	if (status.banner) return {text: status.banner, level: 'error'};
	return status.message ?? {text: ''};
}

/**
 * One line: how old the data is (STALE when it cannot be trusted), the next poll, the message, and
 * `? help`; ages in steps (status-clock.ts). STALE, the age and the hint stay at every width; the
 * next poll goes first when the message would have too little room, or a notice would be cut.
 */
function StatusPaneView({status, width}: StatusPaneProps) {
	const {age, next} = statusClock(status);
	const {text, level} = statusText(status);
	const fixed = (status.stale ? 7 : 0) + 1 + age.length + 3 + 1 + helpHint.length;
	const needs = status.notice ? sanitize(text).length : messageRoom;
	const showNext = next !== '' && width - fixed - (next.length + 3) >= needs;
	return (
		<Box width={width} height={1}>
			<Box flexShrink={0}>
				{status.stale ? (
					<Text backgroundColor="red" color="white" bold>
						{' STALE '}
					</Text>
				) : null}
				<Text>{` ${age}`}</Text>
				{showNext ? <Text dimColor>{` · ${next}`}</Text> : null}
				<Text dimColor>{' │ '}</Text>
			</Box>
			<Box flexShrink={1} flexGrow={1}>
				{/* A notice in bold, so that it stands out from poll reports without colour too. */}
				<Text wrap="truncate" bold={status.notice !== undefined && level !== 'info'} color={level === 'error' ? 'red' : level === 'warn' ? 'yellow' : undefined}>
					{sanitize(text)}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<Text dimColor>{` ${helpHint}`}</Text>
			</Box>
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts): the App renders on every key and store change. */
export const StatusPane = memo(StatusPaneView, sameProps);

export interface ClockedStatusProps {
	state: MonitorState;
	/** The time of the last failure notice a key acknowledged (ui-state.ts). */
	seenAt?: number;
	width: number;
}

/**
 * The status line at the clock's time: every 10 s while all is well, every second while the data is
 * STALE or polls fail, and at the moment it turns STALE or a notice times out (status-clock.ts).
 */
export function ClockedStatus({state, seenAt, width}: ClockedStatusProps) {
	const timing = statusTiming(state, useClock().now());
	const now = useNow(timing.stepMs, timing.wakeAt);
	return <StatusPane status={selectShownStatus(state, now, seenAt)} width={width} />;
}
