import type {Plugin} from 'esbuild';

/** See string-width-plugin.mjs: string-width 8 without an emoji expression built at load. */
export function stringWidthPlugin(): Plugin;
