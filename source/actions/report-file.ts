/**
 * Writes an incident report's two files (Markdown and JSON), each created 0600 and new (O_EXCL): never
 * through a symbolic link, never over another report. The default folder is `reports/` in the state
 * directory, made 0700 as the audit log's is; a folder given with --out must already exist and is
 * not a symbolic link. A failed write removes what it made, so no half report is left behind.
 */
import {closeSync, constants, fstatSync, lstatSync, openSync, unlinkSync, writeSync} from 'node:fs';
import path from 'node:path';
import {prepareStateDirectory, stateFileProblem} from './audit-log.js';

/** `$XDG_STATE_HOME/flarewatch/reports`, beside the audit log. */
export function reportsDirectory(auditFile: string): string {
	return path.join(path.dirname(auditFile), 'reports');
}

/** "incident-example.com-20261207T213005Z": the zone (made a safe file name) and the UTC second. */
export function reportBaseName(zones: readonly string[], at: number): string {
	const zone = (zones[0] ?? 'account').toLowerCase().replace(/[^a-z0-9.-]/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'zone';
	const more = zones.length > 1 ? `+${zones.length - 1}` : '';
	const stamp = new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '');
	return `incident-${zone}${more}-${stamp}Z`;
}

export type ReportWriteResult = {ok: true; markdown: string; json: string} | {ok: false; problem: string};

function code(error: unknown): string {
	const value = typeof error === 'object' && error !== null && 'code' in error ? (error as {code: unknown}).code : undefined;
	return typeof value === 'string' ? value : '';
}

/** Creates `file` new, 0600, and writes `text` whole; EEXIST when the name is taken (by anything, a link too). */
function writeNew(file: string, text: string, write: (fd: number, bytes: Buffer) => number): void {
	const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o600);
	try {
		const bytes = Buffer.from(text, 'utf8');
		let written = 0;
		while (written < bytes.length) {
			const count = write(fd, bytes.subarray(written));
			if (count <= 0) throw Object.assign(new Error('a short write'), {code: 'ENOSPC'});
			written += count;
		}
		// A umask cannot loosen 0600, but a file system might: the report holds the account's actions.
		if (fstatSync(fd).mode & 0o077) throw Object.assign(new Error('the file could not be made private'), {code: 'EPERM'});
	} catch (error) {
		closeSync(fd);
		unlinkSync(file);
		throw error;
	}
	closeSync(fd);
}

export interface ReportWriteOptions {
	/** The folder; `create` makes it 0700 (the state directory's reports/), else it must exist. */
	directory: string;
	create: boolean;
	baseName: string;
	markdown: string;
	json: string;
	/** The write itself, replaceable in tests to simulate a full disk. */
	write?: (fd: number, bytes: Buffer) => number;
}

/** Writes both files under a name no other report has (`-2`, `-3`... when taken). */
export function writeReportFiles(options: ReportWriteOptions): ReportWriteResult {
	const write = options.write ?? ((fd: number, bytes: Buffer) => writeSync(fd, bytes));
	try {
		if (options.create) prepareStateDirectory(options.directory);
		else {
			const stat = lstatSync(options.directory);
			if (stat.isSymbolicLink() || !stat.isDirectory()) return {ok: false, problem: `${options.directory} is not a directory (a symbolic link is refused)`};
		}
	} catch (error) {
		const problem = code(error) === 'ENOENT' ? 'ENOENT: no such folder' : stateFileProblem(error);
		return {ok: false, problem: `the report folder cannot be used (${problem}): ${options.directory}`};
	}
	for (let attempt = 1; attempt <= 100; attempt++) {
		const base = path.join(options.directory, attempt === 1 ? options.baseName : `${options.baseName}-${attempt}`);
		const markdown = `${base}.md`;
		const json = `${base}.json`;
		try {
			writeNew(markdown, options.markdown, write);
		} catch (error) {
			if (code(error) === 'EEXIST') continue;
			return {ok: false, problem: `the report cannot be written (${stateFileProblem(error)}): ${markdown}`};
		}
		try {
			writeNew(json, options.json, write);
		} catch (error) {
			unlinkSync(markdown);
			if (code(error) === 'EEXIST') continue;
			return {ok: false, problem: `the report cannot be written (${stateFileProblem(error)}): ${json}`};
		}
		return {ok: true, markdown, json};
	}
	return {ok: false, problem: `100 reports of that second already exist in ${options.directory}`};
}
