/**
 * Loads Ink the way the console runs it. Ink reads `CI` once at import (is-in-ci) and then writes
 * only the last frame, at exit, and ignores resizes: so `CI` is removed before a dynamic import.
 * Colours: chalk decides its level once, at its first import, and inside a vitest worker it is
 * already loaded (level 1 with no TTY), so the level of Ink's chalk is set directly to truecolor.
 */
export type InkModule = typeof import('ink');

export async function loadInk(): Promise<InkModule> {
	delete process.env['CI'];
	delete process.env['CONTINUOUS_INTEGRATION'];
	process.env['FORCE_COLOR'] = '3';
	const ink = await import('ink');
	// Ink's chalk, hoisted next to it: the same module instance Ink colours with.
	const {default: chalk} = await import('chalk');
	chalk.level = 3;
	return ink;
}
