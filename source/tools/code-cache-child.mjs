// The child process of code-cache.mjs, in a clean environment (V8 accepts a cache only under the
// same V8 flags, so none may come in through NODE_OPTIONS):
//   node code-cache-child.mjs train BUNDLE CACHE ARGS...   runs the bundle as dist/flarewatch.js does,
//       with ARGS, and when it ends with 0 writes V8's cache of everything compiled until then
//   node code-cache-child.mjs compile BUNDLE CACHE         writes the cache of the compiled script alone
//   node code-cache-child.mjs check BUNDLE CACHE           prints "accepted" or "rejected"
// A cache file is the bundle's first line (which names its build), the CRC-32 of V8's data on a
// line of its own, and the data: see launcher.cjs, which checks both lines before offering the data.
// The source and the cache are read by launcher.cjs's own readBundle, as a start reads them.
import {renameSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {Script} from 'node:vm';
import zlib from 'node:zlib';

const [mode, bundlePath, cachePath, ...args] = process.argv.slice(2);
// zlib.crc32 is Node 20.15+: before that the launcher uses no cache, so none is made.
const {crc32} = zlib;
const {readBundle} = createRequire(import.meta.url)('./launcher.cjs');
const {source, cachedData} = readBundle(bundlePath, cachePath);
const header = source.slice(0, source.indexOf('\n') + 1);

function write(script) {
	const data = script.createCachedData();
	// Written whole, then renamed: a start never reads half a cache.
	writeFileSync(`${cachePath}.tmp`, Buffer.concat([Buffer.from(`${header}${crc32(data)}\n`, 'latin1'), data]));
	renameSync(`${cachePath}.tmp`, cachePath);
}

if (typeof crc32 !== 'function') {
	process.stdout.write(mode === 'check' ? 'rejected (this Node has no zlib.crc32)\n' : '');
} else if (mode === 'check') {
	// As the launcher: damaged data is never given to V8.
	process.stdout.write(cachedData !== undefined && !new Script(source, {filename: bundlePath, cachedData}).cachedDataRejected ? 'accepted\n' : 'rejected\n');
} else if (mode === 'compile') {
	write(new Script(source, {filename: bundlePath}));
} else if (mode === 'train') {
	const script = new Script(source, {filename: bundlePath});
	// What the bundle reads: process.argv.slice(2) are the command's arguments.
	process.argv = [process.argv[0], bundlePath, ...args];
	process.on('exit', code => {
		if (code === 0) write(script);
	});
	const url = pathToFileURL(bundlePath);
	await script.runInThisContext()(createRequire(url), url.href);
} else {
	throw new Error(`code-cache-child: unknown mode ${mode}`);
}
