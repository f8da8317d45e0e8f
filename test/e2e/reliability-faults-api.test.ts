/**
 * Issue 7 fault matrix, answer half: an HTML page, truncated JSON, lax JSON, E_MAXAPI and E_UNAUTH in the
 * middle of a session.
 */
import {describe, it} from 'vitest';
import type {FaultMode} from '../../source/emulator/index.js';
import {checkFailingFault, checkLaxIsDecoded, checkMaxApi} from './reliability-fault-matrix.js';

const modes: FaultMode[] = ['html', 'truncated', 'unauth'];

describe.concurrent('the console through bad answers (real pty, separate emulator)', () => {
	for (const mode of modes) {
		it(`${mode}: keeps running, STALE with age, one-line reason, backs off, recovers by itself`, () => checkFailingFault(mode), 90_000);
	}
	it('http500: once recovered, the status line no longer shows the old failure as if current', () => checkFailingFault('http500', {explanationClears: true}), 90_000);
	it('lax JSON: decoded, no failure, polling at its normal pace', () => checkLaxIsDecoded(), 60_000);
	it('E_MAXAPI: polling stops (no calls), STALE with age, refresh refused, stop bounded', () => checkMaxApi(), 60_000);
});
