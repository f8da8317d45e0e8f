import type {ProcessIo} from '../cli.js';

/** Placeholder until the console lands: runs the emulator so `npm start` shows something real. */
export async function consoleMain(argv: string[], io: ProcessIo): Promise<number> {
	const {emulatorMain} = await import('../emulator/cli.js');
	return emulatorMain(['--scenario', 'attack', ...argv], io);
}
