/**
 * The rule registry: what this machine's flarewatch made on an account (bans and whitelists from the
 * console and the one-shot commands, lockdowns with each ban's state) and what must survive a restart
 * (the level before `U`). One file for every account, at $XDG_STATE_HOME/flarewatch/registry.json,
 * keyed by endpoint and email. Writers never overwrite each other: each change takes a lock file,
 * re-reads the file, applies the change to what it read, and renames a complete temp file into place.
 * So two consoles and a `flarewatch ban` on one account each keep what the others wrote.
 */
import {closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {securityLevels, type SecurityLevel} from '../backend.js';
import {openStateFile, prepareStateDirectory, stateFileProblem} from './audit-log.js';

/** Where one ban (or rule) of a lockdown stands. `sent` means sent without an answer yet (or ever: a kill). */
export type BanState = 'planned' | 'sent' | 'done' | 'failed' | 'not-sent' | 'clearing' | 'cleared';

const banStates: readonly BanState[] = ['planned', 'sent', 'done', 'failed', 'not-sent', 'clearing', 'cleared'];

/** A lockdown, recorded before its first request and updated as each answer comes. */
export interface LockdownRecord {
	id: string;
	/** Epoch ms when it was confirmed. */
	at: number;
	/** The level before it (restored by the undo); undefined when it was not known. */
	previousLevel?: SecurityLevel;
	/** locking: sending its requests; locked: all answered; undoing: its undo is under way or unfinished. */
	phase: 'locking' | 'locked' | 'undoing';
	/** The process that runs the lockdown or its undo; a live one elsewhere owns it. */
	owner: {pid: number; session: string};
	/** Every ban it planned, by IP. */
	bans: Record<string, BanState>;
	/** Threat IPs that already had a rule, left alone (never cleared by the undo). */
	leftAlone: number;
	/** Threat IPs not planned because the hour's calls would not cover them. */
	overBudget: number;
	/** The undo has set the level back (an unfinished undo does not send it again). */
	levelRestored?: boolean;
	/**
	 * APIs whose rules carry notes (v4): the id every rule of this lockdown names in its notes, so that
	 * any console finds them by listing the zone's rules. Its `bans` are then keyed by rule (lockdown-rules.ts).
	 */
	batch?: string;
	/** user@host of whoever made it, as its notes say. */
	operator?: string;
	/** Found in the zone's rules by its notes, not made from this machine (another machine's console). */
	madeElsewhere?: boolean;
	/** The level before it was not known (notes without it): `previousLevel` is medium, offered as such. */
	levelAssumed?: boolean;
}

/** A rule this machine's flarewatch made. */
export interface OwnedRule {
	mode: 'ban' | 'wl';
	/** Epoch ms. */
	at: number;
	/** Which part of flarewatch made it. */
	by: 'console' | 'command' | 'lockdown';
}

export interface ZoneMemory {
	/** The level `U` left, so that `U` again goes back to it. */
	levelBeforeAttack?: SecurityLevel;
	lockdown?: LockdownRecord;
}

/**
 * A timed ban to clear when it is due (actions/bans.ts), keyed by {@link expiryKey}. `claim` names the
 * process clearing it now: taken under the registry's lock, so two processes never both send the clear;
 * a claim whose process is gone (kill -9) is taken over.
 */
export interface BanExpiry {
	ip: string;
	/** The zone the rule is in (APIs with rules per zone, v4); absent for account-wide rules (v1). */
	zone?: {name: string; id: string};
	/** Epoch ms: when it is due. */
	until: number;
	/** Epoch ms: when the ban was made. */
	at: number;
	claim?: {pid: number; session: string; at: number};
	/** The last attempt failed: not before this (epoch ms), and why. */
	retryAt?: number;
	error?: string;
	/** Found in a listed rule's notes (another machine's ban), not made from this one. */
	fromNotes?: boolean;
}

/** The last ban of an address made by hand or by command: what the next one escalates from. */
export interface BanHistory {
	/** Epoch ms when it was made. */
	at: number;
	/** Seconds; 0 = permanent. */
	duration: number;
	/** Its ladder step (-1: not a ladder duration, the configured first ban). */
	step: number;
}

/** What the registry holds for one account. Keys are plain data: read them with {@link own}. */
export interface AccountRecords {
	rules: Record<string, OwnedRule>;
	zones: Record<string, ZoneMemory>;
	/** Timed bans still to clear (absent in files written before timed bans). */
	expiries?: Record<string, BanExpiry>;
	/** Each address's last ban, for escalation; bounded (see bans.ts). */
	banHistory?: Record<string, BanHistory>;
	/** Expiries carried out lately (key → its `until`), so a stale listing's note never brings one back. */
	expired?: Record<string, number>;
}

/** The registry key of a timed ban: the address, and its zone where rules live in zones. */
export function expiryKey(ip: string, zone?: string): string {
	return zone === undefined ? ip : `${zone} ${ip}`;
}

export interface Registry {
	/** The account's records as the file has them now. */
	read(): AccountRecords;
	/** Applies `change` to the latest records on disk and writes them back; returns what was written. */
	update(change: (records: AccountRecords) => AccountRecords): AccountRecords;
	/**
	 * As `update`, but throws when the change could not be written under the lock, instead of keeping it
	 * in memory: a claim that other processes cannot see is no claim. Absent: one process only (memory).
	 */
	updateOrThrow?(change: (records: AccountRecords) => AccountRecords): AccountRecords;
}

export function emptyRecords(): AccountRecords {
	return {rules: {}, zones: {}};
}

/** An own property only: an IP or zone named like an Object.prototype member must not find one. */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
	return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A copy of `record` with `key` set (or removed when `value` is undefined), keys kept as plain data. */
export function withKey<T>(record: Record<string, T>, key: string, value: T | undefined): Record<string, T> {
	const entries = Object.entries(record).filter(([name]) => name !== key);
	if (value !== undefined) entries.push([key, value]);
	return Object.fromEntries(entries);
}

export function zoneMemory(records: AccountRecords, zone: string): ZoneMemory {
	return own(records.zones, zone) ?? {};
}

export function withZone(records: AccountRecords, zone: string, change: (memory: ZoneMemory) => ZoneMemory): AccountRecords {
	const next = change({...zoneMemory(records, zone)});
	const empty = next.levelBeforeAttack === undefined && next.lockdown === undefined;
	return {...records, zones: withKey(records.zones, zone, empty ? undefined : next)};
}

/**
 * A rule made (mode) or cleared (undefined) by hand, from a key, the palette or a one-shot command. A
 * lockdown's ban cleared or replaced this way is marked cleared, so its undo does not clear it again.
 */
export function withOwnedRule(records: AccountRecords, ip: string, mode: OwnedRule['mode'] | undefined, at: number, by: OwnedRule['by']): AccountRecords {
	let next: AccountRecords = {...records, rules: withKey(records.rules, ip, mode ? {mode, at, by} : undefined)};
	if (mode === 'ban') return next;
	for (const [zone, memory] of Object.entries(records.zones)) {
		const lockdown = memory.lockdown;
		const state = lockdown && own(lockdown.bans, ip);
		if (lockdown && (state === 'done' || state === 'sent' || state === 'clearing')) {
			next = withZone(next, zone, current => ({...current, lockdown: {...lockdown, bans: withKey(lockdown.bans, ip, 'cleared')}}));
		}
	}
	return next;
}

/** The registry key of an account: the endpoint and the email, case-folded. */
export function accountKey(endpoint: string, email: string): string {
	return `${endpoint.replace(/\/+$/, '')} ${email.toLowerCase()}`;
}

export function registryPath(auditFile: string): string {
	return path.join(path.dirname(auditFile), 'registry.json');
}

/** True when a process with this pid runs on this machine (the owner of a lockdown, or a lock). */
export function processAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, under another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const lockWaitMs = 2000;
/** A lock older than this is left over from a process that died holding it. */
const staleLockMs = 10_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The registry on disk. Reads and writes are synchronous and small: a change is never half-applied. */
export class FileRegistry implements Registry {
	#last: AccountRecords = emptyRecords();

	constructor(
		readonly file: string,
		private readonly account: string,
		private readonly onError: (message: string) => void = () => {},
	) {
		this.#cleanTempFiles();
	}

	read(): AccountRecords {
		try {
			this.#last = parseFile(this.#readText())[1].get(this.account) ?? emptyRecords();
		} catch (error) {
			this.onError(`the rule registry ${this.file} cannot be read: ${stateFileProblem(error)}`);
		}
		return this.#last;
	}

	update(change: (records: AccountRecords) => AccountRecords): AccountRecords {
		return this.#write(change, false);
	}

	updateOrThrow(change: (records: AccountRecords) => AccountRecords): AccountRecords {
		return this.#write(change, true);
	}

	#write(change: (records: AccountRecords) => AccountRecords, strict: boolean): AccountRecords {
		let locked = false;
		try {
			prepareStateDirectory(path.dirname(this.file));
			locked = this.#lock();
			const [other, accounts] = parseFile(this.#readText());
			const next = change(accounts.get(this.account) ?? emptyRecords());
			this.#last = next;
			accounts.set(this.account, next);
			const temporary = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
			// O_EXCL: a name planted in advance (a link) is refused, never written through.
			const fd = openStateFile(temporary, constants.O_WRONLY | constants.O_EXCL);
			try {
				writeFileSync(fd, `${JSON.stringify({...other, version: 1, accounts: Object.fromEntries(accounts)}, null, 1)}\n`);
			} finally {
				closeSync(fd);
			}
			// rename() replaces whatever is at the name, a link included, without following it.
			renameSync(temporary, this.file);
			return next;
		} catch (error) {
			if (strict) throw new Error(`the rule registry ${this.file} cannot be written (${stateFileProblem(error)})`, {cause: error});
			// The change still holds in memory for this run; the operator must know a restart loses it.
			this.#last = change(this.#last);
			this.onError(`the rule registry ${this.file} cannot be written (${stateFileProblem(error)}): a restart will not know this change`);
			return this.#last;
		} finally {
			if (locked) this.#unlock();
		}
	}

	/** The file's text, never through a symbolic link; a looser mode is tightened to 0600. */
	#readText(): string | undefined {
		let fd: number;
		try {
			fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') return undefined;
			if (code === 'ELOOP') throw Object.assign(new Error(`${this.file} is a symbolic link; refused (remove it)`), {code: 'ELOOP'});
			throw error;
		}
		try {
			const stat = fstatSync(fd);
			if (!stat.isFile()) throw Object.assign(new Error(`${this.file} is not a regular file`), {code: 'EINVAL'});
			if (stat.mode & 0o077) fchmodSync(fd, 0o600);
			return readFileSync(fd, 'utf8');
		} finally {
			closeSync(fd);
		}
	}

	get #lockFile(): string {
		return `${this.file}.lock`;
	}

	/** Takes the lock file; a lock left by a dead process (or too old) is taken over. */
	#lock(): boolean {
		const deadline = Date.now() + lockWaitMs;
		for (;;) {
			try {
				const fd = openSync(this.#lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
				writeFileSync(fd, String(process.pid));
				closeSync(fd);
				return true;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			if (this.#lockIsStale()) {
				try {
					unlinkSync(this.#lockFile);
				} catch {
					// Another process took it over first: try again.
				}
				continue;
			}
			if (Date.now() > deadline) throw Object.assign(new Error('locked by another process'), {code: 'ELOCKED'});
			Atomics.wait(pause, 0, 0, 5);
		}
	}

	#lockIsStale(): boolean {
		try {
			const stat = lstatSync(this.#lockFile);
			// Not a lock this program made (a planted link): removing the name is safe, reading through it is not.
			if (!stat.isFile()) return true;
			const pid = Number(readFileSync(this.#lockFile, 'utf8'));
			return !processAlive(pid) || Date.now() - stat.mtimeMs > staleLockMs;
		} catch {
			return false;
		}
	}

	#unlock(): void {
		try {
			unlinkSync(this.#lockFile);
		} catch {
			// Already gone: nothing to release.
		}
	}

	/** Temp files of writers that died between write and rename. */
	#cleanTempFiles(): void {
		const base = path.basename(this.file);
		try {
			for (const name of readdirSync(path.dirname(this.file))) {
				const match = name.startsWith(`${base}.`) && /\.(\d+)\.[a-z0-9]*\.tmp$/.exec(name);
				if (match && !processAlive(Number(match[1]))) unlinkSync(path.join(path.dirname(this.file), name));
			}
		} catch {
			// No folder yet, or nothing we may remove: nothing to clean.
		}
	}
}

/**
 * Before the registry, the console kept the level before `U` and its last lockdown in state.json beside
 * it, for whatever account it ran on. Its first run with the registry adopts that file into the account
 * it runs on (a lockdown as locked, its bans as confirmed), so an undo still works, and renames it.
 */
export function adoptLegacyState(stateFile: string, registry: Registry): void {
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(stateFile, 'utf8'));
	} catch {
		return;
	}
	const zones = isObject(parsed) && isObject(parsed.zones) ? parsed.zones : {};
	registry.update(records => {
		let next = records;
		for (const [name, raw] of Object.entries(zones)) {
			if (!isObject(raw) || zoneMemory(next, name).lockdown) continue;
			const level = securityLevels.find(candidate => candidate === raw.levelBeforeAttack);
			const old = isObject(raw.lockdown) ? raw.lockdown : undefined;
			const ips = old && Array.isArray(old.bannedIps) ? old.bannedIps.filter((ip): ip is string => typeof ip === 'string') : [];
			const at = old && typeof old.at === 'number' ? old.at : 0;
			const lockdown: LockdownRecord | undefined = old
				? {
						id: `${name}@${new Date(at).toISOString()}`,
						at,
						previousLevel: securityLevels.find(candidate => candidate === old.previousLevel),
						phase: 'locked',
						owner: {pid: 0, session: 'state.json'},
						bans: Object.fromEntries(ips.map(ip => [ip, 'done' satisfies BanState])),
						leftAlone: 0,
						overBudget: 0,
					}
				: undefined;
			next = withZone(next, name, memory => ({...memory, ...(level ? {levelBeforeAttack: level} : {}), ...(lockdown ? {lockdown} : {})}));
		}
		return next;
	});
	try {
		renameSync(stateFile, `${stateFile}.adopted`);
	} catch {
		// Left in place: adopting it again changes nothing (a zone that has a lockdown is skipped).
	}
}

/** For tests and the demo (its emulator starts afresh each run). */
export class MemoryRegistry implements Registry {
	#records = emptyRecords();

	read(): AccountRecords {
		return this.#records;
	}

	update(change: (records: AccountRecords) => AccountRecords): AccountRecords {
		this.#records = change(this.#records);
		return this.#records;
	}
}

/** The file's other top-level fields (kept as they are) and its accounts, each checked field by field. */
function parseFile(text: string | undefined): [Record<string, unknown>, Map<string, AccountRecords>] {
	const accounts = new Map<string, AccountRecords>();
	if (text === undefined) return [{}, accounts];
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		// A damaged file is not fatal: what is in it is lost either way; the next write makes it whole.
		return [{}, accounts];
	}
	if (!isObject(parsed)) return [{}, accounts];
	const {accounts: rawAccounts, ...other} = parsed;
	if (isObject(rawAccounts)) {
		for (const [key, raw] of Object.entries(rawAccounts)) accounts.set(key, parseAccount(raw));
	}
	return [other, accounts];
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAccount(raw: unknown): AccountRecords {
	if (!isObject(raw)) return emptyRecords();
	const rules: Array<[string, OwnedRule]> = [];
	if (isObject(raw.rules)) {
		for (const [ip, rule] of Object.entries(raw.rules)) {
			if (!isObject(rule) || (rule.mode !== 'ban' && rule.mode !== 'wl') || typeof rule.at !== 'number') continue;
			const by = rule.by === 'command' || rule.by === 'lockdown' ? rule.by : 'console';
			rules.push([ip, {mode: rule.mode, at: rule.at, by}]);
		}
	}
	const zones: Array<[string, ZoneMemory]> = [];
	if (isObject(raw.zones)) {
		for (const [name, memory] of Object.entries(raw.zones)) {
			if (!isObject(memory)) continue;
			const level = securityLevels.find(candidate => candidate === memory.levelBeforeAttack);
			const lockdown = parseLockdown(memory.lockdown);
			if (level || lockdown) zones.push([name, {...(level ? {levelBeforeAttack: level} : {}), ...(lockdown ? {lockdown} : {})}]);
		}
	}
	const expiries: Array<[string, BanExpiry]> = [];
	if (isObject(raw.expiries)) {
		for (const [key, entry] of Object.entries(raw.expiries)) {
			const expiry = parseExpiry(entry);
			if (expiry) expiries.push([key, expiry]);
		}
	}
	const history: Array<[string, BanHistory]> = [];
	if (isObject(raw.banHistory)) {
		for (const [ip, entry] of Object.entries(raw.banHistory)) {
			if (isObject(entry) && typeof entry.at === 'number' && typeof entry.duration === 'number' && typeof entry.step === 'number') history.push([ip, {at: entry.at, duration: entry.duration, step: entry.step}]);
		}
	}
	const expired = isObject(raw.expired) ? Object.entries(raw.expired).filter((pair): pair is [string, number] => typeof pair[1] === 'number') : [];
	// fromEntries defines own properties, so a "__proto__" key in a hand-edited file stays plain data.
	return {
		rules: Object.fromEntries(rules),
		zones: Object.fromEntries(zones),
		...(expiries.length > 0 ? {expiries: Object.fromEntries(expiries)} : {}),
		...(history.length > 0 ? {banHistory: Object.fromEntries(history)} : {}),
		...(expired.length > 0 ? {expired: Object.fromEntries(expired)} : {}),
	};
}

function parseExpiry(raw: unknown): BanExpiry | undefined {
	if (!isObject(raw) || typeof raw.ip !== 'string' || typeof raw.until !== 'number' || typeof raw.at !== 'number') return undefined;
	const zone = isObject(raw.zone) && typeof raw.zone.name === 'string' && typeof raw.zone.id === 'string' ? {name: raw.zone.name, id: raw.zone.id} : undefined;
	const claim = isObject(raw.claim) && typeof raw.claim.pid === 'number' && typeof raw.claim.session === 'string' && typeof raw.claim.at === 'number' ? {pid: raw.claim.pid, session: raw.claim.session, at: raw.claim.at} : undefined;
	return {
		ip: raw.ip,
		...(zone ? {zone} : {}),
		until: raw.until,
		at: raw.at,
		...(claim ? {claim} : {}),
		...(typeof raw.retryAt === 'number' ? {retryAt: raw.retryAt} : {}),
		...(typeof raw.error === 'string' ? {error: raw.error} : {}),
		...(raw.fromNotes === true ? {fromNotes: true} : {}),
	};
}

function parseLockdown(raw: unknown): LockdownRecord | undefined {
	if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.at !== 'number' || !isObject(raw.bans)) return undefined;
	const phase = raw.phase === 'locking' || raw.phase === 'locked' || raw.phase === 'undoing' ? raw.phase : undefined;
	if (!phase) return undefined;
	const owner = isObject(raw.owner) && typeof raw.owner.pid === 'number' && typeof raw.owner.session === 'string' ? {pid: raw.owner.pid, session: raw.owner.session} : {pid: 0, session: ''};
	const bans: Array<[string, BanState]> = [];
	for (const [ip, state] of Object.entries(raw.bans)) {
		const known = banStates.find(candidate => candidate === state);
		if (known) bans.push([ip, known]);
	}
	return {
		id: raw.id,
		at: raw.at,
		previousLevel: securityLevels.find(candidate => candidate === raw.previousLevel),
		phase,
		owner,
		bans: Object.fromEntries(bans),
		leftAlone: typeof raw.leftAlone === 'number' ? raw.leftAlone : 0,
		overBudget: typeof raw.overBudget === 'number' ? raw.overBudget : 0,
		...(raw.levelRestored === true ? {levelRestored: true} : {}),
		...(typeof raw.batch === 'string' ? {batch: raw.batch} : {}),
		...(typeof raw.operator === 'string' ? {operator: raw.operator} : {}),
		...(raw.madeElsewhere === true ? {madeElsewhere: true} : {}),
		...(raw.levelAssumed === true ? {levelAssumed: true} : {}),
	};
}
