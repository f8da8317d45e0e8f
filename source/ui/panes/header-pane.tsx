import {Box, Text} from 'ink';
import type {HeaderView} from '../../monitor/select.js';
import {formatCountdown} from '../format.js';
import {sanitize} from '../sanitize.js';
import type {ViewName} from '../ui-state.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

export interface HeaderPaneProps {
	header: HeaderView;
	view: ViewName;
	paused: boolean;
	width: number;
}

const viewTitles: Record<ViewName, string> = {dashboard: 'Dashboard', dns: 'DNS', log: 'Log'};

/** Two lines: the zone and its settings; the views, badges and the call budget. */
function HeaderPaneView({header, view, paused, width}: HeaderPaneProps) {
	const settings = [
		header.plan ?? 'plan …',
		`sec ${header.securityLabel === undefined ? '…' : sanitize(header.securityLabel)}`,
		`cache ${header.cacheLevel === undefined ? '…' : sanitize(header.cacheLevel)}`,
		header.devModeSecondsLeft === undefined ? 'dev off' : `DEV ${formatCountdown(header.devModeSecondsLeft)}`,
		`IPv6 ${header.ipv6 === undefined ? '…' : header.ipv6 ? 'on' : 'off'}`,
	].join(' · ');
	return (
		<Box flexDirection="column" width={width} height={2}>
			<Box width={width}>
				<Text wrap="truncate">
					<Text bold color="cyan">
						{sanitize(header.zoneName)}
					</Text>
					{header.zonePosition ? <Text dimColor> {header.zonePosition}</Text> : null}
					<Text> · {settings}</Text>
				</Text>
			</Box>
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate">
						{(['dashboard', 'dns', 'log'] as const).map(name => (
							<Text key={name} inverse={name === view} bold={name === view}>
								{` ${viewTitles[name]} `}
							</Text>
						))}
						{header.demo ? <Text backgroundColor="magenta" color="white" bold>{' DEMO '}</Text> : null}
						{header.readOnly ? <Text backgroundColor="blue" color="white" bold>{' READ-ONLY '}</Text> : null}
						{paused ? <Text backgroundColor="yellow" color="black" bold>{' PAUSED '}</Text> : null}
					</Text>
				</Box>
				<Box flexShrink={0}>
					<Text color={header.callsLeft < header.perHour * 0.2 ? 'yellow' : undefined}>{` ${header.callsLeft}/${header.perHour} calls left / hour`}</Text>
				</Box>
			</Box>
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const HeaderPane = memo(HeaderPaneView, sameProps);
