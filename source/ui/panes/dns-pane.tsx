import {Box, Text} from 'ink';
import type {DnsRecord} from '../../backend.js';
import {fit} from '../format.js';
import {sanitize} from '../sanitize.js';
import {visibleWindow} from '../ui-state.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

export interface DnsPaneProps {
	zoneName: string;
	/** Undefined until `rec_load_all` answered. */
	records?: readonly DnsRecord[];
	loading: boolean;
	error?: string;
	selected: number;
	readOnly: boolean;
	width: number;
	height: number;
	/** A PRIO column (the API creates MX, SRV or URI records: v4); dropped below 48 columns. */
	showPriority?: boolean;
	/** A COMMENT column (records carry comments: v4); dropped below 72 columns. */
	showComment?: boolean;
}

/**
 * The zone's records (v1: `rec_load_all`): name, type, content, TTL, proxied, and on v4 the priority and
 * the comment, cut to their columns and made inert; the highlighted one marked.
 */
function DnsPaneView({zoneName, records, loading, error, selected, readOnly, width, height, showPriority = false, showComment = false}: DnsPaneProps) {
	const rows = Math.max(0, height - 3);
	const list = records ?? [];
	const shown = visibleWindow(selected, list.length, rows);
	const typeWidth = 6;
	const ttlWidth = 6;
	const proxiedWidth = 8;
	// Types such as OPENPGPKEY are wider than 5: the column takes the widest one listed, up to 10.
	const widestType = Math.max(0, ...list.map(record => record.type.length));
	const typeColumn = Math.min(11, Math.max(typeWidth, widestType + 1));
	const prioWidth = showPriority && width >= 48 ? 5 : 0;
	const prioColumn = prioWidth > 0 ? prioWidth + 1 : 0;
	const fixed = 2 + typeColumn + ttlWidth + proxiedWidth + prioColumn;
	const commentWidth = showComment && width >= 72 ? Math.max(8, Math.min(30, Math.floor((width - fixed) / 4))) : 0;
	const commentColumn = commentWidth > 0 ? commentWidth + 1 : 0;
	const nameWidth = Math.max(10, Math.min(40, Math.floor((width - fixed - commentColumn) / 2)));
	const contentWidth = Math.max(8, width - fixed - commentColumn - nameWidth - 3);
	const keys = readOnly ? 'read-only: r reloads' : 'a add · e edit · o proxied · x delete name · u DIUP · r reload';
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{`DNS records of ${sanitize(zoneName)}${records ? ` (${records.length})` : ''}${loading ? ' · loading…' : ''}  `}
				<Text dimColor>{keys}</Text>
			</Text>
			{error ? (
				<Text color="red" wrap="truncate">
					{sanitize(error)}
				</Text>
			) : null}
			<Text bold wrap="truncate">
				{`  ${fit('NAME', nameWidth)} ${fit('TYPE', typeColumn)}${fit('CONTENT', contentWidth)} ${prioColumn > 0 ? `${fit('PRIO', prioWidth, 'right')} ` : ''}${fit('TTL', ttlWidth, 'right')} ${fit('PROXIED', proxiedWidth)}${commentColumn > 0 ? ` ${fit('COMMENT', commentWidth)}` : ''}`}
			</Text>
			{records === undefined ? (
				<Text dimColor>{loading ? 'Loading the records (one rec_load_all call)…' : 'No records loaded: press r'}</Text>
			) : list.length === 0 ? (
				<Text dimColor>No records (a adds one)</Text>
			) : (
				list.slice(shown.start, shown.end).map((record, offset) => {
					const isSelected = shown.start + offset === selected;
					return (
						<Text key={record.id} inverse={isSelected} wrap="truncate">
							{isSelected ? '› ' : '  '}
							{fit(sanitize(record.name), nameWidth)} {fit(sanitize(record.type), typeColumn)}
							{fit(sanitize(record.content), contentWidth)} {prioColumn > 0 ? `${fit(record.prio === undefined ? '' : String(record.prio), prioWidth, 'right')} ` : ''}
							{fit(record.ttl === 1 ? 'auto' : String(record.ttl), ttlWidth, 'right')}{' '}
							<Text color={record.proxied ? 'yellow' : undefined}>{fit(record.proxied ? 'proxied' : '-', proxiedWidth)}</Text>
							{commentColumn > 0 ? <Text dimColor>{` ${fit(sanitize(record.comment ?? ''), commentWidth)}`}</Text> : null}
						</Text>
					);
				})
			)}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const DnsPane = memo(DnsPaneView, sameProps);
