/**
 * What the console must remember across a restart, per zone: the level that was active before `U`
 * (I'm Under Attack) so that `U` again goes back to it, and the last lockdown so that it can be undone.
 * Kept at $XDG_STATE_HOME/flarewatch/state.json, written atomically (temp file + rename).
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {securityLevels, type SecurityLevel} from '../backend.js';
import type {LockdownRecord} from './lockdown.js';

export interface ZoneMemory {
	levelBeforeAttack?: SecurityLevel;
	lockdown?: LockdownRecord;
}

export interface RememberedState {
	zones: Record<string, ZoneMemory>;
}

export function rememberedStatePath(auditFile: string): string {
	return path.join(path.dirname(auditFile), 'state.json');
}

export class RememberedStore {
	private state: RememberedState;

	constructor(private readonly file: string) {
		this.state = load(file);
	}

	zone(name: string): ZoneMemory {
		// Own properties only: a zone named like an Object.prototype member must not find one.
		return Object.hasOwn(this.state.zones, name) ? this.state.zones[name] : {};
	}

	update(name: string, change: (memory: ZoneMemory) => ZoneMemory): void {
		const next = change({...this.zone(name)});
		this.state = {zones: {...this.state.zones, [name]: next}};
		try {
			mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
			const temporary = `${this.file}.${process.pid}.tmp`;
			writeFileSync(temporary, `${JSON.stringify(this.state, null, 2)}\n`, {mode: 0o600});
			renameSync(temporary, this.file);
		} catch {
			// Memory still holds it for this run; losing it across a restart only costs the "go back" shortcut.
		}
	}
}

function load(file: string): RememberedState {
	try {
		const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
		if (!parsed || typeof parsed !== 'object' || !('zones' in parsed) || typeof parsed.zones !== 'object' || !parsed.zones) return {zones: {}};
		const entries: Array<[string, ZoneMemory]> = [];
		for (const [name, raw] of Object.entries(parsed.zones as Record<string, unknown>)) {
			if (!raw || typeof raw !== 'object') continue;
			const memory = raw as Record<string, unknown>;
			const level = securityLevels.find(candidate => candidate === memory.levelBeforeAttack);
			const lockdown = parseLockdown(memory.lockdown);
			entries.push([name, {...(level ? {levelBeforeAttack: level} : {}), ...(lockdown ? {lockdown} : {})}]);
		}
		// fromEntries defines own properties, so a "__proto__" key in a hand-edited file stays plain data.
		return {zones: Object.fromEntries(entries)};
	} catch {
		return {zones: {}};
	}
}

function parseLockdown(raw: unknown): LockdownRecord | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const record = raw as Record<string, unknown>;
	if (!Array.isArray(record.bannedIps) || typeof record.at !== 'number') return undefined;
	const previousLevel = securityLevels.find(candidate => candidate === record.previousLevel);
	return {previousLevel, bannedIps: record.bannedIps.filter((ip): ip is string => typeof ip === 'string'), at: record.at};
}

/** What the console needs of the remembered state: RememberedStore on disk, or memory only (tests). */
export interface Remembered {
	zone(name: string): ZoneMemory;
	update(name: string, change: (memory: ZoneMemory) => ZoneMemory): void;
}

/** Remembers for this run only. */
export class MemoryRemembered implements Remembered {
	private readonly zones = new Map<string, ZoneMemory>();

	zone(name: string): ZoneMemory {
		return this.zones.get(name) ?? {};
	}

	update(name: string, change: (memory: ZoneMemory) => ZoneMemory): void {
		this.zones.set(name, change({...this.zone(name)}));
	}
}
