/**
 * Timed bans' pure parts: durations as typed, the escalation ladder and its window, the claim that
 * makes one process clear a due ban, the notes' end read back, and what a listing says before a clear.
 */
import {describe, expect, it} from 'vitest';
import {adoptFromRules, banOffer, claimDue, listedVerdict, withBanDone, withExpiryDone, withExpiryFailed, withoutExpiry, type BanPolicy} from '../../source/actions/bans.js';
import {emptyRecords, type AccountRecords} from '../../source/actions/registry.js';
import {formatRuleNote, parseRuleNote} from '../../source/actions/rule-notes.js';
import type {AccessRule} from '../../source/backend.js';
import {formatDuration, formatLeft, parseDuration, parseLadder} from '../../source/lib/duration.js';
import {parseConfigArgs, resolveConfig} from '../../source/config.js';

const policy: BanPolicy = {duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400};
const t0 = Date.UTC(2026, 11, 7, 21, 0, 0);
const min = 60_000;

describe('durations', () => {
	it('reads what the operator types and names what is wrong', () => {
		expect([parseDuration('30s'), parseDuration('10m'), parseDuration(' 1H '), parseDuration('1d'), parseDuration('2w')]).toEqual([30, 600, 3600, 86_400, 1_209_600]);
		expect([parseDuration('0'), parseDuration('permanent'), parseDuration('0m')]).toEqual([0, 0, 0]);
		expect(parseDuration('90x')).toEqual({error: "'90x' is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent"});
		expect(parseDuration('1.5h')).toHaveProperty('error');
		expect(parseDuration('-1h')).toHaveProperty('error');
		expect(parseDuration('400d')).toEqual({error: '400d is longer than a year: use 0 (permanent) for a ban with no end'});
		// A pasted escape sequence is shown inert.
		expect((parseDuration('\u001b[31m1h') as {error: string}).error).not.toContain('\u001b');
	});

	it('writes durations and time left short', () => {
		expect([formatDuration(600), formatDuration(5400), formatDuration(86_400), formatDuration(0), formatDuration(45)]).toEqual(['10m', '90m', '1d', 'permanent', '45s']);
		expect([formatLeft(42 * min), formatLeft(41 * min + 1), formatLeft(30_000), formatLeft(3 * 60 * min), formatLeft(90 * min), formatLeft(-5)]).toEqual(['42m', '42m', '30s', '3h', '1h30m', '0s']);
	});

	it('takes a ladder only when it grows step by step', () => {
		expect(parseLadder('10m, 1h, 1d, permanent')).toEqual([600, 3600, 86_400, 0]);
		expect(parseLadder(['10m', '1h,1d'])).toEqual([600, 3600, 86_400]);
		expect(parseLadder('1h, 10m')).toEqual({error: 'the ladder must grow step by step: 10m after 1h'});
		expect(parseLadder('permanent, 1d')).toHaveProperty('error');
		expect(parseLadder('10m, 9z')).toEqual({error: "'9z' is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent"});
	});
});

describe('escalation', () => {
	const ban = (records: AccountRecords, at: number, duration: number, step?: number) => withBanDone(records, {ip: '203.0.113.7', duration, expiresAt: duration ? new Date(at + duration * 1000).toISOString() : undefined, step}, at, policy);

	it('a first ban gets the default; again within the window each ban gets the next step, up to permanent', () => {
		let records = emptyRecords();
		let now = t0;
		const offers: Array<[number, number | undefined]> = [];
		for (let round = 0; round < 5; round++) {
			const offer = banOffer(records, '203.0.113.7', policy, now);
			offers.push([offer.duration, offer.step]);
			records = ban(records, now, offer.duration, offer.step);
			// It expires, and the address comes back an hour after its end.
			now += offer.duration === 0 ? 60 * min : offer.duration * 1000 + 60 * min;
		}
		expect(offers).toEqual([
			[3600, undefined],
			[86_400, 2],
			[0, 3],
			[0, 3],
			[0, 3],
		]);
	});

	it('the window counts from the end of the last ban; past it, the default again', () => {
		const records = ban(emptyRecords(), t0, 600);
		const end = t0 + 600_000;
		expect(banOffer(records, '203.0.113.7', policy, end + 86_400_000 - 1)).toMatchObject({duration: 3600, step: 1});
		expect(banOffer(records, '203.0.113.7', policy, end + 86_400_000)).toEqual({duration: 3600});
		// Another address is a first offender; IPv6 forms of one address are one address.
		expect(banOffer(records, '203.0.113.8', policy, end)).toEqual({duration: 3600});
		const v6 = withBanDone(emptyRecords(), {ip: '2001:db8::1', duration: 600}, t0, policy);
		expect(banOffer(v6, '2001:DB8:0::1', policy, t0 + min).step).toBe(1);
	});

	it('keeps the history bounded to what can still escalate', () => {
		let records = ban(emptyRecords(), t0, 600);
		records = withBanDone(records, {ip: '203.0.113.9', duration: 600}, t0 + 3 * 86_400_000, policy);
		expect(Object.keys(records.banHistory ?? {})).toEqual(['203.0.113.9']);
	});
});

describe('expiries in the registry', () => {
	const me = {pid: 100, session: 'me', alive: (pid: number) => pid === 100 || pid === 200};
	const other = {pid: 200, session: 'other', alive: me.alive};
	const timed = withBanDone(emptyRecords(), {ip: '203.0.113.7', duration: 600}, t0, policy);

	it('one claimant gets a due ban; a live claim is respected, a dead or stale one taken over', () => {
		expect(claimDue(timed, t0 + 599_000, me, 5).claimed).toEqual([]);
		const mine = claimDue(timed, t0 + 600_000, me, 5);
		expect(mine.claimed.map(([key]) => key)).toEqual(['203.0.113.7']);
		expect(claimDue(mine.records, t0 + 601_000, other, 5).claimed).toEqual([]);
		const dead = {...other, alive: (pid: number) => pid === 200};
		expect(claimDue(mine.records, t0 + 601_000, dead, 5).claimed).toHaveLength(1);
		expect(claimDue(mine.records, t0 + 600_000 + 11 * min, other, 5).claimed).toHaveLength(1);
	});

	it('a failed clear stays due and is retried a minute later; a done one is gone and not brought back by a stale note', () => {
		const claimed = claimDue(timed, t0 + 600_000, me, 5).records;
		const failed = withExpiryFailed(claimed, '203.0.113.7', 'me', t0 + 600_000, 'network down');
		expect(failed.expiries?.['203.0.113.7']).toMatchObject({error: 'network down', retryAt: t0 + 660_000});
		expect(claimDue(failed, t0 + 630_000, other, 5).claimed).toEqual([]);
		expect(claimDue(failed, t0 + 660_000, other, 5).claimed).toHaveLength(1);
		const zoneRecords = withBanDone(emptyRecords(), {ip: '203.0.113.7', zone: {name: 'example.com', id: 'z'}, duration: 600}, t0, policy);
		const done = withExpiryDone(zoneRecords, 'example.com 203.0.113.7', t0 + 600_000);
		expect(done.expiries).toEqual({});
		const stale: AccessRule = {id: 'r1', mode: 'block', target: 'ip', value: '203.0.113.7', notes: formatRuleNote({action: 'block', operator: 'a@b', until: t0 + 600_000}), scope: 'zone', createdAt: t0};
		expect(adoptFromRules(done, {name: 'example.com', id: 'z'}, [stale], t0 + 601_000)).toBe(done);
	});

	it('a whitelist or clear by hand drops the expiry', () => {
		expect(withoutExpiry(timed, '203.0.113.7').expiries).toEqual({});
		const permanent = withBanDone(timed, {ip: '203.0.113.7'}, t0 + min, policy);
		expect(permanent.expiries).toEqual({});
	});
});

describe('notes name the end', () => {
	it('writes [until …] and reads it back; others’ notes are never ours', () => {
		const until = Date.UTC(2026, 11, 7, 22, 0, 0);
		const note = formatRuleNote({action: 'block', operator: 'ops@bastion', until, reason: 'scraping /login'});
		expect(note).toBe('flarewatch: block by ops@bastion [until 2026-12-07T22:00Z]: scraping /login');
		expect(parseRuleNote(note)).toEqual({action: 'block', operator: 'ops@bastion', until, reason: 'scraping /login'});
		expect(parseRuleNote(formatRuleNote({action: 'block', operator: 'a@b', until: until + 30_000}))?.until).toBe(until + 30_000);
		expect(parseRuleNote('partner [until 2026-12-07T22:00Z]')).toBeUndefined();
		const rule = (notes: string, value = '203.0.113.7'): AccessRule => ({id: 'x', mode: 'block', target: 'ip', value, notes, scope: 'zone', createdAt: until - 3_600_000});
		const adopted = adoptFromRules(emptyRecords(), {name: 'example.com', id: 'z'}, [rule(note), rule('partner [until 2026-12-07T22:00Z]', '203.0.113.8')], until);
		expect(Object.keys(adopted.expiries ?? {})).toEqual(['example.com 203.0.113.7']);
	});

	it('before a clear, a listing after the ban says whether it is still our timed ban', () => {
		const expiry = {ip: '203.0.113.7', zone: {name: 'example.com', id: 'z'}, until: t0 + 600_000, at: t0};
		const ours: AccessRule = {id: 'r', mode: 'block', target: 'ip', value: '203.0.113.7', notes: formatRuleNote({action: 'block', operator: 'a@b', until: t0 + 600_000}), scope: 'zone', createdAt: t0};
		expect(listedVerdict(expiry, [ours], t0 + 1)).toBe('send');
		expect(listedVerdict(expiry, [], t0 + 1)).toBe('gone');
		expect(listedVerdict(expiry, [{...ours, mode: 'whitelist', notes: 'partner'}], t0 + 1)).toBe('replaced');
		// A listing older than the ban says nothing.
		expect(listedVerdict(expiry, [], t0 - 1)).toBe('send');
	});
});

describe('ban settings in the configuration', () => {
	const resolve = (argv: string[], file: Record<string, unknown> = {}) => resolveConfig({flags: parseConfigArgs(argv).flags, env: {}, file});
	const failure = (run: () => unknown): string => {
		try {
			run();
		} catch (error) {
			return (error as Error).message;
		}
		return 'no error';
	};

	it('defaults to 1h and the ladder 10m, 1h, 1d, permanent within 1d; flags beat the file', () => {
		expect(resolve([]).bans).toEqual({duration: 3600, ladder: [600, 3600, 86_400, 0], window: 86_400});
		expect(resolve(['--ban-duration', '30m', '--ban-ladder', '5m,1h', '--ban-ladder', '0', '--ban-window', '2d'], {banDuration: '2h'}).bans).toEqual({duration: 1800, ladder: [300, 3600, 0], window: 172_800});
		expect(resolve([], {banDuration: 'permanent', banLadder: ['1h', '1w'], banLadderWindow: '12h'}).bans).toEqual({duration: 0, ladder: [3600, 604_800], window: 43_200});
	});

	it('names what is wrong, and where it came from', () => {
		expect(failure(() => resolve(['--ban-duration', '90x']))).toBe("--ban-duration: '90x' is not a duration: use 30s, 10m, 1h, 1d, 2w or 0 for permanent.");
		expect(failure(() => resolve([], {banLadder: '1d, 1h'}))).toBe('The config file\'s "banLadder": the ladder must grow step by step: 1h after 1d.');
		expect(failure(() => resolve(['--ban-window', '0']))).toMatch(/^--ban-window: the window must be a time/);
	});
});
