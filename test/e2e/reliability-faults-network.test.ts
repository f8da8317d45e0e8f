/**
 * Issue 7 fault matrix, network half: an answer later than the client timeout, a request that never
 * answers, a reset connection, HTTP 500 and HTTP 410, each in the middle of a session; recovery on r;
 * HTTP 410 (permanent) at start-up and from a one-shot command.
 */
import {describe, it} from 'vitest';
import type {FaultMode} from '../../source/emulator/index.js';
import {checkFailingFault, checkGoneStopsPolling, checkStartupRecovers, checkSunsetAtStartup, checkSunsetOneShot} from './reliability-fault-matrix.js';

const modes: FaultMode[] = ['latency', 'timeout', 'reset', 'http500'];

describe.concurrent('the console through network and HTTP faults (real pty, separate emulator)', () => {
	for (const mode of modes) {
		it(`${mode}: keeps running, STALE with age, one-line reason, backs off, recovers by itself`, () => checkFailingFault(mode), 90_000);
	}
	it('timeout, three failed polls, cleared, r: current data within 10 s', () => checkFailingFault('timeout', {refreshAfter: 3}), 90_000);
	it('gone (HTTP 410) mid-session: the sentence, polling stops (no calls), r once the API answers', () => checkGoneStopsPolling(), 60_000);
	it('http500 at start-up (zone check): connects by itself once the fault clears', () => checkStartupRecovers(), 60_000);
	it('--sunset at start-up: the 410 sentence once, no retry, no further call', () => checkSunsetAtStartup(), 30_000);
	it('--sunset: a one-shot command exits 1 with the sentence', () => checkSunsetOneShot(), 30_000);
});
