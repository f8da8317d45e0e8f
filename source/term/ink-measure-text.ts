// Ink's measure-text.js, bounded: see ink-text-caches.ts.
import {measureText} from './ink-text-caches.js';

export default measureText;
