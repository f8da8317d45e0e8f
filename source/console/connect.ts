/**
 * Where the console's backend comes from: the configured account, or (no credentials, or --demo)
 * the emulator started in process with an attack under way.
 */
import {readFileSync} from 'node:fs';
import type {Backend} from '../backend.js';
import type {DemoScenario} from './args.js';
import {hasCredentials, type Config} from '../config.js';
import {FlarewatchError} from '../errors.js';
import {Secret} from '../lib/secret.js';
import {openBackend} from '../backends.js';

export interface Connection {
	backend: Backend;
	zoneNames: string[];
	demo: boolean;
	/** Secrets to scrub from anything written (crash reports). */
	secrets: Secret[];
	close(): Promise<void>;
}

/**
 * Simulated seconds the demo starts into the attack: the botnet joins over its first three minutes,
 * so ninety seconds in, the threat list is already full of bots and the charts climb as the rest join.
 */
export const demoHeadStartSeconds = 90;

export async function connectDemo(config: Config, scenario: DemoScenario = 'attack'): Promise<Connection> {
	// Imported here, not at the top: only the demo needs the emulator, and a console on an account
	// then evaluates none of its modules (the bundle initialises them on this first use).
	const {startEmulator} = await import('../emulator/index.js');
	const emulator = await startEmulator({port: 0, host: '127.0.0.1', scenario, quiet: true});
	emulator.advanceClock(demoHeadStartSeconds);
	const key = new Secret(emulator.key);
	const backend = openBackend({endpoint: emulator.url, email: emulator.email, key, timeoutMs: config.timeoutMs, secrets: [key]});
	return {
		backend,
		zoneNames: emulator.state().zones.filter(zone => zone.owner.toLowerCase() === emulator.email.toLowerCase()).map(zone => zone.name),
		demo: true,
		secrets: [key],
		async close() {
			backend.close();
			await emulator.close();
		},
	};
}

export function connectAccount(config: Config, env: Readonly<Record<string, string | undefined>>): Connection {
	if (!hasCredentials(config)) throw new FlarewatchError('usage', 'No account is configured.');
	if (config.zones.length === 0) throw new FlarewatchError('usage', 'No zone is configured: use --zone NAME, CF_ZONE or "zones" in the config file.');
	let ca: string | undefined;
	if (config.caFile !== undefined) {
		try {
			ca = readFileSync(config.caFile, 'utf8');
		} catch {
			throw new FlarewatchError('usage', `The CA file ${config.caFile} could not be read.`);
		}
	}
	const backend = openBackend({endpoint: config.endpoint, email: config.email, key: config.key, timeoutMs: config.timeoutMs, env, ca, secrets: [config.key]});
	return {
		backend,
		zoneNames: config.zones,
		demo: false,
		secrets: [config.key],
		async close() {
			backend.close();
		},
	};
}
