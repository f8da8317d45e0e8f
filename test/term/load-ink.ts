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

/**
 * Ink as the bundle runs it: built by esbuild with the plugin that swaps in flarewatch's Output and
 * widest-line (source/tools/ink-output-plugin.mjs). Ink's own files are bundled; packages stay
 * external, so this Ink shares React and chalk with the plain one (chalk's level as above). Written
 * under node_modules/.cache so that those imports resolve.
 */
export async function loadBundledInk(): Promise<InkModule> {
	await loadInk();
	const {build} = await import('esbuild');
	const {inkOutputPlugin} = await import('../../source/tools/ink-output-plugin.mjs');
	const {mkdirSync} = await import('node:fs');
	const {join} = await import('node:path');
	const {createRequire} = await import('node:module');
	const inkEntry = createRequire(import.meta.url).resolve('ink');
	const directory = join(process.cwd(), 'node_modules', '.cache', 'flarewatch-test');
	mkdirSync(directory, {recursive: true});
	const outfile = join(directory, `ink-bundled-${process.pid}.mjs`);
	await build({entryPoints: [inkEntry], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', alias: {'react-devtools-core': join(process.cwd(), 'source', 'tools', 'devtools-stub.mjs')}, plugins: [inkOutputPlugin()], logLevel: 'error'});
	return (await import(outfile)) as InkModule;
}
