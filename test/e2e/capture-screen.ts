/**
 * Prints the demo console's screen as text, for the README: `npx tsx test/e2e/capture-screen.ts
 * [COLS ROWS]` (build first: `npm run build`). It waits until the request rates are plotted (the
 * second poll of the zone, about a minute), moves the highlight once, and prints the screen.
 */
import {PtyConsole} from './pty-console.js';

const cols = Number(process.argv[2] ?? 80);
const rows = Number(process.argv[3] ?? 24);
const app = new PtyConsole(['--demo'], {cols, rows});
try {
	await app.waitFor(screen => !screen.includes('needs two polls') && /\d+\.\d+\.\d+\.\d+\s+threat/.test(screen), 'both charts', 120_000);
	app.press('j');
	await new Promise(resolve => setTimeout(resolve, 300));
	const screen = await app.waitFor(() => true, 'the screen');
	process.stdout.write(`${screen.split('\n').map(line => line.trimEnd()).join('\n')}\n`);
	app.press('q');
	await app.exited;
} catch (error) {
	app.kill();
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
