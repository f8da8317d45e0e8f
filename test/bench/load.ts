/**
 * The emulator under load for `npm run bench`: 100 concurrent clients for 30 s over five accounts
 * (uneven shares) plus a light one, the hourly window restored every 5 s by jumping the simulated
 * clock, oversized and malformed requests throughout. The emulator runs in a child process; the checks
 * are those of test/reliability/load-driver.ts (exact per-account limits from `calls_left`).
 */
import {runLoad} from '../reliability/load-driver.js';
import type {BenchFigure, BenchGroup} from './figures.js';

export const benchLoad: BenchGroup = async () => {
	const report = await runLoad({clients: 100, durationMs: 30_000, heavyAccounts: 5, rateLimit: 300, windowResetMs: 5000, lightPaceMs: 200});
	for (const line of report.problems) process.stderr.write(`bench load: ${line}\n`);
	const mib = (kib: number) => kib / 1024;
	const hostileSent = Object.values(report.hostile).reduce((sum, entry) => sum + entry.sent, 0);
	const hostileAnswered = Object.values(report.hostile).reduce((sum, entry) => sum + entry.answered, 0);
	const group = 'load';
	const figures: BenchFigure[] = [
		{group, name: 'throughput, 100 clients, 6 accounts, 30 s', value: report.reqPerSec, unit: 'req/s'},
		{group, name: 'p99 latency, 100 clients', value: report.p99Ms, unit: 'ms'},
		{group, name: 'mean latency, 100 clients', value: report.meanMs, unit: 'ms'},
		{group, name: 'broken expectations (limits, counts, answers, crash)', value: report.problems.length, unit: 'problems', goal: '0', met: report.problems.length === 0},
		{group, name: `E_MAXAPI answers (${report.windows} windows per account)`, value: report.accounts.reduce((sum, account) => sum + account.maxapi, 0), unit: 'answers'},
		{group, name: 'bad requests answered with their error', value: hostileAnswered, unit: `of ${hostileSent}`, goal: 'all but resets', met: hostileAnswered + report.oversizedResets === hostileSent},
		{group, name: 'oversized bodies reset before the 413 was read', value: report.oversizedResets, unit: 'requests', goal: '0', met: report.oversizedResets === 0},
		{group, name: 'emulator RSS before', value: mib(report.rssBeforeKiB), unit: 'MiB'},
		{group, name: 'emulator RSS peak', value: mib(report.rssPeakKiB), unit: 'MiB'},
		{group, name: 'emulator RSS after', value: mib(report.rssAfterKiB), unit: 'MiB', goal: '< before + 100 MiB', met: report.rssAfterKiB - report.rssBeforeKiB < 100 * 1024},
	];
	return figures;
};
