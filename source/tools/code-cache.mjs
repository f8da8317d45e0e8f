// Writes V8's code cache for the bundle (see launcher.cjs for how it is used).
// Why train: V8 compiles a function when it is first called, not when the script is compiled, so
// a cache made right after compiling holds little more than the top level (measured: first frame
// ~417 ms with it, ~356 ms with a trained one, medians of 20). Made at the end of a real start
// instead (the demo console in a pseudo-terminal until its threat rows show, then `q`), it holds
// every function a start calls: module top levels, React, Ink, Yoga's glue, the first frames, the
// first poll. Without node-pty (a devDependency) or if that run fails, the compile-only cache is
// written instead, with a warning: a slower start, never a wrong one.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const child = fileURLToPath(new URL('code-cache-child.mjs', import.meta.url));
const trainingTimeoutMs = 20_000;

/** Nothing from the builder's environment: no NODE_OPTIONS (V8 flags), no account, no NO_COLOR. */
function cleanEnv(home) {
	return {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8', NODE_ENV: 'production'};
}

async function train(bundleFile, cacheFile, env) {
	const pty = await import('node-pty');
	await new Promise((resolve, reject) => {
		const demo = pty.spawn(process.execPath, [child, 'train', bundleFile, cacheFile, '--demo'], {name: 'xterm-256color', cols: 100, rows: 30, cwd: tmpdir(), env});
		let screen = '';
		let quitting = false;
		const timer = setTimeout(() => {
			demo.kill('SIGKILL');
			reject(new Error(`the demo console showed no threat rows in ${trainingTimeoutMs / 1000} s`));
		}, trainingTimeoutMs);
		demo.onData(data => {
			screen = (screen + data).slice(-4096);
			// `›` marks the selected threat row: the first poll is answered and drawn.
			if (!quitting && screen.includes('›')) {
				quitting = true;
				demo.write('q');
			}
		});
		demo.onExit(({exitCode}) => {
			clearTimeout(timer);
			if (exitCode === 0 && quitting) resolve();
			else reject(new Error(`the demo console ended with ${exitCode}${quitting ? '' : ' before its threat rows showed'}`));
		});
	});
}

/** Writes `cacheFile` for `bundleFile`; returns how: 'trained', 'compiled' or 'none'. A failed training run only warns. */
export async function writeCodeCache(bundleFile, cacheFile) {
	const home = mkdtempSync(join(tmpdir(), 'flarewatch-code-cache-'));
	const env = cleanEnv(home);
	let how = 'trained';
	try {
		rmSync(cacheFile, {force: true});
		await train(bundleFile, cacheFile, env);
		if (!existsSync(cacheFile)) throw new Error('the demo console ended without writing the cache');
	} catch (error) {
		console.warn(`build: the code cache is compile-only (slower start): ${error instanceof Error ? error.message : String(error)}`);
		how = 'compiled';
		try {
			execFileSync(process.execPath, [child, 'compile', bundleFile, cacheFile], {env, stdio: 'inherit'});
		} catch {
			// The check below finds no cache and says so.
		}
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
	let verdict;
	try {
		verdict = execFileSync(process.execPath, [child, 'check', bundleFile, cacheFile], {env, encoding: 'utf8'}).trim();
	} catch (error) {
		verdict = error instanceof Error ? error.message : String(error);
	}
	if (verdict === 'accepted') return how;
	console.warn(`build: V8 rejects the code cache it just made (${verdict}); none is shipped (slower start)`);
	rmSync(cacheFile, {force: true});
	return 'none';
}
