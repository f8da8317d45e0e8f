/**
 * Lockdowns on an API whose rules are listed and carry notes (v4), through the action service on the
 * injected clock: every rule names the lockdown; a second console whose registry is empty (another
 * machine) finds it by its notes and removes exactly its rules, leaving a foreign rule and our own ban
 * made by hand; one ASN rule instead of hundreds; a kill mid-lockdown or mid-undo finished by the next run,
 * leaving alone an address someone gave a rule in between.
 */
import {describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {createGuard} from '../../source/actions/guard.js';
import {describeUnlock, lockdownChoices} from '../../source/actions/lockdown.js';
import {MemoryRegistry, zoneMemory, type Registry} from '../../source/actions/registry.js';
import {formatRuleNote, isLockdownRule, operatorIdentity, parseRuleNote} from '../../source/actions/rule-notes.js';
import type {Visitor} from '../../source/backend.js';
import {FakeClock} from '../../source/lib/clock.js';
import {createMonitor} from '../../source/monitor/monitor.js';
import {FakeRulesBackend} from './fake-rules-backend.js';

const zone = {name: 'example.com', id: '023e105f4ecef8ad9ca31a8372d0c353'};
const me = operatorIdentity();

/** Threat rows, most hits first, each in its own network and country; the last `dominant` in AS64500 with most of the hits. */
function threats(count: number, dominant = 0): Visitor[] {
	return Array.from({length: count}, (_, index) => ({
		ip: `203.0.${113 + (index >> 8)}.${(index & 255) + 1}`,
		classification: 'threat',
		hits: 1000 - index,
		asn: index >= count - dominant ? 'AS64500' : `AS${65000 + index}`,
		asnName: index >= count - dominant ? 'BadHost' : 'Elsewhere',
		country: `C${index % 10}`,
	}));
}

async function open(backend: FakeRulesBackend, registry: Registry, session: string) {
	const clock = new FakeClock();
	const monitor = createMonitor({
		backend,
		clock,
		zoneNames: ['example.com'],
		policy: {perHour: 300, reserve: 30},
		audit: new MemoryAuditLog(),
		registry,
		guard: createGuard([], {}),
		session,
		retryDelayMs: 10,
		paceMs: 0,
	});
	await monitor.start();
	await clock.advance(0);
	const messages = () => monitor.getState().messages.latest(200).map(message => message.text);
	/**
	 * L: the rules are listed first unless the monitor's listing is recent and no rule of ours changed
	 * since; the dialog may open once they are (the console opens it when they arrive).
	 */
	const pressL = async (): Promise<void> => {
		if (monitor.actions.prepareLockdown(zone)) return;
		await clock.advance(0);
		expect(monitor.actions.lockdownReady('example.com')).toBe(true);
		expect(monitor.actions.prepareLockdown(zone)).toBe(true);
	};
	return {clock, monitor, messages, pressL};
}

function world(visitors: Visitor[]) {
	const backend = new FakeRulesBackend({clock: new FakeClock(), visitors});
	// Someone else's rule (the partner's allow) and ours made by hand, both on threat IPs.
	const foreign = backend.seed({mode: 'whitelist', target: 'ip', value: '203.0.113.2', notes: 'partner API, ticket 4411'});
	const byHand = backend.seed({mode: 'block', target: 'ip', value: '203.0.113.3', notes: formatRuleNote({action: 'block', operator: 'ana@desk', reason: 'scraper'})});
	return {backend, foreign, byHand};
}

const lockdownRules = (backend: FakeRulesBackend, batch: string) => backend.rules.filter(rule => isLockdownRule(rule.notes, batch));

describe('lockdown by notes', () => {
	it('a second console with an empty registry finds it by its notes and removes exactly its rules', async () => {
		const {backend, foreign, byHand} = world(threats(40));
		const first = await open(backend, new MemoryRegistry(), 'first');
		await first.pressL();
		const plan = first.monitor.actions.planLockdown()!;
		// The rules already on threat IPs are left alone: a rule added there would change them.
		expect(plan.alreadyRuled.sort()).toEqual(['203.0.113.2', '203.0.113.3']);
		expect(plan.offer).toBeUndefined();
		first.monitor.actions.startLockdown(lockdownChoices(plan).confirm.plan);
		await first.monitor.actions.queue.idle();
		const batch = plan.batch!;
		expect(lockdownRules(backend, batch)).toHaveLength(38);
		expect(parseRuleNote(lockdownRules(backend, batch)[0].notes)).toEqual({action: 'block', operator: me, batch, reason: 'lockdown; level was med'});
		expect(backend.level).toBe('help');
		expect(first.messages().join('\n')).toContain(`Lockdown of example.com done: 38 banned, 2 already banned, 0 refused, 0 not sent, 39 calls (lockdown ${batch})`);

		// Another machine: nothing in its registry, so L lists the zone's rules and finds the lockdown there.
		const registry = new MemoryRegistry();
		const second = await open(backend, registry, 'second');
		// Its monitor listed the rules at start: the header shows the lockdown found there, by its rules.
		expect(second.monitor.getState().zones[0].lockdown?.bans).toBe(38);
		// L lists them again unless that listing is recent; either way the lockdown is found by its notes.
		await second.clock.advance(60_000);
		await second.pressL();
		expect(second.messages().at(-1)).toBe(`Rules of example.com listed: 40, lockdown ${batch} by ${me} (38 rules)`);
		const status = second.monitor.actions.lockdownStatus('example.com');
		expect(status.kind).toBe('locked');
		if (status.kind !== 'locked') return;
		expect(status.record).toMatchObject({batch, operator: me, madeElsewhere: true, previousLevel: 'med'});
		const undo = second.monitor.actions.unlockPlan(zone, status.record);
		expect(undo.requests.filter(request => request.kind === 'rule-delete')).toHaveLength(38);
		const lines = describeUnlock(status.record, undo);
		expect(lines[0]).toBe('Security level back to med.');
		expect(lines).toContain(`Remove 38 rules of lockdown ${batch}, found by their notes: 38 IPs.`);
		expect(lines.join('\n')).toContain(`Made by ${me} at`);

		expect(second.monitor.actions.unlock(zone)).toBe(true);
		await second.monitor.actions.queue.idle();
		expect(backend.rules).toEqual([foreign, byHand]);
		expect(backend.level).toBe('med');
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		expect(second.messages().join('\n')).toContain('Lockdown of example.com undone: 38 rules removed, level back to med, 39 calls used');

		// The first console still has its record: its L finds the rules gone and settles it without removing anything.
		await first.pressL();
		const left = first.monitor.actions.lockdownStatus('example.com');
		expect(left.kind).toBe('locked');
		if (left.kind !== 'locked') return;
		const stale = first.monitor.actions.unlockPlan(zone, left.record);
		expect(stale.gone).toHaveLength(38);
		expect(stale.requests.map(request => request.kind)).toEqual(['security-level']);
		const removals = backend.calls.filter(call => call.action === 'rule_del').length;
		first.monitor.actions.unlock(zone);
		await first.monitor.actions.queue.idle();
		expect(backend.calls.filter(call => call.action === 'rule_del')).toHaveLength(removals);
		expect(backend.rules).toEqual([foreign, byHand]);
		expect(first.messages().join('\n')).toContain('Lockdown of example.com undone: 0 rules removed (38 gone already), level back to med, 1 calls used');
		first.monitor.stop();
		second.monitor.stop();
	});

	it('one ASN rule instead of hundreds when one network carries most threats, undone from another console', async () => {
		const {backend, foreign, byHand} = world(threats(200, 120));
		const first = await open(backend, new MemoryRegistry(), 'first');
		await first.pressL();
		const plan = first.monitor.actions.planLockdown()!;
		expect(plan.offer).toMatchObject({target: 'asn', value: 'AS64500', name: 'BadHost', conflicts: []});
		const choice = lockdownChoices(plan);
		expect(choice.confirm.label).toBe('One ASN rule');
		first.monitor.actions.startLockdown(choice.confirm.plan);
		await first.monitor.actions.queue.idle();
		expect(lockdownRules(backend, plan.batch!).map(rule => [rule.target, rule.value])).toEqual([['asn', 'AS64500']]);
		expect(backend.calls.filter(call => call.action === 'rule_add')).toHaveLength(1);
		expect(first.messages().join('\n')).toContain('Lockdown of example.com done: AS64500 blocked by one rule, 0 refused, 0 not sent, 2 calls');

		const second = await open(backend, new MemoryRegistry(), 'second');
		await second.pressL();
		second.monitor.actions.unlock(zone);
		await second.monitor.actions.queue.idle();
		expect(backend.rules).toEqual([foreign, byHand]);
		expect(backend.level).toBe('med');
		first.monitor.stop();
		second.monitor.stop();
	});

	it('a kill mid-lockdown and a kill mid-undo: the next run finishes each, by notes', async () => {
		const {backend, foreign, byHand} = world(threats(40));
		const registry = new MemoryRegistry();
		const first = await open(backend, registry, 'first');
		await first.pressL();
		const plan = first.monitor.actions.planLockdown()!;
		first.monitor.actions.queue.subscribe(entries => {
			if (entries.filter(entry => entry.request.kind === 'rule-add' && entry.state === 'done').length === 4) first.monitor.actions.abandon('SIGKILL stand-in');
		});
		first.monitor.actions.startLockdown(plan);
		await first.monitor.actions.queue.idle();
		first.monitor.stop();
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.phase).toBe('locking');
		expect(lockdownRules(backend, plan.batch!).length).toBeGreaterThanOrEqual(4);

		// Meanwhile someone allows one of the addresses the lockdown had not reached yet.
		const planned = Object.entries(zoneMemory(registry.read(), 'example.com').lockdown!.bans).filter(([, state]) => state === 'planned');
		const partner = backend.seed({mode: 'whitelist', target: 'ip', value: planned.at(-1)![0], notes: 'partner, allowed meanwhile'});

		const second = await open(backend, registry, 'second');
		expect(second.messages().join('\n')).toMatch(/Interrupted lockdown of example.com: 4 bans confirmed/);
		await second.pressL();
		expect(second.monitor.actions.finishLockdown(zone)).toBe(true);
		await second.monitor.actions.queue.idle();
		expect(lockdownRules(backend, plan.batch!)).toHaveLength(37);
		expect(backend.rules).toContainEqual(partner);
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.phase).toBe('locked');

		// The undo, killed after three removals.
		await second.pressL();
		second.monitor.actions.queue.subscribe(entries => {
			if (entries.filter(entry => entry.request.kind === 'rule-delete' && entry.state === 'done').length === 3) second.monitor.actions.abandon('SIGKILL stand-in');
		});
		second.monitor.actions.unlock(zone);
		await second.monitor.actions.queue.idle();
		second.monitor.stop();
		expect(zoneMemory(registry.read(), 'example.com').lockdown?.phase).toBe('undoing');
		const remaining = lockdownRules(backend, plan.batch!).length;
		expect(remaining).toBeLessThanOrEqual(35);

		const third = await open(backend, registry, 'third');
		expect(third.monitor.actions.lockdownStatus('example.com').kind).toBe('interrupted');
		await third.pressL();
		const record = zoneMemory(registry.read(), 'example.com').lockdown!;
		const rest = third.monitor.actions.unlockPlan(zone, record);
		// The level went back already; only the rules still listed are removed.
		expect(rest.requests.map(request => request.kind)).toEqual(Array.from({length: remaining}, () => 'rule-delete'));
		third.monitor.actions.unlock(zone);
		await third.monitor.actions.queue.idle();
		expect(backend.rules).toEqual([foreign, byHand, partner]);
		expect(zoneMemory(registry.read(), 'example.com').lockdown).toBeUndefined();
		third.monitor.stop();
	});
});
