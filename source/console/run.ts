/**
 * Runs the console until the operator quits or something ends it, and guarantees the terminal is
 * given back on every path: alternate screen left, cursor shown, raw mode off.
 */
import {isatty} from 'node:tty';
import type {Instance} from 'ink';
import type {Secret} from '../lib/secret.js';
import type {Monitor} from '../monitor/monitor.js';
import {PasteChannel, TerminalInput} from '../term/input.js';
import {createCellOutput, type CellOutput} from '../term/output/index.js';
import {AlternateScreen, signalExitCodes, type ExitReason, type SignalSource} from '../term/screen.js';
import {writeCrashReport} from './crash-report.js';
import {renderConsole} from './render.js';

export interface RunConsoleOptions {
	monitor: Monitor;
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	stderr: NodeJS.WriteStream;
	/** `process` in the CLI: signals and uncaught errors. */
	signals: SignalSource;
	env: Readonly<Record<string, string | undefined>>;
	secrets: readonly Secret[];
	/** Redraws per second at most (`--fps`): the output layer's cap. Default 30. */
	fps?: number;
	/** `--no-color` / NO_COLOR: no colour codes at all, highlights in inverse video. */
	monochrome?: boolean;
	/**
	 * Stops the process for Ctrl-Z, returning once it runs again. Default: SIGTSTP to itself, whose
	 * default action stops it (the kernel discards it when no shell could resume the process).
	 */
	stopSelf?: () => void;
	/** Writes the incident report (E, :export). */
	exportReport?: () => void;
}

/** Exit code for an unexpected failure (EX_SOFTWARE). */
export const crashExitCode = 70;

function isHangUp(error: unknown): boolean {
	const code = typeof error === 'object' && error !== null && 'code' in error ? (error as {code: unknown}).code : undefined;
	return code === 'EIO' || code === 'EPIPE';
}

export async function runConsole(options: RunConsoleOptions): Promise<number> {
	const {monitor, stdout, stdin, stderr} = options;
	const fps = options.fps ?? 30;
	const inkMaxFps = 120;
	// Ink writes whole frames into the layer's stream; the terminal receives only the cells that changed.
	// The screen disposes it first on every way out (quit, signal, crash, process exit): Ink's last frame
	// and a reset style land in the alternate screen, and only then is it left.
	let output: CellOutput | undefined;
	// Bracketed paste on with the screen: the input filter below takes pastes out, so pasted text is never keys.
	const screen = new AlternateScreen(stdout, stdin, {beforeLeave: () => output?.dispose(), wipeOnNarrowing: false, bracketedPaste: true});
	const pastes = new PasteChannel();
	let instance: Instance | undefined;
	let settled = false;
	let finish: (code: number) => void = () => {};
	const done = new Promise<number>(resolve => {
		finish = resolve;
	});
	let crashNote: string | undefined;
	// The terminal hung up (EIO/EPIPE on a write): nothing may be written to it again, SIGCONT included.
	let terminalGone = false;
	const stopSelf = options.stopSelf ?? ((): void => void process.kill(process.pid, 'SIGTSTP'));

	const end = (code: number, reason: string): void => {
		if (settled) return;
		settled = true;
		monitor.stop();
		// Actions sent without an answer yet are audited as outcome unknown, never silently lost.
		monitor.actions.abandon(reason);
		try {
			instance?.unmount();
		} catch {
			// Unmounting a broken tree can throw; the screen is restored below either way.
		}
		input.dispose();
		screen.leave();
		finish(code);
	};
	const crash = (error: unknown): void => {
		if (settled) return;
		// EIO or EPIPE from anything touching the terminal (a read, a synchronous write) is the link gone,
		// not a bug: end as on a hang-up, with no report.
		if (isHangUp(error)) {
			hungUp();
			return;
		}
		screen.leave();
		const path = writeCrashReport(error, options.env, options.secrets);
		crashNote = `flarewatch: an unexpected error stopped the console${path ? `; a report is in ${path}` : ''}.\n`;
		end(crashExitCode, 'the console crashed');
	};

	screen.enter();
	screen.guard(options.signals, (reason: ExitReason) => {
		if (reason.kind === 'signal') end(signalExitCodes[reason.signal], `${reason.signal} received`);
		else crash(reason.error);
	});
	// Resumed after a stop: the screen may hold anything; the layer cannot diff against it, so repaint.
	// Never after the end or on a terminal that hung up (an SSH link gone sends SIGHUP then SIGCONT).
	const resumed = (): void => {
		if (settled || terminalGone || stdout.destroyed) return;
		// The kernel sends SIGCONT with the SIGHUP of a hang-up, and it may be handled first: a terminal
		// that no longer answers as one (isatty fails with EIO) is not repainted, the console ends.
		const fd = (stdout as Partial<{fd: number}>).fd;
		if (stdout.isTTY && typeof fd === 'number' && !isatty(fd)) {
			hungUp();
			return;
		}
		screen.resume();
		output?.repaint();
	};
	options.signals.on('SIGCONT', resumed);
	// A write to a terminal that is gone fails asynchronously with EIO or EPIPE: end as on a hang-up
	// rather than crash on an unheard 'error' event.
	function hungUp(): void {
		terminalGone = true;
		end(signalExitCodes.SIGHUP, 'the terminal closed');
	}
	const outputFailed = (error: NodeJS.ErrnoException): void => {
		if (isHangUp(error)) hungUp();
		else crash(error);
	};
	stdout.on('error', outputFailed);
	// A read on a terminal that hung up fails with EIO, or ends: the same hang-up, seen from the input
	// side (it can come before the SIGHUP is handled).
	const inputEnded = (): void => {
		if (stdin.isTTY) hungUp();
	};
	stdin.on('error', outputFailed);
	stdin.on('end', inputEnded);
	// Ctrl-L, Ctrl-Z and pastes never reach Ink: the terminal layer takes them out of the input (term/input.ts).
	const input = new TerminalInput(stdin, {
		onPaste: text => {
			if (!settled) pastes.emit(text);
		},
		// Stray output (a `wall` message) broke the picture the diff draws against: draw it all again.
		onRedraw: () => {
			if (!settled && !terminalGone) output?.repaint();
		},
		// As in vim or htop: give the terminal back, stop, and on fg (SIGCONT) take it again.
		onSuspend: () => {
			if (settled || terminalGone) return;
			output?.flush();
			screen.suspend();
			try {
				stopSelf();
			} catch {
				// Could not stop: carry on as if resumed at once.
			}
			// Returns once running again: after fg, or at once if the kernel discarded the stop (no job
			// control). SIGCONT also calls resumed(), later; a second repaint request costs nothing.
			resumed();
		},
	});
	try {
		output = createCellOutput(stdout, {fpsCap: fps, monochrome: options.monochrome});
		// The layer caps what reaches the terminal; Ink's own throttle (no burst) would hold a key's frame
		// for a whole frame interval after a poll's, so it only merges commits that come together.
		instance = renderConsole({monitor, stdout: output.stream, stdin: input as unknown as NodeJS.ReadStream, stderr, onQuit: () => end(0, 'the operator quit'), paste: pastes, maxFps: inkMaxFps, monochrome: options.monochrome, exportReport: options.exportReport});
		instance.waitUntilExit().then(
			() => end(0, 'the console ended'),
			(error: unknown) => crash(error),
		);
		monitor.start().catch(crash);
	} catch (error) {
		crash(error);
	}
	const code = await done;
	screen.unguard();
	if (terminalGone) {
		// Writes still queued (the screen's last bytes) fail later: with nobody left to tell, swallow them.
		const ignore = (): void => {};
		for (const stream of [stdout, stdin, stderr]) stream.on('error', ignore);
		// The kernel's SIGHUP for the hang-up may come after the failed read that ended the console: its
		// default action would kill the process on the way out, and the exit status must stay 129.
		options.signals.on('SIGHUP', ignore);
	}
	options.signals.off('SIGCONT', resumed);
	stdout.off('error', outputFailed);
	stdin.off('error', outputFailed);
	stdin.off('end', inputEnded);
	if (crashNote && !terminalGone) stderr.write(crashNote);
	return code;
}
