// Bundles the CLI into one file with NODE_ENV=production, and writes what runs it:
//   dist/flarewatch.js               the command (package.json "bin"): launcher.cjs, a few lines
//   dist/flarewatch-bundle.js        the bundle: flarewatch and its dependencies, one script
//   dist/flarewatch-bundle.js.cache  V8's code cache for the bundle, compiled without running it (code-cache.mjs)
//   dist/package.json                {"type": "commonjs"}, for the launcher (see there)
// Why a bundle: Ink's dependency tree opens 400+ files at start (~520 ms); one bundle starts in ~220 ms.
// Why a script with a code cache: compiling the bundle as a module took ~70-85 ms of every start, and
// compiling functions on their first calls ~35 ms more; Node 20 caches neither for a module, but
// takes V8's cache for a vm.Script, and with a cache that holds every function (code-cache.mjs) a
// start compiles almost nothing. So the bundle is esbuild's ESM output wrapped in an async function
// expression (where Yoga's top-level await stays legal), which the launcher compiles with the cache
// and calls.
// Why the stubs: Ink imports react-devtools-core only in development, but esbuild must resolve it;
// `debug` (https-proxy-agent's) would print the proxy's URL, password included, when DEBUG is set.
// Why the plugin: Ink's Output and widest-line are served by flarewatch's own remembering versions
// (source/term/ink-output.ts): Ink's cost about 15 ms of every frame (ink-output-plugin.mjs).
// Why whitespace and syntax minification, but not identifiers: it drops the comments, where the only
// non-ASCII text of the bundle is (an ASCII bundle is read as latin1, ~10 ms sooner than UTF-8
// decoding one with a few non-ASCII characters), and 30 % of the size. Minifying identifiers too
// gains nothing measurable (compile without a cache 72 vs 68 ms; with the cache, the same start), and
// would leave crash reports and CPU profiles with mangled function names.
// Why the built-ins plugin: see builtins-plugin.mjs (each loads when first needed, by require()).
// Why the string-width plugin: see string-width-plugin.mjs (no emoji expression built at start).
// Why the require parameter: bundled CommonJS dependencies call require(), which ESM output lacks;
// the launcher passes its own, which resolves from dist/ as the bundle would. import.meta.url, which a
// script cannot use, becomes the launcher's second argument: the bundle's file URL.
// Why fetch is hidden until the footer: Yoga (Ink's layout engine) loads its WebAssembly with
// `fetch(dataURL)` when a global fetch exists, and Node's first fetch() call loads undici (~60 ms at
// start); without one it decodes the same base64 synchronously. Nothing in flarewatch uses the global
// fetch (the client uses node-fetch), and it is put back as soon as the bundle's modules are loaded:
// the ones loaded at start (the emulator's and the commands' load on first use, later, and none is
// Yoga), which is why cli.tsx imports the console, and so Ink, statically.
import {build} from 'esbuild';
import {createHash} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import {chmod, mkdir, readFile, rename, writeFile} from 'node:fs/promises';
import {Script} from 'node:vm';
import {inkOutputPlugin} from './ink-output-plugin.mjs';
import {builtinsAsRequirePlugin} from './builtins-plugin.mjs';
import {stringWidthPlugin} from './string-width-plugin.mjs';
import {writeCodeCache} from './code-cache.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = `${root}dist/flarewatch.js`;
const bundleFile = `${root}dist/flarewatch-bundle.js`;

const options = {
	// The entry imports cli.tsx rather than being it: the bundle runs it and exports nothing.
	stdin: {contents: "import './cli.tsx';", resolveDir: `${root}source`, sourcefile: 'flarewatch-entry.ts', loader: 'ts'},
	write: false,
	metafile: true,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	jsx: 'automatic',
	minifyWhitespace: true,
	minifySyntax: true,
	charset: 'ascii',
	sourcemap: false,
	legalComments: 'none',
	external: ['node-pty', '@xterm/headless'],
	alias: {'react-devtools-core': `${root}source/tools/devtools-stub.mjs`, debug: `${root}source/tools/debug-stub.mjs`},
	define: {'process.env.NODE_ENV': '"production"', 'import.meta.url': '__flarewatchImportMetaUrl'},
	banner: {
		js: [
			// Module code is strict; so is the bundle's, as a script.
			"'use strict';",
			"const __flarewatchFetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch'); if (__flarewatchFetch?.configurable) delete globalThis.fetch;",
		].join('\n'),
	},
	footer: {
		js: "if (__flarewatchFetch?.configurable) Object.defineProperty(globalThis, 'fetch', __flarewatchFetch);",
	},
	plugins: [inkOutputPlugin()],
	logLevel: 'warning',
};
options.plugins.push(builtinsAsRequirePlugin(), stringWidthPlugin());
const result = await build(options);

// A script cannot import: every import must have been bundled, or made a require() call.
for (const [, output] of Object.entries(result.metafile.outputs)) {
	const left = output.imports.filter(entry => entry.kind !== 'require-call');
	if (left.length > 0) throw new Error(`build: the bundle still imports ${left.map(entry => entry.path).join(', ')}; a script cannot (bundle it, or require it)`);
}
const code = result.outputFiles[0].text;
// An ASCII bundle is written and read as latin1 (a one-byte string, without UTF-8 decoding); one with
// other characters (comments, when not minified) as UTF-8. The first line says which, and names the
// build for the launcher's cache check.
const encoding = /[^\x00-\x7f]/.test(code) ? 'utf8' : 'latin1';
const body = `(async function (require, __flarewatchImportMetaUrl) {${code}\n})\n`;
const bundle = `// flarewatch bundle ${encoding} ${createHash('sha256').update(body).digest('hex')}\n${body}`;
// Fails the build on anything a script cannot hold (an import statement, import.meta).
new Script(bundle, {filename: bundleFile});

// Each file is written whole, then renamed into place: a start during a build (tests, benches) runs
// the old file or the new one, never half of one. A cache from the old build is not offered for the
// new bundle (see launcher.cjs) until the new cache replaces it.
async function put(file, text, encoding = 'utf8') {
	await writeFile(`${file}.tmp`, text, encoding);
	await rename(`${file}.tmp`, file);
}
await mkdir(`${root}dist`, {recursive: true});
await put(bundleFile, bundle, encoding);
await put(`${root}dist/package.json`, '{"type": "commonjs"}\n');
await writeFile(`${outfile}.tmp`, `#!/usr/bin/env node\n${await readFile(`${root}source/tools/launcher.cjs`, 'utf8')}`);
await chmod(`${outfile}.tmp`, 0o755);
await rename(`${outfile}.tmp`, outfile);
writeCodeCache(bundleFile, `${bundleFile}.cache`);
