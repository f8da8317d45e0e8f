/**
 * The address a child server announces: the emulator CLI and the test servers print
 * "listening on URL" on stdout once they accept connections. Shared by the benches and the tests
 * that run an emulator in its own process.
 */
import type {ChildProcess} from 'node:child_process';

/**
 * Resolves with the URL once `child` has printed it. Rejects, naming `what` and what it printed, if
 * the child exits first, or (given `timeoutMs`) if it has not printed it by then.
 */
export function listeningUrl(child: ChildProcess, what: string, timeoutMs?: number): Promise<string> {
	return new Promise<string>((resolve, reject) => {
		let output = '';
		const timer = timeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`${what} did not print its address in ${timeoutMs} ms: ${output}`)), timeoutMs);
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (\S+)/.exec(output);
			if (match?.[1] !== undefined) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', code => {
			clearTimeout(timer);
			reject(new Error(`${what} exited with ${String(code)} before it printed its address: ${output}`));
		});
	});
}
