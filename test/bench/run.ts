/**
 * `npm run bench`: runs every benchmark group, prints a table and writes bench-results.json.
 * Run one group with `npm run bench -- emulator`.
 */
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import type {BenchFigure, BenchGroup} from './figures.js';

const groups: Record<string, () => Promise<BenchGroup>> = {
	emulator: async () => (await import('./emulator.js')).benchEmulator,
	output: async () => (await import('./output.js')).benchOutput,
	load: async () => (await import('./load.js')).benchLoad,
	'console-keys': async () => (await import('./console-keys.js')).benchConsoleKeys,
	'console-idle': async () => (await import('./console-idle.js')).benchConsoleIdle,
	'console-soak': async () => (await import('./console-soak.js')).benchConsoleSoak,
	'console-start': async () => (await import('./console-start.js')).benchConsoleStart,
	'console-flood': async () => (await import('./console-flood.js')).benchConsoleFlood,
	'console-budget': async () => (await import('./console-budget.js')).benchConsoleBudget,
	'console-lockdown': async () => (await import('./console-lockdown.js')).benchConsoleLockdown,
};

const wanted = process.argv.slice(2).filter(arg => !arg.startsWith('-'));
const figures: BenchFigure[] = [];
for (const [name, load] of Object.entries(groups)) {
	if (wanted.length > 0 && !wanted.includes(name)) continue;
	process.stderr.write(`bench: ${name}...\n`);
	const run = await load();
	figures.push(...(await run()));
}

const rows = figures.map(figure => [
	figure.group,
	figure.name,
	`${formatNumber(figure.value)} ${figure.unit}`,
	figure.comparison ? `${figure.comparison.name}: ${formatNumber(figure.comparison.value)} (${formatNumber(figure.comparison.value / (figure.value || 1))}x)` : '',
	figure.goal ? `${figure.goal} ${figure.met ? 'met' : 'NOT met'}` : '',
]);
const header = ['group', 'figure', 'value', 'comparison', 'goal'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column].length)));
const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
process.stdout.write(`${line(header)}\n${line(widths.map(width => '-'.repeat(width)))}\n${rows.map(line).join('\n')}\n`);

// Running some groups keeps the other groups' figures from the last run (each figure says its group).
const ran = new Set(figures.map(figure => figure.group));
let kept: BenchFigure[] = [];
if (wanted.length > 0 && existsSync('bench-results.json')) {
	try {
		const previous = JSON.parse(readFileSync('bench-results.json', 'utf8')) as {figures?: BenchFigure[]};
		kept = (previous.figures ?? []).filter(figure => !ran.has(figure.group));
	} catch {
		kept = [];
	}
}
const result = {
	date: new Date().toISOString(),
	machine: {node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg()},
	figures: [...kept, ...figures].sort((a, b) => groupOrder(a.group) - groupOrder(b.group)),
};
writeFileSync('bench-results.json', `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write('written: bench-results.json\n');

function groupOrder(group: string): number {
	const index = Object.keys(groups).indexOf(group);
	return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}

function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
	return value.toFixed(2);
}
