/** One measured figure of `npm run bench`. */
export interface BenchFigure {
	/** Which benchmark group, e.g. "emulator". */
	group: string;
	name: string;
	value: number;
	unit: string;
	/** What it is compared with, measured in the same run (e.g. Ink's default repaint). */
	comparison?: {name: string; value: number};
	/** The goal, as text (e.g. ">= 5000 req/s"), and whether this run met it. */
	goal?: string;
	met?: boolean;
}

export type BenchGroup = () => Promise<BenchFigure[]>;
