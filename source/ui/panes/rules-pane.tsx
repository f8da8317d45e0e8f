import {Box, Text} from 'ink';
import {memo} from 'react';
import type {AccessRule} from '../../backend.js';
import type {RulesSnapshot} from '../../monitor/store.js';
import {fit} from '../format.js';
import {isOurs, modeWord, rulesStaleMs, rulesStaleness, shortAge, targetWord} from '../rule-marks.js';
import {sameProps} from '../same-props.js';
import {sanitize} from '../sanitize.js';
import {visibleWindow} from '../ui-state.js';
import {useNow} from '../use-now.js';

export interface RulesPaneProps {
	zoneName: string;
	/** The rules after the filter, in the order shown. */
	rules: readonly AccessRule[];
	/** How many are listed before the filter. */
	totalAll: number;
	/** The listing as the monitor holds it (undefined: never asked for). */
	snapshot?: RulesSnapshot;
	selected: number;
	filter: string;
	editingFilter: boolean;
	readOnly: boolean;
	/** The clock's time: ages and staleness. */
	now: number;
	/** How far the API's clock is ahead of ours: a rule's time is the API's. */
	serverSkew: number;
	width: number;
	height: number;
}

/** Column widths for a pane width: mode, value, owner and age always; target, scope and notes when there is room. */
export function rulesColumns(width: number): {mode: number; target: number; value: number; scope: number; owner: number; age: number; notes: number} {
	const mode = 8;
	const owner = 5;
	const age = 4;
	// The marker (2) and a space after each column.
	const fixed = 2 + mode + 1 + owner + 1 + age + 1;
	const wide = width - fixed >= 7 + 1 + 15 + 1 + 7 + 1 + 12;
	const target = wide ? 7 : 0;
	const scope = wide ? 7 : 0;
	const rest = width - fixed - (wide ? target + 1 + scope + 1 : 0);
	const value = Math.max(7, Math.min(39, wide ? Math.max(15, Math.floor(rest * 0.45)) : rest - 1));
	const notes = Math.max(0, rest - value - 1);
	return {mode, target, value, scope, owner, age, notes: notes >= 6 ? notes : 0};
}

/** Every access rule of the zone and its account, whoever made them: x removes the highlighted one, / filters. */
function RulesPaneView({zoneName, rules, totalAll, snapshot, selected, filter, editingFilter, readOnly, now, serverSkew, width, height}: RulesPaneProps) {
	const columns = rulesColumns(width);
	const staleness = rulesStaleness(snapshot, now);
	const listed = snapshot !== undefined && snapshot.at > 0;
	const ours = rules.filter(rule => isOurs(rule)).length;
	const keys = readOnly ? 'read-only · / filter · r list again' : 'x remove · / filter · r list again';
	const filterLine = filter !== '' || editingFilter ? `/${sanitize(filter)}${editingFilter ? '▏' : ''}  ${rules.length} of ${totalAll}` : undefined;
	const accountLine = snapshot?.accountUnavailable ? `account rules not shown: ${snapshot.accountUnavailable}` : undefined;
	const current = rules[selected];
	// Title, heading, and the highlighted rule's whole note; the filter and account lines when present.
	const extra = (filterLine ? 1 : 0) + (accountLine ? 1 : 0) + (staleness ? 1 : 0);
	const rows = Math.max(0, height - 3 - extra);
	const shown = visibleWindow(selected, rules.length, rows);
	const heading = `  ${fit('MODE', columns.mode)} ${columns.target ? `${fit('TARGET', columns.target)} ` : ''}${fit('VALUE', columns.value)} ${columns.scope ? `${fit('SCOPE', columns.scope)} ` : ''}${fit('BY', columns.owner)} ${fit('AGE', columns.age, 'right')}${columns.notes ? ` ${fit('NOTES', columns.notes)}` : ''}`;
	let empty: string | undefined;
	if (!listed) empty = snapshot?.loading ? 'Listing the rules…' : snapshot?.error ? `Not listed: ${sanitize(snapshot.error)} (r tries again)` : 'Not listed yet: r lists them';
	else if (totalAll === 0) empty = 'No rules in this zone or its account.';
	else if (rules.length === 0) empty = 'No rule matches the filter (Esc clears it).';
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{`Rules of ${sanitize(zoneName)}`}
				{listed ? ` · ${totalAll} (${ours} ours)` : ''}
				{listed ? <Text dimColor>{` · ${shortAge(now - snapshot.at)} ago`}</Text> : null}
				{snapshot?.loading && listed ? <Text dimColor> · listing…</Text> : null}
				<Text dimColor>{`  ${keys}`}</Text>
			</Text>
			{staleness ? (
				<Text color="yellow" wrap="truncate">
					{sanitize(staleness)}
				</Text>
			) : null}
			{accountLine ? (
				<Text dimColor wrap="truncate">
					{sanitize(accountLine)}
				</Text>
			) : null}
			{filterLine ? (
				<Text color={editingFilter ? 'yellow' : 'gray'} wrap="truncate">
					{filterLine}
				</Text>
			) : null}
			<Text bold wrap="truncate">
				{heading}
			</Text>
			{empty !== undefined ? (
				<Text dimColor wrap="truncate">
					{empty}
				</Text>
			) : (
				rules.slice(shown.start, shown.end).map((rule, offset) => {
					const isSelected = shown.start + offset === selected;
					const mine = isOurs(rule);
					return (
						<Text key={`${rule.scope}:${rule.id}`} inverse={isSelected} wrap="truncate">
							{isSelected ? '› ' : '  '}
							<Text color={isSelected ? undefined : rule.mode === 'block' ? 'red' : rule.mode === 'whitelist' ? 'green' : 'yellow'}>{fit(sanitize(modeWord(rule.mode)), columns.mode)}</Text>{' '}
							{columns.target ? `${fit(sanitize(targetWord(rule.target)), columns.target)} ` : ''}
							{fit(sanitize(rule.value), columns.value)}{' '}
							{columns.scope ? `${fit(rule.scope, columns.scope)} ` : ''}
							<Text color={isSelected || mine ? undefined : 'magenta'} bold={!mine}>
								{fit(mine ? 'ours' : 'other', columns.owner)}
							</Text>{' '}
							{fit(rule.createdAt > 0 ? shortAge(now + serverSkew - rule.createdAt) : '-', columns.age, 'right')}
							{columns.notes ? <Text dimColor={!isSelected}>{` ${fit(sanitize(rule.notes), columns.notes)}`}</Text> : null}
						</Text>
					);
				})
			)}
			{current && empty === undefined ? (
				<Text dimColor wrap="truncate">
					{`note: ${current.notes.trim() === '' ? '(none)' : sanitize(current.notes)}`}
				</Text>
			) : null}
		</Box>
	);
}

/** Re-rendered only when its view model changes (same-props.ts). */
export const RulesPane = memo(RulesPaneView, sameProps);

/** Ages move by the minute: the pane at the clock's time, once a minute and when the listing turns stale. */
export function ClockedRulesPane(props: Omit<RulesPaneProps, 'now'>) {
	const listedAt = props.snapshot?.at;
	const now = useNow(60_000, [listedAt ? listedAt + rulesStaleMs + 1 : undefined]);
	return <RulesPane {...props} now={now} />;
}
