/**
 * Prints the demo console's screen as text, for the README: `npx tsx test/e2e/capture-screen.ts
 * [COLS ROWS] [--write-readme]` (build first: `npm run build`). It waits until the request rates are
 * plotted (the second poll of the zone, about a minute), moves the highlight once, and prints the
 * screen; with --write-readme it also puts it between the README's screen markers, so the README shows
 * what the code draws.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {PtyConsole} from './pty-console.js';

const writeReadme = process.argv.includes('--write-readme');
const [colsArg, rowsArg] = process.argv.slice(2).filter(arg => !arg.startsWith('--'));
const cols = Number(colsArg ?? 80);
const rows = Number(rowsArg ?? 24);
const app = new PtyConsole(['--demo'], {cols, rows});
try {
	await app.waitFor(screen => !screen.includes('needs two polls') && /\d+\.\d+\.\d+\.\d+\s+threat/.test(screen), 'both charts', 120_000);
	app.press('j');
	await new Promise(resolve => setTimeout(resolve, 300));
	const screen = await app.waitFor(() => true, 'the screen');
	const text = screen.split('\n').map(line => line.trimEnd()).join('\n').replace(/\n+$/, '');
	process.stdout.write(`${text}\n`);
	if (writeReadme) {
		const readme = readFileSync('README.md', 'utf8');
		const block = `<!-- screen:start -->\n\`npx tsx test/e2e/capture-screen.ts ${cols} ${rows} --write-readme\` after \`npm run build\`:\n\n\`\`\`\n${text}\n\`\`\`\n<!-- screen:end -->`;
		writeFileSync('README.md', readme.replace(/<!-- screen:start -->[\s\S]*?<!-- screen:end -->/, block));
	}
	app.press('q');
	await app.exited;
} catch (error) {
	app.kill();
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
