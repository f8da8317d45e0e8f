/**
 * Who changed it, when the audit trail says: another flarewatch console on this machine writes the same
 * audit log, so a drift this console notices may match a change that console made and recorded (`done`).
 * Reads the log's tail only (the last 256 KiB), never follows a symbolic link, and keeps nothing: it is
 * asked once per drift noticed. A log it cannot read says nothing.
 */
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import type {AuditRecord} from '../actions/audit-log.js';
import {attributedBy, type DriftEntry} from './drift.js';

const tailBytes = 256 * 1024;

/** The records at the end of an audit log, whole lines only; [] when it cannot be read. */
export function readAuditTail(file: string): AuditRecord[] {
	let fd: number | undefined;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOCTTY);
		const {size} = fstatSync(fd);
		const length = Math.min(size, tailBytes);
		const buffer = Buffer.alloc(length);
		const read = readSync(fd, buffer, 0, length, size - length);
		const lines = buffer.subarray(0, read).toString('utf8').split('\n');
		// The first line may be cut by the tail's start: it is dropped unless the tail is the whole file.
		if (length < size) lines.shift();
		const records: AuditRecord[] = [];
		for (const line of lines) {
			if (line.trim() === '') continue;
			try {
				records.push(JSON.parse(line) as AuditRecord);
			} catch {
				// A foreign or damaged line says nothing.
			}
		}
		return records;
	} catch {
		return [];
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/**
 * The attribution for drift entries, from the audit log at `file`: "flarewatch pid P on this machine" when another
 * session on this account recorded the very change shortly before it was noticed.
 */
export function auditTrailAttribution(file: string, identity: {endpoint: string; account: string}): (entry: DriftEntry, ownSession: string) => string | undefined {
	return (entry, ownSession) => {
		const records = readAuditTail(file).filter(record => record.endpoint === identity.endpoint && record.account === identity.account && record.session !== ownSession);
		return attributedBy(entry, records);
	};
}
