/**
 * Drift against the emulator over loopback HTTP, on both APIs, the poller driven on a fake clock: what
 * another operator changes through the API (a second backend on the same account, as another console
 * or a script would) shows as drift, once, with old → new and when it was noticed, and goes to the
 * audit log once as an observation; what this console's own actions change never does, even when a
 * poll or listing raced the action.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {formatRuleNote} from '../../source/actions/rule-notes.js';
import type {Backend, ZoneRef} from '../../source/backend.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {attributedBy, driftText, type DriftEntry} from '../../source/monitor/drift.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {recordsWatchMs} from '../../source/monitor/poller.js';
import {apis, emulatorBackend, type Api} from '../e2e/apis.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

function backendFor(api: Api, emulator: EmulatorHandle, clock: FakeClock): Backend {
	return emulatorBackend(api, emulator, {now: () => clock.now()});
}

async function setup(api: Api) {
	const clock = new FakeClock(Date.UTC(2024, 5, 2, 14, 0, 0));
	const emulator = await startEmulator({port: 0, scenario: 'calm', now: () => clock.now(), quiet: true});
	const backend = backendFor(api, emulator, clock);
	// Someone else on the same account: another console, a script, the dashboard.
	const other = backendFor(api, emulator, clock);
	const audit = new MemoryAuditLog();
	const monitor = createMonitor({backend, clock, zoneNames: ['example.com'], audit, paceMs: 0, retryDelayMs: 10, session: 'test', watchRecords: true});
	cleanup.push(() => emulator.close(), () => backend.close(), () => other.close(), () => monitor.stop());
	const settle = async () => {
		await flushMicrotasks();
		while (monitor.poller.busy) await new Promise(resolve => setTimeout(resolve, 2));
		await flushMicrotasks();
	};
	const advance = (ms: number) => clock.advance(ms, settle);
	await monitor.start();
	await advance(0);
	const zone = (): ZoneRef => {
		const state = monitor.getState().zones[0];
		return {name: state.name, id: state.id};
	};
	const otherZone = async (): Promise<ZoneRef> => (await other.checkZones(['example.com']))[0];
	const drift = (): readonly DriftEntry[] => monitor.getState().zones[0].drift?.entries ?? [];
	const observations = () => audit.records.filter(record => record.action === 'drift');
	/** Until the next poll of the zone has listed its records again (at most the watch's 5 minutes and a poll). */
	const nextListing = () => advance(recordsWatchMs + 60_000);
	const act = async (request: Parameters<Monitor['actions']['submit']>[0]) => {
		expect(monitor.actions.submit(request)).toBe(true);
		await monitor.actions.queue.idle();
		await advance(0);
	};
	return {clock, emulator, monitor, audit, other, otherZone, zone, drift, observations, advance, nextListing, act};
}

describe.each(apis)('drift on API %s', api => {
	it('the first poll is the baseline; a level, dev mode and cache level changed elsewhere show old → new, once, and are audited once', async () => {
		const t = await setup(api);
		await t.advance(60_000);
		expect(t.drift()).toEqual([]);
		const ref = await t.otherZone();
		await t.other.setSecurityLevel(ref, 'eoff');
		await t.other.setDevMode(ref, true);
		await t.other.setCacheLevel(ref, 'basic');
		const changedAt = t.clock.now();
		await t.advance(60_000);
		const lines = t.drift().map(entry => driftText(entry));
		expect(lines).toEqual(['security level medium → essentially_off', 'dev mode off → on', 'cache level aggressive → basic']);
		for (const entry of t.drift()) expect(entry.at).toBeGreaterThan(changedAt);
		// Many polls later: still once, in the state and in the audit log.
		await t.advance(10 * 60_000);
		expect(t.drift()).toHaveLength(3);
		expect(t.observations().map(record => [record.outcome, record.zone, record.params.what, record.params.from, record.params.to])).toEqual([
			['observed', 'example.com', 'security-level', 'medium', 'essentially_off'],
			['observed', 'example.com', 'dev-mode', 'off', 'on'],
			['observed', 'example.com', 'cache-level', 'aggressive', 'basic'],
		]);
		expect(t.observations()[0].time).toBe(new Date(t.drift()[0].at).toISOString());
		// The Log has each line.
		const messages = t.monitor.getState().messages.latest(200).map(message => message.text);
		expect(messages).toContain('Changed elsewhere on example.com: security level medium → essentially_off');
		// flarewatch had not set them: D has nothing of ours to put back, and says why.
		expect(t.drift()[0].putBack).toBeUndefined();
		expect(t.drift()[0].cannot).toMatch(/flarewatch did not set the security level/);
	});

	it('our own changes are never drift, a poll racing the action included; what we set is put back by D', async () => {
		const t = await setup(api);
		await t.advance(60_000);
		await t.act({kind: 'security-level', zone: t.zone(), level: 'high'});
		await t.act({kind: 'cache-level', zone: t.zone(), level: 'basic'});
		await t.act({kind: 'dev-mode', zone: t.zone(), on: true});
		// A poll that starts before the action is answered and ends after it.
		const pending = t.monitor.actions.submit({kind: 'security-level', zone: t.zone(), level: 'low'});
		expect(pending).toBe(true);
		t.monitor.refreshNow();
		await t.monitor.actions.queue.idle();
		await t.advance(10 * 60_000);
		expect(t.drift()).toEqual([]);
		// Now someone else moves the level we set: drift, and D's request puts back ours.
		await t.other.setSecurityLevel(await t.otherZone(), 'help');
		await t.advance(60_000);
		expect(t.drift().map(entry => driftText(entry))).toEqual(['security level low → under_attack']);
		expect(t.drift()[0].putBack).toEqual({kind: 'security-level', zone: t.zone(), level: 'low'});
		// Putting it back is our own change: no drift for it.
		await t.act(t.drift()[0].putBack!);
		await t.advance(5 * 60_000);
		expect(t.drift()).toHaveLength(1);
		expect(t.monitor.getState().zones[0].stats?.securityLevel).toBe('low');
	});

	it('DNS records added, changed and removed elsewhere are drift; ours are not, and what we made is put back', async () => {
		const t = await setup(api);
		await t.nextListing();
		expect(t.drift()).toEqual([]);
		// Ours: a record added, then edited, by this console; listed after, no drift.
		await t.act({kind: 'dns-add', zone: t.zone(), record: {type: 'A', name: 'drift-ours', content: '203.0.113.10', proxied: false}});
		const made = t.monitor.getState().actions.at(-1)?.result as {id: string; name: string};
		expect(made.id).toBeTruthy();
		await t.nextListing();
		expect(t.drift()).toEqual([]);
		// Elsewhere: one added, ours changed, another removed.
		const ref = await t.otherZone();
		const listed = await t.other.listRecords(ref);
		const ours = listed.find(record => record.id === made.id)!;
		const theirs = listed.find(record => record.id !== made.id && record.type === 'A')!;
		await t.other.addRecord(ref, {type: 'A', name: 'drift-theirs', content: '198.51.100.7', proxied: false});
		await t.other.editRecord(ref, {...ours, content: '198.51.100.8'});
		await t.other.deleteRecord(ref, theirs.id);
		await t.nextListing();
		const lines = t.drift().map(entry => driftText(entry));
		expect(lines).toHaveLength(3);
		expect(lines).toContain('DNS record added: A drift-theirs.example.com 198.51.100.7');
		expect(lines).toContain(`DNS record A ${ours.name} 203.0.113.10 → A ${ours.name} 198.51.100.8`);
		expect(lines.some(line => line.startsWith(`DNS record removed: A ${theirs.name} ${theirs.content}`))).toBe(true);
		const changed = t.drift().find(entry => entry.change === 'changed')!;
		expect(changed.putBack).toMatchObject({kind: 'dns-edit', record: {id: made.id, content: '203.0.113.10'}});
		expect(t.drift().find(entry => entry.change === 'added')?.cannot).toMatch(/not by flarewatch/);
		expect(t.drift().find(entry => entry.change === 'removed')?.cannot).toMatch(/did not make or edit/);
		expect(t.observations().map(record => record.params.what)).toEqual(['dns', 'dns', 'dns']);
		// D's request puts ours back: done, and the next listing finds nothing new.
		await t.act(changed.putBack!);
		await t.nextListing();
		expect(t.drift()).toHaveLength(3);
		expect((await t.other.listRecords(ref)).find(record => record.id === made.id)?.content).toBe('203.0.113.10');
	});
});

describe('drift of access rules (API v4)', () => {
	it('rules added, removed or changed elsewhere are drift, naming flarewatch when the notes do; our own bans never are', async () => {
		const t = await setup('v4');
		await t.advance(3 * 60_000);
		expect(t.drift()).toEqual([]);
		await t.act({kind: 'ban', ip: '203.0.113.50', notes: formatRuleNote({action: 'block', operator: 'me@here'})});
		await t.advance(3 * 60_000);
		expect(t.drift()).toEqual([]);
		// Another console (flarewatch on another machine) bans one; someone removes ours.
		const ref = await t.otherZone();
		await t.other.ban('203.0.113.60', {zone: ref, notes: formatRuleNote({action: 'block', operator: 'root@bastion'})});
		await t.other.clearRule('203.0.113.50', {zone: ref});
		await t.advance(3 * 60_000);
		const lines = t.drift().map(entry => driftText(entry));
		expect(lines).toEqual(['rule added: block ip 203.0.113.60 (by flarewatch root@bastion)', 'rule removed: block ip 203.0.113.50 (by flarewatch me@here (its maker))']);
		const removed = t.drift()[1];
		expect(removed.putBack).toMatchObject({kind: 'rule-add', rule: {mode: 'block', target: 'ip', value: '203.0.113.50'}});
		// D's request makes ours again, with its note; that is ours, not drift.
		await t.act(removed.putBack!);
		await t.advance(3 * 60_000);
		expect(t.drift()).toHaveLength(2);
		const again = t.monitor.getState().zones[0].rules?.list.find(rule => rule.value === '203.0.113.50');
		expect(again).toMatchObject({mode: 'block', notes: formatRuleNote({action: 'block', operator: 'me@here'})});
		// A mode changed elsewhere: block → allow on the other console's rule.
		await t.other.whitelist('203.0.113.60', {zone: ref, notes: 'made in the dashboard'});
		await t.advance(3 * 60_000);
		expect(driftText(t.drift().at(-1)!)).toBe('rule block ip 203.0.113.60 → whitelist ip 203.0.113.60');
		expect(t.observations().map(record => record.params.what)).toEqual(['rule', 'rule', 'rule']);
	});
});

describe('the DNS watch on v1’s hourly budget', () => {
	it('lists the records every 5 minutes within the polls, and the account never spends more than budget − reserve in any hour', async () => {
		const t = await setup('v1');
		const count = () => {
			const calls = t.emulator.state().accounts[0].calls;
			return {total: calls.total, records: calls.byAction.rec_load_all ?? 0};
		};
		const samples = [count()];
		for (let minute = 1; minute <= 90; minute++) {
			await t.advance(60_000);
			samples.push(count());
		}
		let worst = samples[Math.min(60, samples.length - 1)].total;
		for (let end = 61; end < samples.length; end++) worst = Math.max(worst, samples[end].total - samples[end - 60].total);
		// 300 an hour, 30 kept for the operator: the records' calls come out of the polls' share.
		expect(worst).toBeLessThanOrEqual(270);
		expect(worst).toBeGreaterThan(250);
		// At start, then at the first poll 5 minutes after the last one (the polls' share allowing): never
		// more than 7 minutes apart, never closer than 5.
		expect(samples[0].records).toBe(1);
		const listedAt = [0, ...samples.flatMap((sample, minute) => (minute > 0 && sample.records > samples[minute - 1].records ? [minute] : []))];
		const gaps = listedAt.slice(1).map((minute, index) => minute - listedAt[index]);
		expect(Math.max(...gaps)).toBeLessThanOrEqual(7);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5);
		expect(samples.at(-1)!.records).toBe(listedAt.length);
		// The reserve is untouched: an action is never refused for the watch's sake.
		expect(t.monitor.actions.check({kind: 'ban', ip: '203.0.113.99'}).ok).toBe(true);
	});
});

describe.each(apis)('two consoles on one account, API %s', api => {
	it('what console A sets is drift for console B (once), never for A', async () => {
		const a = await setup(api);
		// B: a second monitor on the same account (the same emulator and clock).
		const backendB = backendFor(api, a.emulator, a.clock);
		const auditB = new MemoryAuditLog();
		// B reads A's audit records as it reads the shared audit log on one machine (drift-trail.ts).
		const attributeDrift = (entry: DriftEntry, own: string) => attributedBy(entry, a.audit.records.filter(record => record.session !== own));
		const monitorB = createMonitor({backend: backendB, clock: a.clock, zoneNames: ['example.com'], audit: auditB, paceMs: 0, session: '5151@b', attributeDrift});
		cleanup.push(() => backendB.close(), () => monitorB.stop());
		const settleBoth = async () => {
			await flushMicrotasks();
			while (a.monitor.poller.busy || monitorB.poller.busy) await new Promise(resolve => setTimeout(resolve, 2));
			await flushMicrotasks();
		};
		await monitorB.start();
		await a.clock.advance(60_000, settleBoth);
		await a.act({kind: 'security-level', zone: a.zone(), level: 'help'});
		await a.clock.advance(2 * 60_000, settleBoth);
		expect(a.drift()).toEqual([]);
		const seenByB = monitorB.getState().zones[0].drift?.entries ?? [];
		expect(seenByB.map(entry => driftText(entry))).toEqual(['security level medium → under_attack (by flarewatch on this machine)']);
		const observed = auditB.records.filter(record => record.action === 'drift');
		expect(observed).toHaveLength(1);
		expect(observed[0].params.by).toBe('flarewatch on this machine');
	});
});
