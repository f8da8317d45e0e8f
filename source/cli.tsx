/**
 * The composition root and the only module that touches `process`: argv and env in, an exit code out.
 *   flarewatch emulator [flags]    the v1 API emulator (see emulator/cli.ts)
 *   flarewatch <command> [args]    a one-shot command (see commands/)
 *   flarewatch [flags]             the console
 */
// Only the console is imported statically; the emulator and the one-shot commands are imported when
// named, so that a console start evaluates none of their modules (in the bundle, esbuild turns these
// import() calls into lazily initialised modules: no extra files). The console stays static: the
// bundle hides the global fetch only while its static modules load (see source/tools/build.mjs), and
// Ink's Yoga must be one of them.
import {closeSync} from 'node:fs';
import {isatty} from 'node:tty';
import {mayNameCommand} from './commands/names.js';
import {consoleHelp} from './console/args.js';
import {consoleMain} from './console/main.js';
import type {ProcessIo} from './lib/process-io.js';
// Bundled by esbuild like any module, so `flarewatch --version` needs no file beside the bundle.
import packageJson from '../package.json' with {type: 'json'};

const version = packageJson.version;

/** `flarewatch --help`: the console's flags, the commands and the configuration flags, from their tables. */
async function overview(): Promise<string> {
	const {commands} = await import('./commands/index.js');
	const {overviewHelp} = await import('./commands/help.js');
	return overviewHelp(commands, consoleHelp(), version);
}


export async function main(io: ProcessIo): Promise<number> {
	const [first, ...rest] = io.argv;
	if (first === 'emulator') {
		const {emulatorMain} = await import('./emulator/cli.js');
		return emulatorMain(rest, io);
	}
	if (first !== undefined && mayNameCommand(first)) {
		const {commandMain} = await import('./commands/index.js');
		return commandMain(first, rest, io, {consoleHelp: consoleHelp(), version});
	}
	return consoleMain(io.argv, io, {help: overview, version});
}

// Node 20 restores each terminal it started on when it exits (ResetStdio) and aborts (SIGABRT, exit
// 134, a core file) when tcsetattr fails, as it does on a terminal that hung up (an SSH link dropped,
// a window closed). ResetStdio skips a descriptor that is closed, so at exit close each one that was a
// terminal and no longer is one (isatty fails with EIO once hung up). A live terminal is left alone, so
// it is still restored as before.
const startedOnTerminal = [0, 1, 2].filter(fd => isatty(fd));
process.on('exit', () => {
	for (const fd of startedOnTerminal) {
		if (isatty(fd)) continue;
		try {
			closeSync(fd);
		} catch {
			// Already closed: nothing for Node to reset either.
		}
	}
});

main({argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin}).then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`flarewatch: ${message}\n`);
		process.exitCode = 70;
	},
);
