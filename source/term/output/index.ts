/**
 * The output layer: Ink writes full frames into `stream`, the terminal receives only changed cells.
 * See cell-output.ts for the why.
 */
export {createCellOutput} from './cell-output.js';
export type {CellOutput, CellOutputOptions, CellOutputStats, TerminalStream} from './cell-output.js';
