// Writes V8's code cache for the bundle (see launcher.cjs for how it is used), without running it.
// Why eager: V8 compiles a function when it is first called, not when the script is compiled, so a
// cache made right after an ordinary compile holds little more than the top level, and a start still
// compiles every function it calls. Compiled with V8's lazy compilation off, the script's cache holds
// every function of the bundle, those a start calls among them, with nothing run: no console, no
// terminal, no network. (The flag is put back before the cache is written: V8 accepts a cache only
// under the flags it was made with, and a start runs with the defaults.) The check runs in a fresh
// process, as a start would read the cache; a cache it rejects is not shipped, with a warning: a
// slower start, never a wrong one.
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const child = fileURLToPath(new URL('code-cache-child.mjs', import.meta.url));

/** Nothing from the builder's environment: no NODE_OPTIONS (V8 flags). */
function cleanEnv() {
	return {PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8'};
}

/** Writes `cacheFile` for `bundleFile`; returns whether V8 accepts it ('accepted'), else 'none'. */
export function writeCodeCache(bundleFile, cacheFile) {
	const env = cleanEnv();
	rmSync(cacheFile, {force: true});
	let verdict;
	try {
		execFileSync(process.execPath, [child, 'compile', bundleFile, cacheFile], {env, stdio: ['ignore', 'ignore', 'inherit']});
		verdict = execFileSync(process.execPath, [child, 'check', bundleFile, cacheFile], {env, encoding: 'utf8'}).trim();
	} catch (error) {
		verdict = error instanceof Error ? error.message : String(error);
	}
	if (verdict === 'accepted') return verdict;
	console.warn(`build: no code cache is shipped (slower start): ${verdict}`);
	rmSync(cacheFile, {force: true});
	return 'none';
}
