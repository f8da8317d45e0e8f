/** Shared test plumbing: an in-process emulator, a client on it, and capturing streams. */
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Client, type ClientOptions} from '../../source/v1/client.js';

export type {EmulatorHandle};

export async function emulator(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
	return startEmulator({port: 0, quiet: true, seed: 7, scenario: 'attack', ...options});
}

export function clientFor(emu: EmulatorHandle, options: Partial<ClientOptions> = {}): V1Client {
	return new V1Client({endpoint: emu.url, email: emu.email, key: new Secret(emu.key), ...options});
}

/** API calls the emulator has seen from anyone, faulted and unauthorised ones included. */
export function callsSeen(emu: EmulatorHandle): number {
	const state = emu.state();
	return state.accounts.reduce((sum, account) => sum + account.calls.total, 0) + state.unauthorizedCalls + state.faultedCalls;
}

export function account(emu: EmulatorHandle) {
	return emu.state().accounts.find(entry => entry.email === emu.email)!;
}

export function zoneState(emu: EmulatorHandle, name: string) {
	return emu.state().zones.find(zone => zone.name === name)!;
}

/** Captures what a command writes. */
export function captureIo(env: Record<string, string | undefined>) {
	const out: string[] = [];
	const err: string[] = [];
	return {
		io: {env, stdout: {write: (chunk: string) => out.push(chunk)}, stderr: {write: (chunk: string) => err.push(chunk)}},
		stdout: () => out.join(''),
		stderr: () => err.join(''),
	};
}

/** Awaits a promise expected to fail; returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error & {kind?: string; code?: string; status?: number; field?: string; excerpt?: string}> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}
