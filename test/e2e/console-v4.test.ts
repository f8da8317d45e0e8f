/**
 * The built console on the emulator's API v4 face, in a real terminal: `b` on a threat row asks a
 * reason, and the rule that reaches the API carries the note "flarewatch: block by user@host: reason"
 * (read back over the API, as any client would); the audit log records it. Keys v4 lacks explain
 * themselves and send nothing.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {operatorIdentity} from '../../source/actions/rule-notes.js';
import type {EmulatorHandle} from '../../source/emulator/types.js';
import {readyAndPaused, startEmulatedConsole, type EmulatedConsole} from './emulated-console.js';
import {highlightedIp, PtyConsole} from './pty-console.js';

let running: EmulatedConsole[] = [];
afterEach(async () => {
	for (const console of running) await console.close();
	running = [];
});

/** The console on v4 (a token, --api v4) against an emulator started here. */
async function startV4Console(size = {cols: 110, rows: 32}): Promise<EmulatedConsole> {
	const console = await startEmulatedConsole([], {}, size, 'v4');
	running.push(console);
	return console;
}

interface V4Rule {
	id: string;
	mode: string;
	configuration: {target: string; value: string};
	notes: string;
}

/** The zone's access rules as API v4 lists them, with their notes. */
async function zoneRules(emulator: EmulatorHandle): Promise<V4Rule[]> {
	const headers = {authorization: `Bearer ${emulator.token}`};
	const zones = (await (await fetch(`${emulator.url}/client/v4/zones?name=example.com`, {headers})).json()) as {result: Array<{id: string}>};
	const id = zones.result[0]?.id;
	const listed = (await (await fetch(`${emulator.url}/client/v4/zones/${id}/firewall/access_rules/rules?per_page=100`, {headers})).json()) as {result: V4Rule[]};
	return listed.result;
}

/** A rule made through the API, as another tool would. */
async function addZoneRule(emulator: EmulatorHandle, rule: Omit<V4Rule, 'id'>): Promise<void> {
	const headers = {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json'};
	const zones = (await (await fetch(`${emulator.url}/client/v4/zones?name=example.com`, {headers})).json()) as {result: Array<{id: string}>};
	const answer = await fetch(`${emulator.url}/client/v4/zones/${zones.result[0]?.id}/firewall/access_rules/rules`, {method: 'POST', headers, body: JSON.stringify(rule)});
	if (!answer.ok) throw new Error(`the rule was not made: ${answer.status} ${await answer.text()}`);
}

function rowOf(screen: string, ip: string): string {
	// The threat row (the address, then its class), not a drift line naming the address.
	return screen.split('\n').find(line => line.includes(` ${ip} `) && !line.includes('changed elsewhere')) ?? '';
}

async function waitForRules(emulator: EmulatorHandle, test: (rules: V4Rule[]) => boolean, what: string, app: PtyConsole): Promise<V4Rule[]> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const rules = await zoneRules(emulator);
		if (test(rules)) return rules;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${app.screen()}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

describe('the console on API v4 (pty, emulator)', {timeout: 90_000}, () => {
	it('b on a threat row, a reason typed, y: the rule in the zone carries "flarewatch: block by user@host [until …]: reason"', async () => {
		const console = await startV4Console();
		const {app, emulator} = console;
		await readyAndPaused(console);
		app.press('f');
		const screen = await app.waitFor(text => /visitors threat|threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		expect(ip).toBeDefined();
		expect(await zoneRules(emulator)).toEqual([]);

		app.press('b');
		await app.waitFor(text => text.includes('Ban this IP?') && text.includes('Reason:'), 'the reason field');
		// Typed as an operator would: y and n are letters of the reason, not answers.
		for (const key of 'scraping /login, yes') app.press(key);
		await app.waitFor(text => text.includes('Reason: scraping /login, yes'), 'the reason typed');
		expect(await zoneRules(emulator)).toEqual([]);
		app.press('\r');
		// A ban lasts the configured default (1h): its note names the end.
		const note = new RegExp(`^flarewatch: block by ${operatorIdentity().replaceAll('.', '\\.')} \\[until [\\dT:-]+Z\\]: scraping /login, yes$`);
		const shown = await app.waitFor(text => /Note {4}flarewatch: block by \S+ \[until [\dT:-]+Z\]: scraping \/login, yes/.test(text) && text.includes('Ban (y)'), 'the note shown before y');
		expect(shown).toMatch(/For {5}1h, until/);
		app.press('y');

		const rules = await waitForRules(emulator, found => found.some(rule => rule.configuration.value === ip), 'the rule', app);
		expect(rules).toEqual([expect.objectContaining({mode: 'block', configuration: {target: 'ip', value: ip}, notes: expect.stringMatching(note)})]);
		await app.waitFor(text => text.includes(`${ip} banned`), 'the outcome');
		const sent = console.audit().find(line => line.action === 'ban' && line.outcome === 'done');
		expect(sent?.params).toMatchObject({ip, zone: 'example.com', notes: rules[0]!.notes, duration: 3600});
	});

	it("someone else's rule: listed with its note, marked on its row, and x removes it only after yes is typed", async () => {
		const console = await startV4Console();
		const {app, emulator} = console;
		await readyAndPaused(console);
		app.press('f');
		const screen = await app.waitFor(text => /visitors threat|threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		// A rule made elsewhere (the dashboard, another tool), straight through the API.
		await addZoneRule(emulator, {mode: 'block', configuration: {target: 'ip', value: ip}, notes: 'blocked by SOC #4411'});

		app.press('\t');
		app.press('\t');
		await app.waitFor(text => text.includes('Rules of example.com'), 'the Rules view');
		app.press('r');
		await app.waitFor(text => text.includes('blocked by SOC #4411') && /block\s+ip\s+\S+\s+zone\s+other/.test(text), 'the rule listed as someone else’s');
		app.press('\t');
		app.press('\t');
		await app.waitFor(text => rowOf(text, ip).includes('block·other'), 'the mark on its row');

		app.press('x');
		await app.waitFor(text => text.includes('NOT made by flarewatch') && text.includes('note "blocked by SOC #4411"'), 'the first confirmation');
		app.press('y');
		await app.waitFor(text => text.includes('Not made by flarewatch: remove it?') && text.includes('Its note: "blocked by SOC #4411"') && text.includes('Type yes:'), 'the second confirmation');
		for (const key of 'yes') app.press(key);
		await app.waitFor(text => text.includes('Type yes: yes'), 'yes typed');
		expect(await zoneRules(emulator)).toHaveLength(1);
		app.press('\r');
		await waitForRules(emulator, found => found.length === 0, 'the rule removed', app);
		await app.waitFor(text => !/block·other/.test(rowOf(text, ip)), 'the mark gone');
		const removed = console.audit().find(line => line.action === 'rule-delete' && line.outcome === 'done');
		expect(removed?.params).toMatchObject({zone: 'example.com', rule: {value: ip, notes: 'blocked by SOC #4411', scope: 'zone'}});
	});

	it('keys v4 lacks say which call they need, and send nothing; C challenges with its own note', async () => {
		const console = await startV4Console();
		const {app, emulator} = console;
		await readyAndPaused(console);
		const before = await console.calls();
		app.press('G');
		await app.waitFor(text => text.includes('Snapshots (zone_grab) are a v1 call; API v4 has none.'), 'the snapshot explained');
		app.press('?');
		const help = await app.waitFor(text => text.includes('Keys (Esc closes)'), 'the help');
		expect(help).toContain('b w C');
		expect(help).not.toContain('snapshot');
		app.press('\u001b');
		await app.waitFor(text => !text.includes('Keys (Esc closes)'), 'the help closed');
		expect(await console.calls()).toBe(before);

		app.press('f');
		const screen = await app.waitFor(text => /visitors threat|threat \d+-\d+/.test(text), 'the threat filter');
		const ip = highlightedIp(screen) as string;
		app.press('C');
		await app.waitFor(text => text.includes('Challenge this IP?') && text.includes('Reason:'), 'the challenge dialog');
		app.press('\r');
		await app.waitFor(text => text.includes('Challenge (y)'), 'the reason accepted');
		app.press('y');
		const rules = await waitForRules(emulator, found => found.some(rule => rule.configuration.value === ip), 'the challenge', app);
		expect(rules).toEqual([expect.objectContaining({mode: 'managed_challenge', notes: `flarewatch: challenge by ${operatorIdentity()}`})]);
	});
});
