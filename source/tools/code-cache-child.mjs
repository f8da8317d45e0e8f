// The child process of code-cache.mjs, in a clean environment (V8 accepts a cache only under the
// same V8 flags, so none may come in through NODE_OPTIONS):
//   node code-cache-child.mjs compile BUNDLE CACHE   compiles the bundle with lazy compilation off and
//       writes V8's cache of it (nothing of the bundle runs)
//   node code-cache-child.mjs check BUNDLE CACHE     prints "accepted" or "rejected"
// A cache file is the bundle's first line (which names its build), the CRC-32 of V8's data on a
// line of its own, and the data: see launcher.cjs, which checks both lines before offering the data.
// The source and the cache are read by launcher.cjs's own readBundle, as a start reads them.
import {renameSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import v8 from 'node:v8';
import {Script} from 'node:vm';
import zlib from 'node:zlib';

const [mode, bundlePath, cachePath] = process.argv.slice(2);
// zlib.crc32 is Node 20.15+: before that the launcher uses no cache, so none is made.
const {crc32} = zlib;
const {readBundle} = createRequire(import.meta.url)('./launcher.cjs');
const {source, cachedData} = readBundle(bundlePath, cachePath);
const header = source.slice(0, source.indexOf('\n') + 1);

if (typeof crc32 !== 'function') {
	process.stdout.write(mode === 'check' ? 'rejected (this Node has no zlib.crc32)\n' : '');
} else if (mode === 'check') {
	// As the launcher: damaged data is never given to V8.
	process.stdout.write(cachedData !== undefined && !new Script(source, {filename: bundlePath, cachedData}).cachedDataRejected ? 'accepted\n' : 'rejected\n');
} else if (mode === 'compile') {
	// Every function compiled now, so that the cache holds them all (see code-cache.mjs); the default
	// put back before the cache is made, since the cache records the flags it was made under.
	v8.setFlagsFromString('--no-lazy');
	const script = new Script(source, {filename: bundlePath});
	v8.setFlagsFromString('--lazy');
	const data = script.createCachedData();
	// Written whole, then renamed: a start never reads half a cache.
	writeFileSync(`${cachePath}.tmp`, Buffer.concat([Buffer.from(`${header}${crc32(data)}\n`, 'latin1'), data]));
	renameSync(`${cachePath}.tmp`, cachePath);
} else {
	throw new Error(`code-cache-child: unknown mode ${mode}`);
}
