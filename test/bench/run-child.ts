/**
 * Runs the bench's in-process children (console-soak-child.ts, console-flood-child.ts) bundled as the
 * console ships, each in its own process group.
 */
import {spawn} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {build} from 'esbuild';
import {inkOutputPlugin} from '../../source/tools/ink-output-plugin.mjs';
import {track} from './processes.js';

/**
 * Bundles a bench child script as dist/flarewatch.js is bundled (esbuild, NODE_ENV=production, the
 * Ink Output plugin), under node_modules/.cache so that its external packages resolve.
 */
async function bundleChild(file: string): Promise<string> {
	const directory = join(process.cwd(), 'node_modules', '.cache', 'flarewatch-bench');
	mkdirSync(directory, {recursive: true});
	const outfile = join(directory, `${file.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
	await build({
		entryPoints: [file],
		outfile,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'esm',
		jsx: 'automatic',
		external: ['node-pty', '@xterm/headless', 'esbuild'],
		alias: {'react-devtools-core': join(process.cwd(), 'source', 'tools', 'devtools-stub.mjs')},
		define: {'process.env.NODE_ENV': '"production"'},
		banner: {js: "import {createRequire as __benchCreateRequire} from 'node:module'; const require = __benchCreateRequire(import.meta.url);"},
		plugins: [inkOutputPlugin()],
		logLevel: 'error',
	});
	return outfile;
}

/**
 * Runs a bench child script, bundled (see bundleChild), as `node [flags] BUNDLE` in its own process
 * group with production React, and returns the JSON it prints on its last `RESULT ` line.
 */
export async function runChild<T>(file: string, nodeFlags: string[] = [], timeoutMs = 240_000, extraEnv: Record<string, string> = {}): Promise<T> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'CI') env[name] = value;
	Object.assign(env, extraEnv);
	const child = spawn(process.execPath, [...nodeFlags, await bundleChild(file)], {stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: {...env, NODE_ENV: 'production'}});
	if (child.pid !== undefined) track(child.pid);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
	clearTimeout(timer);
	const line = output.split('\n').findLast(text => text.startsWith('RESULT '));
	if (code !== 0 || !line) throw new Error(`${file} exited with ${code}; output:\n${output.slice(-2000)}`);
	return JSON.parse(line.slice('RESULT '.length)) as T;
}
