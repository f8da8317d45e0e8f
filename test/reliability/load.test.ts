/**
 * The emulator under load, short version (the 30-second one is `npm run bench -- load`): 100
 * concurrent clients for about 3 s over four accounts with uneven shares plus a light one, the hourly
 * window restored twice by jumping the simulated clock, oversized and malformed requests throughout.
 * See load-driver.ts for how exactness is established from `calls_left`.
 */
import {describe, expect, it} from 'vitest';
import {runLoad} from './load-driver.js';

describe('the emulator under load', () => {
	it('keeps every account to its limit exactly, answers bad requests with errors, and does not crash or grow', async () => {
		const report = await runLoad({clients: 100, durationMs: 3000, heavyAccounts: 4, rateLimit: 15, windowResetMs: 1000, lightPaceMs: 100});
		expect(report.problems).toEqual([]);
		expect(report.windows).toBe(3);
		for (const account of report.accounts) {
			expect(account.serverTotal).toBe(account.answered);
			// A window spent passes exactly 15 calls; one not spent passes fewer and refuses none.
			if (account.heavy) expect(account.counted).toBeLessThanOrEqual(3 * 15);
			else expect({email: account.email, limited: account.maxapi}).toEqual({email: account.email, limited: 0});
		}
		const busiest = report.accounts.reduce((best, account) => (account.counted > best.counted ? account : best));
		expect({exhausted: busiest.exhaustedWindows, counted: busiest.counted}).toEqual({exhausted: 3, counted: 45});
		// Every kind of bad request was sent and answered with its error at least once during the load.
		expect(Object.keys(report.hostile).length).toBe(7);
		for (const [kind, {answered}] of Object.entries(report.hostile)) expect(answered, kind).toBeGreaterThan(0);
		expect(report.requests).toBeGreaterThan(500);
		expect(report.rssAfterKiB - report.rssBeforeKiB).toBeLessThan(100 * 1024);
	}, 30_000);
});
