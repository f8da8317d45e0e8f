import {describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {createGuard} from '../../source/actions/guard.js';
import {describeLockdown, lockdownRequests, planLockdown, unlockRequests} from '../../source/actions/lockdown.js';

const zone = {name: 'example.com', zid: 1001};
const visitors: Visitor[] = [
	{ip: '203.0.113.7', classification: 'threat', hits: 500},
	{ip: '203.0.113.8', classification: 'threat', hits: 300},
	{ip: '198.51.100.23', classification: 'threat', hits: 100},
	{ip: '192.0.2.50', classification: 'threat', hits: 50},
	{ip: '66.249.66.1', classification: 'crawler', hits: 40},
	{ip: '100.64.1.1', classification: 'regular', hits: 10},
];

describe('lockdown plan', () => {
	it('bans every listed threat except guarded and already-ruled IPs, most hits first', () => {
		const guard = createGuard([], {SSH_CONNECTION: '198.51.100.23 4000 10.0.0.1 22'});
		const plan = planLockdown({zone, currentLevel: 'med', visitors, guard, rules: new Map([['192.0.2.50', 'ban']])});
		expect(plan.bans.map(visitor => visitor.ip)).toEqual(['203.0.113.7', '203.0.113.8']);
		expect(plan.guarded).toEqual([{ip: '198.51.100.23', reason: 'the address of your SSH session'}]);
		expect(plan.alreadyRuled).toEqual(['192.0.2.50']);
		expect(plan.banHits).toBe(800);
		expect(plan.totalHits).toBe(1000);
		expect(plan.callsNeeded).toBe(3);
		const preview = describeLockdown(plan).join('\n');
		expect(preview).toContain('med → help');
		expect(preview).toContain('Ban 2 threat IPs: 80% of recent hits (800 of 1000)');
		expect(preview).toContain('198.51.100.23 (the address of your SSH session)');
		expect(preview).toContain('Costs 3 API calls');
		expect(lockdownRequests(plan)).toEqual([
			{kind: 'security-level', zone, level: 'help'},
			{kind: 'ban', ip: '203.0.113.7'},
			{kind: 'ban', ip: '203.0.113.8'},
		]);
	});

	it('does not change the level when already under attack, and says so', () => {
		const plan = planLockdown({zone, currentLevel: 'help', visitors: visitors.slice(0, 1), guard: createGuard([], {}), rules: new Map()});
		expect(lockdownRequests(plan)).toEqual([{kind: 'ban', ip: '203.0.113.7'}]);
		expect(describeLockdown(plan)[0]).toMatch(/already I'm Under Attack/);
	});

	it('undo restores the previous level and clears only the bans it made', () => {
		expect(unlockRequests(zone, {previousLevel: 'low', bannedIps: ['203.0.113.7', '203.0.113.8'], at: 0})).toEqual([
			{kind: 'security-level', zone, level: 'low'},
			{kind: 'clear-rule', ip: '203.0.113.7'},
			{kind: 'clear-rule', ip: '203.0.113.8'},
		]);
		expect(unlockRequests(zone, {previousLevel: 'help', bannedIps: [], at: 0})).toEqual([]);
	});
});
