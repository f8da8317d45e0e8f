/** Wire values that name JavaScript object members, overflow to Infinity, or carry terminal controls. */
import {describe, expect, it} from 'vitest';
import {FlarewatchError} from '../../source/errors.js';
import {apiFailure, coerceNumber, decodeEnvelope, excerptOf} from '../../source/v1/decode.js';
import {decodeRecord, decodeVisitors, decodeZoneCheck} from '../../source/v1/shapes.js';

const key = '799df833d7a42adf3b8e2fd113c7260b955b8e95ac42c';
const ctx = {action: 'zone_ips', secrets: [key]};
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function failureOf(run: () => unknown): FlarewatchError {
	try {
		run();
	} catch (error) {
		if (error instanceof FlarewatchError) return error;
		throw error;
	}
	throw new Error('expected a failure');
}

describe('coerceNumber stays finite', () => {
	it('refuses strings beyond the double range and non-finite numbers', () => {
		for (const value of ['1e999', '-1e999', '1e309', Infinity, -Infinity, Number.NaN]) expect(coerceNumber(value), String(value)).toBeUndefined();
		expect(coerceNumber('1e308')).toBe(1e308);
		expect(coerceNumber(' 42 ')).toBe(42);
	});

	it('a hits of "1e999" and a prio of "1e999" are decode errors or absent, never Infinity', () => {
		expect(failureOf(() => decodeVisitors(ctx, {ips: [{ip: '203.0.113.7', classification: 'threat', hits: '1e999'}]})).kind).toBe('decode');
		const record = decodeRecord(ctx, {rec_id: '1', name: 'a.example.com', type: 'MX', content: 'mx.example.com', ttl: '1', prio: '1e999'}, 'rec');
		expect(record.prio).toBeUndefined();
		expect(decodeEnvelope('{"result":"success","calls_left":"1e999","response":{}}', ctx).callsLeft).toBeUndefined();
	});
});

describe('names of object members are data, not table entries', () => {
	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('classification %s is refused', word => {
		expect(failureOf(() => decodeVisitors(ctx, JSON.parse(`{"ips":[{"ip":"203.0.113.7","classification":"${word}","hits":1}]}`))).message).toMatch(/regular, crawler or threat/);
	});

	it.each(['constructor', '__proto__', 'toString'])('err_code %s gets no borrowed meaning', code => {
		const failure = apiFailure(ctx, code, undefined);
		expect(failure.message).toMatch(/no reason given/);
		expect(failure.message).not.toMatch(/function|native code|object Object/);
	});
});

describe('messages built from wire keys', () => {
	it('are bounded and free of control and bidi characters', () => {
		for (const zoneKey of [`${'a'.repeat(100_000)}.com`, 'evil\u009b2J.com', 'evil\u202egro.com', `x${key}.com`]) {
			const failure = failureOf(() => decodeZoneCheck(ctx, {zones: {[zoneKey]: 'x'}}, ['example.com']));
			expect(failure.message).toMatch(/should be a number/);
			expect(failure.message.length).toBeLessThan(400);
			expect(failure.message).not.toMatch(unsafe);
			expect(failure.message).not.toContain(key);
		}
	});

	it('excerpts drop bidi controls too', () => {
		expect(excerptOf('a\u202eb\u2066c', [])).toBe('a b c');
	});
});
