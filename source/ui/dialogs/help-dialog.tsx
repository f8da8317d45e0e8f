import {Box, Text} from 'ink';
import {paletteUsageFor} from '../../actions/palette.js';
import type {Capabilities} from '../../backend.js';
import {keyHelpFor} from '../keymap.js';

export interface HelpDialogProps {
	width: number;
	height: number;
	/** The keys (`?`), or the palette's commands (`:help`). */
	page?: 'keys' | 'palette';
	/** What the API can do: only its keys and commands are listed (without: v1's). */
	capabilities?: Capabilities;
}

/** Greedy word wrap to `width` columns; a word longer than a line is cut across lines. */
export function wrapWords(text: string, width: number): string[] {
	const size = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		let rest = word;
		while (rest.length > size) {
			if (line) lines.push(line);
			line = '';
			lines.push(rest.slice(0, size));
			rest = rest.slice(size);
		}
		if (line && line.length + 1 + rest.length > size) {
			lines.push(line);
			line = rest;
		} else {
			line = line ? `${line} ${rest}` : rest;
		}
	}
	if (line || lines.length === 0) lines.push(line);
	return lines;
}

/** One entry as laid out: its keys and its description in lines of the column's width. */
export interface HelpEntryLayout {
	keys: string;
	/** Keys too long for the keys column (a palette command's usage) get lines of their own, wrapped; else none. */
	keyLines: string[];
	lines: string[];
}

/**
 * The entries in columns of at most `rows` lines, each description wrapped (never cut) beside its
 * keys: one column when that fits, else two (from 60 columns), and when even two do not fit, as many
 * entries as do, with `hidden` saying how many are left out.
 */
export function helpColumns(entries: ReadonlyArray<readonly [string, string]>, width: number, rows: number): {columns: HelpEntryLayout[][]; keyWidth: number; columnWidth: number; hidden: number} {
	const longest = Math.max(...entries.map(([keys]) => keys.length));
	let keyWidth = longest + 1;
	let best: {columns: HelpEntryLayout[][]; keyWidth: number; columnWidth: number; hidden: number} | undefined;
	for (const count of width >= 60 ? [1, 2] : [1]) {
		const columnWidth = Math.floor(width / count);
		// One column of gap to the next column; the keys take at most about half of what is left.
		const gap = count > 1 ? 1 : 0;
		keyWidth = Math.min(longest + 1, Math.max(8, Math.floor((columnWidth - gap) * 0.45)));
		const descriptionWidth = Math.max(8, columnWidth - keyWidth - gap);
		const columns: HelpEntryLayout[][] = [[]];
		let used = 0;
		let placed = 0;
		for (const [keys, description] of entries) {
			const keyLines = keys.length >= keyWidth ? wrapWords(keys, columnWidth - gap) : [];
			const lines = wrapWords(description, descriptionWidth);
			const height = lines.length + keyLines.length;
			if (used + height > rows) {
				if (columns.length === count) break;
				columns.push([]);
				used = 0;
			}
			if (height > rows) break;
			columns[columns.length - 1].push({keys, keyLines, lines});
			used += height;
			placed++;
		}
		best = {columns, keyWidth, columnWidth, hidden: entries.length - placed};
		if (best.hidden === 0) return best;
	}
	return best ?? {columns: [], keyWidth, columnWidth: width, hidden: entries.length};
}

/**
 * Every key, from the same table the keymap is documented by; or every palette command. Esc or ?
 * closes it. Descriptions wrap instead of being cut; when one column does not fit the height, two
 * columns share the width.
 */
export function HelpDialog({width, height, page = 'keys', capabilities}: HelpDialogProps) {
	const entries = page === 'keys' ? keyHelpFor(capabilities).map(entry => [entry.keys, entry.description] as const) : paletteUsageFor(capabilities);
	// Two rows of border and one of title; the rest lists keys. Two columns of border and two of padding.
	const layout = helpColumns(entries, width - 4, Math.max(1, height - 3));
	const title = page === 'keys' ? 'Keys (Esc closes)' : 'Commands after : (Esc closes)';
	// Too small for all of them: say so (the README lists every key).
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
			<Text bold wrap="truncate">
				{layout.hidden > 0 ? `${title}, ${layout.hidden} more if wider` : title}
			</Text>
			<Box flexDirection="row">
				{layout.columns.map((column, index) => (
					<Box key={index} flexDirection="column" width={layout.columnWidth}>
						{column.flatMap(entry => [
							...entry.keyLines.map((line, at) => (
								<Text key={`${entry.keys}-key-${at}`} color="cyan" wrap="truncate">
									{line}
								</Text>
							)),
							...entry.lines.map((line, at) => (
								<Text key={`${entry.keys}-${at}`} wrap="truncate">
									<Text color="cyan">{(at === 0 && entry.keyLines.length === 0 ? entry.keys : '').padEnd(layout.keyWidth)}</Text>
									{line}
								</Text>
							)),
						])}
					</Box>
				))}
			</Box>
		</Box>
	);
}
