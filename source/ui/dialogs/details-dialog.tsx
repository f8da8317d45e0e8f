import {Box, Text} from 'ink';
import type {IpDetails} from '../../backend.js';
import {fit} from '../format.js';
import {modeWord} from '../rule-marks.js';
import {sanitize} from '../sanitize.js';

export interface DetailsDialogProps {
	ip: string;
	/** Undefined until they arrive. */
	details?: IpDetails;
	/** Seconds since they were fetched (from memory when > 0). */
	ageSeconds?: number;
	/** Why they could not be fetched. */
	failure?: string;
	width: number;
	height: number;
}

/** `i` on API v4: where an address comes from and what the firewall did to it lately, newest first. */
export function DetailsDialog({ip, details, ageSeconds, failure, width, height}: DetailsDialogProps) {
	// Border (2), title, origin, heading, and the closing hint: the rest lists events.
	const room = Math.max(0, height - 6);
	const events = [...(details?.events ?? [])].sort((a, b) => b.at - a.at);
	const shown = events.slice(0, room);
	const inner = Math.max(10, width - 4);
	// The API's own words (managed_challenge) where there is room, else the short ones.
	const actionWidth = inner >= 70 ? 17 : 8;
	const action = (word: string) => sanitize(actionWidth >= 17 ? word : modeWord(word));
	const sourceWidth = Math.min(18, Math.max(6, Math.floor((inner - 9 - actionWidth) / 3)));
	const origin = details ? [details.country ? `country ${details.country}` : 'country unknown', details.asn ? `${details.asn}${details.asnName ? ` ${details.asnName}` : ''}` : 'ASN unknown'].join(' · ') : undefined;
	return (
		<Box flexDirection="column" width={width} height={Math.min(height, shown.length + 6)} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
			<Text bold color="cyan" wrap="truncate">
				{`Details of ${sanitize(ip)}`}
				{ageSeconds !== undefined && ageSeconds > 0 ? <Text dimColor>{` (from ${ageSeconds} s ago; no call made)`}</Text> : null}
			</Text>
			{failure ? (
				<Text color="red" wrap="truncate">
					{sanitize(failure)}
				</Text>
			) : details ? (
				<Text wrap="truncate">{sanitize(origin)}</Text>
			) : (
				<Text dimColor>Asking the API (one call)…</Text>
			)}
			{details ? (
				<Text bold wrap="truncate">
					{events.length === 0 ? 'No firewall events in the last day.' : `${fit('UTC', 8)} ${fit('ACTION', actionWidth)} ${fit('SOURCE', sourceWidth)} PATH  (${events.length} in the last day)`}
				</Text>
			) : null}
			{shown.map((event, index) => (
				<Text key={index} wrap="truncate">
					{`${new Date(event.at).toISOString().slice(11, 19)} ${fit(action(event.action), actionWidth)} ${fit(sanitize(event.source), sourceWidth)} ${sanitize(event.path)}`}
				</Text>
			))}
			<Text dimColor wrap="truncate">
				{events.length > shown.length ? `… ${events.length - shown.length} more · ` : ''}Esc, n, y or Enter closes
			</Text>
		</Box>
	);
}
