/**
 * The action service at attack scale, on the injected clock: a lockdown that fits the hour's calls, stops
 * at E_MAXAPI, keeps its record ban by ban in the rule registry, survives a quit and is finished or undone
 * by the next run; lookups answered from memory; and the registry merged between writers on one file.
 */
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {createGuard} from '../../source/actions/guard.js';
import {adoptLegacyState, FileRegistry, MemoryRegistry, withOwnedRule, withZone, zoneMemory, type Registry} from '../../source/actions/registry.js';
import {mkdirSync} from 'node:fs';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {callsLeft} from '../../source/monitor/budget.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {FakeBackend} from './fake-backend.js';

const zone = {name: 'example.com', id: '1001'};

function flood(count: number): Visitor[] {
	return Array.from({length: count}, (_, index) => ({ip: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`, classification: index % 4 === 0 ? 'regular' : 'threat', hits: 1 + (index % 500)}));
}

async function setup(options: {registry?: Registry; backend?: FakeBackend; clock?: FakeClock; session?: string; visitors?: Visitor[]} = {}) {
	const clock = options.clock ?? new FakeClock();
	const backend = options.backend ?? new FakeBackend({clock, visitors: options.visitors ?? flood(2000)});
	const audit = new MemoryAuditLog();
	const registry = options.registry ?? new MemoryRegistry();
	const monitor = createMonitor({
		backend,
		clock,
		zoneNames: ['example.com'],
		policy: {perHour: 300, reserve: 30},
		audit,
		registry,
		guard: createGuard([], {}),
		session: options.session ?? 'first',
		retryDelayMs: 10,
		paceMs: 0,
	});
	await monitor.start();
	await clock.advance(0);
	const left = () => {
		const state = monitor.getState();
		return callsLeft(state.policy, state.ledger, clock.now(), state.serverCallsLeft);
	};
	const messages = () => monitor.getState().messages.latest(200).map(message => message.text);
	return {clock, backend, monitor, audit, registry, left, messages};
}

const actionCalls = (backend: FakeBackend) => backend.calls.filter(call => !['zone_check', 'stats', 'zone_ips'].includes(call.action));

describe('lockdown at attack scale', () => {
	it('bans only what the hour covers, most hits first, and the account never goes over its calls', async () => {
		const {monitor, backend, left, registry, messages} = await setup();
		const before = left();
		const plan = monitor.actions.planLockdown()!;
		expect(plan.bans.length).toBe(before - 1 - plan.callsKept);
		expect(plan.overBudget).toBeGreaterThan(1000);
		monitor.actions.startLockdown(plan);
		await monitor.actions.queue.idle();
		expect(actionCalls(backend)).toHaveLength(plan.callsNeeded);
		expect(backend.calls.length).toBeLessThanOrEqual(300);
		expect(left()).toBe(plan.callsKept);
		const record = zoneMemory(registry.read(), 'example.com').lockdown!;
		expect(record.phase).toBe('locked');
		expect(Object.values(record.bans).every(state => state === 'done')).toBe(true);
		expect(messages().at(-1)).toMatch(new RegExp(`Lockdown of example.com done: ${plan.bans.length} banned, 0 already banned, 0 refused, [\\d,]+ not sent, ${plan.callsNeeded} calls`));
		monitor.stop();
	});

	it('stops at the first E_MAXAPI: the rest is marked not sent and audited, nothing more is sent', async () => {
		const {monitor, backend, audit, registry, messages} = await setup();
		let bans = 0;
		monitor.actions.queue.subscribe(entries => {
			const done = entries.filter(entry => entry.request.kind === 'ban' && entry.state === 'done').length;
			if (done === 5 && bans < 5) backend.fault = {kind: 'rate-limit', count: 1000};
			bans = done;
		});
		const plan = monitor.actions.planLockdown()!;
		monitor.actions.startLockdown(plan);
		await monitor.actions.queue.idle();
		// The level, five bans, and the one that met E_MAXAPI.
		expect(actionCalls(backend)).toHaveLength(7);
		const record = zoneMemory(registry.read(), 'example.com').lockdown!;
		const states = Object.values(record.bans);
		expect(states.filter(state => state === 'done')).toHaveLength(5);
		expect(states.filter(state => state === 'failed')).toHaveLength(1);
		expect(states.filter(state => state === 'not-sent')).toHaveLength(plan.bans.length - 6);
		expect(audit.records.filter(line => line.outcome === 'refused' && /E_MAXAPI/.test(line.error ?? ''))).toHaveLength(plan.bans.length - 6);
		expect(messages().join('\n')).toMatch(/Lockdown of example.com done: 5 banned, 0 already banned, 1 refused/);
		monitor.stop();
	});

	it('of two consoles confirming at once, one records its lockdown and the other sends nothing', async () => {
		const registry = new MemoryRegistry();
		// The other console's write lands between this one's look and its own write.
		let raced = false;
		const racing: Registry = {
			read: () => registry.read(),
			update(change) {
				if (!raced) {
					raced = true;
					registry.update(records => withZone(records, 'example.com', memory => ({...memory, lockdown: {id: 'other', at: 0, phase: 'locking', owner: {pid: 1, session: 'other'}, bans: {}, leftAlone: 0, overBudget: 0}})));
				}
				return registry.update(change);
			},
		};
		const {monitor, backend, messages} = await setup({registry: racing, visitors: flood(40)});
		monitor.actions.startLockdown(monitor.actions.planLockdown()!);
		await monitor.actions.queue.idle();
		expect(actionCalls(backend)).toEqual([]);
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.id).toBe('other');
		expect(messages().at(-1)).toBe('Another flarewatch recorded a lockdown of example.com just now: nothing was sent');
		monitor.stop();
	});

	it('leaves alone a ban made earlier by a one-shot command, and its undo does not clear it', async () => {
		const registry = new MemoryRegistry();
		const visitors = flood(20);
		const earlier = visitors.filter(visitor => visitor.classification === 'threat').sort((a, b) => b.hits - a.hits)[0].ip;
		registry.update(records => withOwnedRule(records, earlier, 'ban', 0, 'command'));
		const {monitor, backend} = await setup({registry, visitors});
		const plan = monitor.actions.planLockdown()!;
		expect(plan.alreadyRuled).toEqual([earlier]);
		expect(plan.bans.map(visitor => visitor.ip)).not.toContain(earlier);
		monitor.actions.startLockdown(plan);
		await monitor.actions.queue.idle();
		expect(monitor.actions.unlock(zone)).toBe(true);
		await monitor.actions.queue.idle();
		expect(actionCalls(backend).filter(call => call.action === 'nul')).toHaveLength(plan.bans.length);
		expect(registry.read().rules).toEqual({[earlier]: expect.objectContaining({mode: 'ban', by: 'command'})});
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		monitor.stop();
	});

	it('a quit mid-lockdown leaves its record; the next run says so, finishes it, and the undo clears every ban sent', async () => {
		const registry = new MemoryRegistry();
		const clock = new FakeClock();
		const first = await setup({registry, clock, visitors: flood(40)});
		const plan = first.monitor.actions.planLockdown()!;
		first.monitor.actions.queue.subscribe(entries => {
			if (entries.filter(entry => entry.request.kind === 'ban' && entry.state === 'done').length === 4) first.monitor.actions.abandon('SIGKILL stand-in');
		});
		first.monitor.actions.startLockdown(plan);
		await first.monitor.actions.queue.idle();
		first.monitor.stop();
		let record = zoneMemory(registry.read(), 'example.com').lockdown!;
		expect(record.phase).toBe('locking');
		expect(Object.values(record.bans).filter(state => state === 'done')).toHaveLength(4);

		const second = await setup({registry, clock, backend: first.backend, session: 'second'});
		expect(second.messages().join('\n')).toMatch(/Interrupted lockdown of example.com: 4 bans confirmed, \d+ without an answer, \d+ not sent yet\. Press L/);
		expect(second.monitor.actions.lockdownStatus('example.com').kind).toBe('interrupted');
		expect(second.monitor.getState().zones[0].lockdown?.bans).toBeGreaterThanOrEqual(4);
		const sentBefore = actionCalls(first.backend).length;
		expect(second.monitor.actions.finishLockdown(zone)).toBe(true);
		await second.monitor.actions.queue.idle();
		record = zoneMemory(registry.read(), 'example.com').lockdown!;
		expect(record.phase).toBe('locked');
		expect(Object.values(record.bans).every(state => state === 'done')).toBe(true);
		// Only the bans not confirmed went out again (and the level, which this fake backend never reports as help).
		expect(actionCalls(first.backend).slice(sentBefore).filter(call => call.action === 'ban')).toHaveLength(plan.bans.length - 4);
		expect(second.monitor.actions.unlock(zone)).toBe(true);
		await second.monitor.actions.queue.idle();
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		expect(second.monitor.getState().zones[0].lockdown).toBeUndefined();
		second.monitor.stop();
	});

	it('an undo cut short keeps the record with what is still banned, and the next L finishes only that', async () => {
		const {monitor, backend, registry} = await setup({visitors: flood(40)});
		monitor.actions.startLockdown(monitor.actions.planLockdown()!);
		await monitor.actions.queue.idle();
		let clears = 0;
		monitor.actions.queue.subscribe(entries => {
			const done = entries.filter(entry => entry.request.kind === 'clear-rule' && entry.state === 'done').length;
			if (done === 3 && clears < 3) backend.fault = {kind: 'api', count: 1000};
			clears = done;
		});
		monitor.actions.unlock(zone);
		await monitor.actions.queue.idle();
		const record = zoneMemory(registry.read(), 'example.com').lockdown!;
		expect(record.phase).toBe('undoing');
		expect(record.levelRestored).toBe(true);
		const still = Object.values(record.bans).filter(state => state === 'done').length;
		expect(Object.values(record.bans).filter(state => state === 'cleared')).toHaveLength(3);
		backend.fault = undefined;
		const plan = monitor.actions.unlockPlan(zone, record);
		expect(plan.requests.map(request => request.kind)).toEqual(Array.from({length: still}, () => 'clear-rule'));
		expect(monitor.actions.unlock(zone)).toBe(true);
		await monitor.actions.queue.idle();
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		monitor.stop();
	});
});

describe('lookups', () => {
	it('the same IP within 10 minutes costs no call; after that, one', async () => {
		const {monitor, backend, clock, messages} = await setup();
		const ip = '10.0.0.1';
		for (let press = 0; press < 400; press++) monitor.actions.submit({kind: 'lookup', ip});
		await monitor.actions.queue.idle();
		expect(actionCalls(backend).filter(call => call.action === 'ip_lkup')).toHaveLength(1);
		expect(messages()).toContain('The lookup of 10.0.0.1 is already on its way: no new call');
		await clock.advance(60_000);
		monitor.actions.submit({kind: 'lookup', ip});
		expect(messages().at(-1)).toMatch(/10\.0\.0\.1: BAD:\d+ \(looked up 1m00s ago; no call made\)/);
		expect(actionCalls(backend).filter(call => call.action === 'ip_lkup')).toHaveLength(1);
		await clock.advance(9 * 60_000);
		monitor.actions.submit({kind: 'lookup', ip});
		await monitor.actions.queue.idle();
		expect(actionCalls(backend).filter(call => call.action === 'ip_lkup')).toHaveLength(2);
		monitor.stop();
	});

	it('use only the polling share: once it is spent they are refused, and the reserve is left for actions', async () => {
		const {monitor, backend, left, messages} = await setup();
		for (let index = 0; left() > 30; index++) {
			monitor.actions.submit({kind: 'lookup', ip: `10.1.${index >> 8}.${index & 255}`});
			await monitor.actions.queue.idle();
		}
		const lookups = actionCalls(backend).length;
		expect(monitor.actions.submit({kind: 'lookup', ip: '10.9.9.9'})).toBe(false);
		expect(messages().at(-1)).toMatch(/lookup refused: it would use the 30 calls kept for actions/);
		expect(actionCalls(backend)).toHaveLength(lookups);
		expect(monitor.actions.submit({kind: 'ban', ip: '10.9.9.9'})).toBe(true);
		await monitor.actions.queue.idle();
		expect(actionCalls(backend).at(-1)?.action).toBe('ban');
		monitor.stop();
	});

	it('an action is refused before it is sent once the hour has no call left', async () => {
		const {monitor, backend, left, messages, audit} = await setup();
		for (let index = 0; left() > 0; index++) {
			monitor.actions.submit({kind: 'ban', ip: `10.2.${index >> 8}.${index & 255}`});
			await monitor.actions.queue.idle();
		}
		const sent = backend.calls.length;
		expect(monitor.actions.submit({kind: 'ban', ip: '10.9.9.9'})).toBe(false);
		expect(messages().at(-1)).toMatch(/no API calls are left this hour; ban 10\.9\.9\.9 was not sent/);
		expect(backend.calls.length).toBe(sent);
		expect(audit.records.filter(line => line.params.ip === '10.9.9.9')).toEqual([]);
		monitor.actions.loadRecords(zone);
		expect(monitor.getState().zones[0].recordsStatus?.error).toMatch(/no API calls are left this hour; the DNS records of example.com were not loaded/);
		expect(backend.calls.length).toBe(sent);
		monitor.stop();
	});
});

describe('the rule registry on disk', () => {
	const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'fw-registry-')), 'state', 'registry.json');

	it('merges writers: a console, a second console and a command on one account lose nothing', () => {
		const shared = file();
		const consoleA = new FileRegistry(shared, 'http://emu demo@example.com');
		const consoleB = new FileRegistry(shared, 'http://emu demo@example.com');
		const command = new FileRegistry(shared, 'http://emu demo@example.com');
		const otherAccount = new FileRegistry(shared, 'http://emu other@example.org');
		consoleA.read();
		consoleB.read();
		consoleA.update(records => withOwnedRule(records, '192.0.2.1', 'ban', 1, 'console'));
		// B has not re-read since: its write must still keep A's.
		consoleB.update(records => withOwnedRule(records, '192.0.2.2', 'wl', 2, 'console'));
		command.update(records => withOwnedRule(records, '192.0.2.3', 'ban', 3, 'command'));
		otherAccount.update(records => withOwnedRule(records, '198.51.100.1', 'ban', 4, 'command'));
		expect(Object.keys(new FileRegistry(shared, 'http://emu demo@example.com').read().rules).sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
		expect(Object.keys(otherAccount.read().rules)).toEqual(['198.51.100.1']);
		expect(readdirSync(path.dirname(shared)).sort()).toEqual(['registry.json']);
	});

	it('cleans temp files left by dead writers, takes over a dead writer’s lock, and keeps odd keys as data', () => {
		const shared = file();
		const registry = new FileRegistry(shared, 'acct');
		registry.update(records => withOwnedRule(records, '__proto__', 'ban', 1, 'console'));
		writeFileSync(`${shared}.999999.abc.tmp`, 'half');
		writeFileSync(`${shared}.lock`, '999999');
		const again = new FileRegistry(shared, 'acct');
		again.update(records => withOwnedRule(records, 'constructor', 'wl', 2, 'console'));
		expect(readdirSync(path.dirname(shared)).sort()).toEqual(['registry.json']);
		const rules = new FileRegistry(shared, 'acct').read().rules;
		expect(Object.keys(rules).sort()).toEqual(['__proto__', 'constructor']);
		expect(JSON.parse(readFileSync(shared, 'utf8')).accounts.acct.rules.constructor.mode).toBe('wl');
	});

	it('adopts the state.json of earlier versions once: the level before U and a lockdown its undo can still clear', async () => {
		const shared = file();
		mkdirSync(path.dirname(shared), {recursive: true});
		const legacy = path.join(path.dirname(shared), 'state.json');
		writeFileSync(legacy, JSON.stringify({zones: {'example.com': {levelBeforeAttack: 'low', lockdown: {previousLevel: 'low', bannedIps: ['192.0.2.1', 7], at: 5}}}}));
		const registry = new FileRegistry(shared, 'acct');
		adoptLegacyState(legacy, registry);
		const memory = zoneMemory(new FileRegistry(shared, 'acct').read(), 'example.com');
		expect(memory.levelBeforeAttack).toBe('low');
		expect(memory.lockdown).toMatchObject({phase: 'locked', previousLevel: 'low', bans: {'192.0.2.1': 'done'}});
		expect(readdirSync(path.dirname(shared)).sort()).toEqual(['registry.json', 'state.json.adopted']);
		const {monitor, backend} = await setup({registry});
		expect(monitor.actions.lockdownStatus('example.com').kind).toBe('locked');
		monitor.actions.unlock(zone);
		await monitor.actions.queue.idle();
		expect(actionCalls(backend).map(call => call.action)).toEqual(['sec_lvl', 'nul']);
		monitor.stop();
	});

	it('says so when it cannot be written, and keeps the change for this run', () => {
		const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'fw-registry-')), 'not-a-folder');
		writeFileSync(blocker, '');
		const warnings: string[] = [];
		const registry = new FileRegistry(path.join(blocker, 'registry.json'), 'acct', message => warnings.push(message));
		const records = registry.update(current => withOwnedRule(current, '192.0.2.1', 'ban', 1, 'console'));
		expect(Object.keys(records.rules)).toEqual(['192.0.2.1']);
		expect(warnings.join('\n')).toMatch(/cannot be written \(E\w+\): a restart will not know this change/);
	});
});
