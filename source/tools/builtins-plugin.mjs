// An esbuild plugin: every import of a Node built-in (`node:http`, `zlib`, ...) becomes a require()
// call in the module that imports it. ESM output would hoist them all into import statements that
// Node loads before the first line runs (~45 ms of built-ins: http, https, tls, zlib, crypto, ...);
// as require() calls they load when their module is first initialised, so the built-ins of the
// modules the bundle initialises lazily (the emulator, the commands) load only when those are used.
// The bundle is run as a script (see launcher.cjs), where import statements are not allowed anyway.
import {builtinModules} from 'node:module';

const builtins = new Set(builtinModules);

export function builtinsAsRequirePlugin() {
	return {
		name: 'flarewatch-builtins-as-require',
		setup(build) {
			build.onResolve({filter: /^[a-z_:/]+$/}, args => {
				// The stand-in's own require() call: left to the real require of the launcher.
				if (args.namespace === 'flarewatch-builtin') return {path: args.path, external: true};
				const name = args.path.startsWith('node:') ? args.path.slice('node:'.length) : args.path;
				if (!builtins.has(name)) return undefined;
				return {path: `node:${name}`, namespace: 'flarewatch-builtin'};
			});
			build.onLoad({filter: /.*/, namespace: 'flarewatch-builtin'}, args => ({contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js'}));
		},
	};
}
