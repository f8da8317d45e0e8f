import {describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {createGuard} from '../../source/actions/guard.js';
import {MemoryRegistry, zoneMemory} from '../../source/actions/registry.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {selectHeader, threatRowView} from '../../source/monitor/select.js';
import {FakeBackend} from './fake-backend.js';

const zone = {name: 'example.com', id: '1001'};

async function setup(options: {neverBan?: string[]; readOnly?: boolean} = {}) {
	const clock = new FakeClock();
	const backend = new FakeBackend({clock});
	const audit = new MemoryAuditLog();
	const registry = new MemoryRegistry();
	const monitor = createMonitor({
		backend,
		clock,
		zoneNames: ['example.com'],
		policy: {perHour: 300, reserve: 30},
		audit,
		registry,
		guard: createGuard(options.neverBan ?? [], {}),
		readOnly: options.readOnly,
		retryDelayMs: 10,
		paceMs: 0,
	});
	await monitor.start();
	await clock.advance(0);
	return {clock, backend, monitor, audit, registry};
}

describe('actions inside the monitor', () => {
	it('count every request in the same ledger as the polls, and show the effect at once', async () => {
		const {monitor, backend, clock} = await setup();
		const ledger = monitor.getState().ledger.length;
		monitor.actions.submit({kind: 'security-level', zone, level: 'help'});
		await monitor.actions.queue.idle();
		await clock.advance(0);
		expect(monitor.getState().ledger.length).toBe(ledger + 1);
		expect(backend.calls.at(-1)?.action).toBe('sec_lvl');
		expect(selectHeader(monitor.getState(), clock.now()).securityLabel).toBe("I'm under attack!");
		expect(monitor.getState().actions.map(entry => entry.state)).toEqual(['done']);
		expect(monitor.getState().messages.last()?.text).toMatch(/#1 security level help .*done/);
		monitor.stop();
	});

	it('keep the effect when a poll that started before the answer reports the old value, until a later poll', async () => {
		const {monitor, clock} = await setup();
		const startedBefore = clock.now() - 5000;
		monitor.actions.submit({kind: 'security-level', zone, level: 'high'});
		await monitor.actions.queue.idle();
		monitor.store.dispatch({type: 'poll-finished', zone: 0, at: startedBefore, stats: monitor.getState().zones[0].stats && {...monitor.getState().zones[0].stats!, securityLevel: 'med', securityLabel: 'Medium'}});
		expect(selectHeader(monitor.getState(), clock.now()).securityLabel).toBe('High');
		await clock.advance(1000);
		monitor.store.dispatch({type: 'poll-finished', zone: 0, at: clock.now(), stats: {...monitor.getState().zones[0].stats!, securityLevel: 'med', securityLabel: 'Medium'}});
		expect(selectHeader(monitor.getState(), clock.now()).securityLabel).toBe('Medium');
		monitor.stop();
	});

	it('mark rows BANNED / WHITELISTED and clear the badge, and put a looked-up score in the row', async () => {
		const {monitor} = await setup();
		const row = monitor.getState().zones[0].threatRows.find(visitor => visitor.classification === 'threat')!;
		monitor.actions.submit({kind: 'ban', ip: row.ip});
		monitor.actions.submit({kind: 'lookup', ip: row.ip});
		await monitor.actions.queue.idle();
		let state = monitor.getState();
		expect(threatRowView(row, state.zones[0].scores, state.rules)).toMatchObject({rule: 'ban', score: 'BAD:11'});
		monitor.actions.submit({kind: 'whitelist', ip: row.ip});
		await monitor.actions.queue.idle();
		expect(monitor.getState().rules.get(row.ip)).toBe('wl');
		monitor.actions.submit({kind: 'clear-rule', ip: row.ip});
		await monitor.actions.queue.idle();
		state = monitor.getState();
		expect(threatRowView(row, state.zones[0].scores, state.rules).rule).toBeUndefined();
		monitor.stop();
	});

	it('lock down and undo: the level before comes back and only the bans it made are cleared, guarded IPs left out', async () => {
		const {monitor, backend, registry, clock} = await setup({neverBan: ['203.0.113.9']});
		backend.visitorRows = [
			{ip: '203.0.113.9', classification: 'threat', hits: 50},
			{ip: '192.0.2.1', classification: 'threat', hits: 30},
			{ip: '192.0.2.2', classification: 'threat', hits: 20},
			{ip: '198.51.100.7', classification: 'regular', hits: 100},
		];
		monitor.refreshNow();
		await monitor.actions.queue.idle();
		await new Promise(resolve => setTimeout(resolve, 10));
		const plan = monitor.actions.planLockdown()!;
		expect(plan.previousLevel).toBe('med');
		expect(plan.bans.map(visitor => visitor.ip)).toEqual(['192.0.2.1', '192.0.2.2']);
		expect(plan.guarded).toEqual([{ip: '203.0.113.9', reason: 'on the --never-ban list'}]);
		const before = backend.calls.length;
		monitor.actions.startLockdown(plan);
		await monitor.actions.queue.idle();
		expect(backend.calls.slice(before).map(call => call.action)).toEqual(['sec_lvl', 'ban', 'ban']);
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.bans).toEqual({'192.0.2.1': 'done', '192.0.2.2': 'done'});
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.phase).toBe('locked');
		expect(monitor.actions.unlock(zone)).toBe(true);
		await monitor.actions.queue.idle();
		const undo = monitor.getState().actions.slice(-3).map(entry => entry.request);
		expect(undo).toEqual([
			{kind: 'security-level', zone, level: 'med'},
			{kind: 'clear-rule', ip: '192.0.2.1'},
			{kind: 'clear-rule', ip: '192.0.2.2'},
		]);
		expect(selectHeader(monitor.getState(), clock.now()).securityLabel).toBe('Medium');
		expect(monitor.getState().rules.size).toBe(0);
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		expect(registry.read().rules).toEqual({});
		expect(monitor.actions.unlock(zone)).toBe(false);
		monitor.stop();
	});

	it('U goes to help, then back to the level remembered before it', async () => {
		const {monitor} = await setup();
		expect(monitor.actions.attackTarget('example.com', 'high')).toBe('help');
		expect(monitor.actions.attackTarget('example.com', 'help')).toBeUndefined();
		monitor.actions.rememberLevelBeforeAttack('example.com', 'high');
		expect(monitor.actions.attackTarget('example.com', 'help')).toBe('high');
		monitor.stop();
	});

	it('refuses a mutating action in read-only mode (queue backstop): nothing sent, audited as refused', async () => {
		const {monitor, backend, audit} = await setup({readOnly: true});
		const before = backend.calls.length;
		monitor.actions.submit({kind: 'ban', ip: '192.0.2.1'});
		await monitor.actions.queue.idle();
		expect(backend.calls.length).toBe(before);
		expect(audit.records.map(record => record.outcome)).toEqual(['refused']);
		expect(monitor.getState().actions[0].state).toBe('failed');
		monitor.stop();
	});

	it('abandon on quit: an action in flight is audited as outcome unknown', async () => {
		const {monitor, audit} = await setup();
		monitor.actions.submit({kind: 'ban', ip: '192.0.2.1'});
		monitor.actions.abandon('SIGTERM received');
		expect(audit.records.map(record => record.outcome)).toEqual(['sending', 'unknown']);
		expect(audit.records[1].error).toBe('SIGTERM received');
		monitor.stop();
	});
});

describe('the dev-mode countdown (fake clock)', () => {
	it('runs three hours from expires_on, once a second, without an API call per tick, and ends showing off', async () => {
		const {monitor, backend, clock} = await setup();
		monitor.togglePause();
		monitor.actions.submit({kind: 'dev-mode', zone, on: true});
		await monitor.actions.queue.idle();
		await clock.advance(0);
		const calls = backend.calls.length;
		const header = () => selectHeader(monitor.getState(), clock.now()).devModeSecondsLeft;
		expect(header()).toBe(10_800);
		await clock.advance(1000);
		expect(header()).toBe(10_799);
		await clock.advance(59_000);
		expect(header()).toBe(10_740);
		const seen = new Set<number | undefined>();
		for (let minute = 1; minute < 179; minute++) {
			await clock.advance(60_000);
			seen.add(header());
		}
		expect(header()).toBe(60);
		await clock.advance(59_000);
		expect(header()).toBe(1);
		await clock.advance(1000);
		expect(header()).toBeUndefined();
		await clock.advance(3_600_000);
		expect(header()).toBeUndefined();
		expect(seen.size).toBe(178);
		expect(backend.calls.length).toBe(calls);
		monitor.stop();
	});
});
