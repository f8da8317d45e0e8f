// Bundles the CLI into one ESM file (dist/flarewatch.js) with NODE_ENV=production.
// Why a bundle: Ink's dependency tree opens 400+ files at start (~520 ms); one bundle starts in ~220 ms.
// Why the stub: Ink imports react-devtools-core only in development, but esbuild must resolve it.
// Why the banner: bundled CommonJS dependencies call require(), which ESM output lacks.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import {chmod} from 'node:fs/promises';

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
		js: "#!/usr/bin/env node\nimport {createRequire as __flarewatchCreateRequire} from 'node:module'; const require = __flarewatchCreateRequire(import.meta.url);",
	},
	logLevel: 'warning',
});
await chmod(outfile, 0o755);
