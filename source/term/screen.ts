/**
 * The alternate screen, entered before Ink's first frame and left on every exit path: a normal quit,
 * an exception, a rejected promise, SIGINT/SIGTERM/SIGHUP (an SSH link dropping). Ink 6 has no
 * option for it (the alternate-screen support landed in Ink 7, which needs Node 22), so it is done
 * here by hand (docs/ink-facts.md).
 */

export const enterAlternateScreen = '\u001b[?1049h';
export const leaveAlternateScreen = '\u001b[?1049l';
export const showCursor = '\u001b[?25h';
/** Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~ (taken out by term/input.ts). */
export const bracketedPasteOn = '\u001b[?2004h';
export const bracketedPasteOff = '\u001b[?2004l';
/** Clear the screen and the scrollback, cursor home. */
export const wipeScreen = '\u001b[2J\u001b[3J\u001b[H';

/** The slice of a TTY write stream the screen needs. */
export interface ScreenStream {
	write(chunk: string): boolean;
	columns?: number;
	rows?: number;
	on(event: 'resize', listener: () => void): unknown;
	off(event: 'resize', listener: () => void): unknown;
}

/** The slice of a TTY read stream the screen restores. */
export interface ScreenInput {
	isTTY?: boolean;
	setRawMode?(mode: boolean): unknown;
}

/** Where signals and uncaught errors are heard; `process` in the CLI, a stub in tests. */
export interface SignalSource {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
}

export type ExitReason = {kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'} | {kind: 'error'; error: unknown};

/** Exit codes for a signal: 128 + its number, as shells report it. */
export const signalExitCodes = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143} as const;

/** Options of {@link AlternateScreen}. */
export interface AlternateScreenOptions {
	/**
	 * Runs first when the screen is left, on every path (quit, signal, crash, process exit): the
	 * output layer's `dispose()`, which writes Ink's last frame and resets the style while the
	 * alternate screen is still there to receive it.
	 */
	beforeLeave?: () => void;
	/**
	 * Wipe the screen on a narrower or shorter resize (default true). Off under the output layer:
	 * it repaints the whole screen on every resize itself, and owns what the terminal shows.
	 */
	wipeOnNarrowing?: boolean;
	/**
	 * Bracketed paste on while the screen is held (entered, resumed), off whenever it is given back
	 * (left, suspended): the shell must not get markers around its pastes. Only with an input filter
	 * that takes the markers out (TerminalInput): Ink would read them as keys. Default off.
	 */
	bracketedPaste?: boolean;
}

export class AlternateScreen {
	readonly #stdout: ScreenStream;
	readonly #stdin: ScreenInput | undefined;
	#active = false;
	#columns: number;
	#rows: number;
	#guards: Array<() => void> = [];
	readonly #options: AlternateScreenOptions;
	readonly #pasteOn: string;
	readonly #pasteOff: string;

	constructor(stdout: ScreenStream, stdin?: ScreenInput, options: AlternateScreenOptions = {}) {
		this.#stdout = stdout;
		this.#stdin = stdin;
		this.#options = options;
		this.#pasteOn = options.bracketedPaste ? bracketedPasteOn : '';
		this.#pasteOff = options.bracketedPaste ? bracketedPasteOff : '';
		this.#columns = stdout.columns ?? 80;
		this.#rows = stdout.rows ?? 24;
	}

	get active(): boolean {
		return this.#active;
	}

	/**
	 * Switches to the alternate screen and starts watching resizes. Call before Ink's `render`, so
	 * this resize listener runs before Ink's own.
	 */
	enter(): void {
		if (this.#active) return;
		this.#active = true;
		this.#stdout.write(enterAlternateScreen + wipeScreen + this.#pasteOn);
		if (this.#options.wipeOnNarrowing !== false) this.#stdout.on('resize', this.#resized);
	}

	/** Leaves the alternate screen and shows the cursor; safe to call any number of times. */
	leave(): void {
		if (!this.#active) return;
		this.#active = false;
		try {
			this.#options.beforeLeave?.();
		} catch {
			// A broken output layer must not keep the terminal in the alternate screen.
		}
		this.#stdout.off('resize', this.#resized);
		try {
			if (this.#stdin?.isTTY) this.#stdin.setRawMode?.(false);
		} catch {
			// stdin may already be closed (the SSH link dropped): nothing left to restore there.
		}
		// Paste mode off last: whatever comes after, the shell's pastes are plain again.
		this.#stdout.write(showCursor + leaveAlternateScreen + this.#pasteOff);
	}

	/**
	 * Leaves the screen on SIGINT, SIGTERM, SIGHUP, an uncaught exception or an unhandled rejection,
	 * then calls `onExit` so the caller can unmount and close. Returns a function removing the guards.
	 */
	guard(signals: SignalSource, onExit: (reason: ExitReason) => void): () => void {
		const add = (event: string, listener: (...args: unknown[]) => void) => {
			signals.on(event, listener);
			this.#guards.push(() => signals.off(event, listener));
		};
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
			add(signal, () => {
				this.leave();
				onExit({kind: 'signal', signal});
			});
		}
		const failed = (error: unknown) => {
			this.leave();
			onExit({kind: 'error', error});
		};
		add('uncaughtException', failed);
		add('unhandledRejection', failed);
		// The last resort: whatever else happens, the terminal is given back when the process ends.
		add('exit', () => this.leave());
		return () => this.unguard();
	}

	/**
	 * Before the process stops itself (Ctrl-Z): the terminal as the shell expects it, cooked mode, the
	 * cursor shown, the normal screen back, bracketed paste off, while the screen stays active for {@link resume}. The
	 * style is reset first so nothing of the console's pen leaks into the shell's prompt.
	 */
	suspend(): void {
		if (!this.#active) return;
		try {
			if (this.#stdin?.isTTY) this.#stdin.setRawMode?.(false);
		} catch {
			// stdin closed: nothing to restore there.
		}
		this.#stdout.write('\u001b[m' + showCursor + leaveAlternateScreen + this.#pasteOff);
	}

	/**
	 * After SIGCONT (the process was stopped and resumed: Ctrl-Z then fg, `kill -STOP`/`-CONT`):
	 * whatever ran meanwhile may have left the alternate screen or drawn on it. Enter it again
	 * (entering twice is harmless), bracketed paste on again, and put raw mode back; the caller then repaints. Raw mode is set
	 * off then on: libuv skips a mode it believes is already set, and a shell may have reset the
	 * terminal's modes while the process was stopped.
	 */
	resume(): void {
		if (!this.#active) return;
		this.#stdout.write(enterAlternateScreen + this.#pasteOn);
		try {
			if (this.#stdin?.isTTY) {
				this.#stdin.setRawMode?.(false);
				this.#stdin.setRawMode?.(true);
			}
		} catch {
			// stdin closed: nothing to restore; the next read fails and ends the console.
		}
	}

	unguard(): void {
		for (const remove of this.#guards.splice(0)) remove();
	}

	/**
	 * A narrower or shorter terminal re-wraps the old frame, and Ink erases only as many rows as it
	 * drew, counted before the re-wrap, leaving ghost rows behind (Ink 6.8's `resized()` in
	 * build/ink.js clears on a narrower width only). Wiping first leaves nothing to ghost.
	 */
	readonly #resized = (): void => {
		const columns = this.#stdout.columns ?? this.#columns;
		const rows = this.#stdout.rows ?? this.#rows;
		if (columns < this.#columns || rows < this.#rows) this.#stdout.write(wipeScreen);
		this.#columns = columns;
		this.#rows = rows;
	};
}
