// Bundles the CLI into one ESM file (dist/flarewatch.js) with NODE_ENV=production.
// Why a bundle: Ink's dependency tree opens 400+ files at start (~520 ms); one bundle starts in ~220 ms.
// Why the stub: Ink imports react-devtools-core only in development, but esbuild must resolve it.
// Why the banner: bundled CommonJS dependencies call require(), which ESM output lacks.
// Why the plugin: Ink's Output and widest-line are served by flarewatch's own remembering versions
// (source/term/ink-output.ts): Ink's cost about 15 ms of every frame (ink-output-plugin.mjs).
// Why fetch is hidden until the footer: Yoga (Ink's layout engine) loads its WebAssembly with
// `fetch(dataURL)` when a global fetch exists, and Node's first fetch() call loads undici (~60 ms at
// start); without one it decodes the same base64 synchronously. Nothing in flarewatch uses the global
// fetch (the client uses node-fetch), and it is put back as soon as the bundle's modules are loaded.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import {chmod} from 'node:fs/promises';
import {inkOutputPlugin} from './ink-output-plugin.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = `${root}dist/flarewatch.js`;

await build({
	entryPoints: [`${root}source/cli.tsx`],
	outfile,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	jsx: 'automatic',
	minify: false,
	sourcemap: false,
	legalComments: 'none',
	external: ['node-pty', '@xterm/headless'],
	alias: {'react-devtools-core': `${root}source/tools/devtools-stub.mjs`},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: [
			'#!/usr/bin/env node',
			"import {createRequire as __flarewatchCreateRequire} from 'node:module'; const require = __flarewatchCreateRequire(import.meta.url);",
			"const __flarewatchFetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch'); if (__flarewatchFetch?.configurable) delete globalThis.fetch;",
		].join('\n'),
	},
	footer: {
		js: "if (__flarewatchFetch?.configurable) Object.defineProperty(globalThis, 'fetch', __flarewatchFetch);",
	},
	plugins: [inkOutputPlugin()],
	logLevel: 'warning',
});
await chmod(outfile, 0o755);
