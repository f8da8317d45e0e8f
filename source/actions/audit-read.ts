/**
 * Reads the audit log back (for the incident report). The log is appended by several processes and may
 * end in a torn line (a kill mid-write on a full disk cuts it back, but an older version or a copy may
 * not have), and it holds every account and endpoint this machine used: lines that are not whole
 * records are skipped and counted, and only the records of the one endpoint and account asked for are kept.
 */
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import type {AuditOutcome, AuditRecord} from './audit-log.js';

/** Which records to keep; every field given must match. */
export interface AuditFilter {
	endpoint?: string;
	account?: string;
	session?: string;
	/** Epoch ms, inclusive. */
	from?: number;
	/** Epoch ms, inclusive. */
	until?: number;
}

export interface AuditReadResult {
	records: AuditRecord[];
	/** Lines that were not a whole record (a torn last line, a foreign line). */
	skipped: number;
}

const outcomes: ReadonlySet<string> = new Set<AuditOutcome | 'observed'>(['sending', 'done', 'failed', 'unknown', 'cancelled', 'refused', 'observed']);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A parsed line as a record, or undefined when it lacks what every record has. */
export function asAuditRecord(value: unknown): AuditRecord | undefined {
	if (!isObject(value)) return undefined;
	const {time, id, session, action, params, outcome} = value;
	if (typeof time !== 'string' || !Number.isFinite(Date.parse(time))) return undefined;
	if (typeof id !== 'number' || typeof session !== 'string' || typeof action !== 'string') return undefined;
	if (typeof outcome !== 'string' || !outcomes.has(outcome)) return undefined;
	const record: AuditRecord = {time, id, session, action, params: isObject(params) ? params : {}, outcome: outcome as AuditOutcome};
	if (typeof value.endpoint === 'string') record.endpoint = value.endpoint;
	if (typeof value.account === 'string') record.account = value.account;
	if (typeof value.zone === 'string') record.zone = value.zone;
	if (typeof value.attempt === 'number') record.attempt = value.attempt;
	if (typeof value.error === 'string') record.error = value.error;
	if (value.result !== undefined) record.result = value.result;
	return record;
}

function matches(record: AuditRecord, filter: AuditFilter): boolean {
	if (filter.endpoint !== undefined && record.endpoint !== filter.endpoint) return false;
	if (filter.account !== undefined && record.account !== filter.account) return false;
	if (filter.session !== undefined && record.session !== filter.session) return false;
	const at = Date.parse(record.time);
	if (filter.from !== undefined && at < filter.from) return false;
	if (filter.until !== undefined && at > filter.until) return false;
	return true;
}

/** The records of `text` (JSON lines) that pass `filter`, in file order. */
export function parseAuditLines(text: string, filter: AuditFilter = {}): AuditReadResult {
	const records: AuditRecord[] = [];
	let skipped = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		let record: AuditRecord | undefined;
		try {
			record = asAuditRecord(JSON.parse(line));
		} catch {
			record = undefined;
		}
		if (!record) skipped++;
		else if (matches(record, filter)) records.push(record);
	}
	return {records, skipped};
}

/** The most of a log read at once: a larger one is read from its end (the recent records are what a report needs). */
export const maxAuditBytes = 64 * 1024 * 1024;

/**
 * Reads `file` (never through a symbolic link) and returns its records passing `filter`. A missing
 * file is an empty log. Throws with a code (ELOOP, EACCES...) otherwise.
 */
export function readAuditLog(file: string, filter: AuditFilter = {}): AuditReadResult {
	let fd: number;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOCTTY);
	} catch (error) {
		if ((error as {code?: unknown}).code === 'ENOENT') return {records: [], skipped: 0};
		if ((error as {code?: unknown}).code === 'ELOOP') throw Object.assign(new Error(`${file} is a symbolic link; refused`), {code: 'ELOOP'});
		throw error;
	}
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), {code: 'EINVAL'});
		const length = Math.min(stat.size, maxAuditBytes);
		const buffer = Buffer.alloc(length);
		let read = 0;
		while (read < length) {
			const got = readSync(fd, buffer, read, length - read, stat.size - length + read);
			if (got === 0) break;
			read += got;
		}
		let text = buffer.subarray(0, read).toString('utf8');
		// Started mid-file: the first line is a piece of a record.
		if (stat.size > length) text = text.slice(text.indexOf('\n') + 1);
		return parseAuditLines(text, filter);
	} finally {
		closeSync(fd);
	}
}
