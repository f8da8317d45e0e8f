import {describe, expect, it} from 'vitest';
import {formatRuleNote, isLockdownRule, isOurRule, maxNotesLength, operatorIdentity, parseRuleNote} from '../../source/actions/rule-notes.js';

describe('rule notes', () => {
	it('name flarewatch, the action, the operator, the lockdown and the reason, and read back the same', () => {
		const notes = formatRuleNote({action: 'block', operator: 'ops@bastion', batch: 'L-20261207-ab12', reason: 'scraping /login'});
		expect(notes).toBe('flarewatch: block by ops@bastion [lockdown L-20261207-ab12]: scraping /login');
		expect(parseRuleNote(notes)).toEqual({action: 'block', operator: 'ops@bastion', batch: 'L-20261207-ab12', reason: 'scraping /login'});
		expect(isLockdownRule(notes, 'L-20261207-ab12')).toBe(true);
		expect(isLockdownRule(notes, 'L-20261207-ab13')).toBe(false);
		expect(parseRuleNote(formatRuleNote({action: 'allow', operator: 'ops@bastion'}))).toEqual({action: 'allow', operator: 'ops@bastion'});
	});

	it('tell ours from anyone else’s, including the notes written before operators were named', () => {
		expect(isOurRule('flarewatch: ban')).toBe(true);
		expect(isOurRule('blocked by the SOC, ticket 4411')).toBe(false);
		expect(isOurRule('')).toBe(false);
		// Someone imitating the prefix loosely is not taken for us.
		expect(isOurRule('flarewatch: please do not remove')).toBe(false);
	});

	it('make a pasted reason inert and keep the notes bounded', () => {
		const notes = formatRuleNote({action: 'block', operator: 'o@h', reason: `evil\u001b[2J\n\u202eline${'x'.repeat(1000)}`});
		expect(notes).not.toMatch(/[\u0000-\u001f\u202e]/);
		expect(notes.length).toBeLessThanOrEqual(maxNotesLength);
		expect(parseRuleNote(notes)?.reason?.startsWith('evil [2J line')).toBe(true);
		// An operator or batch with spaces or brackets cannot break the format.
		const odd = formatRuleNote({action: 'block', operator: 'a b]@h [x', batch: 'L 1]'});
		expect(parseRuleNote(odd)).toMatchObject({operator: 'ab@hx', batch: 'L1'});
	});

	it('operatorIdentity is user@host, from the system or given', () => {
		expect(operatorIdentity({user: 'ops', host: 'bastion.example'})).toBe('ops@bastion.example');
		expect(operatorIdentity()).toMatch(/^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$/);
	});
});
