/**
 * E in a real terminal against the emulator, on both APIs: ban the highlighted threat IP, press E, and
 * the path is on the status line; the Markdown and JSON files are there, 0600, with the ban done, the
 * IP among the top threats with what was done to it, and neither the key nor the token in them.
 * One session per API; the report's contents in detail are test/actions and test/console's.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {IncidentReport} from '../../source/actions/report.js';
import {answerYes, apis, readyAndPaused, startEmulatedConsole, waitForState} from './emulated-console.js';

describe.each(apis)('E writes the incident report (pty, emulator, API %s)', {timeout: 90_000, concurrent: true}, api => {
	it('b then E: the path on screen, both files 0600, the ban in the timeline and beside the IP, no secret', async ({onTestFinished}) => {
		const console = await startEmulatedConsole([], {}, {cols: 120, rows: 32}, api);
		onTestFinished(() => console.close());
		const {app, emulator, env} = console;
		await readyAndPaused(console);
		app.press('f');
		await app.waitFor(text => /threat (of )?\d+/.test(text) && /›\s+\S+\s+threat\s/.test(text), 'the threat filter');
		app.press('b');
		// The address as the dialog names it: the one the ban is for.
		const dialog = await app.waitFor(text => /IP {2,}\d+\.\d+\.\d+\.\d+/.test(text), 'the ban dialog');
		const ip = /IP {2,}(\d+\.\d+\.\d+\.\d+)/.exec(dialog)![1]!;
		await answerYes(app);
		await waitForState(console, state => state.zones.some(zone => zone.accessRules.some(rule => rule.ip === ip && rule.mode === 'ban')), 'the ban');

		await app.waitFor(text => /#1 ban \S+.*: done/.test(text), 'the ban done on the status line');
		app.press('E');
		const written = await app.waitFor(text => /Report: incident-example\.com-\d{8}T\d{6}Z\.md/.test(text), 'the report on the status line');
		const name = /incident-example\.com-\d{8}T\d{6}Z\.md/.exec(written)![0];
		const folder = join(env.XDG_STATE_HOME, 'flarewatch', 'reports');
		// The Log view has the folder too.
		app.press('\u001b[Z');
		await app.waitFor(text => text.includes(`Report written (.md and .json) in ${folder}`) && text.includes(`Report: ${name}`), 'the folder and the file in the Log view');
		expect(readdirSync(folder).sort()).toEqual([name.replace(/\.md$/, '.json'), name]);
		expect(statSync(folder).mode & 0o777).toBe(0o700);
		for (const file of readdirSync(folder)) expect(statSync(join(folder, file)).mode & 0o777).toBe(0o600);

		const markdown = readFileSync(join(folder, name), 'utf8');
		const report = JSON.parse(readFileSync(join(folder, name.replace(/\.md$/, '.json')), 'utf8')) as IncidentReport;
		expect(markdown).toMatch(new RegExp(`\\| #1 ban ${ip.replaceAll('.', '\\.')} for 1h until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\| done \\|`));
		expect(report.window.basis).toBe('from the first action or change noticed in this session');
		// Among the top threats, or (hits tied or grown elsewhere) among the other addresses acted on, with its hits.
		const row = [...report.threats, ...report.otherAddresses].find(candidate => candidate.ip === ip);
		expect(row, JSON.stringify(report.threats)).toMatchObject({hits: expect.any(Number)});
		expect(row?.done.map(item => `${item.what}: ${item.outcome}`)).toEqual([expect.stringMatching(new RegExp(`^ban ${ip.replaceAll('.', '\\.')} for 1h until \\S+ \\S+: done$`))]);
		expect(report.api).toBe(api);
		// The polls before the ban are the run-up the chart shows.
		expect(markdown).toMatch(/Threat hits in the hour before each poll \(peak \d+/);
		for (const text of [markdown, JSON.stringify(report), app.screen()]) {
			expect(text).not.toContain(emulator.key);
			expect(text).not.toContain(emulator.token);
		}
	});
});
