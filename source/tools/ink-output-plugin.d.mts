import type {Plugin} from 'esbuild';

/** See ink-output-plugin.mjs: serves Ink's Output and widest-line from flarewatch's modules. */
export function inkOutputPlugin(): Plugin;
