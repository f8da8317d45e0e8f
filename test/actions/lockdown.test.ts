import {describe, expect, it} from 'vitest';
import type {Visitor} from '../../source/backend.js';
import {createGuard} from '../../source/actions/guard.js';
import {bansToClear, describeLockdown, lockdownRecord, lockdownRequests, planLockdown, unlockPlan} from '../../source/actions/lockdown.js';

const zone = {name: 'example.com', id: '1001'};
const visitors: Visitor[] = [
	{ip: '203.0.113.7', classification: 'threat', hits: 500},
	{ip: '203.0.113.8', classification: 'threat', hits: 300},
	{ip: '198.51.100.23', classification: 'threat', hits: 100},
	{ip: '192.0.2.50', classification: 'threat', hits: 50},
	{ip: '66.249.66.1', classification: 'crawler', hits: 40},
	{ip: '100.64.1.1', classification: 'regular', hits: 10},
];

describe('lockdown plan', () => {
	it('leaves out threat rows whose address does not parse or no visitor can have, and says how many', () => {
		const rows: Visitor[] = [
			{ip: '203.0.113.66\u200b', classification: 'threat', hits: 900},
			{ip: '999.1.1.1', classification: 'threat', hits: 800},
			{ip: '127.0.0.1', classification: 'threat', hits: 700},
			{ip: '203.0.113.66\u001b[2J', classification: 'threat', hits: 600},
			...visitors,
		];
		const plan = planLockdown({zone, currentLevel: 'med', visitors: rows, guard: createGuard([], {}), hasRule: () => false, callsLeft: 300});
		expect(plan.unbannable).toEqual(['203.0.113.66\u200b', '999.1.1.1', '127.0.0.1', '203.0.113.66\u001b[2J']);
		expect(plan.bans.map(visitor => visitor.ip)).toEqual(['203.0.113.7', '203.0.113.8', '198.51.100.23', '192.0.2.50']);
		const line = describeLockdown(plan).find(text => text.startsWith('Left out (not a valid visitor address)'));
		expect(line).toBe('Left out (not a valid visitor address): 4 rows, e.g. "203.0.113.66?", "999.1.1.1".');
		expect(describeLockdown({...plan, unbannable: []}).join('\n')).not.toContain('not a valid visitor address');
	});

	it('bans every listed threat except guarded and already-ruled IPs, most hits first', () => {
		const guard = createGuard([], {SSH_CONNECTION: '198.51.100.23 4000 10.0.0.1 22'});
		const plan = planLockdown({zone, currentLevel: 'med', visitors, guard, hasRule: ip => ip === '192.0.2.50', callsLeft: 300});
		expect(plan.bans.map(visitor => visitor.ip)).toEqual(['203.0.113.7', '203.0.113.8']);
		expect(plan.guarded).toEqual([{ip: '198.51.100.23', reason: 'the address of your SSH session'}]);
		expect(plan.alreadyRuled).toEqual(['192.0.2.50']);
		expect(plan.banHits).toBe(800);
		expect(plan.totalHits).toBe(1000);
		expect(plan.callsNeeded).toBe(3);
		const preview = describeLockdown(plan).join('\n');
		expect(preview).toContain('med → help');
		expect(preview).toContain('Ban 2 threat IPs, most hits first: 80% of hits (800 of 1000)');
		expect(preview).toContain('198.51.100.23 (the address of your SSH session)');
		expect(preview).toContain('Costs 3 API calls of 300 left this hour');
		expect(preview).toContain('Already banned or whitelisted, left alone: 1');
		expect(lockdownRequests(plan)).toEqual([
			{kind: 'security-level', zone, level: 'help'},
			{kind: 'ban', ip: '203.0.113.7'},
			{kind: 'ban', ip: '203.0.113.8'},
		]);
	});

	it('does not change the level when already under attack, and says so', () => {
		const plan = planLockdown({zone, currentLevel: 'help', visitors: visitors.slice(0, 1), guard: createGuard([], {}), hasRule: () => false, callsLeft: 300});
		expect(lockdownRequests(plan)).toEqual([{kind: 'ban', ip: '203.0.113.7'}]);
		expect(describeLockdown(plan)[0]).toMatch(/already I'm Under Attack/);
	});

	it('bans only the threat IPs with the most hits that the calls left cover, keeping the undo and a few for later', () => {
		const flood: Visitor[] = Array.from({length: 50_000}, (_, index) => ({ip: `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`, classification: index % 3 === 0 ? 'regular' : 'threat', hits: 1 + (index % 997)}));
		const plan = planLockdown({zone, currentLevel: 'med', visitors: flood, guard: createGuard([], {}), hasRule: () => false, callsLeft: 280});
		// 280 left: 1 for the level, 1 kept for the undo's level, 5 kept for what comes next.
		expect(plan.bans).toHaveLength(273);
		expect(plan.callsNeeded).toBe(274);
		expect(plan.callsNeeded + plan.callsKept).toBeLessThanOrEqual(280);
		const threats = flood.filter(visitor => visitor.classification === 'threat');
		expect(plan.overBudget).toBe(threats.length - 273);
		const lowestBanned = Math.min(...plan.bans.map(visitor => visitor.hits));
		const highestLeft = Math.max(...threats.filter(visitor => !plan.bans.includes(visitor)).map(visitor => visitor.hits));
		expect(lowestBanned).toBeGreaterThanOrEqual(highestLeft);
		const preview = describeLockdown(plan).join('\n');
		expect(preview).toContain('Ban 273 threat IPs, most hits first');
		expect(preview).toContain(`Not banned (budget): ${(threats.length - 273).toLocaleString('en-US')} more threat IPs`);
		expect(planLockdown({zone, currentLevel: 'med', visitors: flood, guard: createGuard([], {}), hasRule: () => false, callsLeft: 3}).bans).toEqual([]);
	});

	it('undo restores the previous level and clears only the bans it made and saw sent, as far as the calls go', () => {
		const plan = planLockdown({zone, currentLevel: 'low', visitors, guard: createGuard([], {}), hasRule: () => false, callsLeft: 300});
		const record = lockdownRecord(plan, 0, {pid: 1, session: 's'});
		record.bans = {'203.0.113.7': 'done', '203.0.113.8': 'sent', '198.51.100.23': 'not-sent', '192.0.2.50': 'failed'};
		expect(bansToClear(record)).toEqual(['203.0.113.7', '203.0.113.8']);
		expect(unlockPlan(zone, record, 300)).toEqual({
			requests: [
				{kind: 'security-level', zone, level: 'low'},
				{kind: 'clear-rule', ip: '203.0.113.7'},
				{kind: 'clear-rule', ip: '203.0.113.8'},
			],
			deferred: 0,
		});
		expect(unlockPlan(zone, record, 2)).toEqual({requests: [{kind: 'security-level', zone, level: 'low'}, {kind: 'clear-rule', ip: '203.0.113.7'}], deferred: 1});
		expect(unlockPlan(zone, {...record, previousLevel: 'help', bans: {}}, 300)).toEqual({requests: [], deferred: 0});
	});
});
