/**
 * The incident report as Markdown, from the report value (report.ts), whose strings are already inert
 * and secret-free. Tables escape `|`; the traffic chart is asciichart's, plain (no colours), in a code block.
 */
import asciichart from 'asciichart';
import {scrub} from '../lib/secret.js';
import type {IncidentReport, IpDone, Period, TimelineLine, TrafficLine} from './report.js';

/** A table cell: no pipe or line break can end it early, no backtick opens code. */
function cell(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
	return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)];
}

/** "21:30:05" when the report stays within one UTC day, else the whole "2026-12-07 21:30:05Z". */
function timeOf(report: IncidentReport): (time: string) => string {
	const sameDay = report.window.from.slice(0, 10) === report.window.until.slice(0, 10);
	return time => (sameDay && time.length >= 19 ? time.slice(11, 19) : time);
}

function outcomeText(line: Extract<TimelineLine, {kind: 'action'}>): string {
	const word = line.outcome === 'done' || line.outcome === 'in flight' || line.outcome === 'no outcome recorded' ? line.outcome : line.outcome.toUpperCase();
	const attempts = line.attempts > 1 ? ` (${line.attempts} attempts)` : '';
	return `${word}${attempts}${line.error ? `: ${line.error}` : ''}`;
}

function doneText(done: readonly IpDone[], time: (t: string) => string): string {
	if (done.length === 0) return '–';
	return done
		.map(item => {
			const extra = [item.lockdown ? `lockdown ${item.lockdown}` : '', item.outcome === 'done' ? '' : item.outcome].filter(Boolean).join(', ');
			return `${time(item.at)} ${item.what}${extra ? ` [${extra}]` : ''}`;
		})
		.join('; ');
}

function periodRows(periods: readonly Period[], what: Period['what'], time: (t: string) => string, multiZone: boolean): string[][] {
	return periods.filter(period => period.what === what).map(period => [...(multiZone ? [period.zone] : []), period.value, time(period.from), time(period.until), period.source === 'poll' ? 'seen by polls' : period.source === 'drift' ? 'changed elsewhere' : 'our action']);
}

/** Downsampled to `points` by the highest value of each bucket: an attack's peaks must stay visible. */
function bucketMax(values: readonly number[], points: number): number[] {
	if (values.length <= points) return [...values];
	const out: number[] = [];
	for (let i = 0; i < points; i++) {
		const start = Math.floor((i * values.length) / points);
		const end = Math.max(start + 1, Math.floor(((i + 1) * values.length) / points));
		out.push(Math.max(...values.slice(start, end)));
	}
	return out;
}

function compact(value: number): string {
	const abs = Math.abs(value);
	if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
	if (abs >= 1e4) return `${Math.round(value / 1e3)}k`;
	if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
	return String(Math.round(value));
}

/** A series as plain-text chart lines (no escape sequences), or nothing when there is nothing to plot. */
export function chartLines(values: readonly number[], height = 6, width = 60): string[] {
	if (values.length === 0) return [];
	const drawn = bucketMax(values.length === 1 ? [values[0]!, values[0]!] : values, width);
	const max = Math.max(1, ...drawn);
	return asciichart
		.plot(drawn, {height: Math.max(1, height - 1), min: 0, max, format: (value: number) => compact(value).padStart(6).slice(-6)})
		.split('\n')
		.map(line => line.replace(/\u001b\[[0-9;]*m/g, '').trimEnd());
}

function trafficSection(line: TrafficLine, time: (t: string) => string, multiZone: boolean): string[] {
	const title = multiZone ? `### ${line.zone}` : undefined;
	const out: string[] = title ? [title, ''] : [];
	if (line.unavailable) out.push(`Traffic not available: ${line.unavailable}.`, '');
	if (line.totals) {
		const t = line.totals;
		out.push(`${t.label}: ${t.edgeRequests.toLocaleString('en-US')} requests at the edge, ${t.originRequests.toLocaleString('en-US')} forwarded to the origin; ${t.threatPageviews.toLocaleString('en-US')} of ${t.pageviews.toLocaleString('en-US')} page views by threats (${t.threatUniques.toLocaleString('en-US')} threat visitors).`, '');
	}
	const rated = line.points.filter(point => point.edgePerMinute !== undefined);
	if (rated.length > 0) {
		const edge = rated.map(point => point.edgePerMinute ?? 0);
		const peak = rated.reduce((a, b) => ((b.edgePerMinute ?? 0) > (a.edgePerMinute ?? 0) ? b : a));
		out.push(`Edge requests per minute, ${time(rated[0]!.at)} to ${time(rated.at(-1)!.at)} (${rated.length} poll${rated.length === 1 ? '' : 's'}; peak ${compact(peak.edgePerMinute ?? 0)}/min at ${time(peak.at)}):`, '', '```', ...chartLines(edge), '```', '');
	}
	if (line.points.length > 0) {
		const hits = line.points.map(point => point.threatHits);
		const peak = line.points.reduce((a, b) => (b.threatHits > a.threatHits ? b : a));
		out.push(`Threat hits in the hour before each poll (peak ${compact(peak.threatHits)} at ${time(peak.at)}):`, '', '```', ...chartLines(hits), '```', '');
	} else if (!line.totals && !line.unavailable) out.push('No poll in the window.', '');
	return out;
}

/** The report as Markdown; secrets scrubbed once more over the whole text. */
export function reportMarkdown(report: IncidentReport, secrets: readonly string[]): string {
	const time = timeOf(report);
	const multiZone = report.zones.length > 1;
	const zones = report.zones.join(', ') || 'no zone';
	const out: string[] = [
		`# Incident report: ${zones}`,
		'',
		`- Window: ${report.window.from} to ${report.window.until} (${report.window.basis})`,
		`- API ${report.api} at ${report.endpoint}${report.account ? `, account ${report.account}` : ''}${report.demo ? ' (DEMO: the built-in emulator)' : ''}`,
		`- ${report.summary.actions} action${report.summary.actions === 1 ? '' : 's'} (${report.summary.failed} failed), ${report.summary.drift} change${report.summary.drift === 1 ? '' : 's'} made elsewhere; written ${report.generatedAt}`,
		'',
		'## Timeline',
		'',
	];
	if (report.timeline.length === 0) out.push('Nothing was done and no change was noticed in the window.');
	else
		out.push(
			...table(
				['Time (UTC)', ...(multiZone ? ['Zone'] : []), 'What', 'Outcome'],
				report.timeline.map(line =>
					line.kind === 'action'
						? [time(line.at), ...(multiZone ? [line.zone ?? 'account-wide'] : []), `#${line.id} ${line.what}${line.lockdown ? ` (lockdown ${line.lockdown})` : ''}`, outcomeText(line)]
						: [time(line.at), ...(multiZone ? [line.zone ?? ''] : []), `changed elsewhere: ${line.what} ${line.from} → ${line.to}${line.detail ? ` (${line.detail})` : ''}`, 'observed'],
				),
			),
		);
	out.push('', '## Security level and development mode', '');
	const levels = periodRows(report.periods, 'security-level', time, multiZone);
	const dev = periodRows(report.periods, 'dev-mode', time, multiZone);
	if (levels.length === 0 && dev.length === 0) out.push('No level or dev-mode state is known for the window.');
	if (levels.length > 0) out.push(...table([...(multiZone ? ['Zone'] : []), 'Security level', 'From', 'Until', 'Known from'], levels));
	if (levels.length > 0 && dev.length > 0) out.push('');
	if (dev.length > 0) out.push(...table([...(multiZone ? ['Zone'] : []), 'Dev mode', 'From', 'Until', 'Known from'], dev));
	out.push('', '## Top threat IPs', '');
	if (report.threats.length === 0) out.push('No threat IPs were listed.');
	else out.push(...table([...(multiZone ? ['Zone'] : []), 'IP', 'Hits', ...(report.api === 'v4' ? ['Country', 'ASN'] : []), 'Done'], report.threats.map(row => [...(multiZone ? [row.zone] : []), row.ip, row.hits.toLocaleString('en-US'), ...(report.api === 'v4' ? [row.country ?? '', row.asn ?? ''] : []), doneText(row.done, time)])));
	if (report.otherAddresses.length > 0) {
		out.push('', 'Other addresses acted on:', '', ...table(['IP', 'Hits', 'Done'], report.otherAddresses.map(row => [row.ip, row.hits === undefined ? '–' : row.hits.toLocaleString('en-US'), doneText(row.done, time)])));
	}
	const calls = report.calls;
	out.push('', '## API calls', '');
	out.push(`- Limit: ${calls.limit} calls per ${calls.window}${calls.reserve === undefined ? '' : `, ${calls.reserve} kept in reserve for actions`}${calls.analytics ? `; GraphQL ${calls.analytics.used}/${calls.analytics.limit} used this window` : ''}`);
	if (calls.usedInWindow !== undefined) out.push(`- Used in the current ${calls.window}: ${calls.usedInWindow}${calls.left === undefined ? '' : `, ${calls.left} left`}`);
	else if (calls.left !== undefined) out.push(`- Left, as the API last said: ${calls.left}`);
	out.push(`- Requests sent for actions in the window (audit log): ${calls.requestsSentForActions}`);
	if (calls.reportCalls !== undefined) out.push(`- Calls made to write this report: ${calls.reportCalls}`);
	out.push('', '## Traffic', '');
	if (report.traffic.some(line => line.points.length > 0)) out.push('From up to 30 minutes before the window: what led to it.', '');
	if (report.traffic.length === 0) out.push('No traffic data.', '');
	for (const line of report.traffic) out.push(...trafficSection(line, time, multiZone));
	if (report.notes.length > 0) out.push('## Notes', '', ...report.notes.map(note => `- ${note}`), '');
	return `${scrub(out.join('\n').trimEnd(), secrets)}\n`;
}
