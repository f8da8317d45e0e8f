/**
 * The audit log: one JSON line per action and outcome, at $XDG_STATE_HOME/flarewatch/audit.jsonl.
 * A line is written before a request is sent and again with its outcome, synchronously, so that a crash,
 * a signal or a dropped SSH link never loses the record of what was asked. Parameters only: credentials
 * never reach this module, and any known secret is scrubbed from every line as a second line of defence.
 */
import {chmodSync, closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';

/** `observed`: not an action but something noticed (drift: `action: 'drift'`, id 0), written once. */
export type AuditOutcome = 'sending' | 'done' | 'failed' | 'unknown' | 'cancelled' | 'refused' | 'observed';

/** One line of the audit log. */
export interface AuditRecord {
	/** ISO 8601, UTC. */
	time: string;
	/** The action's id within this session. */
	id: number;
	/** Identifies this run of the console (pid and start time). */
	session: string;
	/** The API endpoint the action went to (never the key); stamped by the file log. */
	endpoint?: string;
	/** The account's email; stamped by the file log. */
	account?: string;
	zone?: string;
	action: string;
	params: Record<string, unknown>;
	outcome: AuditOutcome;
	attempt?: number;
	error?: string;
	result?: unknown;
}

export interface AuditSink {
	/** Writes the record whole; returns why it could not (nothing of it is then in the log), or undefined. */
	write(record: AuditRecord): string | undefined;
}

/** Where the audit log lives; the demo keeps its own, so rehearsals never mix with real actions. */
export function auditLogPath(env: NodeJS.ProcessEnv, demo = false): string {
	const stateHome = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? homedir(), '.local', 'state');
	return path.join(stateHome, 'flarewatch', demo ? 'audit-demo.jsonl' : 'audit.jsonl');
}

function errorCode(error: unknown): string {
	const code = typeof error === 'object' && error !== null && 'code' in error ? (error as {code: unknown}).code : undefined;
	return typeof code === 'string' ? code : String(error);
}

/**
 * The state directory (audit log, rule registry): made 0700, tightened to 0700 if looser, and refused
 * when it is a symbolic link (a planted link would carry every record elsewhere). Throws with a reason.
 */
export function prepareStateDirectory(directory: string): void {
	mkdirSync(directory, {recursive: true, mode: 0o700});
	const stat = lstatSync(directory);
	if (stat.isSymbolicLink() || !stat.isDirectory()) throw Object.assign(new Error(`${directory} is not a directory (a symbolic link is refused)`), {code: 'ENOTDIR'});
	if (stat.mode & 0o077) chmodSync(directory, 0o700);
}

/**
 * Opens a state file without following a symbolic link (O_NOFOLLOW: ELOOP on a link), creating it
 * 0600 and tightening an existing one to 0600. `flags` are added to O_NOFOLLOW|O_CREAT.
 */
export function openStateFile(file: string, flags: number): number {
	let fd: number;
	try {
		fd = openSync(file, flags | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o600);
	} catch (error) {
		if (errorCode(error) === 'ELOOP') throw Object.assign(new Error(`${file} is a symbolic link; refused (remove it)`), {code: 'ELOOP'});
		throw error;
	}
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), {code: 'EINVAL'});
		if (stat.mode & 0o077) fchmodSync(fd, 0o600);
	} catch (error) {
		closeSync(fd);
		throw error;
	}
	return fd;
}

/** Why a state file operation failed, for a message: the reason we gave, or the system's code. */
export function stateFileProblem(error: unknown): string {
	const code = errorCode(error);
	if ((code === 'ELOOP' || code === 'ENOTDIR' || code === 'EINVAL') && error instanceof Error) return error.message;
	return code;
}

/** Who the records are about: stamped on each line. */
export interface AuditIdentity {
	endpoint: string;
	account: string;
}

/**
 * Appends JSON lines to a file (mode 0600, folder 0700, never through a symbolic link). Each record is
 * one write() on an O_APPEND descriptor: whole, or (a short write on a full disk) cut back to the size
 * before it, so a torn line never glues itself to the next record.
 */
export class FileAuditLog implements AuditSink {
	private readonly secrets: string[];
	private failed = false;

	constructor(
		readonly file: string,
		secrets: readonly string[] = [],
		private readonly onError: (message: string) => void = () => {},
		private readonly identity?: AuditIdentity,
		/** The write itself, replaceable in tests to simulate a full disk. */
		private readonly writeBytes: (fd: number, bytes: Buffer) => number = (fd, bytes) => writeSync(fd, bytes),
	) {
		this.secrets = secrets.filter(secret => secret.length >= 4);
	}

	write(record: AuditRecord): string | undefined {
		const {time, id, session, ...rest} = record;
		const stamped: AuditRecord = this.identity ? {time, id, session, endpoint: this.identity.endpoint, account: this.identity.account, ...rest} : record;
		let line = JSON.stringify(stamped);
		for (const secret of this.secrets) line = line.split(secret).join('[redacted]');
		const bytes = Buffer.from(`${line}\n`, 'utf8');
		let problem: string | undefined;
		try {
			prepareStateDirectory(path.dirname(this.file));
			const fd = openStateFile(this.file, constants.O_WRONLY | constants.O_APPEND);
			try {
				const before = fstatSync(fd).size;
				let written = 0;
				try {
					written = this.writeBytes(fd, bytes);
				} catch (error) {
					problem = errorCode(error);
				}
				if (problem === undefined && written !== bytes.length) problem = 'ENOSPC (a short write)';
				// A part of the line may be in the file: cut it off, so the log holds whole records only.
				if (problem !== undefined && written > 0) ftruncateSync(fd, before);
			} finally {
				closeSync(fd);
			}
		} catch (error) {
			problem ??= stateFileProblem(error);
		}
		if (problem === undefined) {
			this.failed = false;
			return undefined;
		}
		// The reason first: a status line cuts a long path, and the reason is what the operator needs.
		const message = `the audit log cannot be written (${problem}): ${this.file}`;
		// Say it once per run of failures: each refused action also says why in its own entry.
		if (!this.failed) this.onError(message);
		this.failed = true;
		return message;
	}
}

/** Keeps records in memory (for tests and --no-audit style embeddings). */
export class MemoryAuditLog implements AuditSink {
	readonly records: AuditRecord[] = [];
	write(record: AuditRecord): string | undefined {
		this.records.push(record);
		return undefined;
	}
}
