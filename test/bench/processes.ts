/**
 * The bench's child processes: where the built console is, the demo account, and the cleanup that
 * makes sure no child outlives the bench. Kept free of heavy imports (node-pty, xterm, esbuild), so
 * that a bench child importing it holds only what it measures.
 */
import {join} from 'node:path';

export const bundle = join(process.cwd(), 'dist', 'flarewatch.js');
export const demoEmail = 'demo@example.com';
export const demoKey = 'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9';
/** The demo account's API v4 token (the emulator's `demoAccount.token`). */
export const demoToken = 'flarewatch-demo-token-Q7b2Kx9Lm4Np8Rs6Tv';

const live = new Set<number>();
let hooked = false;

/** Kills a process group started here; harmless if it is gone already. */
export function killGroup(pid: number): void {
	live.delete(pid);
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// Already gone.
	}
}

/** Makes sure no child outlives the bench, whatever way it ends. */
function hookExit(): void {
	if (hooked) return;
	hooked = true;
	process.on('exit', () => {
		for (const pid of [...live]) killGroup(pid);
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			for (const pid of [...live]) killGroup(pid);
			process.exit(130);
		});
	}
}

/** Forgets a child that has exited by itself. */
export function untrack(pid: number): void {
	live.delete(pid);
}

/** Registers a child started elsewhere (e.g. child_process with detached) for cleanup. */
export function track(pid: number): void {
	hookExit();
	live.add(pid);
}

