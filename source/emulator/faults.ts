/**
 * Injected faults for tests and rehearsals. One fault at a time; it applies to API requests only
 * (never to the admin paths), for a count of requests, with a probability, or until cleared.
 */
import {createRandom} from './rng.js';
import {faultModes, type FaultMode, type FaultSpec} from './types.js';

export class FaultError extends Error {}

/** Checks an admin request body and returns the fault it describes. */
export function parseFault(body: unknown): FaultSpec {
	if (typeof body !== 'object' || body === null) throw new FaultError('expected a JSON object like {"mode": "http500", "count": 1}');
	const record = body as Record<string, unknown>;
	const mode = record.mode;
	if (typeof mode !== 'string' || !faultModes.includes(mode as FaultMode)) throw new FaultError(`mode must be one of ${faultModes.join('|')}`);
	const fault: FaultSpec = {mode: mode as FaultMode};
	if (record.ms !== undefined) {
		if (typeof record.ms !== 'number' || !Number.isFinite(record.ms) || record.ms < 0 || record.ms > 600_000) throw new FaultError('ms must be a number of milliseconds between 0 and 600000');
		fault.ms = record.ms;
	}
	if (record.count !== undefined) {
		if (typeof record.count !== 'number' || !Number.isInteger(record.count) || record.count < 1) throw new FaultError('count must be a positive integer');
		fault.count = record.count;
	}
	if (record.probability !== undefined) {
		if (typeof record.probability !== 'number' || !(record.probability >= 0 && record.probability <= 1)) throw new FaultError('probability must be between 0 and 1');
		fault.probability = record.probability;
	}
	if (fault.count !== undefined && fault.probability !== undefined) throw new FaultError('give count or probability, not both');
	return fault;
}

export class Faults {
	private current: FaultSpec = {mode: 'none'};
	private readonly random: () => number;

	constructor(seed: number) {
		this.random = createRandom(seed ^ 0x5eed);
	}

	set(fault: FaultSpec): void {
		this.current = fault.mode === 'none' ? {mode: 'none'} : {...fault};
	}

	get(): FaultSpec {
		return {...this.current};
	}

	/** The fault to apply to this request, if any; counts down `count`. */
	next(): FaultSpec | undefined {
		const fault = this.current;
		if (fault.mode === 'none') return undefined;
		if (fault.probability !== undefined) return this.random() < fault.probability ? fault : undefined;
		if (fault.count !== undefined) {
			fault.count--;
			if (fault.count <= 0) this.current = {mode: 'none'};
		}
		return fault;
	}
}
