/**
 * What a first argument must look like to name a one-shot command, without loading the commands:
 * cli.tsx asks this first, so that a console start (`flarewatch --demo`) evaluates none of them.
 */
export const helpNames: ReadonlySet<string> = new Set(['help']);

/**
 * False for a flag: the console's (and `--help`, `--version`, which the console answers). Any other
 * word is a command, or a mistyped one that the commands answer with "did you mean".
 */
export function mayNameCommand(first: string): boolean {
	return !first.startsWith('-');
}
