/**
 * Figure 6, the child (run by console-flood.ts with NODE_ENV=production): the real console in
 * process on the `flood` scenario (50,000 IPs in the zone's last hour), rendered into a null 120x40
 * terminal. A sample is the time from the moment `zone_ips` has answered (decoded, as the poller
 * gets it) to the first write of the frame that follows the poll's `poll-finished` dispatch: the
 * poller, the reducer's sort of 50,000 rows, React and Ink. With FLAREWATCH_BENCH_API=v4 the same on
 * API v4, whose visitors are GraphQL's top client IPs (as many as one query returns).
 */
import type {Backend} from '../../source/backend.js';
import {startInProcess} from './console-harness.js';

const polls = 12;

let answeredAt = 0;
let requestMs: number[] = [];
let rowsSeen = 0;
let answers = 0;
let finishedAt: number | undefined;

const wrap = (backend: Backend): Backend =>
	new Proxy(backend, {
		get(target, property) {
			if (property === 'visitors') {
				const visitors: Backend['visitors'] = async (zone, query) => {
					const sentAt = performance.now();
					const rows = await target.visitors(zone, query);
					answeredAt = performance.now();
					requestMs.push(answeredAt - sentAt);
					rowsSeen = rows.length;
					answers++;
					return rows;
				};
				return visitors;
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});

const writes: number[] = [];
// FLAREWATCH_BENCH_API=v4: the console on a V4Backend, its visitors from GraphQL's top client IPs.
const api = process.env.FLAREWATCH_BENCH_API === 'v4' ? 'v4' : 'v1';
const app = await startInProcess({
	scenario: 'flood',
	api,
	render: {columns: 120, rows: 40},
	wrap,
	onMonitor(monitor) {
		let last = monitor.getState();
		monitor.subscribe(() => {
			const state = monitor.getState();
			if (state.zones.some((zone, index) => zone.threatRows !== last.zones[index]?.threatRows)) finishedAt = performance.now();
			last = state;
		});
	},
});
const terminal = app.terminal;
if (!terminal) throw new Error('no terminal');
const originalWrite = terminal.write;
terminal.write = (chunk, encoding, callback) => {
	writes.push(performance.now());
	return originalWrite(chunk, encoding, callback);
};

const samples: number[] = [];
await app.monitor.start();
// The first polls warm the JIT and the emulator's caches; they are measured but not kept.
const warmup = 2;
for (let step = 0; step < 400 && answers < polls + warmup; step++) {
	const before = answers;
	finishedAt = undefined;
	await app.advance(5000);
	if (answers === before) continue;
	// Ink may write on a throttle timer a little later: wait (bounded) for the frame.
	for (let wait = 0; wait < 100 && (finishedAt === undefined || !writes.some(at => at >= (finishedAt ?? Infinity))); wait++) await new Promise(resolve => setTimeout(resolve, 5));
	const frameAt = writes.find(at => at >= (finishedAt ?? Infinity));
	if (frameAt !== undefined && answers > warmup) samples.push(frameAt - answeredAt);
	if (answers === warmup) requestMs = [];
}
await app.close();
process.stdout.write(`RESULT ${JSON.stringify({samples, requestMs, rows: rowsSeen})}\n`);
process.exit(0);
