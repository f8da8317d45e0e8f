/**
 * The emulator for the load test, in its own process so the 100 clients do not share its event loop.
 * Configured by the LOAD_EMULATOR environment variable (JSON: rateLimit and the accounts); prints the
 * CLI's first line, then runs until SIGTERM. A crash shows as an exit before the driver stops it.
 */
import {startEmulator, type EmulatorAccountSpec} from '../../source/emulator/index.js';

interface LoadEmulatorConfig {
	rateLimit: number;
	accounts: EmulatorAccountSpec[];
}

const config = JSON.parse(process.env.LOAD_EMULATOR ?? '{}') as LoadEmulatorConfig;
const [first, ...others] = config.accounts;
if (!first) throw new Error('LOAD_EMULATOR needs at least one account');
const emulator = await startEmulator({port: 0, quiet: true, scenario: 'calm', seed: 3, rateLimit: config.rateLimit, email: first.email, key: first.key, zones: first.zones, accounts: others});
process.stdout.write(`listening on ${emulator.url}\n`);
process.once('SIGTERM', () => {
	void emulator.close().then(() => process.exit(0));
});
