/**
 * Drift's pure rules (source/monitor/drift.ts), where the emulator cannot place a race exactly: a poll or
 * listing that started before our action finished decides nothing about it; an action that failed may
 * still have changed the API (its change is ours); dev mode ending by itself is not drift; a burst of
 * changes is one line; a rule of ours changed in place is put back in place.
 */
import {describe, expect, it} from 'vitest';
import type {ActionEntry, ActionRequest} from '../../source/actions/types.js';
import type {AccessRule, DnsRecord, ZoneStats} from '../../source/backend.js';
import {driftText, recordsDrift, rulesDrift, settingsDrift, type ZoneDrift} from '../../source/monitor/drift.js';

const zone = {name: 'example.com', id: '42'};

function stats(overrides: Partial<ZoneStats> = {}): ZoneStats {
	return {securityLevel: 'med', securityLabel: 'Medium', devModeUntil: 0, cacheLevel: 'agg', serverTime: 1_000_000, ipv6: false, ...overrides} as ZoneStats;
}

let nextId = 1;
function entry(request: ActionRequest, state: ActionEntry['state'], updatedAt: number): ActionEntry {
	return {id: nextId++, request, state, createdAt: updatedAt - 10, updatedAt, attempts: 1};
}

function baseline(at: number, overrides: Partial<ZoneStats> = {}): ZoneDrift['settings'] {
	return settingsDrift(zone, undefined, stats(overrides), at, []).settings;
}

describe('settings drift', () => {
	it('the first poll is the baseline: nothing drifts at start', () => {
		expect(settingsDrift(zone, undefined, stats({securityLevel: 'help'}), 0, []).found).toEqual([]);
	});

	it('a level changed with no action of ours is drift, old → new; D cannot put back what flarewatch did not set', () => {
		const {found} = settingsDrift(zone, baseline(0), stats({securityLevel: 'eoff'}), 30_000, []);
		expect(found.map(observation => driftText(observation))).toEqual(['security level medium → essentially_off']);
		expect(found[0].putBack).toBeUndefined();
		expect(found[0].cannot).toMatch(/did not set the security level to medium/);
	});

	it('a poll that started before our action finished keeps what we had, and the next poll decides', () => {
		const action = entry({kind: 'security-level', zone, level: 'high'}, 'done', 35_000);
		// The poll started at 30 s, the action finished at 35 s; the poll saw someone else's low (or the old value).
		const raced = settingsDrift(zone, baseline(0), stats({securityLevel: 'low'}), 30_000, [action]);
		expect(raced.found).toEqual([]);
		expect(raced.settings.seen.level).toBe('med');
		// The next poll, after the action: low is someone else's, after ours (high): drift from high, which D puts back.
		const next = settingsDrift(zone, raced.settings, stats({securityLevel: 'low'}), 60_000, [action]);
		expect(next.found.map(observation => driftText(observation))).toEqual(['security level high → low']);
		expect(next.found[0].putBack).toEqual({kind: 'security-level', zone, level: 'high'});
	});

	it('an action in flight, or one that failed, may have changed it: its value is ours, not drift', () => {
		const inFlight = entry({kind: 'cache-level', zone, level: 'basic'}, 'sent', 20_000);
		expect(settingsDrift(zone, baseline(0), stats({cacheLevel: 'basic'}), 30_000, [inFlight]).found).toEqual([]);
		const failed = entry({kind: 'dev-mode', zone, on: true}, 'failed', 20_000);
		expect(settingsDrift(zone, baseline(0), stats({devModeUntil: 2_000}), 30_000, [failed]).found).toEqual([]);
		// An action older than the baseline says nothing about this change.
		const old = entry({kind: 'cache-level', zone, level: 'basic'}, 'done', 5_000);
		expect(settingsDrift(zone, baseline(10_000), stats({cacheLevel: 'basic'}), 30_000, [old]).found.map(observation => observation.what)).toEqual(['cache-level']);
	});

	it('dev mode ending by itself is not drift; switched off early elsewhere, or on, it is', () => {
		const on = baseline(0, {devModeUntil: 1_100});
		expect(settingsDrift(zone, on, stats({devModeUntil: 1_100, serverTime: 1_100_500}), 30_000, []).found).toEqual([]);
		expect(settingsDrift(zone, on, stats({devModeUntil: 900, serverTime: 950_000}), 30_000, []).found.map(observation => driftText(observation))).toEqual(['dev mode on → off']);
		expect(settingsDrift(zone, baseline(0), stats({devModeUntil: 5_000}), 30_000, []).found.map(observation => driftText(observation))).toEqual(['dev mode off → on']);
	});

	it('another zone’s actions are not ours', () => {
		const elsewhere = entry({kind: 'security-level', zone: {name: 'example.net', id: '7'}, level: 'help'}, 'done', 20_000);
		expect(settingsDrift(zone, baseline(0), stats({securityLevel: 'help'}), 30_000, [elsewhere]).found).toHaveLength(1);
	});
});

const record = (id: string, name: string, content: string, type = 'A'): DnsRecord => ({id, name, type, content, ttl: 1, proxied: false});

describe('DNS drift', () => {
	const www = record('1', 'www.example.com', '203.0.113.1');
	const api = record('2', 'api.example.com', '203.0.113.2');

	it('a listing that raced our add keeps the name as it was, then the next one takes our record without drift', () => {
		const base = recordsDrift(zone, undefined, [www, api], 0, []).records;
		const made = record('3', 'new.example.com', '203.0.113.3');
		const add = entry({kind: 'dns-add', zone, record: {type: 'A', name: 'new', content: '203.0.113.3', proxied: false}}, 'done', 40_000);
		add.result = made;
		// Started at 30 s, before the add was answered at 40 s, and did not include it.
		const raced = recordsDrift(zone, base, [www, api], 30_000, [add]);
		expect(raced.found).toEqual([]);
		expect([...raced.raced]).toEqual(['new.example.com']);
		const next = recordsDrift(zone, raced.records, [www, api, made], 60_000, [add]);
		expect(next.found).toEqual([]);
		// And later, someone changes it: drift, which D puts back (we made it).
		const later = recordsDrift(zone, next.records, [www, api, {...made, content: '198.51.100.3'}], 400_000, [add]);
		expect(later.found.map(observation => driftText(observation))).toEqual(['DNS record A new.example.com 203.0.113.3 → A new.example.com 198.51.100.3']);
		expect(later.found[0].putBack).toEqual({kind: 'dns-edit', zone, record: made});
	});

	it('many changes at once are one line', () => {
		const many = Array.from({length: 20}, (_, index) => record(`n${index}`, `h${index}.example.com`, `192.0.2.${index}`));
		const base = recordsDrift(zone, undefined, [www], 0, []).records;
		const {found} = recordsDrift(zone, base, [...many], 30_000, []);
		expect(found.map(observation => driftText(observation))).toEqual(['21 records at once: 20 added, 1 removed']);
		expect(found[0].cannot).toMatch(/too many to put back/);
	});
});

describe('rule drift (v4)', () => {
	const ours: AccessRule = {id: 'r1', mode: 'block', target: 'ip', value: '203.0.113.9', notes: 'flarewatch: block by ops@bastion: scraping', scope: 'zone', createdAt: 0};

	it('a rule of flarewatch’s set to another mode elsewhere is put back in place; a ban of ours racing the listing is not drift', () => {
		const base = rulesDrift(zone, undefined, [ours], 0, []).rules;
		const {found} = rulesDrift(zone, base, [{...ours, mode: 'whitelist', notes: 'partner'}], 30_000, []);
		expect(found.map(observation => driftText(observation))).toEqual(['rule block ip 203.0.113.9 → whitelist ip 203.0.113.9']);
		expect(found[0].putBack).toEqual({kind: 'ban', ip: '203.0.113.9', zone, notes: ours.notes});
		const ban = entry({kind: 'ban', ip: '203.0.113.10', zone, notes: 'flarewatch: block by me@here'}, 'sent', 20_000);
		const added: AccessRule = {...ours, id: 'r2', value: '203.0.113.10', notes: 'flarewatch: block by me@here'};
		expect(rulesDrift(zone, base, [ours, added], 30_000, [ban]).found).toEqual([]);
	});

	it('someone else’s account-wide rule removed cannot be put back by D', () => {
		const account: AccessRule = {...ours, id: 'a1', scope: 'account', notes: 'made in the dashboard'};
		const base = rulesDrift(zone, undefined, [account], 0, []).rules;
		const {found} = rulesDrift(zone, base, [], 30_000, []);
		expect(driftText(found[0])).toBe('rule removed: block ip 203.0.113.9 (account-wide)');
		expect(found[0].cannot).toMatch(/flarewatch did not make this rule/);
	});
});

describe('the audit trail names another console on this machine', () => {
	const noticed = Date.UTC(2026, 11, 7, 21, 4, 10);
	const drift = {seq: 1, zone: 'example.com', what: 'security-level' as const, from: 'high', to: 'essentially_off', at: noticed, subject: 'security-level', toKey: 'essentially_off'};
	const record = (overrides: Partial<{time: string; session: string; zone: string; action: string; params: Record<string, unknown>; outcome: string}> = {}) => ({
		time: new Date(noticed - 20_000).toISOString(),
		session: '4242@2026-12-07T20:00:00.000Z',
		zone: 'example.com',
		action: 'security-level',
		params: {zone: 'example.com', level: 'eoff'},
		outcome: 'done',
		...overrides,
	});

	it('when its done record asked for the value noticed, on that zone, shortly before', async () => {
		const {attributedBy} = await import('../../source/monitor/drift.js');
		expect(attributedBy(drift, [record()])).toBe('flarewatch pid 4242 on this machine');
		expect(driftText({...drift, by: attributedBy(drift, [record()])})).toBe('security level high → essentially_off (by flarewatch pid 4242 on this machine)');
		// Not another value, another zone, a failure, or an hour before.
		expect(attributedBy(drift, [record({params: {level: 'low'}})])).toBeUndefined();
		expect(attributedBy(drift, [record({zone: 'example.net'})])).toBeUndefined();
		expect(attributedBy(drift, [record({outcome: 'failed'})])).toBeUndefined();
		expect(attributedBy(drift, [record({time: new Date(noticed - 3_600_000).toISOString()})])).toBeUndefined();
		// A DNS record by its name.
		const dns = {...drift, what: 'dns' as const, change: 'added' as const, from: 'none', to: 'A shop.example.com 192.0.2.1', detail: 'shop.example.com', subject: 'dns:9', toKey: 'x'};
		expect(attributedBy(dns, [record({action: 'dns-add', params: {record: {type: 'A', name: 'shop', content: '192.0.2.1'}}})])).toBe('flarewatch pid 4242 on this machine');
	});
});
