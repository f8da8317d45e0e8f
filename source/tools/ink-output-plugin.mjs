// An esbuild plugin: in the bundle, Ink's per-frame hot spots are served by flarewatch's own modules.
//   ink/build/renderer.js imports ./output.js   -> source/term/ink-output.ts (see there for why)
//   ink/build/*.js imports widest-line          -> source/term/widest-line.ts (remembers widths)
//   ink/build/*.js import ./measure-text.js and ./wrap-text.js -> source/term/ink-measure-text.ts and
//                                                 ink-wrap-text.ts (Ink's caches never forget: a leak)
// The build fails if Ink no longer imports them that way, rather than silently shipping Ink's.
import {fileURLToPath} from 'node:url';

const inkBuild = /[\\/]node_modules[\\/]ink[\\/]build[\\/]/;
const replacements = [
	{name: 'Output', filter: /^\.\/output\.js$/, importer: /[\\/]ink[\\/]build[\\/]renderer\.js$/, path: '../term/ink-output.ts'},
	{name: 'widest-line', filter: /^widest-line$/, importer: inkBuild, path: '../term/widest-line.ts'},
	{name: 'measure-text', filter: /^\.\/measure-text\.js$/, importer: inkBuild, path: '../term/ink-measure-text.ts'},
	{name: 'wrap-text', filter: /^\.\/wrap-text\.js$/, importer: inkBuild, path: '../term/ink-wrap-text.ts'},
];

export function inkOutputPlugin() {
	return {
		name: 'flarewatch-ink-output',
		setup(build) {
			const used = new Set();
			for (const replacement of replacements) {
				const path = fileURLToPath(new URL(replacement.path, import.meta.url));
				build.onResolve({filter: replacement.filter}, args => {
					if (!replacement.importer.test(args.importer)) return undefined;
					used.add(replacement.name);
					return {path};
				});
			}
			build.onEnd(result => {
				if (result.errors.length > 0) return;
				for (const replacement of replacements) {
					if (!used.has(replacement.name)) result.errors.push({text: `flarewatch-ink-output: Ink no longer imports ${replacement.name} as this plugin expects; update source/tools/ink-output-plugin.mjs for this Ink`});
				}
			});
		},
	};
}
