/** rules.ts on its own: address forms, which rules match a visitor and in what order, and when each holds. */
import {describe, expect, it} from 'vitest';
import {buildPopulation, countryCodes} from '../../source/emulator/population.js';
import {buildRuleIndex, canonicalIp, rangeValue, ruleAt, ruleTimeline, timelinePieces, visitorRules} from '../../source/emulator/rules.js';
import type {IpAccessRule, RuleMode, RuleTarget} from '../../source/emulator/world.js';

function rule(id: string, mode: RuleMode, target: RuleTarget, value: string, since = 0): IpAccessRule {
	return {id, mode, target, value, notes: '', createdAt: since, modifiedAt: since, since};
}

describe('address forms', () => {
	it('keeps IPv6 compressed and ranges as their network', () => {
		expect(canonicalIp('2001:0DB8:0000:0000:0000:0000:0000:0042')).toBe('2001:db8::42');
		expect(canonicalIp('2a02:0:1f:0::5')).toBe('2a02:0:1f::5');
		expect(canonicalIp('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
		expect(canonicalIp('198.51.100.7')).toBe('198.51.100.7');
		expect(rangeValue('192.0.2.77/24')).toBe('192.0.2.0/24');
		expect(rangeValue('10.20.30.40/16')).toBe('10.20.0.0/16');
		expect(rangeValue('2001:db8:aaaa:bbbb:1::/48')).toBe('2001:db8:aaaa::/48');
		expect(rangeValue('2001:db8:1:2:3:4:5:6/64')).toBe('2001:db8:1:2::/64');
		for (const bad of ['192.0.2.0/25', '192.0.2.0/8', '2001:db8::/56', '2001:db8::/128', '192.0.2.0', 'x/24', '192.0.2.0/24/1']) expect(rangeValue(bad), bad).toBeUndefined();
	});
});

describe('matching visitors', () => {
	const population = buildPopulation('attack', 1, 969_678, 0);
	const countryOf = (i: number) => countryCodes[population.country[i]];
	const v4 = population.ips.findIndex(ip => !ip.includes(':'));
	const v6 = population.ips.findIndex(ip => ip.includes(':'));
	const ip4 = population.ips[v4];
	const ip6 = population.ips[v6];

	it('matches an IP, its /24 and /16, its IPv6 networks, its ASN and its country, most specific first, zone before account', () => {
		const [a, b] = ip4.split('.');
		const zoneRules = [rule('zone-asn', 'block', 'asn', `AS${population.asn[v4]}`), rule('zone-16', 'challenge', 'ip_range', `${a}.${b}.0.0/16`)];
		const accountRules = [
			rule('account-country', 'managed_challenge', 'country', countryOf(v4)),
			rule('account-asn', 'js_challenge', 'asn', `AS${population.asn[v4]}`),
			rule('account-24', 'block', 'ip_range', rangeValue(`${ip4}/24`) ?? ''),
			rule('account-ip', 'whitelist', 'ip', ip4),
			rule('account-ip6', 'block', 'ip6', canonicalIp(ip6)),
			rule('account-48', 'block', 'ip_range', rangeValue(`${ip6}/48`) ?? ''),
		];
		const matched = visitorRules(buildRuleIndex(zoneRules, accountRules), population, countryOf);
		expect(matched[v4]?.map(each => each.id)).toEqual(['account-ip', 'account-24', 'zone-16', 'zone-asn', 'account-asn', 'account-country']);
		expect(matched[v6]?.map(each => each.id).slice(0, 2)).toEqual(['account-ip6', 'account-48']);
		// A visitor of another network and country is matched by none of them... unless it shares them.
		const other = population.ips.findIndex((ip, i) => population.asn[i] !== population.asn[v4] && countryOf(i) !== countryOf(v4) && !ip.startsWith(`${a}.${b}.`) && !ip.includes(':'));
		expect(matched[other]).toBeUndefined();
		// Visitors matched by the same single rule share the index's list.
		const sameAsn = population.ips.map((_, i) => i).filter(i => population.asn[i] === population.asn[v4] && i !== v4 && countryOf(i) !== countryOf(v4) && !population.ips[i].startsWith(`${a}.${b}.`));
		if (sameAsn.length >= 2) expect(matched[sameAsn[0]]).toBe(matched[sameAsn[1]]);
	});

	it('holds the most specific rule already set at each moment', () => {
		const broad = rule('country', 'challenge', 'country', 'US', 100);
		const narrow = rule('ip', 'block', 'ip', '192.0.2.1', 200);
		const timeline = ruleTimeline([narrow, broad]);
		expect(ruleAt(timeline, 50)).toBeUndefined();
		expect(ruleAt(timeline, 150)?.id).toBe('country');
		expect(ruleAt(timeline, 250)?.id).toBe('ip');
		expect(timelinePieces(timeline, 0, 300).map(piece => [piece.from, piece.to, piece.rule?.id])).toEqual([
			[0, 100, undefined],
			[100, 200, 'country'],
			[200, 300, 'ip'],
		]);
		// A broad rule set after the narrow one changes nothing while the narrow one holds.
		expect(timelinePieces(ruleTimeline([rule('ip', 'block', 'ip', '192.0.2.1', 100), rule('asn', 'whitelist', 'asn', 'AS1', 200)]), 0, 300).map(piece => piece.rule?.id)).toEqual([undefined, 'ip']);
		expect(ruleTimeline([])).toBeUndefined();
		expect(timelinePieces(undefined, 5, 10)).toEqual([{from: 5, to: 10, rule: undefined}]);
	});
});
