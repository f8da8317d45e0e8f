/**
 * The composition root and the only module that touches `process`: argv and env in, an exit code out.
 *   flarewatch emulator [flags]    the v1 API emulator (see emulator/cli.ts)
 *   flarewatch <command> [args]    a one-shot command (see commands/)
 *   flarewatch [flags]             the console
 */
import {emulatorMain} from './emulator/cli.js';
import {commandMain, isCommandName} from './commands/index.js';
import {consoleMain} from './console/main.js';

export interface ProcessIo {
	argv: string[];
	env: NodeJS.ProcessEnv;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
}

export async function main(io: ProcessIo): Promise<number> {
	const [first, ...rest] = io.argv;
	if (first === 'emulator') return emulatorMain(rest, io);
	if (first !== undefined && isCommandName(first)) return commandMain(first, rest, io);
	return consoleMain(io.argv, io);
}

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
