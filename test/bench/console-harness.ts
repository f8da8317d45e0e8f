/**
 * The real console in process, for the figures a pty cannot isolate: the monitor and a V1Backend
 * against the in-process emulator, all on one FakeClock, rendered by the console's own
 * `renderConsole` into a null terminal that only timestamps what Ink writes. Run it in a child with
 * NODE_ENV=production (see `runChild`): React's development build grows the heap on every render and
 * is several times slower, so a figure measured with it would describe a console nobody ships.
 */
import {spawn} from 'node:child_process';
import {EventEmitter} from 'node:events';
import type {Backend} from '../../source/backend.js';
import {renderConsole} from '../../source/console/render.js';
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulator/index.js';
import {FakeClock, flushMicrotasks} from '../../source/lib/clock.js';
import {Secret} from '../../source/lib/secret.js';
import {createMonitor, type Monitor} from '../../source/monitor/monitor.js';
import {V1Backend} from '../../source/v1/backend.js';
import {track} from './pty-timing.js';

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

export interface InProcessConsole {
	clock: FakeClock;
	emulator: EmulatorHandle;
	backend: V1Backend;
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
	render?: {columns: number; rows: number; maxFps?: number};
	/** The monitor's clock tick (ages, countdowns); 0 turns it off. */
	tickMs?: number;
	/** Wraps the backend before the monitor gets it (to time calls). */
	wrap?: (backend: Backend) => Backend;
	/** Sees the monitor before the App subscribes to it, so its store listeners run before React's. */
	onMonitor?: (monitor: Monitor) => void;
}

export async function startInProcess(options: InProcessOptions): Promise<InProcessConsole> {
	const clock = new FakeClock(Date.UTC(2014, 5, 2, 14, 0, 0));
	const emulator = await startEmulator({port: 0, scenario: options.scenario, ...(options.zones ? {zones: options.zones} : {}), now: () => clock.now(), quiet: true});
	const backend = new V1Backend({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), now: () => clock.now()});
	const zoneNames = options.zones ?? ['example.com', 'example.net'];
	const monitor = createMonitor({
		backend: options.wrap ? options.wrap(backend) : backend,
		clock,
		zoneNames,
		policy: {perHour: 300, reserve: 30},
		demo: true,
		tickMs: options.tickMs ?? 1000,
		visitorQuery: {hours: 1},
	});
	options.onMonitor?.(monitor);
	let terminal: NullTerminal | undefined;
	const keyboard = new NullKeyboard();
	let unmount = () => {};
	if (options.render) {
		terminal = new NullTerminal(options.render.columns, options.render.rows);
		const instance = renderConsole({
			monitor,
			stdout: terminal as unknown as NodeJS.WriteStream,
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
		while (monitor.poller.inFlight) await new Promise(resolve => setTimeout(resolve, 1));
		await flushMicrotasks();
	};
	return {
		clock,
		emulator,
		backend,
		monitor,
		terminal,
		keyboard,
		advance: ms => clock.advance(ms, settle),
		async close() {
			monitor.stop();
			unmount();
			backend.close();
			await emulator.close();
		},
	};
}

/**
 * Runs a bench child script (`node [--expose-gc] --import tsx FILE`) in its own process group with
 * production React, and returns the JSON it prints on its last `RESULT ` line.
 */
export async function runChild<T>(file: string, nodeFlags: string[] = [], timeoutMs = 240_000): Promise<T> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'CI') env[name] = value;
	const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file], {stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: {...env, NODE_ENV: 'production'}});
	if (child.pid !== undefined) track(child.pid);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
	clearTimeout(timer);
	const line = output.split('\n').findLast(text => text.startsWith('RESULT '));
	if (code !== 0 || !line) throw new Error(`${file} exited with ${code}; output:\n${output.slice(-2000)}`);
	return JSON.parse(line.slice('RESULT '.length)) as T;
}
