import {execFileSync} from 'node:child_process';

/** Builds dist/flarewatch.js once, so end-to-end tests run what `npm start` runs. */
export default function setup(): void {
	execFileSync(process.execPath, ['source/tools/build.mjs'], {stdio: 'inherit'});
}
