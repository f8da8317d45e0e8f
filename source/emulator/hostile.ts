/**
 * The `hostile` scenario's payloads: terminal escape sequences and control characters that stay
 * valid JSON (JSON escapes C0 controls as \u001b etc.; C1 and bidi characters travel as UTF-8).
 * A console that prints any of these raw can be made to clear the screen, retitle the window,
 * recolour text, move the cursor or reverse what the operator reads.
 */
export const hostilePayload = '\u001b[2J\u001b[H\u001b]0;pwned\u0007\u001b[31m\r\u0008\u009b6n\u202e\u0000';

/** Appends the payload when the scenario is hostile. */
export function taint(text: string, hostile: boolean): string {
	return hostile ? `${text}${hostilePayload}` : text;
}

/** A TXT record a hostile zone carries, added when the scenario becomes hostile. */
export function hostileRecord(zone: string): {name: string; content: string} {
	return {name: `evil\u001b[8m.${zone}`, content: `v=spf1 ${hostilePayload} -all`};
}
