/**
 * Drives real Ink into the output layer and replays both byte streams into headless xterms:
 * `mine` receives what the layer sends, `reference` receives Ink's own bytes, each frame on a clean
 * screen (see meantFrames; Ink relies on the tty's ONLCR, so that one converts "\n"). After each
 * frame the two screens must be equal.
 */
import type {ReactElement} from 'react';
import {createCellOutput, type CellOutput, type CellOutputOptions} from '../../source/term/output/index.js';
import {FakeTty, ReferenceScreen, screenDifference} from './fake-terminal.js';
import type {InkModule} from './load-ink.js';

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Ink's bytes with each log-update erase (`ESC[2K` (`ESC[1A` `ESC[2K`)… `ESC[G`) replaced by a clear
 * screen: every frame then lands on a clean screen, as Ink meant it. Raw, a terminal keeps the rows
 * Ink fails to erase after a resize made lines wrap (vadimdemedes/ink#304), and which rows those
 * are depends on the terminal's resize behaviour, not on anything Ink meant to draw.
 */
export function meantFrames(inkBytes: string): string {
	return inkBytes.replace(/(?:\u001B\[2K\u001B\[1A)*\u001B\[2K\u001B\[G/g, '\u001B[H\u001B[2J');
}

/** One frame's bytes: what the layer sent and what Ink wrote. */
export interface FrameBytes {
	mine: string;
	ink: string;
}

export class InkHarness {
	readonly tty: FakeTty;
	readonly output: CellOutput;
	readonly mine: ReferenceScreen;
	readonly reference: ReferenceScreen;
	private readonly inkChunks: string[] = [];
	private readonly rawReference: boolean;
	private instance: ReturnType<InkModule['render']> | undefined;

	/** `rawReference`: feed the reference Ink's bytes untouched (valid while no resize makes lines wrap). */
	constructor(private readonly ink: InkModule | undefined, cols: number, rows: number, options: CellOutputOptions & {rawReference?: boolean} = {}) {
		this.tty = new FakeTty(cols, rows);
		this.output = createCellOutput(this.tty, options);
		// Tee Ink's writes, before the layer sees them, for the reference screen and the byte count.
		const stream = this.output.stream;
		const write = stream.write.bind(stream) as (chunk: string) => boolean;
		Object.assign(stream, {write: (chunk: string) => {
			this.inkChunks.push(chunk);
			return write(chunk);
		}});
		this.rawReference = options.rawReference ?? false;
		this.mine = new ReferenceScreen(cols, rows);
		this.reference = new ReferenceScreen(cols, rows, {convertEol: true});
	}

	/** Renders (or re-renders) `tree`, lets Ink's throttle and the layer flush, replays both streams. */
	async frame(tree: ReactElement): Promise<FrameBytes> {
		if (this.instance) this.instance.rerender(tree);
		else if (this.ink) this.instance = this.ink.render(tree, {stdout: this.output.stream, patchConsole: false, exitOnCtrlC: false, maxFps: 1000});
		return this.settle();
	}

	/** Writes bytes as if Ink had written them (to test sequences Ink emits rarely). */
	async raw(text: string): Promise<FrameBytes> {
		this.output.stream.write(text);
		return this.settle();
	}

	/** Resizes the fake terminal and both screens (Ink re-renders on the 'resize' it receives). */
	async resize(cols: number, rows: number): Promise<void> {
		this.mine.resize(cols, rows);
		this.reference.resize(cols, rows);
		this.tty.resize(cols, rows);
	}

	async settle(): Promise<FrameBytes> {
		await sleep(3);
		const mine = this.tty.take();
		const ink = this.inkChunks.join('');
		this.inkChunks.length = 0;
		await this.mine.write(mine);
		await this.reference.write(this.rawReference ? ink : meantFrames(ink));
		return {mine, ink};
	}

	/** The first cell where the layer's screen differs from Ink's own, or undefined. */
	difference(): string | undefined {
		return screenDifference(this.mine, this.reference);
	}

	async dispose(): Promise<void> {
		this.instance?.unmount();
		await sleep(1);
		this.output.dispose();
	}
}
