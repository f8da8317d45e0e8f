// Ink's wrap-text.js, bounded: see ink-text-caches.ts.
import {wrapText} from './ink-text-caches.js';

export default wrapText;
