/**
 * Issue 7 fault matrix, network half: an answer later than the client timeout, a request that never
 * answers, a reset connection and HTTP 410, each in the middle of a session (HTTP 500 is in the answer
 * half); recovery on r;
 * HTTP 410 (permanent) at start-up and from a one-shot command. On v4 too (issue 15), for the faults of
 * the transport its SDK and GraphQL calls share with v1 (no answer, a reset, a failed start-up); HTTP 410
 * is v1's retirement, which v4 does not have.
 */
import {describe, it} from 'vitest';
import type {FaultMode} from '../../source/emulator/index.js';
import {apis} from './emulated-console.js';
import {checkFailingFault, checkGoneStopsPolling, checkStartupRecovers, checkSunsetAtStartup, checkSunsetOneShot} from './reliability-fault-matrix.js';

/** HTTP 500 has its full check (back-off, then the old failure leaving the status line) in the answer half. */
const modes: FaultMode[] = ['latency', 'timeout', 'reset'];
/** v4's reasons: latency and timeout end in the same timeout. */
const v4Modes: FaultMode[] = ['timeout', 'reset'];

describe.each(apis)('the console through network and HTTP faults (real pty, separate emulator, API %s)', {concurrent: true}, api => {
	// v4: the reason each gives, and recovery; its back-off is checked in full with http500 in the answer half.
	for (const mode of api === 'v1' ? modes : v4Modes) {
		it(`${mode}: keeps running, STALE with age, one-line reason,${api === 'v1' ? ' backs off,' : ''} recovers by itself`, () => checkFailingFault(mode, {api, reasonOnly: api === 'v4'}), 90_000);
	}
	it.runIf(api === 'v1')('timeout, three failed polls, cleared, r: current data within 10 s', () => checkFailingFault('timeout', {refreshAfter: 3}), 90_000);
	// HTTP 410 is v1's retirement (--sunset leaves /client/v4 answering).
	it.runIf(api === 'v1')('gone (HTTP 410) mid-session: the sentence, polling stops (no calls), r once the API answers', () => checkGoneStopsPolling(), 60_000);
	it('http500 at start-up (zone check): connects by itself once the fault clears', () => checkStartupRecovers(api), 60_000);
	it.runIf(api === 'v1')('--sunset at start-up: the 410 sentence once, no retry, no further call', () => checkSunsetAtStartup(), 30_000);
	it.runIf(api === 'v1')('--sunset: a one-shot command exits 1 with the sentence', () => checkSunsetOneShot(), 30_000);
});
