/**
 * Makes a string from the API inert before it reaches the terminal. Zone names, IPs, labels and
 * messages come from a server we do not control; an escape sequence in one of them could move the
 * cursor, retitle the window, rewrite the clipboard (OSC 52) or hide text. So every escape sequence
 * is removed, and every other control character (C0, DEL, C1) and the bidirectional overrides that
 * can reorder what the operator reads are replaced by "?".
 */

// CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS (ESC ] ... BEL or ST), and two-byte ESC sequences; also
// the 8-bit CSI (0x9b) and OSC (0x9d) forms.
const escapeSequence = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|[\u001b\u009d\u0090\u009f\u009e]\]?[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[@-_ -~]?/g;
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with escape sequences removed and control characters shown as "?"; one line. */
export function sanitize(text: unknown): string {
	const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
	return value.replace(escapeSequence, '').replace(controlCharacter, '?');
}
