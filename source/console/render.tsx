/**
 * The one place the console meets Ink: `renderConsole` creates the Ink instance with an injectable
 * stdout/stdin, so an output layer (term/output) can sit between Ink and the real terminal without
 * touching anything else.
 */
import chalk from 'chalk';
import {render, useStdout, type Instance} from 'ink';
import {useEffect, useState} from 'react';
import type {MonitorHandle} from '../monitor/monitor.js';
import {App, type PasteSource} from '../ui/app.js';
import type {TerminalSize} from '../ui/layout.js';

export interface RenderConsoleOptions {
	monitor: MonitorHandle;
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	onQuit: () => void;
	/** Bracketed pastes from the terminal layer, handed to the App as text, never as keys. */
	paste?: PasteSource;
	/** Redraws per second at most (Ink's default is 30). */
	maxFps?: number;
	/**
	 * Monochrome (`--no-color`, NO_COLOR): the output layer drops the colours. Ink styles text with
	 * chalk, which turns every style off, inverse and bold too, when it sees `--no-color` in argv
	 * (its supports-color sniffs process.argv) or FORCE_COLOR=0; the highlights need inverse video,
	 * so chalk keeps at least its basic level here.
	 */
	monochrome?: boolean;
	/** Writes the incident report (E, :export). */
	exportReport?: () => void;
}

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
	return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}

/** Tracks the terminal size and hands it to the App as a prop: panes never measure. */
function ConsoleRoot({monitor, onQuit, paste, exportReport}: Pick<RenderConsoleOptions, 'monitor' | 'onQuit' | 'paste' | 'exportReport'>) {
	const {stdout} = useStdout();
	const [size, setSize] = useState<TerminalSize>(() => sizeOf(stdout));
	useEffect(() => {
		const resized = () => {
			setSize(current => {
				const next = sizeOf(stdout);
				return next.columns === current.columns && next.rows === current.rows ? current : next;
			});
		};
		stdout.on('resize', resized);
		return () => {
			stdout.off('resize', resized);
		};
	}, [stdout]);
	return <App monitor={monitor} size={size} onQuit={onQuit} paste={paste} exportReport={exportReport} />;
}

export function renderConsole(options: RenderConsoleOptions): Instance {
	if (options.monochrome && chalk.level === 0) chalk.level = 1;
	return render(<ConsoleRoot monitor={options.monitor} onQuit={options.onQuit} paste={options.paste} exportReport={options.exportReport} />, {
		stdout: options.stdout,
		stdin: options.stdin,
		stderr: options.stderr,
		// Ctrl-C is a key like q: the console quits through one path that restores the terminal.
		exitOnCtrlC: false,
		// Each console.* call would cost a full repaint and garble the screen; nothing logs to it.
		patchConsole: false,
		// Never on: Ink 6.7–6.8 writes changed lines one row too low (fixed only in Ink 7).
		incrementalRendering: false,
		maxFps: options.maxFps,
	});
}
