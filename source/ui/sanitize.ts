/**
 * Makes a string from the API inert before it reaches the terminal. Zone names, IPs, labels and
 * messages come from a server we do not control; an escape sequence in one of them could move the
 * cursor, retitle the window, rewrite the clipboard (OSC 52) or hide text. So every escape sequence
 * is removed, and every other unsafe character (control characters, line separators, bidi marks and
 * overrides: `inert`'s list) is replaced by "?".
 */
import {inert} from '../lib/format.js';

// CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS (ESC ] ... BEL or ST), and two-byte ESC sequences; also
// the 8-bit CSI (0x9b) and OSC (0x9d) forms.
const escapeSequence = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|[\u001b\u009d\u0090\u009f\u009e]\]?[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[@-_ -~]?/g;

/** The text with escape sequences removed and control characters shown as "?"; one line. */
export function sanitize(text: unknown): string {
	const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
	return inert(value.replace(escapeSequence, ''), '?');
}
