import {describe, expect, it} from 'vitest';
import {FlarewatchError} from '../../source/errors.js';
import {decodeEnvelope, decodeHostLines, decodeTextStatus, type DecodeContext} from '../../source/v1/decode.js';
import {parseLaxJson} from '../../source/v1/lax-json.js';
import {decodeLookup, decodeNumberAt, decodeRecordObj, decodeRecordPage, decodeStats, decodeVisitors, decodeZoneCheck, securityLevelFromLabel} from '../../source/v1/shapes.js';

const key = '799df833d7a42adf3b8e2fd113c7260b955b8e95ac42c';
const ctx = (action: string, seen: number[] = []): DecodeContext => ({action, secrets: [key], onCallsLeft: n => seen.push(n)});

function failure(fn: () => unknown): FlarewatchError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(FlarewatchError);
		return error as FlarewatchError;
	}
	throw new Error('expected a failure');
}

/** The v1 documentation's example bodies, verbatim (its lax JSON included). */
const docs = {
	stats: `{"response":{"result":{"timeZero":1287797054000,"count":1,"has_more":false,"objs":[{"cachedServerTime":1290561854000,"cachedExpryTime":1290605054000,"trafficBreakdown":{"pageviews":{"regular":195,"threat":1,"crawler":20},"uniques":{"regular":17,"threat":1,"crawler":10}},"bandwidthServed":{"cloudflare":1497.6806640625,"user":1037.56640625},"requestsServed":{"cloudflare":715,"user":400},"pageLoadTime":{"without":0.47,"cloudflare":0.31},"totalUserTimeSaved":null,"currentServerTime":1290561855000,"interval":20,"userSecuritySetting":"High",dev_mode: 0}]}},"result":"success","msg":null}`,
	plain: `{"result":"success","msg":null}`,
	devmode: `{"response":{"expires_on":1290572007},"result":"success","msg":null}`,
	purge: `{"response":{"fpurge_ts":1290561459},"result":"success","msg":null,"attributes":{"cooldown":20}}`,
	zoneCheck: `{"response":{"zones":{"linuxdating.com":1099,"supertriceratops.com":2018,"ld.com":0,"unspam.com":0}},"result":"success","msg":null}`,
	zoneIps: `{"response":{"ips":[{ip: "50.17.204.51", classification: "regular", hits: 6}]},"result":"success","msg":null}`,
	grab: `{"response":{"set":[{time: 1303943984}]},"result":"success","msg":null}`,
	nested: `{"response":{"result":"success","msg":null}}`,
	lookup: `{response: {1.0.171.33: "BAD:11"}, result: "success", msg: null}`,
	error: `{"result":"error","msg":"Invalid zone name","err_code":"E_UNAUTH"}`,
};

describe('decoding the documentation examples verbatim', () => {
	it('stats (lax dev_mode: 0)', () => {
		const stats = decodeStats(ctx('stats'), decodeEnvelope(docs.stats, ctx('stats')).response);
		expect(stats).toMatchObject({
			timeZero: 1287797054000,
			interval: 20,
			pageviews: {regular: 195, threat: 1, crawler: 20},
			uniques: {regular: 17, threat: 1, crawler: 10},
			bandwidth: {edgeKB: 1497.6806640625, originKB: 1037.56640625},
			requests: {edge: 715, origin: 400},
			pageLoad: {withCloudflare: 0.31, without: 0.47},
			securityLevel: 'high',
			securityLabel: 'High',
			devModeUntil: 0,
			serverTime: 1290561855000,
			timeEnd: 1290561855000,
		});
	});

	it('sec_lvl / cache_lvl', () => {
		expect(decodeEnvelope(docs.plain, ctx('sec_lvl'))).toEqual({response: undefined, attributes: {}});
	});

	it('devmode and fpurge_ts (attributes beside response)', () => {
		const dev = decodeEnvelope(docs.devmode, ctx('devmode'));
		expect(decodeNumberAt(ctx('devmode'), dev.response, ['expires_on'])).toBe(1290572007);
		const purge = decodeEnvelope(docs.purge, ctx('fpurge_ts'));
		expect(decodeNumberAt(ctx('fpurge_ts'), purge.response, ['fpurge_ts'])).toBe(1290561459);
		expect(purge.attributes).toEqual({cooldown: 20});
	});

	it('zone_check', () => {
		const zones = decodeZoneCheck(ctx('zone_check'), decodeEnvelope(docs.zoneCheck, ctx('zone_check')).response, ['linuxdating.com', 'ld.com', 'absent.com']);
		expect(zones).toEqual([
			{name: 'linuxdating.com', zid: 1099},
			{name: 'ld.com', zid: 0},
			{name: 'absent.com', zid: 0},
		]);
	});

	it('zone_ips (unquoted keys)', () => {
		expect(decodeVisitors(ctx('zone_ips'), decodeEnvelope(docs.zoneIps, ctx('zone_ips')).response)).toEqual([{ip: '50.17.204.51', classification: 'regular', hits: 6}]);
	});

	it('zone_grab (unquoted time)', () => {
		expect(decodeEnvelope(docs.grab, ctx('zone_grab')).response).toEqual({set: [{time: 1303943984}]});
	});

	it('rec_set, rec_del, pre_purge, DIUP, ipv46: the envelope nested in response', () => {
		expect(() => decodeEnvelope(docs.nested, ctx('rec_set'))).not.toThrow();
	});

	it('ip_lkup ({1.0.171.33: "BAD:11"})', () => {
		const answer = decodeEnvelope(docs.lookup, ctx('ip_lkup'));
		expect(decodeLookup(ctx('ip_lkup'), answer.response, '1.0.171.33')).toEqual({ip: '1.0.171.33', kind: 'BAD', score: 11});
	});

	it('the error example (E_UNAUTH) is an auth failure', () => {
		const error = failure(() => decodeEnvelope(docs.error, ctx('stats')));
		expect(error.kind).toBe('auth');
		expect(error.code).toBe('E_UNAUTH');
		expect(error.message).toContain('Invalid zone name');
	});
});

describe('envelopes as the real service sent them', () => {
	it('reports calls_left, coerces strings, drops an echoed tkn', () => {
		const seen: number[] = [];
		const answer = decodeEnvelope(`{"request":{"act":"stats","tkn":"${key}","z":"example.com"},"response":{},"result":"success","msg":null,"calls_left":"287"}`, ctx('stats', seen));
		expect(seen).toEqual([287]);
		expect(answer.callsLeft).toBe(287);
		expect(answer.request).toEqual({act: 'stats', z: 'example.com'});
		expect(JSON.stringify(answer)).not.toContain(key);
	});

	it('maps error codes to kinds; err_code may be absent', () => {
		expect(failure(() => decodeEnvelope('{"result":"error","msg":"You have exceeded your allowed number of API calls.","err_code":"E_MAXAPI"}', ctx('stats'))).kind).toBe('rate-limit');
		const invalid = failure(() => decodeEnvelope('{"result":"error","msg":"Invalid zone."}', ctx('stats')));
		expect(invalid.kind).toBe('api');
		expect(invalid.code).toBeUndefined();
		expect(invalid.message).toBe('The API refused stats: Invalid zone.');
		expect(failure(() => decodeEnvelope('{"result":"error","msg":"Unknown token or email"}', ctx('stats'))).kind).toBe('auth');
		const named = failure(() => decodeEnvelope('{"result":"error","msg":"Invalid IP","err_code":"ip"}', ctx('ip_lkup')));
		expect([named.kind, named.code]).toEqual(['api', 'ip']);
	});

	it('reports calls_left from an error envelope too', () => {
		const seen: number[] = [];
		failure(() => decodeEnvelope('{"result":"error","msg":"x","err_code":"E_MAXAPI","calls_left":0}', ctx('stats', seen)));
		expect(seen).toEqual([0]);
	});

	it('never puts the key or control characters in a message or excerpt', () => {
		const hostile = failure(() => decodeEnvelope(`{"result":"error","msg":"bad \\u001b[2J key ${key}"}`, ctx('stats')));
		expect(hostile.message).not.toContain(key);
		expect(hostile.message).not.toContain('\u001b');
		const body = failure(() => decodeEnvelope(`{"tkn":"${key}", "truncated`, ctx('stats')));
		expect(body.kind).toBe('decode');
		expect(`${body.message} ${body.excerpt}`).not.toContain(key);
	});

	it('refuses empty, HTML, non-envelope and truncated bodies as decode failures', () => {
		for (const body of ['', '<!DOCTYPE html><html><body>502</body></html>', '[1,2]', '{"response":{}}', '{"result":"success","msg":nu', 'OK']) {
			expect(failure(() => decodeEnvelope(body, ctx('stats'))).kind).toBe('decode');
		}
	});

	it('trims zone_check keys (the real service appended "\\n")', () => {
		const zones = decodeZoneCheck(ctx('zone_check'), {zones: {'example.com': 11, 'example.net\n': '12'}}, ['example.com', 'example.net']);
		expect(zones).toEqual([
			{name: 'example.com', zid: 11},
			{name: 'example.net', zid: 12},
		]);
	});

	it('decodes records with string-typed numbers', () => {
		const rec = {rec_id: '42', rec_tag: 't', zone_name: 'example.com', name: 'www.example.com', display_name: 'www', type: 'A', prio: null, content: '203.0.113.7', display_content: '203.0.113.7', ttl: '1', ttl_ceil: 86400, auto_ttl: 1, service_mode: '1', props: {proxiable: 1}};
		expect(decodeRecordObj(ctx('rec_new'), {rec: {obj: rec}})).toEqual({id: '42', name: 'www.example.com', type: 'A', content: '203.0.113.7', ttl: 1, proxied: true});
		const page = decodeRecordPage(ctx('rec_load_all'), {recs: {has_more: true, count: 1, objs: [{...rec, type: 'MX', prio: '10', service_mode: '0', ttl: '3600'}]}});
		expect(page).toEqual({hasMore: true, records: [{id: '42', name: 'www.example.com', type: 'MX', content: '203.0.113.7', ttl: 3600, proxied: false, prio: 10}]});
	});

	it('fails clearly on a missing counter instead of showing zero', () => {
		const error = failure(() => decodeVisitors(ctx('zone_ips'), {ips: [{ip: '1.2.3.4', classification: 'threat'}]}));
		expect(error.kind).toBe('decode');
		expect(error.message).toContain('response.ips[0].hits');
	});

	it('maps security labels', () => {
		expect(['High', 'Medium', 'Low', 'Essentially Off', "I'm Under Attack!", 'Help', 'odd'].map(securityLevelFromLabel)).toEqual(['high', 'med', 'low', 'eoff', 'help', 'help', undefined]);
	});
});

describe('plain-text answers of api.html', () => {
	it('OK and E_* codes', () => {
		expect(() => decodeTextStatus('OK\n', ctx('ban'))).not.toThrow();
		expect(failure(() => decodeTextStatus('E_UNAUTH', ctx('ban'))).kind).toBe('auth');
		expect(failure(() => decodeTextStatus('E_MAXAPI', ctx('ban'))).kind).toBe('rate-limit');
		const ip = failure(() => decodeTextStatus('E_INVLDIP', ctx('wl')));
		expect([ip.kind, ip.code, ip.message]).toEqual(['api', 'E_INVLDIP', 'The API refused wl: the IP address is malformed (E_INVLDIP).']);
		expect(failure(() => decodeTextStatus('<html>oops</html>', ctx('wl'))).kind).toBe('decode');
		expect(failure(() => decodeTextStatus('Okay then', ctx('wl'))).kind).toBe('decode');
		expect(failure(() => decodeTextStatus('O', ctx('wl'))).kind).toBe('decode');
		expect(failure(() => decodeTextStatus('', ctx('wl'))).kind).toBe('decode');
	});

	it('DIUP: one line per host, or one bare code', () => {
		expect(decodeHostLines('www.example.com OK\nexample.com E_NOUPDATE\n', ctx('DIUP'))).toEqual([
			{host: 'www.example.com', outcome: 'OK'},
			{host: 'example.com', outcome: 'E_NOUPDATE'},
		]);
		expect(failure(() => decodeHostLines('E_NOHOST', ctx('DIUP'))).code).toBe('E_NOHOST');
		expect(failure(() => decodeHostLines('E_UNAUTH\n', ctx('DIUP'))).kind).toBe('auth');
		expect(failure(() => decodeHostLines('www.example.com fine', ctx('DIUP'))).kind).toBe('decode');
	});
});

describe('the tolerant parser', () => {
	it('reads the lax forms and rejects nonsense', () => {
		expect(parseLaxJson("{a: 1, 'b': [1, 2,], c: {d: null, e: true},}")).toEqual({a: 1, b: [1, 2], c: {d: null, e: true}});
		expect(parseLaxJson('{1.0.171.33: "BAD:11"}')).toEqual({'1.0.171.33': 'BAD:11'});
		for (const bad of ['{a: }', '{a: hello}', '{"a": 1', '[1 2]', '{a: 1} x', '"open']) expect(() => parseLaxJson(bad)).toThrow();
	});

	it('survives deep nesting and random bodies without crashing', () => {
		expect(() => parseLaxJson('['.repeat(10_000))).toThrow(/deep/);
		let seed = 7;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const alphabet = '{}[]:,"\'abc01.-\\ \n\u001bnulltrue';
		for (let i = 0; i < 2000; i++) {
			const body = Array.from({length: Math.floor(rand() * 40)}, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
			try {
				decodeEnvelope(body, ctx('stats'));
			} catch (error) {
				expect(error).toBeInstanceOf(FlarewatchError);
			}
		}
	});
});
