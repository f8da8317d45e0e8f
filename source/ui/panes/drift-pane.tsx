/**
 * The dashboard's "changed elsewhere" lines: what someone else changed on the zone on screen that still
 * holds, most recent first, one line each, with when it was noticed. They take rows from the charts (the
 * threat list keeps its rows), at most two, and a count of the rest ("changed elsewhere +2:"; the Log view
 * has every one). "[D]" marks a change `D` can put back.
 */
import {Text, Box} from 'ink';
import {memo} from 'react';
import type {DriftLineView} from '../../monitor/select.js';
import type {Layout} from '../layout.js';
import {sameProps} from '../same-props.js';
import {sanitize} from '../sanitize.js';

/** Rows the drift lines take on the dashboard: none without drift, one, or two when there is room. */
export function driftRows(lines: number, layout: Layout): number {
	if (lines === 0) return 0;
	// Two only where the charts keep five rows of plot (a tall terminal); else one, counting the rest.
	return lines > 1 && layout.traffic.chartHeight >= 7 ? 2 : 1;
}

/**
 * The layout with `rows` taken for the drift lines: from the charts while they keep two rows of plot,
 * else from the threat list (which keeps at least three rows).
 */
export function layoutWithDrift(layout: Layout, rows: number): Layout {
	if (rows <= 0) return layout;
	const stacked = !layout.traffic.sideBySide;
	const fromCharts = Math.max(0, Math.min(rows, layout.traffic.chartHeight - 2));
	const chartHeight = layout.traffic.chartHeight - fromCharts;
	const trafficHeight = stacked ? (chartHeight + 1) * 2 : chartHeight + 1;
	// What the charts give up, less the drift's rows, goes to (or comes from) the row below them.
	const below = Math.max(0, layout.threats.height + (layout.traffic.height - trafficHeight) - rows);
	return {
		...layout,
		traffic: {...layout.traffic, chartHeight, height: trafficHeight},
		stats: {...layout.stats, height: layout.stats.visible ? below : 0},
		threats: {...layout.threats, height: below, visibleRows: Math.max(0, below - layout.threats.headerRows)},
	};
}

/** "(noticed 21:04:10)", or "(21:04:10)" where the whole line would not fit (under_attack → essentially_off at 80 columns). */
function noticed(line: DriftLineView, room: number): string {
	const long = `(noticed ${line.noticed})`;
	return [...line.text].length + 1 + long.length <= room ? long : `(${line.noticed})`;
}

export interface DriftPaneProps {
	lines: readonly DriftLineView[];
	rows: number;
	width: number;
}

function DriftPaneView({lines, rows, width}: DriftPaneProps) {
	const shown = lines.slice(0, rows);
	const more = lines.length - shown.length;
	return (
		<Box flexDirection="column" width={width} height={rows} overflow="hidden">
			{shown.map((line, index) => {
				// The count of the rest leads the first line, so a narrow terminal never cuts it off.
				const count = index === 0 && more > 0 ? ` +${more}` : '';
				const tail = line.canPutBack && index === 0 ? ' [D]' : '';
				return (
					<Text key={line.seq} wrap="truncate">
						<Text color="yellow" bold={index === 0}>
							{`changed elsewhere${count}: `}
						</Text>
						{sanitize(`${line.text} ${noticed(line, width - `changed elsewhere${count}: `.length - tail.length)}`)}
						<Text dimColor>{tail}</Text>
					</Text>
				);
			})}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const DriftPane = memo(DriftPaneView, sameProps);
