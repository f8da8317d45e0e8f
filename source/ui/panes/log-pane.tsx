import {Box, Text} from 'ink';
import {describeAction, isIdempotent, type ActionEntry} from '../../actions/types.js';
import {sanitize} from '../sanitize.js';
import {visibleWindow} from '../ui-state.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

export interface LogPaneProps {
	entries: readonly ActionEntry[];
	selected: number;
	/** The latest status messages, shown under the actions when there is room. */
	messages: readonly string[];
	/** Every change noticed elsewhere this session (drift), most recent first: under the actions, before the messages. */
	drift?: readonly string[];
	width: number;
	height: number;
}

const stateColors: Record<ActionEntry['state'], string | undefined> = {pending: 'gray', sent: 'yellow', done: 'green', failed: 'red', unknown: 'magenta'};
const stateWords: Record<ActionEntry['state'], string> = {pending: 'PENDING', sent: 'SENT', done: 'DONE', failed: 'FAILED', unknown: 'UNKNOWN'};

/** Every action of the session with its state (R retries a failed one), then recent messages. */
const noDrift: readonly string[] = [];

function LogPaneView({entries, selected, messages, drift = noDrift, width, height}: LogPaneProps) {
	const current = entries[selected];
	// The highlighted action in full (its message is cut in the list), and its retry rule.
	const detail = current
		? [
				`#${current.id} ${stateWords[current.state]}: ${describeAction(current.request)}${current.message ? ` — ${current.message}` : ''}`,
				isIdempotent(current.request.kind)
					? 'Retry rule: idempotent, sent once more by itself after a network failure; R retries it after a failure.'
					: 'Retry rule: not idempotent, never resent by itself (it may have reached the API); R resends it after a failure.',
			]
		: [];
	const detailRows = current ? Math.min(4, Math.ceil((detail[0].length + 3) / Math.max(1, width)) + 2) : 0;
	const rows = Math.max(0, height - 2 - detailRows);
	const shown = visibleWindow(selected, entries.length, Math.min(rows, Math.max(entries.length, 1)));
	const actionRows = shown.end - shown.start;
	// Drift gets the room left under the actions first (its title and at least one line), then the messages.
	const free = Math.max(0, rows - actionRows - 1);
	const driftRows = drift.length === 0 || free < 2 ? 0 : Math.min(drift.length + 1, messages.length > 0 ? Math.max(2, Math.ceil(free / 2)) : free);
	const messageRows = Math.max(0, free - driftRows);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{`Log (this session) · ${entries.length} action${entries.length === 1 ? '' : 's'}  `}
				<Text dimColor>R retries the highlighted failed action</Text>
			</Text>
			{entries.length === 0 ? <Text dimColor>No actions yet.</Text> : null}
			{entries.slice(shown.start, shown.end).map((entry, offset) => {
				const isSelected = shown.start + offset === selected;
				const time = new Date(entry.updatedAt).toISOString().slice(11, 19);
				const retry = entry.attempts > 1 ? ` (${entry.attempts} attempts)` : '';
				return (
					<Text key={entry.id} inverse={isSelected} wrap="truncate">
						{isSelected ? '› ' : '  '}
						{`#${String(entry.id).padEnd(3)} ${time} `}
						<Text color={isSelected ? undefined : stateColors[entry.state]}>{stateWords[entry.state].padEnd(8)}</Text>
						{sanitize(describeAction(entry.request))}
						{retry}
						{entry.message ? <Text dimColor={!isSelected}>{` — ${sanitize(entry.message)}`}</Text> : null}
					</Text>
				);
			})}
			{current ? (
				<Box flexDirection="column" width={width} height={detailRows} overflow="hidden">
					<Text dimColor>{'── selected'}</Text>
					<Text wrap="wrap">{sanitize(detail[0])}</Text>
					<Text dimColor wrap="truncate">
						{detail[1]}
					</Text>
				</Box>
			) : null}
			{driftRows > 0 ? (
				<>
					<Text color="yellow" wrap="truncate">{`── changed elsewhere (${drift.length})`}</Text>
					{drift.slice(0, driftRows - 1).map((line, index) => (
						<Text key={index} wrap="truncate">
							{sanitize(line)}
						</Text>
					))}
				</>
			) : null}
			{messageRows > 0 && messages.length > 0 ? (
				<>
					<Text dimColor>── messages</Text>
					{messages.slice(-messageRows + 1 || undefined).map((line, index) => (
						<Text key={index} dimColor wrap="truncate">
							{sanitize(line)}
						</Text>
					))}
				</>
			) : null}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const LogPane = memo(LogPaneView, sameProps);
