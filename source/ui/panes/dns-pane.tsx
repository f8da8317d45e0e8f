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
}

/** The zone's records from `rec_load_all`: name, type, content, TTL, proxied; the highlighted one marked. */
function DnsPaneView({zoneName, records, loading, error, selected, readOnly, width, height}: DnsPaneProps) {
	const rows = Math.max(0, height - 3);
	const list = records ?? [];
	const shown = visibleWindow(selected, list.length, rows);
	const typeWidth = 6;
	const ttlWidth = 6;
	const proxiedWidth = 8;
	const nameWidth = Math.max(10, Math.min(40, Math.floor((width - 2 - typeWidth - ttlWidth - proxiedWidth) / 2)));
	const contentWidth = Math.max(8, width - 2 - nameWidth - typeWidth - ttlWidth - proxiedWidth - 3);
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
			<Text bold wrap="truncate">{`  ${fit('NAME', nameWidth)} ${fit('TYPE', typeWidth)}${fit('CONTENT', contentWidth)} ${fit('TTL', ttlWidth, 'right')} ${fit('PROXIED', proxiedWidth)}`}</Text>
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
							{fit(sanitize(record.name), nameWidth)} {fit(sanitize(record.type), typeWidth)}
							{fit(sanitize(record.content), contentWidth)} {fit(record.ttl === 1 ? 'auto' : String(record.ttl), ttlWidth, 'right')}{' '}
							<Text color={record.proxied ? 'yellow' : undefined}>{fit(record.proxied ? 'proxied' : '-', proxiedWidth)}</Text>
						</Text>
					);
				})
			)}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const DnsPane = memo(DnsPaneView, sameProps);
