import {Box, Text} from 'ink';
import type {AccessRule} from '../../backend.js';
import type {ClassFilter, ThreatRowView} from '../../monitor/select.js';
import {ruleMark} from '../rule-marks.js';
import {compactNumber, fit} from '../format.js';
import {threatHeaderRows} from '../layout.js';
import {sanitize} from '../sanitize.js';
import {canonicalIp} from '../../lib/ip.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

/** A row as the pane draws it: the monitor's view, and the address's listed rules (APIs that list them). */
export type ThreatRow = ThreatRowView & {rules?: readonly AccessRule[]; banLeft?: string};

export interface ThreatsPaneProps {
	/** Only the rows that fit: the pane never sees the whole list (a flood has 50,000). */
	rows: readonly ThreatRow[];
	/** Index of the first row shown, in the filtered list. */
	start: number;
	/** Index of the highlighted row in the filtered list, or −1. */
	selected: number;
	/** Rows after filtering, and before. */
	total: number;
	totalAll: number;
	classFilter: ClassFilter;
	textFilter: string;
	editingFilter: boolean;
	/** The last column: the looked-up threat score (v1), or the listed rules' mark (APIs that list rules, v4). */
	lastColumn?: 'score' | 'rule';
	width: number;
	height: number;
}

const classColors: Record<string, string> = {threat: 'redBright', crawler: 'blue', regular: 'green'};

/** Column widths: the usual ones, and the tighter ones that keep the score beside the stats table at 80 columns. */
const wideColumns = {cls: 12, hits: 7, score: 9};
const narrowColumns = {cls: 9, hits: 6, score: 8};

/**
 * Column widths for a pane width: marker, IP, class and hits always; score, then geo, when there is
 * room. The class column is wide enough for the WHITELISTED badge that replaces the class once a rule
 * is set; when that would leave no room for the score, it narrows (to WHITELIST) and so do the hits.
 */
export function threatColumns(width: number, longestIp = 15, last: 'score' | 'rule' = 'score'): {ip: number; cls: number; hits: number; geo: number; score: number} {
	// Two columns of gutter for the highlight marker (so it shows without colour too), one of space.
	const ipFor = (columns: typeof wideColumns) => Math.max(7, Math.min(longestIp, width - 3 - columns.cls - columns.hits));
	const scoreFits = (columns: typeof wideColumns) => width - 3 - ipFor(columns) - columns.cls - columns.hits >= columns.score;
	const {cls, hits, score: scoreWidth} = scoreFits(wideColumns) || !scoreFits(narrowColumns) ? wideColumns : narrowColumns;
	const ip = ipFor({cls, hits, score: scoreWidth});
	let room = width - 3 - ip - cls - hits;
	const score = room >= scoreWidth ? scoreWidth : 0;
	room -= score;
	// A rule's mark reads whole ("block·other") with a few more columns: they go to it before the geo.
	const wider = last === 'rule' && score > 0 ? Math.min(12 - score, Math.max(0, room)) : 0;
	room -= wider;
	const geo = room >= 14 ? 14 : 0;
	return {ip, cls, hits, geo, score: score + wider};
}

/**
 * An address as shown: one that does not parse (a server's `203.0.113.66` plus a zero-width space)
 * has every character outside printable ASCII shown as "?", so it never looks like the address it
 * imitates; the action rules refuse it.
 */
export function shownIp(ip: string): string {
	return canonicalIp(ip) === undefined ? sanitize(ip).replace(/[^\x21-\x7e]/g, '?') : ip;
}

/** BANNED, with the time left of a timed ban (`BANNED 42m`, `BAN 1d4h` where the column is narrow). */
function banned(left: string | undefined, width: number): string {
	if (left === undefined) return 'BANNED';
	return `BANNED ${left}`.length <= width ? `BANNED ${left}` : `BAN ${left}`;
}

/** The visitors from `zone_ips`, most hits first, with the highlighted row in inverse video. */
function ThreatsPaneView(props: ThreatsPaneProps) {
	const {rows, start, selected, total, totalAll, classFilter, textFilter, editingFilter, lastColumn = 'score', width, height} = props;
	const ips = rows.map(row => shownIp(row.ip));
	const columns = threatColumns(width, Math.max(15, ...ips.map(ip => ip.length)), lastColumn);
	const twoLines = threatHeaderRows(width) === 2;
	// With no room for a row (a tiny terminal) the range is the count alone, never "1-0".
	const range = total === 0 ? '0' : rows.length === 0 ? `${total}` : `${start + 1}-${start + rows.length}/${total}`;
	const filterLabel = `${classFilter}${textFilter || editingFilter ? ` /${sanitize(textFilter)}${editingFilter ? '▏' : ''}` : ''}${total !== totalAll ? ` of ${totalAll}` : ''}`;
	const heading = `  ${fit('IP', columns.ip)} ${fit('CLASS', columns.cls)}${fit('HITS', columns.hits, 'right')}${columns.geo ? fit('  GEO', columns.geo) : ''}${columns.score ? fit(lastColumn === 'rule' ? ' RULE' : ' SCORE', columns.score) : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{twoLines ? (
				<Text color={editingFilter ? 'yellow' : 'gray'} wrap="truncate">
					{`visitors ${filterLabel} ${range}`}
				</Text>
			) : null}
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text bold wrap="truncate">
						{heading}
					</Text>
				</Box>
				{twoLines ? null : (
					<Box flexShrink={0}>
						<Text color={editingFilter ? 'yellow' : 'gray'}>{` ${filterLabel} ${range}`}</Text>
					</Box>
				)}
			</Box>
			{rows.length === 0 ? (
				<Text dimColor wrap="truncate">
					{totalAll === 0 ? 'no visitors listed yet' : total === 0 ? 'no visitor matches the filter' : 'no room for the list: enlarge the terminal'}
				</Text>
			) : (
				rows.map((row, offset) => {
					const isSelected = start + offset === selected;
					const listed = lastColumn === 'rule' ? ruleMark(row.rules ?? [], columns.score - 1) : undefined;
					// A timed ban found by its note (not banned from here): its time left in the RULE column.
					const mark = listed && row.banLeft && !row.rule && listed.startsWith('block') ? `block ${row.banLeft}`.slice(0, columns.score - 1) : listed;
					return (
						<Text key={row.ip} inverse={isSelected} wrap="truncate">
							{isSelected ? '› ' : '  '}
							{fit(ips[offset], columns.ip)}{' '}
							{row.rule ? (
								<Text color={isSelected ? undefined : row.rule === 'ban' ? 'red' : 'green'} bold>
									{fit(row.rule === 'ban' ? banned(row.banLeft, columns.cls) : columns.cls > 11 ? 'WHITELISTED' : 'WHITELIST', columns.cls)}
								</Text>
							) : (
								<Text color={isSelected ? undefined : classColors[row.classification]}>{fit(sanitize(row.classification), columns.cls)}</Text>
							)}
							{fit(compactNumber(row.hits), columns.hits, 'right')}
							{columns.geo ? fit(`  ${row.geo ? sanitize(row.geo) : '-'}`, columns.geo) : ''}
							{columns.score && lastColumn === 'score' ? fit(` ${row.score ? sanitize(row.score) : '-'}`, columns.score) : ''}
							{columns.score && lastColumn === 'rule' ? (
								<Text color={isSelected || !mark ? undefined : mark.includes('other') || mark.includes('!') ? 'magenta' : 'cyan'}>{fit(` ${mark ?? '-'}`, columns.score)}</Text>
							) : null}
						</Text>
					);
				})
			)}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const ThreatsPane = memo(ThreatsPaneView, sameProps);
