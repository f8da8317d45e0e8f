import {Box, Text} from 'ink';
import {memo, type ReactNode} from 'react';
import type {TrafficView} from '../../monitor/select.js';
import {chartColors, plotLines} from '../chart.js';
import {sameProps} from '../same-props.js';

export interface TrafficPaneProps {
	traffic: TrafficView;
	/** Rows of plot per chart. */
	chartHeight: number;
	/** Columns per chart. */
	chartWidth: number;
	sideBySide: boolean;
}

interface ChartProps {
	title: ReactNode;
	/** What to say while there is nothing to plot (a dim line), or instead of a plot (wrapped). */
	empty: string;
	note?: string;
	lines: string[];
	width: number;
	height: number;
}

function Chart({title, empty, note, lines, width, height}: ChartProps) {
	return (
		<Box flexDirection="column" width={width} height={height + 1} overflow="hidden">
			<Text wrap="truncate">{title}</Text>
			{note ? (
				<Text color="yellow" wrap="wrap">
					{note}
				</Text>
			) : lines.length === 0 ? (
				<Text dimColor wrap="truncate">
					{empty}
				</Text>
			) : (
				lines.map((line, index) => (
					// Chart rows are positional: the index is the identity.
					<Text key={index} wrap="truncate">
						{line}
					</Text>
				))
			)}
		</Box>
	);
}

/** Requests served (edge vs origin) and threat activity, one point per poll. */
function TrafficPaneView({traffic, chartHeight, chartWidth, sideBySide}: TrafficPaneProps) {
	const requests = plotLines([traffic.edgeRequests, traffic.originRequests], {height: chartHeight, width: chartWidth, colors: [chartColors.edge, chartColors.origin]});
	const threats = plotLines([traffic.threatHits], {height: chartHeight, width: chartWidth, colors: [chartColors.threat]});
	const requestsTitle = (
		<Text>
			<Text bold>requests/min: </Text>
			<Text color="cyan">edge</Text>
			<Text> · </Text>
			<Text color="yellow">origin</Text>
		</Text>
	);
	const threatsTitle = (
		<Text>
			<Text bold>threat IPs: </Text>
			<Text color="redBright">hits, last hour</Text>
		</Text>
	);
	// A Free zone's stats end a day ago: their change between polls is a flat zero, even in an attack.
	const note = traffic.statsDayBehind ? `stats are a day behind on this plan (the API's window ends 24 h ago): no live rate; the threat hits${sideBySide ? ' beside' : ' below'} are live` : undefined;
	return (
		<Box flexDirection={sideBySide ? 'row' : 'column'} columnGap={sideBySide ? 1 : 0}>
			<Chart title={requestsTitle} empty="needs two polls of this zone…" note={note} lines={requests} width={chartWidth} height={chartHeight} />
			<Chart title={threatsTitle} empty="waiting for the first poll…" lines={threats} width={chartWidth} height={chartHeight} />
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const TrafficPane = memo(TrafficPaneView, sameProps);
