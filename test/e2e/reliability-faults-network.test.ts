/**
 * Issue 7 fault matrix, network half: an answer later than the client timeout, a request that never
 * answers, a reset connection, HTTP 500 and HTTP 410, each in the middle of a session.
 */
import {describe, it} from 'vitest';
import type {FaultMode} from '../../source/emulator/index.js';
import {checkFailingFault, checkStartupRecovers} from './reliability-fault-matrix.js';

const modes: FaultMode[] = ['latency', 'timeout', 'reset', 'http500', 'gone'];

describe.concurrent('the console through network and HTTP faults (real pty, separate emulator)', () => {
	for (const mode of modes) {
		it(`${mode}: keeps running, STALE with age, one-line reason, backs off, recovers by itself`, () => checkFailingFault(mode), 90_000);
	}
	it('http500 at start-up (zone check): connects by itself once the fault clears', () => checkStartupRecovers(), 60_000);
});
