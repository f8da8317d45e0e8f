/**
 * A lockdown on API v4, as operators on two machines live it, in real ptys against the emulator's v4
 * face and its flood: one console sees that one network carries most threats and blocks it with one
 * rule; a second console with a fresh state folder (another machine: its registry knows nothing) finds
 * the lockdown by the rule's notes and undoes it. Afterwards only the rules anyone else made (and ours
 * made by hand) are left, and the security level is back.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {formatRuleNote, parseRuleNote} from '../../source/actions/rule-notes.js';
import {startEmulator} from '../../source/emulator/index.js';
import type {EmulatorHandle, EmulatorState} from '../../source/emulator/types.js';
import {consoleEnv, PtyConsole} from './pty-console.js';

const opened: Array<{close(): Promise<void> | void}> = [];

afterEach(async () => {
	for (const item of opened.splice(0).reverse()) await item.close();
});

interface Rule {
	id: string;
	mode: string;
	configuration: {target: string; value: string};
	notes: string;
}

/** The emulator's v4 REST face, with the demo account's token, as any client would call it. */
function api(emulator: EmulatorHandle) {
	const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
		const response = await fetch(`${emulator.url}/client/v4${path}`, {
			method,
			headers: {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json'},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await response.json()) as {success: boolean; result: unknown; errors: unknown};
		if (!json.success) throw new Error(`${method} ${path}: ${JSON.stringify(json.errors)}`);
		return json.result;
	};
	const zoneId = async (): Promise<string> => ((await call('GET', '/zones?name=example.com')) as Array<{id: string}>)[0].id;
	return {
		async addRule(mode: string, value: string, notes: string): Promise<void> {
			await call('POST', `/zones/${await zoneId()}/firewall/access_rules/rules`, {mode, configuration: {target: 'ip', value}, notes});
		},
		/** The zone's rules, as the API lists them (the admin state shows only v1's per-IP view). */
		async rules(): Promise<Rule[]> {
			return (await call('GET', `/zones/${await zoneId()}/firewall/access_rules/rules?per_page=1000`)) as Rule[];
		},
	};
}

/** A console; a fresh state folder unless `env` is given: a second console is then another machine, its registry empty. */
function launch(emulator: EmulatorHandle, env = consoleEnv({CF_API_TOKEN: emulator.token})): PtyConsole {
	const app = new PtyConsole(['--endpoint', emulator.url, '--zone', 'example.com', '--budget', '1200', '--reserve', '100'], {cols: 120, rows: 36}, env);
	opened.push({close: () => app.kill()});
	return app;
}

async function world() {
	const emulator = await startEmulator({port: 0, scenario: 'flood', quiet: true});
	emulator.advanceClock(120);
	opened.push({close: () => emulator.close()});
	const level = async () => ((await (await fetch(`${emulator.url}/__emulator/state`)).json()) as EmulatorState).zones.find(zone => zone.name === 'example.com')!.securityLevel;
	return {emulator, rest: api(emulator), level};
}

const dashboard = (app: PtyConsole) => app.waitFor(text => /\d+\.\d+\.\d+\.\d+\s+threat\s/.test(text) && /sec \w+/.test(text) && /v4/.test(text), 'the v4 dashboard with threat rows', 45_000);

describe('lockdown on API v4', () => {
	it('one ASN rule from the first console; a second console, another machine, finds it by its notes and undoes it', async () => {
		const {emulator, rest, level} = await world();
		// Someone else's rule, and one of ours made by hand: neither belongs to the lockdown.
		await rest.addRule('whitelist', '192.0.2.10', 'partner API, ticket 4411');
		await rest.addRule('block', '192.0.2.11', formatRuleNote({action: 'block', operator: 'ana@desk', reason: 'scraper'}));
		const before = await rest.rules();
		expect((await level())).toBe('med');

		const first = launch(emulator);
		await dashboard(first);
		first.press('L');
		const preview = await first.waitFor(text => /AS\d+ .*carries \d+% of threat requests/.test(text) && text.includes('One ASN rule (y)'), 'the preview offering one ASN rule', 30_000);
		expect(preview).toMatch(/\[y\] one ASN rule {2}\[i\] block the top [\d,]+ IPs instead {2}\[n\] cancel/);
		expect(preview).toMatch(/Top [\d,]+ IPs instead \(i\)/);
		const asn = preview.match(/(AS\d+) .*carries/)![1];
		const batch = preview.match(/notes name lockdown (L-[\w-]+)/)![1];
		first.press('y');
		await first.waitFor(text => text.includes(`Lockdown of example.com done: ${asn} blocked by one rule`), 'the lockdown summary', 30_000);
		const locked = await rest.rules();
		const made = locked.filter(rule => !before.some(old => old.id === rule.id));
		expect(made.map(rule => [rule.mode, rule.configuration.target, rule.configuration.value])).toEqual([['block', 'asn', asn]]);
		expect(parseRuleNote(made[0].notes)).toMatchObject({action: 'block', batch, reason: 'lockdown; level was med'});
		expect((await level())).toBe('help');

		const second = launch(emulator);
		await dashboard(second);
		second.press('L');
		const undo = await second.waitFor(text => text.includes('Undo the lockdown of example.com?') && text.includes('from another machine'), 'the undo, found by notes', 30_000);
		expect(undo).toContain(`Remove 1 rule of lockdown ${batch}, found by their notes: 1 ASN.`);
		expect(undo).toContain('Security level back to med.');
		second.press('y');
		await second.waitFor(text => text.includes('Lockdown of example.com undone: 1 rule removed, level back to med'), 'the undo summary', 30_000);
		expect(await rest.rules()).toEqual(before);
		expect((await level())).toBe('med');
	}, 150_000);

	it('a kill -9 mid-lockdown: the next start lists the rules, offers to finish or undo it, and u removes exactly its rules', async () => {
		const {emulator, rest, level} = await world();
		await rest.addRule('whitelist', '192.0.2.10', 'partner API, ticket 4411');
		const before = await rest.rules();
		const env = consoleEnv({CF_API_TOKEN: emulator.token});
		const app = launch(emulator, env);
		await dashboard(app);
		app.press('L');
		await app.waitFor(text => /Top [\d,]+ IPs instead \(i\)/.test(text), 'the preview with the choice');
		// The other choice: the top IPs, one rule each, paced; killed a few rules in.
		app.press('i');
		const deadline = Date.now() + 45_000;
		while ((await rest.rules()).length < before.length + 10) {
			if (Date.now() > deadline) throw new Error(`no lockdown rules appeared; the screen:\n${app.screen()}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
		app.process.kill('SIGKILL');
		await app.exited;
		const registry = JSON.parse(readFileSync(join(env.XDG_STATE_HOME, 'flarewatch', 'registry.json'), 'utf8')) as {accounts: Record<string, {zones: Record<string, {lockdown?: {phase: string; batch?: string}}>}>};
		const record = Object.values(registry.accounts)[0].zones['example.com'].lockdown!;
		expect(record.phase).toBe('locking');
		const made = (await rest.rules()).filter(rule => parseRuleNote(rule.notes)?.batch === record.batch);
		expect(made.length).toBeGreaterThanOrEqual(10);
		expect(await level()).toBe('help');

		const again = launch(emulator, env);
		await again.waitFor(text => text.includes('Interrupted lockdown of example.com') && text.includes('Undo it (u)'), 'the finish-or-undo dialog, opened by itself', 45_000);
		again.press('u');
		await again.waitFor(text => /Lockdown of example\.com undone: [\d,]+ rules? removed( \([\d,]+ [a-z ]+\))?, level back to/.test(text), 'the undo summary', 45_000);
		expect(await rest.rules()).toEqual(before);
		expect(await level()).toBe('med');
	}, 150_000);
});
