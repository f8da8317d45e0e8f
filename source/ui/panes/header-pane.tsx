import {Box, Text} from 'ink';
import {devModeEndsAt, headerChangesAt, selectHeader, type HeaderView} from '../../monitor/select.js';
import type {MonitorState} from '../../monitor/store.js';
import {formatCountdown} from '../format.js';
import {sanitize} from '../sanitize.js';
import type {ViewName} from '../ui-state.js';
import {memo} from 'react';
import {sameProps} from '../same-props.js';
import {useClock, useNow} from '../use-now.js';

export interface HeaderPaneProps {
	header: HeaderView;
	view: ViewName;
	paused: boolean;
	width: number;
	/** The API in use, shown beside the call budget (which never drops); none when not given. */
	api?: MonitorState['api'];
	/** The views Tab cycles through (the Rules view only where the API lists rules). */
	views?: readonly ViewName[];
}

const viewTitles: Record<ViewName, string> = {dashboard: 'Dashboard', dns: 'DNS', rules: 'Rules', log: 'Log'};
const defaultViews: readonly ViewName[] = ['dashboard', 'dns', 'log'];

/** The dangerous states, most dangerous first: shown in reverse video and never dropped. */
export function dangerBadges(header: HeaderView): string[] {
	const badges: string[] = [];
	if (header.underAttack) badges.push('UNDER ATTACK');
	if (header.lockdownBans !== undefined) badges.push(`LOCKDOWN ${header.lockdownBans}`);
	if (header.devModeSecondsLeft !== undefined) badges.push(`DEV ${formatCountdown(header.devModeSecondsLeft)}`);
	return badges;
}

/**
 * The first line's parts for a width: the danger badges (padded by a space each side, unless even
 * that does not fit), and the settings that fit beside the zone name. Settings go least important
 * first: IPv6, cache, dev off, plan, the zone's position, the security level (first of all while the
 * UNDER ATTACK badge says it). The badges stay; the
 * zone name is cut last, by the terminal width.
 */
export function headerFirstLine(header: HeaderView, width: number): {badges: string[]; padded: boolean; position?: string; settings: string[]} {
	const badges = dangerBadges(header);
	const paddedWidth = badges.reduce((sum, badge) => sum + badge.length + 3, 0);
	const padded = paddedWidth <= width;
	const badgesWidth = padded ? paddedWidth : badges.reduce((sum, badge) => sum + badge.length + 1, 0);
	// Under attack the badge says the level, so the level goes first; a dev-mode badge replaces "dev off".
	const items: Array<{text: string; drop: number}> = [
		{text: header.plan ?? 'plan …', drop: 4},
		{text: `sec ${header.securityLabel === undefined ? '…' : sanitize(header.securityLabel)}`, drop: header.underAttack ? 0 : 6},
		{text: `cache ${header.cacheLevel === undefined ? '…' : sanitize(header.cacheLevel)}`, drop: 2},
		...(header.devModeSecondsLeft === undefined ? [{text: 'dev off', drop: 3}] : []),
		{text: `IPv6 ${header.ipv6 === undefined ? '…' : header.ipv6 ? 'on' : 'off'}`, drop: 1},
	];
	let position = header.zonePosition;
	const name = sanitize(header.zoneName);
	const room = width - badgesWidth;
	const length = (kept: typeof items) => name.length + (position ? position.length + 1 : 0) + kept.reduce((sum, item) => sum + item.text.length + 3, 0);
	let kept = items;
	for (let rank = 0; rank <= 6 && length(kept) > room; rank++) {
		if (rank === 5) position = undefined;
		else kept = kept.filter(item => item.drop !== rank);
	}
	return {badges, padded, position, settings: kept.map(item => item.text)};
}

/** Below this width the budget says "calls/h" instead of "calls left / hour", and only the current view's tab shows, so the badges keep their room. */
const narrowBelow = 64;

/**
 * The second line's right side: the API and the call budget, which are never cut. Narrow, no leading
 * space (the badge before it ends in its own padding), and when the API's two letters would push
 * DEMO or PAUSED off a 40-column line, "calls/h" becomes "/h".
 */
export function headerBudget(header: HeaderView, view: ViewName, paused: boolean, width: number, api?: MonitorState['api']): string {
	const calls = `${header.callsLeft}/${header.perHour}`;
	// The selector's words for the API's window; v1's, for a view model made without them.
	const meter = header.meter ?? {wide: `${calls} calls left / hour`, normal: `${calls} calls left / hour`, narrow: `${calls} calls/h`, tight: `${calls}/h`};
	if (width >= narrowBelow) {
		const text = width >= wideFrom ? meter.wide : meter.normal;
		return api ? ` ${api} · ${text}` : ` ${text}`;
	}
	const left = viewTitles[view].length + 2 + (header.demo ? 6 : 0) + (header.readOnly ? 11 : 0) + (paused ? 8 : 0);
	if (!api) return meter.narrow;
	const full = `${api} ${meter.narrow}`;
	return left + full.length <= width ? full : `${api} ${meter.tight}`;
}

/** From this width the meter names the GraphQL queries left too (v4). */
const wideFrom = 100;

/** Two lines: the zone, its settings and the danger badges; the views, badges, the API and the call budget. */
function HeaderPaneView({header, view, paused, width, api, views = defaultViews}: HeaderPaneProps) {
	const line = headerFirstLine(header, width);
	const narrow = width < narrowBelow;
	const budget = headerBudget(header, view, paused, width, api);
	// The API's letters in bold, so "v4" reads as a badge beside the figures.
	const apiAt = api ? budget.indexOf(api) : -1;
	const tabs = narrow ? [view] : views;
	return (
		<Box flexDirection="column" width={width} height={2}>
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate">
						<Text bold color="cyan">
							{sanitize(header.zoneName)}
						</Text>
						{line.position ? <Text dimColor> {line.position}</Text> : null}
						{line.settings.length > 0 ? <Text> · {line.settings.join(' · ')}</Text> : null}
					</Text>
				</Box>
				{line.badges.length > 0 ? (
					<Box flexShrink={0}>
						<Text>
							{line.badges.map(badge => (
								<Text key={badge.split(' ')[0]}>
									{' '}
									{/* Reverse video: it stands out without colour too (--no-color). */}
									<Text inverse bold color="red">
										{line.padded ? ` ${badge} ` : badge}
									</Text>
								</Text>
							))}
						</Text>
					</Box>
				) : null}
			</Box>
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate">
						{tabs.map(name => (
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
					{api && apiAt >= 0 ? (
						<Text>
							{budget.slice(0, apiAt)}
							<Text bold color="cyan">
								{api}
							</Text>
							<Text color={(header.budgetLow ?? header.callsLeft < header.perHour * 0.2) ? 'yellow' : undefined}>{budget.slice(apiAt + api.length)}</Text>
						</Text>
					) : (
						<Text color={(header.budgetLow ?? header.callsLeft < header.perHour * 0.2) ? 'yellow' : undefined}>{budget}</Text>
					)}
				</Box>
			</Box>
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts): the App renders on every key and store change. */
export const HeaderPane = memo(HeaderPaneView, sameProps);

/** The dev-mode countdown moves once a second, on the whole seconds of our clock. */
export const devModeStepMs = 1000;

export interface ClockedHeaderProps {
	state: MonitorState;
	view: ViewName;
	width: number;
	views?: readonly ViewName[];
}

/**
 * The header at the clock's time: each second while dev mode counts down (and at its end), and when
 * a call leaves the hour's window (the calls left go up). No timer otherwise.
 */
export function ClockedHeader({state, view, width, views}: ClockedHeaderProps) {
	const at = useClock().now();
	const devEnds = devModeEndsAt(state);
	const now = useNow(devEnds !== undefined && devEnds > at ? devModeStepMs : undefined, [headerChangesAt(state, at)]);
	return <HeaderPane header={selectHeader(state, now)} view={view} paused={state.paused} width={width} api={state.api} views={views} />;
}
