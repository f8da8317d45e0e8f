import type {ProcessIo} from '../cli.js';

/** Placeholder until the one-shot commands land. */
export function isCommandName(_name: string): boolean {
	return false;
}

export async function commandMain(name: string, _argv: string[], io: Pick<ProcessIo, 'stdout' | 'stderr' | 'env'>): Promise<number> {
	io.stderr.write(`flarewatch ${name}: not built yet\n`);
	return 2;
}
