/**
 * Children of the tests start by process.execPath (the bin, pty consoles) or through `node` on PATH
 * (tsx, npx): both must be the Node running the suite, so that a run on a Node tests that Node alone.
 * .ci/run puts each Node it tests first on PATH and names its major version in FLAREWATCH_CI_NODE.
 */
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';

describe('the Node under test', () => {
	it('is the Node on PATH, and the one CI meant to test', () => {
		expect(execFileSync('node', ['-p', 'process.version'], {encoding: 'utf8'}).trim()).toBe(process.version);
		const wanted = process.env['FLAREWATCH_CI_NODE'];
		if (wanted !== undefined) expect(process.versions.node.split('.')[0]).toBe(wanted);
	});
});
