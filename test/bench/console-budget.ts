/**
 * Figure 7: budget use over a simulated hour, for 1 and 3 zones. The monitor and a V1Backend poll
 * the in-process emulator on a FakeClock (no UI); the emulator counts every call the account made
 * (`state().accounts[].calls.total`), so the figure is what the server saw, not what the monitor
 * believes it spent. Two hours are simulated: the first includes start-up (zone_check, first polls
 * of every zone), the second is the steady state; the worst 60-minute window is taken from per-minute
 * samples of the emulator's count.
 */
import type {BenchFigure, BenchGroup} from './figures.js';
import {startInProcess} from './console-harness.js';

const budget = 300;
const reserve = 30;

async function measure(zones: string[]): Promise<{firstHour: number; secondHour: number; worstWindow: number}> {
	const app = await startInProcess({scenario: 'attack', zones});
	try {
		const total = () => app.emulator.calls();
		await app.monitor.start();
		const perMinute = [await total()];
		for (let minute = 1; minute <= 120; minute++) {
			await app.advance(60_000);
			perMinute.push(await total());
		}
		let worstWindow = 0;
		for (let end = 60; end < perMinute.length; end++) worstWindow = Math.max(worstWindow, perMinute[end] - perMinute[end - 60]);
		// The count at minute 0 already holds zone_check, which belongs to the first hour.
		return {firstHour: perMinute[60], secondHour: perMinute[120] - perMinute[60], worstWindow: Math.max(worstWindow, perMinute[60])};
	} finally {
		await app.close();
	}
}

export const benchConsoleBudget: BenchGroup = async () => {
	const figures: BenchFigure[] = [];
	for (const zones of [['example.com'], ['example.com', 'example.net', 'example.info']]) {
		const result = await measure(zones);
		const label = `${zones.length} zone${zones.length > 1 ? 's' : ''}`;
		const limit = budget - reserve;
		figures.push(
			{group: 'console-budget', name: `calls in the first simulated hour, ${label}`, value: result.firstHour, unit: 'calls', comparison: {name: 'budget', value: budget}, goal: `<= ${limit} (budget ${budget} - reserve ${reserve})`, met: result.firstHour <= limit},
			{group: 'console-budget', name: `calls in the second hour, ${label}`, value: result.secondHour, unit: 'calls', goal: `<= ${limit}`, met: result.secondHour <= limit},
			{group: 'console-budget', name: `worst 60-minute window (per-minute samples), ${label}`, value: result.worstWindow, unit: 'calls', goal: `<= ${limit}`, met: result.worstWindow <= limit},
		);
	}
	return figures;
};
