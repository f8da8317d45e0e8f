// dist/flarewatch.js, the command (package.json "bin"): runs the bundle, dist/flarewatch-bundle.js,
// with V8's code cache for it, dist/flarewatch-bundle.js.cache. All three are written by
// `npm run build` (source/tools/build.mjs copies this file); see there for why.
//
// The bundle is one async function expression, `(async function (require, importMetaUrl) {...})`:
// a script, not a module, because Node 20 can give V8 a code cache only for a vm.Script (a module
// is always parsed and compiled afresh: ~85 ms for this bundle, and more for every function compiled
// on its first call). With a cache, V8 deserialises the bytecode it holds instead of compiling.
// This file is CommonJS (dist/package.json says so): Node starts a CommonJS entry ~10 ms sooner
// than a module, which would load the ESM loader and wrap each built-in it imports.
//
// The cache is an optimisation only: missing, unreadable, damaged, from another build, or rejected
// by V8 (another Node or V8 version, other V8 flags), the bundle is compiled from source as if there
// were no cache, and starts as it would without one. V8 checks its version and flags and the source's
// length, but not the data (damaged data that passes those checks crashes the process). So the cache
// file starts with two lines: the bundle's first line, which names its build (a hash of its text),
// and the CRC-32 of V8's data after them; a cache is offered only if both match.
// (zlib.crc32 is Node 20.15+; before that, no cache. zlib itself is loaded at start anyway, by node-fetch.)
'use strict';
/* global require, __dirname, module */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see above */
const {readFileSync} = require('node:fs');
const {join} = require('node:path');
const {pathToFileURL} = require('node:url');
const {Script} = require('node:vm');
const {crc32} = require('node:zlib');

/**
 * The bundle's source, and V8's cache for it when the cache is intact and of this build (else
 * undefined). Also used by code-cache-child.mjs, so the build checks a cache as a start reads it.
 */
function readBundle(bundlePath, cachePath = `${bundlePath}.cache`) {
	// Its first line says how the build wrote it: latin1 (ASCII, read without UTF-8 decoding) or utf8.
	const file = readFileSync(bundlePath);
	const source = file.toString(file.toString('latin1', 0, 32).startsWith('// flarewatch bundle utf8 ') ? 'utf8' : 'latin1');
	let cachedData;
	try {
		const cache = readFileSync(cachePath);
		const build = source.slice(0, source.indexOf('\n') + 1);
		const end = cache.indexOf(10, build.length);
		if (typeof crc32 === 'function' && build.length > 0 && end > build.length && cache.toString('latin1', 0, build.length) === build) {
			const data = cache.subarray(end + 1);
			if (cache.toString('latin1', build.length, end) === String(crc32(data))) cachedData = data;
		}
	} catch {
		// No cache: compile from source.
	}
	return {source, cachedData};
}

/**
 * Core dumps off for this process (Linux): a core file would hold the API key in clear. Node has no
 * setrlimit, so prlimit(1) lowers this process's soft limit, before the bundle (which reads the key)
 * runs. Most systems already start with a soft limit of 0 and pay nothing; otherwise the spawn costs
 * tens of milliseconds, once. No prlimit (or not Linux): left as it is.
 */
function disableCoreDumps() {
	if (process.platform !== 'linux') return;
	let limits;
	try {
		limits = readFileSync('/proc/self/limits', 'latin1');
	} catch {
		return;
	}
	const soft = /^Max core file size +(\S+)/m.exec(limits);
	if (!soft || soft[1] === '0') return;
	try {
		require('node:child_process').spawnSync('prlimit', [`--pid=${process.pid}`, '--core=0:'], {stdio: 'ignore', timeout: 5000});
	} catch {
		// No prlimit: nothing else can lower it from here.
	}
}

if (require.main === module) {
	disableCoreDumps();
	const bundlePath = join(__dirname, 'flarewatch-bundle.js');
	const {source, cachedData} = readBundle(bundlePath);
	const bundle = new Script(source, {filename: bundlePath, cachedData}).runInThisContext();
	// The bundle's require() resolves from dist/, as this file's does. A failure to start rejects the
	// promise, and Node reports it and exits with 1, as it did for the bundle as a module.
	bundle(require, pathToFileURL(bundlePath).href);
} else {
	module.exports = {readBundle};
}
