import {Box, Text} from 'ink';
import {sanitize} from '../sanitize.js';
import {wrapWords} from './help-dialog.js';

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
	input?: {label: string; text: string; editing: boolean; purpose: 'reason' | 'typed-yes' | 'duration'};
	/** Wrap long lines instead of cutting them (a quoted note must be read whole). */
	wrap?: boolean;
	width: number;
	height: number;
}

/** The end of `text` that fits `room` columns (what is being typed stays in view), "…" when cut. */
function tail(text: string, room: number): string {
	const chars = [...text];
	return chars.length <= room ? text : `…${chars.slice(chars.length - Math.max(0, room - 1)).join('')}`;
}

/** A confirmation: what will be sent, then Cancel (focused first) and the confirm button. */
export function ConfirmDialog({title, lines, tone, confirmLabel, focus, alternativeLabel, alternativeKey = 'u', input, wrap = false, width, height}: ConfirmDialogProps) {
	const color = tone === 'danger' ? 'red' : 'cyan';
	const editing = input?.editing ?? false;
	// An accepted reason is in the note line above it: the typed line shows only while typing (or a "yes").
	const inputRows = input && (editing || input.purpose === 'typed-yes') ? 1 : 0;
	// Border (2), title (1) and the buttons or the typing hint (1); a tiny terminal drops the hint while typing.
	let room = Math.max(0, height - 4 - inputRows);
	const hintRows = editing && room < 2 ? 0 : 1;
	room += 1 - hintRows;
	// Inside the border (2) and padding (2).
	const inner = Math.max(1, width - 4);
	const all = wrap ? lines.flatMap(line => (line === '' ? [''] : wrapWords(line, inner))) : lines;
	// A blank before the buttons when there is room for it.
	const spacer = all.length < room ? 1 : 0;
	const shown = all.length <= room ? all : room <= 0 ? [] : [...all.slice(0, room - 1), `… ${all.length - room + 1} more`];
	const label = input ? `${input.label} ` : '';
	const typed = input ? tail(sanitize(input.text), Math.max(1, inner - label.length - 1)) : '';
	const hint = input?.purpose === 'typed-yes' ? ' type yes, then Enter · Esc cancels ' : input?.purpose === 'duration' ? ' 30s 10m 1h 1d 2w, 0 = permanent · Enter accepts · Esc cancels ' : ' Enter accepts the reason (may be empty) · Esc cancels ';
	return (
		<Box flexDirection="column" width={width} height={Math.min(height, shown.length + 3 + spacer + inputRows + hintRows)} borderStyle="round" borderColor={color} paddingX={1} overflow="hidden">
			<Text bold color={color} wrap="truncate">
				{sanitize(title)}
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate">
					{/* An empty Text takes no row in Ink: keep blank lines one row tall. */}
					{sanitize(line) || ' '}
				</Text>
			))}
			{inputRows > 0 && input ? (
				<Text wrap="truncate">
					<Text bold>{label}</Text>
					{typed}
					{editing ? <Text inverse> </Text> : typed === '' ? <Text dimColor>(none)</Text> : null}
				</Text>
			) : null}
			{spacer ? <Text> </Text> : null}
			{editing ? (
				hintRows > 0 ? (
					<Text wrap="truncate" dimColor>
						{hint}
					</Text>
				) : null
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
