import type {ProcessIo} from '../cli.js';

/** `flarewatch emulator [flags]`: runs until SIGINT/SIGTERM. Placeholder until the emulator lands. */
export async function emulatorMain(_argv: string[], io: Pick<ProcessIo, 'stdout' | 'stderr'>): Promise<number> {
	io.stderr.write('flarewatch emulator: not built yet\n');
	return 70;
}
