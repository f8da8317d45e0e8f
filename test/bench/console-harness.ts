/**
 * The real console in process, for the figures a pty cannot isolate: the monitor and a V1Backend (or,
 * with `api: 'v4'`, a V4Backend on the demo token) against the emulator (in this process, or in its
 * own so that this process holds the console alone), all on one FakeClock, rendered by the console's own `renderConsole` into a null terminal
 * that only timestamps what Ink writes. Run it with `runChild`: bundled as dist/flarewatch.js is
 * (esbuild, NODE_ENV=production, Ink's Output swapped), so a figure describes the console that ships.
 */
import {spawn} from 'node:child_process';
import {EventEmitter} from 'node:events';
import type {Backend} from '../../source/backend.js';
import {renderConsole} from '../../source/console/render.js';
import type {EmulatorHandle, EmulatorOptions} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {Secret} from '../../source/lib/secret.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {V1Backend} from '../../source/v1/backend.js';
import {V4Backend} from '../../source/v4/backend.js';
import {bundle, demoEmail, demoKey, demoToken, killGroup, track} from './processes.js';
import {listeningUrl} from '../listening.js';

/** A terminal that swallows Ink's output, keeping only when and how much was written. */
export class NullTerminal extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	bytes = 0;
	writes = 0;
	lastWriteAt = 0;
	#onWrite: Array<(at: number) => void> = [];

	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write = (chunk: string | Uint8Array, encoding?: unknown, callback?: () => void): boolean => {
		const at = performance.now();
		this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
		this.writes++;
		this.lastWriteAt = at;
		const waiting = this.#onWrite;
		this.#onWrite = [];
		for (const resolve of waiting) resolve(at);
		const done = typeof encoding === 'function' ? encoding : callback;
		if (typeof done === 'function') done();
		return true;
	};

	/** Resolves with the time of the next write. */
	nextWrite(): Promise<number> {
		return new Promise(resolve => this.#onWrite.push(resolve));
	}
}

/** Just enough of a TTY stdin for Ink's raw-mode key reading (the shape ink-testing-library uses). */
export class NullKeyboard extends EventEmitter {
	readonly isTTY = true;
	#pending: string | null = null;
	press(keys: string): void {
		this.#pending = keys;
		this.emit('readable');
		this.emit('data', keys);
	}
	read = (): string | null => {
		const keys = this.#pending;
		this.#pending = null;
		return keys;
	};
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

/** The emulator the console talks to, wherever it runs. */
export interface BenchEmulator {
	url: string;
	/** API calls the demo account has made so far, v1's and v4's. */
	calls(): Promise<number>;
	/** The demo account's API v4 calls so far, by route (`POST /graphql`, `GET /zones/:zone_id/settings`). */
	v4Routes(): Promise<Record<string, number>>;
	/** Moves the emulator's clock with the console's (only a separate process needs telling). */
	advance(ms: number): Promise<void>;
	close(): Promise<void>;
}

export interface InProcessConsole {
	clock: FakeClock;
	emulator: BenchEmulator;
	backend: Backend;
	monitor: Monitor;
	terminal: NullTerminal | undefined;
	/** Keys for the rendered App (when rendered). */
	keyboard: NullKeyboard;
	/** Moves the fake clock, letting every poll's real HTTP finish before time moves on. */
	advance(ms: number): Promise<void>;
	close(): Promise<void>;
}

export interface InProcessOptions {
	scenario: EmulatorOptions['scenario'];
	zones?: string[];
	/** Render the real App (renderConsole) into a null terminal of this size. */
	render?: {columns: number; rows: number; maxFps?: number; stdout?: NodeJS.WriteStream};
	/** Wraps the backend before the monitor gets it (to time calls). */
	wrap?: (backend: Backend) => Backend;
	/** Sees the monitor before the App subscribes to it, so its store listeners run before React's. */
	onMonitor?: (monitor: Monitor) => void;
	/** 'separate': the built emulator in its own process, so that this one's memory is the console's. */
	emulator?: 'in-process' | 'separate';
	/**
	 * The API the console speaks (default v1). The budget is the console's default for it: v1 300 calls
	 * an hour, 30 kept; v4 the API's limits (1,200 REST calls and 300 GraphQL queries per 5 minutes, a
	 * tenth of each kept), a zone at most every 10 s.
	 */
	api?: 'v1' | 'v4';
}

type AccountCalls = {email: string; calls: {total: number; v4: {total: number; byRoute: Record<string, number>}}};

function demoCalls(accounts: AccountCalls[]): AccountCalls['calls'] | undefined {
	return accounts.find(account => account.email === demoEmail)?.calls;
}

function inProcessEmulator(handle: EmulatorHandle): BenchEmulator {
	return {
		url: handle.url,
		calls: async () => {
			const calls = demoCalls(handle.state().accounts);
			return (calls?.total ?? 0) + (calls?.v4.total ?? 0);
		},
		v4Routes: async () => ({...demoCalls(handle.state().accounts)?.v4.byRoute}),
		advance: async () => {},
		close: () => handle.close(),
	};
}

/** `flarewatch emulator` in its own process; its clock is moved through the admin API. */
async function separateEmulator(scenario: EmulatorOptions['scenario'], zones: string[] | undefined): Promise<BenchEmulator & {now: number}> {
	const args = [bundle, 'emulator', '--port', '0', '--scenario', String(scenario ?? 'attack'), ...(zones ? ['--zones', zones.join(',')] : [])];
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: {...process.env, NODE_ENV: 'production'}});
	if (child.pid === undefined) throw new Error('the emulator did not start');
	const pid = child.pid;
	track(pid);
	const url = await listeningUrl(child, 'the emulator');
	const admin = async (path: string, body?: unknown): Promise<{now: number; accounts: AccountCalls[]}> => {
		const response = await fetch(`${url}/__emulator/${path}`, body === undefined ? {} : {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
		if (!response.ok) throw new Error(`emulator admin ${path}: HTTP ${response.status}`);
		return (await response.json()) as {now: number; accounts: AccountCalls[]};
	};
	const state = await admin('state');
	return {
		url,
		now: state.now,
		calls: async () => {
			const calls = demoCalls((await admin('state')).accounts);
			return (calls?.total ?? 0) + (calls?.v4.total ?? 0);
		},
		v4Routes: async () => ({...demoCalls((await admin('state')).accounts)?.v4.byRoute}),
		advance: async ms => {
			await admin('clock', {advanceSeconds: ms / 1000});
		},
		close: async () => killGroup(pid),
	};
}

export async function startInProcess(options: InProcessOptions): Promise<InProcessConsole> {
	let clock: FakeClock;
	let emulator: BenchEmulator;
	if (options.emulator === 'separate') {
		const separate = await separateEmulator(options.scenario, options.zones);
		emulator = separate;
		clock = new FakeClock(separate.now * 1000);
	} else {
		const fake = new FakeClock(Date.UTC(2014, 5, 2, 14, 0, 0));
		clock = fake;
		const {startEmulator} = await import('../../source/emulator/index.js');
		emulator = inProcessEmulator(await startEmulator({port: 0, scenario: options.scenario, ...(options.zones ? {zones: options.zones} : {}), now: () => fake.now(), quiet: true}));
	}
	const api = options.api ?? 'v1';
	const backend: Backend =
		api === 'v1'
			? new V1Backend({endpoint: emulator.url, email: demoEmail, key: new Secret(demoKey), now: () => clock.now()})
			: new V4Backend({endpoint: emulator.url, token: new Secret(demoToken), now: () => clock.now()});
	const zoneNames = options.zones ?? ['example.com', 'example.net'];
	const monitor = createMonitor({
		backend: options.wrap ? options.wrap(backend) : backend,
		clock,
		zoneNames,
		// undefined: the API's own limits (v4).
		policy: api === 'v1' ? {perHour: 300, reserve: 30} : undefined,
		api,
		demo: true,
		visitorQuery: {hours: 1},
		// As the console runs (console/main.ts): each zone's DNS records watched for drift.
		watchRecords: true,
	});
	options.onMonitor?.(monitor);
	let terminal: NullTerminal | undefined;
	const keyboard = new NullKeyboard();
	let unmount = () => {};
	if (options.render) {
		terminal = options.render.stdout ? undefined : new NullTerminal(options.render.columns, options.render.rows);
		const instance = renderConsole({
			monitor,
			stdout: options.render.stdout ?? (terminal as unknown as NodeJS.WriteStream),
			stdin: keyboard as unknown as NodeJS.ReadStream,
			stderr: new NullTerminal(80, 24) as unknown as NodeJS.WriteStream,
			onQuit: () => {},
			maxFps: options.render.maxFps,
		});
		unmount = () => instance.unmount();
	}
	// Real HTTP needs real time to answer: let each poll finish before the fake clock moves on.
	const settle = async () => {
		await flushMicrotasks();
		// busy: a poll, the zone check or (v4) a listing of the rules.
		while (monitor.poller.busy) await new Promise(resolve => setTimeout(resolve, 1));
		await flushMicrotasks();
	};
	return {
		clock,
		emulator,
		backend,
		monitor,
		terminal,
		keyboard,
		advance: async ms => {
			await emulator.advance(ms);
			await clock.advance(ms, settle);
		},
		async close() {
			monitor.stop();
			unmount();
			backend.close();
			await emulator.close();
		},
	};
}
