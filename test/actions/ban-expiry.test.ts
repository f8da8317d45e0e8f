/**
 * Timed bans through the action service against the emulator over loopback HTTP, on a fake clock that
 * drives both, on both APIs: a ban cleared when due (audited as expired, a Log line), an expiry missed
 * while nothing ran done at the next start, a claim left by a process killed mid-clear taken over, two
 * consoles on one registry file clearing a ban once, and (v4) a ban found by its notes from an empty registry.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {expiryKey, FileRegistry, MemoryRegistry, type Registry} from '../../source/actions/registry.js';
import {formatRuleNote, parseRuleNote} from '../../source/actions/rule-notes.js';
import type {Backend} from '../../source/backend.js';
import {startEmulator} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {apis, emulatorBackend, type Api} from '../e2e/apis.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
	for (const step of cleanup.splice(0).reverse()) await step();
});

const ip = '198.51.100.23';
const zoneName = 'example.com';

async function world(api: Api) {
	const clock = new FakeClock(Date.UTC(2014, 5, 2, 14, 0, 0));
	const emulator = await startEmulator({port: 0, scenario: 'calm', now: () => clock.now(), quiet: true});
	cleanup.push(() => emulator.close());
	const dir = mkdtempSync(path.join(tmpdir(), 'fw-bans-'));
	cleanup.push(() => rmSync(dir, {recursive: true, force: true}));
	return {clock, emulator, file: path.join(dir, 'registry.json'), api};
}

type World = Awaited<ReturnType<typeof world>>;

function backendFor(w: World): Backend {
	const backend = emulatorBackend(w.api, w.emulator, {now: () => w.clock.now()});
	cleanup.push(() => backend.close());
	return backend;
}

/** A console's monitor on the world (its own backend, session and registry), started. */
async function console_(w: World, registry: Registry, session: string) {
	const backend = backendFor(w);
	const audit = new MemoryAuditLog();
	const monitor: Monitor = createMonitor({backend, clock: w.clock, zoneNames: [zoneName], policy: {perHour: 300, reserve: 30}, audit, registry, session, retryDelayMs: 10, api: w.api, banPolicy: {duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400}});
	cleanup.push(() => monitor.stop());
	await monitor.start();
	const messages = () => monitor.getState().messages.latest(200).map(message => message.text);
	return {monitor, audit, messages, backend};
}

/** Real HTTP needs real time to answer: every poll and action finishes before the fake clock moves on. */
function settler(monitors: Monitor[]) {
	return async () => {
		await flushMicrotasks();
		for (let round = 0; round < 500; round++) {
			const busy = monitors.some(monitor => monitor.poller.inFlight || monitor.actions.queue.entries.some(entry => entry.state === 'pending' || entry.state === 'sent'));
			if (!busy) break;
			await new Promise(resolve => setTimeout(resolve, 2));
		}
		await flushMicrotasks();
	};
}

async function advance(w: World, monitors: Monitor[], ms: number): Promise<void> {
	const settle = settler(monitors);
	await settle();
	await w.clock.advance(ms, settle);
}

/** Clears the emulator answered, as it counts them: v1's `nul`, v4's rule deletions. */
function clears(w: World): number {
	const account = w.emulator.state().accounts[0]!;
	return w.api === 'v1' ? (account.calls.byAction.nul ?? 0) : (account.calls.v4.byRoute['DELETE /zones/:zone_id/firewall/access_rules/rules/:rule_id'] ?? 0);
}

function zoneRef(monitor: Monitor) {
	const zone = monitor.getState().zones[0]!;
	return {name: zone.name, id: zone.id};
}

/** A timed ban as the console's dialog sends it (v4: the note names its end). */
function timedBan(monitor: Monitor, seconds: number, api: Api) {
	const until = monitor.clock.now() + seconds * 1000;
	return {
		kind: 'ban' as const,
		ip,
		duration: seconds,
		expiresAt: new Date(until).toISOString(),
		...(api === 'v4' ? {zone: zoneRef(monitor), notes: formatRuleNote({action: 'block', operator: 'ops@bastion', until, reason: 'scraper'})} : {}),
	};
}

async function ruleOnIp(backend: Backend, monitor: Monitor): Promise<boolean> {
	const listed = await backend.listRules!(zoneRef(monitor));
	return listed.rules.some(rule => rule.value === ip && rule.scope === 'zone');
}

describe.each(apis)('timed bans on %s', api => {
	it('clears a ban when due, audited as expired, with the time left shown before and a Log line after', async () => {
		const w = await world(api);
		const registry = new FileRegistry(w.file, 'acct');
		const one = await console_(w, registry, 'one');
		await advance(w, [one.monitor], 1000);
		const request = timedBan(one.monitor, 600, api);
		expect(one.monitor.actions.submit(request)).toBe(true);
		await advance(w, [one.monitor], 1000);
		const key = expiryKey(ip, api === 'v4' ? zoneName : undefined);
		expect(registry.read().expiries?.[key]?.until).toBe(Date.parse(request.expiresAt));
		const left = one.monitor.actions.bans!.timeLeft(ip, zoneName)!;
		expect(left).toBeGreaterThan(590_000);
		expect(left).toBeLessThanOrEqual(600_000);
		if (api === 'v4') expect(await ruleOnIp(one.backend, one.monitor)).toBe(true);
		// Not before its time.
		await advance(w, [one.monitor], 8 * 60_000);
		expect(clears(w)).toBe(0);
		await advance(w, [one.monitor], 3 * 60_000);
		expect(clears(w)).toBe(1);
		expect(registry.read().expiries?.[key]).toBeUndefined();
		expect(one.monitor.actions.bans!.timeLeft(ip, zoneName)).toBeUndefined();
		if (api === 'v4') expect(await ruleOnIp(one.backend, one.monitor)).toBe(false);
		const done = one.audit.records.find(record => record.action === 'clear-rule' && record.outcome === 'done');
		expect(done?.params).toMatchObject({ip, expired: true});
		const ban = one.audit.records.find(record => record.action === 'ban' && record.outcome === 'done');
		expect(ban?.params).toMatchObject({ip, duration: 600});
		expect(typeof ban?.params.expiresAt).toBe('string');
		expect(one.messages().some(text => text.includes(`clear the expired ban of ${ip}`) && text.includes('done'))).toBe(true);
		// Nothing more is sent later.
		await advance(w, [one.monitor], 5 * 60_000);
		expect(clears(w)).toBe(1);
	});

	it('an expiry missed while nothing ran is done at the next start; a claim of a killed process is taken over', async () => {
		const w = await world(api);
		const first = await console_(w, new FileRegistry(w.file, 'acct'), 'first');
		await advance(w, [first.monitor], 1000);
		first.monitor.actions.submit(timedBan(first.monitor, 600, api));
		await advance(w, [first.monitor], 1000);
		// The console quits; an hour passes with nothing running.
		first.monitor.actions.abandon('quit');
		first.monitor.stop();
		// Meanwhile a process claimed it and was killed (kill -9) before the answer: its claim is left.
		const dead = spawnSync(process.execPath, ['-e', '']).pid;
		const registry = new FileRegistry(w.file, 'acct');
		const key = expiryKey(ip, api === 'v4' ? zoneName : undefined);
		registry.update(records => ({...records, expiries: {...records.expiries, [key]: {...records.expiries![key]!, claim: {pid: dead, session: 'killed', at: w.clock.now()}}}}));
		await advance(w, [], 60 * 60_000);
		expect(clears(w)).toBe(0);
		const second = await console_(w, registry, 'second');
		await advance(w, [second.monitor], 1000);
		expect(clears(w)).toBe(1);
		expect(registry.read().expiries?.[key]).toBeUndefined();
		expect(second.audit.records.some(record => record.action === 'clear-rule' && record.outcome === 'done' && record.params.expired === true)).toBe(true);
	});

	it('two consoles on one registry file clear a due ban once', async () => {
		const w = await world(api);
		const a = await console_(w, new FileRegistry(w.file, 'acct'), 'a');
		const b = await console_(w, new FileRegistry(w.file, 'acct'), 'b');
		await advance(w, [a.monitor, b.monitor], 1000);
		a.monitor.actions.submit(timedBan(a.monitor, 120, api));
		await advance(w, [a.monitor, b.monitor], 1000);
		// Both runners look every 15 s on the same clock: both see it due at the same moment.
		await advance(w, [a.monitor, b.monitor], 5 * 60_000);
		expect(clears(w)).toBe(1);
		const sent = [a, b].flatMap(c => c.audit.records.filter(record => record.action === 'clear-rule' && record.outcome === 'sending'));
		expect(sent).toHaveLength(1);
	});
});

describe('timed bans by notes (v4)', () => {
	it('a console with an empty registry finds a due ban in the listed rules and clears it, and only ours', async () => {
		const w = await world('v4');
		const maker = await console_(w, new MemoryRegistry(), 'maker');
		await advance(w, [maker.monitor], 1000);
		maker.monitor.actions.submit(timedBan(maker.monitor, 300, 'v4'));
		// Someone else's rule whose text looks like a time: never ours to clear.
		await maker.backend.addRule!(zoneRef(maker.monitor), {mode: 'block', target: 'ip', value: '198.51.100.99', notes: 'partner [until 2014-06-02T14:01Z]'});
		await advance(w, [maker.monitor], 1000);
		maker.monitor.stop();
		maker.monitor.actions.abandon('gone');
		const listed = await maker.backend.listRules!(zoneRef(maker.monitor));
		expect(parseRuleNote(listed.rules.find(rule => rule.value === ip)!.notes)?.until).toBeGreaterThan(w.clock.now());

		const other = await console_(w, new MemoryRegistry(), 'elsewhere');
		// The rules are listed at start; the runner's next look (every 15 s) reads their notes.
		await advance(w, [other.monitor], 16_000);
		expect(other.messages().some(text => text.includes('1 timed ban found in the rules'))).toBe(true);
		expect(clears(w)).toBe(0);
		await advance(w, [other.monitor], 6 * 60_000);
		expect(clears(w)).toBe(1);
		const after = await other.backend.listRules!(zoneRef(other.monitor));
		expect(after.rules.map(rule => rule.value)).toEqual(['198.51.100.99']);
	});
});
