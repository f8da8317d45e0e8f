/**
 * The lockdown's plan on an API with ASN and country rules and notes (v4): one rule offered where one
 * network or country carries more than half of the threat requests (never at exactly half), the
 * never-ban guard and whitelisted addresses named before such a rule is offered, and the undo that
 * removes exactly the rules whose notes name the lockdown.
 */
import {describe, expect, it} from 'vitest';
import type {AccessRule, Visitor} from '../../source/backend.js';
import {createGuard} from '../../source/actions/guard.js';
import {describeLockdown, describeUnlock, lockdownChoices, lockdownRecord, lockdownRequests, planLockdown, type LockdownInput, type RuleContext} from '../../source/actions/lockdown.js';
import {findLockdowns, foundRecord, levelInNotes, lockdownNotes, newBatchId, unlockPlanByNotes} from '../../source/actions/lockdown-rules.js';
import {formatRuleNote, isLockdownRule, parseRuleNote} from '../../source/actions/rule-notes.js';

const zone = {name: 'example.com', id: '023e105f4ecef8ad9ca31a8372d0c353'};
const batch = 'L-20261207-1830-ab12';

/** Threat rows: `bad` in AS64500 (BadHost, NL), the rest spread over other networks, all in DE but `bad`. */
function rows(bad: number, others: number, hits = 100): Visitor[] {
	const list: Visitor[] = [];
	for (let index = 0; index < bad; index++) list.push({ip: `203.0.113.${index + 1}`, classification: 'threat', hits, asn: 'AS64500', asnName: 'BadHost', country: 'NL'});
	for (let index = 0; index < others; index++) list.push({ip: `198.51.100.${index + 1}`, classification: 'threat', hits, asn: `AS${65000 + index}`, country: 'DE'});
	return list;
}

const noRules: RuleContext = {targets: ['ip', 'ip_range', 'asn', 'country'], whitelisted: () => false, existing: () => undefined};

function plan(visitors: Visitor[], extra: Partial<LockdownInput> = {}) {
	return planLockdown({zone, currentLevel: 'med', visitors, guard: createGuard([], {}), hasRule: () => false, callsLeft: 300, batch, rules: noRules, ...extra});
}

describe('one rule for a network or country that carries most threats', () => {
	it('offers one ASN rule when one network carries more than half of the threat requests; y sends it, i the top IPs', () => {
		const lockdown = plan(rows(36, 14));
		expect(lockdown.offer).toMatchObject({target: 'asn', value: 'AS64500', name: 'BadHost', hits: 3600, ips: 36, conflicts: []});
		const preview = describeLockdown(lockdown);
		expect(preview).toContain('AS64500 (BadHost) carries 72% of threat requests (36 threat IPs): one rule blocks it.');
		expect(preview).toContain('[y] one ASN rule  [i] block the top 50 IPs instead  [n] cancel');
		expect(preview).toContain('Costs 2 API calls (one rule) or 51 (IPs) of 300 left this hour; keeps 6 (undo, next actions).');
		expect(preview.at(-1)).toBe(`Undo: L again or :unlock, from any console: its rules' notes name lockdown ${batch}.`);

		const choices = lockdownChoices(lockdown);
		expect(choices.confirm.label).toBe('One ASN rule');
		expect(choices.confirm.plan.callsNeeded).toBe(2);
		const notes = lockdownNotes('ops@bastion', batch, 'med');
		expect(lockdownRequests(choices.confirm.plan, 'ops@bastion')).toEqual([
			{kind: 'security-level', zone, level: 'help'},
			{kind: 'rule-add', zone, rule: {mode: 'block', target: 'asn', value: 'AS64500', notes}},
		]);
		expect(choices.alternative).toMatchObject({key: 'i', label: 'Top 50 IPs instead'});
		const ips = lockdownRequests(choices.alternative!.plan, 'ops@bastion');
		expect(ips).toHaveLength(51);
		expect(ips[1]).toEqual({kind: 'rule-add', zone, rule: {mode: 'block', target: 'ip', value: '203.0.113.1', notes}});

		// Every rule names the lockdown, its maker and the level to go back to.
		expect(parseRuleNote(notes)).toEqual({action: 'block', operator: 'ops@bastion', batch, reason: 'lockdown; level was med'});
		expect(isLockdownRule(notes, batch)).toBe(true);
		expect(levelInNotes(notes)).toBe('med');
		const record = lockdownRecord(choices.confirm.plan, 0, {pid: 1, session: 's'}, 'ops@bastion');
		expect(record).toMatchObject({batch, operator: 'ops@bastion', bans: {'asn:AS64500': 'planned'}, overBudget: 0});
	});

	it('does not offer one at exactly half, for the network or the country', () => {
		const half = plan(rows(25, 25));
		expect(half.offer).toBeUndefined();
		expect(describeLockdown(half).join('\n')).not.toMatch(/carries|\[y\]/);
		expect(lockdownChoices(half)).toEqual({confirm: {label: 'Lock down', plan: half}});
		// One hit more is more than half.
		const [first, ...rest] = rows(25, 25);
		expect(plan([{...first, hits: 101}, ...rest]).offer?.value).toBe('AS64500');
	});

	it('offers a country when no network carries more than half but one country does', () => {
		const spread = rows(20, 30).map((visitor, index) => (index < 20 ? {...visitor, asn: `AS6450${index % 2}`} : index < 36 ? {...visitor, country: 'NL'} : visitor));
		const lockdown = plan(spread);
		expect(lockdown.offer).toMatchObject({target: 'country', value: 'NL', hits: 3600, ips: 36});
		expect(describeLockdown(lockdown)).toContain('country NL carries 72% of threat requests (36 threat IPs): one rule blocks it.');
		expect(lockdownChoices(lockdown).confirm.label).toBe('One country rule');
		// Codes no rule can be made for are never offered: unknown, Tor, or what a hostile server sent.
		for (const country of ['XX', 'T1', 'N\u001b[2J']) expect(plan(spread.map(visitor => (visitor.country === 'NL' ? {...visitor, country} : visitor))).offer).toBeUndefined();
	});

	it('names a never-ban address in the network and keeps banning IPs the default; the rule only on a, anyway', () => {
		// The operator's own address browses the site from the same hosting network.
		const visitors: Visitor[] = [...rows(36, 14), {ip: '203.0.113.200', classification: 'regular', hits: 3, asn: 'AS64500', country: 'NL'}];
		const guard = createGuard(['192.0.2.0/24'], {SSH_CONNECTION: '203.0.113.200 51000 10.0.0.1 22'});
		const lockdown = plan(visitors, {guard});
		expect(lockdown.offer?.conflicts).toEqual([{ip: '203.0.113.200', reason: 'the address of your SSH session'}]);
		const preview = describeLockdown(lockdown);
		expect(preview).toContain(
			'AS64500 (BadHost) carries 72% of threat requests (36 threat IPs), but a rule for it would also block 203.0.113.200 (the address of your SSH session): banning IPs stays the default.',
		);
		expect(preview).toContain('[y] ban the top 50 IPs  [a] one ASN rule anyway  [n] cancel');
		// The range is not among the visitors: whether the network holds it is not known, and the preview says so.
		expect(preview).toContain('1 never-ban entry is not among the visitors: not checked against AS64500.');
		const choices = lockdownChoices(lockdown);
		expect(choices.confirm.label).toBe('Ban the top 50 IPs');
		expect(choices.confirm.plan.use).toBe('ips');
		expect(choices.alternative).toMatchObject({key: 'a', label: 'AS64500 rule anyway'});
		expect(choices.alternative!.plan.use).toBe('rule');
	});

	it('names a whitelisted address in the network the same way', () => {
		const lockdown = plan(rows(36, 14), {rules: {...noRules, whitelisted: ip => ip === '203.0.113.5'}});
		expect(lockdown.offer?.conflicts).toEqual([{ip: '203.0.113.5', reason: 'whitelisted'}]);
		expect(describeLockdown(lockdown).join('\n')).toContain('would also block 203.0.113.5 (whitelisted): banning IPs stays the default');
	});

	it('offers no rule for a network that has one already (adding one would change it), and says so', () => {
		const lockdown = plan(rows(36, 14), {rules: {...noRules, existing: (target, value) => (target === 'asn' && value === 'AS64500' ? 'whitelist, notes "partner"' : undefined)}});
		expect(lockdown.offer?.withheld).toBe('it has a rule already (whitelist, notes "partner")');
		expect(describeLockdown(lockdown)).toContain('AS64500 (BadHost) carries 72% of threat requests (36 threat IPs), but it has a rule already (whitelist, notes "partner"): no ASN rule is offered.');
		expect(lockdownChoices(lockdown).alternative).toBeUndefined();
		expect(lockdownChoices(lockdown).confirm.plan.use).toBe('ips');
	});

	it('on v1 (no rules context) offers nothing and sends bans, as it always did', () => {
		const lockdown = planLockdown({zone, currentLevel: 'med', visitors: rows(36, 14), guard: createGuard([], {}), hasRule: () => false, callsLeft: 300});
		expect(lockdown.offer).toBeUndefined();
		expect(lockdown.byNotes).toBe(false);
		expect(lockdownRequests(lockdown)[1]).toEqual({kind: 'ban', ip: '203.0.113.1'});
	});
});

describe('the undo by notes', () => {
	const rule = (id: string, target: string, value: string, notes: string, createdAt = 1000): AccessRule => ({id, mode: 'block', target, value, notes, scope: 'zone', createdAt});
	const ours = lockdownNotes('ops@bastion', batch, 'low');
	const listed: AccessRule[] = [
		rule('r1', 'ip', '203.0.113.1', ours),
		rule('r2', 'asn', 'AS64500', ours, 2000),
		rule('foreign', 'ip', '203.0.113.2', 'SOC ticket 4411'),
		rule('by-hand', 'ip', '203.0.113.3', formatRuleNote({action: 'block', operator: 'ops@bastion', reason: 'scraper'})),
		rule('older', 'ip', '203.0.113.4', lockdownNotes('ana@desk', 'L-20261201-0900-0000', undefined), 500),
	];

	it('finds the lockdowns in the listed rules, the most recent first, with who made them and the level before', () => {
		const found = findLockdowns(listed);
		expect(found.map(entry => [entry.batch, entry.operator, entry.rules.length, entry.previousLevel])).toEqual([
			[batch, 'ops@bastion', 2, 'low'],
			['L-20261201-0900-0000', 'ana@desk', 1, undefined],
		]);
		expect(newBatchId(Date.UTC(2026, 11, 7, 18, 30), 'ab12')).toBe(batch);
	});

	it('removes exactly the rules naming the lockdown: not a foreign rule, not ours made by hand, not another lockdown', () => {
		const record = foundRecord(findLockdowns(listed)[0]);
		expect(record).toMatchObject({batch, operator: 'ops@bastion', previousLevel: 'low', madeElsewhere: true, bans: {'203.0.113.1': 'done', 'asn:AS64500': 'done'}});
		const plan = unlockPlanByNotes(zone, record, listed, 300, 'help');
		expect(plan.requests).toEqual([
			{kind: 'security-level', zone, level: 'low'},
			{kind: 'rule-delete', zone, rule: listed[0]},
			{kind: 'rule-delete', zone, rule: listed[1]},
		]);
		const lines = describeUnlock(record, plan);
		expect(lines).toContain(`Remove 2 rules of lockdown ${batch}, found by their notes: 1 IP, 1 ASN.`);
		expect(lines.join('\n')).toMatch(/Made by ops@bastion at 1970-01-01 00:00:02 UTC, from another machine/);
		// A rule someone removed meanwhile is gone: nothing is sent for it.
		const later = unlockPlanByNotes(zone, record, listed.filter(entry => entry.id !== 'r1'), 1, 'help');
		expect(later.gone).toEqual(['203.0.113.1']);
		expect(later.requests.map(request => request.kind)).toEqual(['security-level']);
		expect(later.deferred).toBe(1);
	});

	it('offers medium, saying so, when the notes do not say the level before; leaves the level when no longer under attack', () => {
		const record = foundRecord(findLockdowns(listed)[1]);
		expect(record).toMatchObject({previousLevel: 'med', levelAssumed: true});
		const plan = unlockPlanByNotes(zone, record, listed, 300, 'help');
		expect(plan.requests[0]).toEqual({kind: 'security-level', zone, level: 'med'});
		expect(describeUnlock(record, plan)[0]).toBe('Security level back to med (Medium): the level before it is not known here (its notes do not say); s picks another after.');
		const moved = unlockPlanByNotes(zone, record, listed, 300, 'high');
		expect(moved.requests.map(request => request.kind)).toEqual(['rule-delete']);
		expect(describeUnlock(record, moved)[0]).toBe('The level stays: the zone is no longer under attack.');
	});
});
