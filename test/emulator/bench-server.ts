/**
 * The emulator for `npm run bench`, in its own process so the load generator does not share its CPU.
 * Prints the same first line as the CLI, then runs until SIGTERM.
 */
import {startEmulator} from '../../source/emulator/index.js';

const emulator = await startEmulator({port: 0, scenario: 'attack', rateLimit: 1_000_000_000, v4RateLimit: 1_000_000_000, graphqlRateLimit: 1_000_000_000, seed: 1});
process.stdout.write(`listening on ${emulator.url}\n`);
process.once('SIGTERM', () => {
	void emulator.close().then(() => {
		process.stdout.write(`${JSON.stringify({calls: emulator.state().accounts[0].calls.total})}\n`);
		process.exit(0);
	});
});
