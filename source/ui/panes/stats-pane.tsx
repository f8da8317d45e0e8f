import {Box, Text} from 'ink';
import type {StatsView} from '../../monitor/select.js';
import {compactNumber, formatKilobytes} from '../format.js';
import {sanitize} from '../sanitize.js';
import {CompactTable} from './compact-table.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';

export interface StatsPaneProps {
	stats?: StatsView;
	width: number;
	height: number;
}

/** Pageviews and uniques by class; requests, bandwidth and load time at the edge vs the origin. */
function StatsPaneView({stats, width, height}: StatsPaneProps) {
	if (!stats) {
		return (
			<Box width={width} height={height}>
				<Text dimColor wrap="truncate">
					stats: waiting for the first poll…
				</Text>
			</Box>
		);
	}
	const visits = [
		{visits: 'views', reg: compactNumber(stats.pageviews.regular), threat: compactNumber(stats.pageviews.threat), crawl: compactNumber(stats.pageviews.crawler)},
		{visits: 'uniques', reg: compactNumber(stats.uniques.regular), threat: compactNumber(stats.uniques.threat), crawl: compactNumber(stats.uniques.crawler)},
	];
	const served = [
		{served: 'requests', cloudflare: compactNumber(stats.requests.edge), origin: compactNumber(stats.requests.origin)},
		{served: 'bandwidth', cloudflare: formatKilobytes(stats.bandwidth.edgeKB), origin: formatKilobytes(stats.bandwidth.originKB)},
		// Both 0 is the port's "no figure" (API v4 has no page load times): a dash, not a claim of 0.00 s.
		stats.pageLoad.withCloudflare === 0 && stats.pageLoad.without === 0
			? {served: 'load time', cloudflare: '-', origin: '-'}
			: {served: 'load time', cloudflare: `${stats.pageLoad.withCloudflare.toFixed(2)} s`, origin: `${stats.pageLoad.without.toFixed(2)} s`},
	];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<CompactTable data={visits} columns={['visits', 'reg', 'threat', 'crawl']} />
			<CompactTable data={served} columns={['served', 'cloudflare', 'origin']} />
			<Text wrap="truncate">
				<Text bold>security </Text>
				<Text>{sanitize(stats.securityLabel)}</Text>
				<Text dimColor> · {stats.windowLabel}</Text>
			</Text>
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const StatsPane = memo(StatsPaneView, sameProps);
