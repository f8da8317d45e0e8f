/**
 * The audit log: one JSON line per action and outcome, at $XDG_STATE_HOME/flarewatch/audit.jsonl.
 * A line is written before a request is sent and again with its outcome, synchronously, so that a crash,
 * a signal or a dropped SSH link never loses the record of what was asked. Parameters only: credentials
 * never reach this module, and any known secret is scrubbed from every line as a second line of defence.
 */
import {appendFileSync, mkdirSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';

export type AuditOutcome = 'sending' | 'done' | 'failed' | 'unknown' | 'cancelled' | 'refused';

/** One line of the audit log. */
export interface AuditRecord {
	/** ISO 8601, UTC. */
	time: string;
	/** The action's id within this session. */
	id: number;
	/** Identifies this run of the console (pid and start time). */
	session: string;
	zone?: string;
	action: string;
	params: Record<string, unknown>;
	outcome: AuditOutcome;
	attempt?: number;
	error?: string;
	result?: unknown;
}

export interface AuditSink {
	write(record: AuditRecord): void;
}

/** Where the audit log lives. */
export function auditLogPath(env: NodeJS.ProcessEnv): string {
	const stateHome = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? homedir(), '.local', 'state');
	return path.join(stateHome, 'flarewatch', 'audit.jsonl');
}

/** Appends JSON lines to a file (mode 0600, folder 0700). */
export class FileAuditLog implements AuditSink {
	private readonly secrets: string[];
	private failed = false;

	constructor(
		readonly file: string,
		secrets: readonly string[] = [],
		private readonly onError: (message: string) => void = () => {},
	) {
		this.secrets = secrets.filter(secret => secret.length >= 4);
	}

	write(record: AuditRecord): void {
		let line = JSON.stringify(record);
		for (const secret of this.secrets) line = line.split(secret).join('[redacted]');
		try {
			mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
			appendFileSync(this.file, `${line}\n`, {mode: 0o600});
			this.failed = false;
		} catch (error) {
			// Say it once per run of failures: the operator must know the record is incomplete.
			if (!this.failed) this.onError(`audit log ${this.file} cannot be written: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			this.failed = true;
		}
	}
}

/** Keeps records in memory (for tests and --no-audit style embeddings). */
export class MemoryAuditLog implements AuditSink {
	readonly records: AuditRecord[] = [];
	write(record: AuditRecord): void {
		this.records.push(record);
	}
}
