/**
 * The cheapest byte sequence that moves the terminal cursor, given what we know of where it is.
 * Candidates: absolute (CUP `ESC[r;cH`), or a vertical part (CUU/CUD, or CR+LF runs when going to
 * column 0) plus a horizontal part (nothing, CR, BS, CUF/CUB, CR+CUF, CHA). An unknown coordinate
 * is -1; a move from an unknown column never uses a relative horizontal part.
 */

const esc = '\u001B[';

function cup(toX: number, toY: number): string {
	if (toX === 0) return toY === 0 ? `${esc}H` : `${esc}${toY + 1}H`;
	return `${esc}${toY + 1};${toX + 1}H`;
}

function horizontal(fromX: number, toX: number): string {
	if (fromX === toX) return '';
	if (toX === 0) return '\r';
	let best = `${esc}${toX + 1}G`;
	const viaReturn = toX === 1 ? `\r${esc}C` : `\r${esc}${toX}C`;
	if (viaReturn.length < best.length) best = viaReturn;
	if (fromX >= 0) {
		const dx = toX - fromX;
		const relative = dx === 1 ? `${esc}C` : dx > 0 ? `${esc}${dx}C` : dx === -1 ? '\b' : dx === -2 ? '\b\b' : `${esc}${-dx}D`;
		if (relative.length < best.length) best = relative;
	}
	return best;
}

/** The shortest sequence moving the cursor from (fromX, fromY) to (toX, toY); -1 means unknown. */
export function moveCursor(fromX: number, fromY: number, toX: number, toY: number): string {
	if (fromY < 0) return cup(toX, toY);
	if (fromY === toY && fromX === toX && fromX >= 0) return '';
	let best = cup(toX, toY);
	const dy = toY - fromY;
	let candidate: string;
	if (dy === 0) {
		candidate = horizontal(fromX, toX);
	} else if (dy > 0 && toX === 0 && dy <= 3) {
		// CR then LFs: safe with or without ONLCR, and never at the bottom row since toY exists.
		candidate = `\r${'\n'.repeat(dy)}`;
	} else {
		const vertical = dy === 1 ? `${esc}B` : dy === -1 ? `${esc}A` : dy > 0 ? `${esc}${dy}B` : `${esc}${-dy}A`;
		candidate = vertical + horizontal(fromX, toX);
		if (dy > 0 && toX > 0 && dy <= 2) {
			const viaLineFeeds = `\r${'\n'.repeat(dy)}${horizontal(0, toX)}`;
			if (viaLineFeeds.length < candidate.length) candidate = viaLineFeeds;
		}
	}
	if (candidate.length < best.length) best = candidate;
	return best;
}
