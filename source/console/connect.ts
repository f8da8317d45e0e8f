/**
 * Where the console's backend comes from: the configured account, or (no credentials, or --demo)
 * the emulator started in process with an attack under way. Either way on the configured API: the
 * demo's v4 goes to the emulator's /client/v4 face with its token.
 */
import {readFileSync} from 'node:fs';
import type {Backend} from '../backend.js';
import type {DemoScenario} from './args.js';
import {configSecrets, requireCredentials, type Config} from '../config.js';
import {FlarewatchError} from '../errors.js';
import type {ApiVersion} from '../lib/endpoint.js';
import {Secret} from '../lib/secret.js';
import {openBackend} from '../backends.js';

export interface Connection {
	backend: Backend;
	/** The API the backend speaks, for the header. */
	api: ApiVersion;
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
	const token = new Secret(emulator.token);
	const secrets = [key, token];
	// v4 uses the token (Bearer), as an operator would; v1 the email and key.
	const backend =
		config.api === 'v4'
			? openBackend({api: 'v4', endpoint: emulator.url, token, timeoutMs: config.timeoutMs, secrets})
			: openBackend({api: 'v1', endpoint: emulator.url, email: emulator.email, key, timeoutMs: config.timeoutMs, secrets});
	return {
		backend,
		api: config.api,
		zoneNames: emulator.state().zones.filter(zone => zone.owner.toLowerCase() === emulator.email.toLowerCase()).map(zone => zone.name),
		demo: true,
		secrets,
		async close() {
			backend.close();
			await emulator.close();
		},
	};
}

export function connectAccount(config: Config, env: Readonly<Record<string, string | undefined>>): Connection {
	const credentials = requireCredentials(config);
	if (config.zones.length === 0) throw new FlarewatchError('usage', 'No zone is configured: use --zone NAME, CF_ZONE or "zones" in the config file.');
	let ca: string | undefined;
	if (config.caFile !== undefined) {
		try {
			ca = readFileSync(config.caFile, 'utf8');
		} catch {
			throw new FlarewatchError('usage', `The CA file ${config.caFile} could not be read.`);
		}
	}
	const secrets = configSecrets(config);
	const backend = openBackend({...credentials, endpoint: config.endpoint, timeoutMs: config.timeoutMs, env, ca, secrets});
	return {
		backend,
		api: config.api,
		zoneNames: config.zones,
		demo: false,
		secrets,
		async close() {
			backend.close();
		},
	};
}
