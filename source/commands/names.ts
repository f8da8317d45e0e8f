/**
 * What a first argument must look like to name a one-shot command, without loading the commands:
 * cli.tsx asks this first, so that a console start (`flarewatch --demo`) evaluates none of them.
 */
export const helpNames: ReadonlySet<string> = new Set(['help', '--help', '-h']);

/** False for a first argument no command can have: a flag other than the help flags. */
export function mayNameCommand(first: string): boolean {
	return helpNames.has(first) || !first.startsWith('-');
}
