/**
 * When something unexpected reaches the top, the terminal is restored first and then a report goes
 * to a file, never to the screen; secrets are scrubbed from it.
 */
import {closeSync, constants, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {openStateFile, prepareStateDirectory} from '../actions/audit-log.js';
import {scrub, type Secret} from '../lib/secret.js';

/** `$XDG_STATE_HOME/flarewatch`, default `~/.local/state/flarewatch`. */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
	return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'flarewatch');
}

/** Writes the report and returns its path, or undefined when it could not be written. */
export function writeCrashReport(error: unknown, env: Readonly<Record<string, string | undefined>>, secrets: readonly Secret[], now = new Date()): string | undefined {
	const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
	try {
		const directory = stateDirectory(env);
		// As the audit log: folder 0700, file 0600, never through a link planted at the name (O_EXCL).
		prepareStateDirectory(directory);
		const path = join(directory, `crash-${now.toISOString().replace(/[:.]/g, '-')}.txt`);
		const fd = openStateFile(path, constants.O_WRONLY | constants.O_EXCL);
		try {
			writeFileSync(fd, `flarewatch crash report, ${now.toISOString()}\n${scrub(text, secrets)}\n`);
		} finally {
			closeSync(fd);
		}
		return path;
	} catch {
		return undefined;
	}
}
