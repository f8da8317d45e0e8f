/**
 * Body → typed value or FlarewatchError. Strict JSON first, then the tolerant reading of the
 * documentation's lax forms; plain-text answers of `/api.html`. Nothing here keeps or prints the key:
 * every excerpt and message derived from the wire goes through `scrub`.
 */
import {FlarewatchError} from '../errors.js';
import {excerptOf} from '../lib/http.js';
import type {Secret} from '../lib/secret.js';
import type {WireEnvelope} from './wire.js';
import {parseLaxJson} from './lax-json.js';

/** What a decoder needs to explain itself without leaking. */
export interface DecodeContext {
	/** The action, for messages ("sec_lvl was refused: ..."). */
	action: string;
	/** Values that must never appear in a message or excerpt. */
	secrets: ReadonlyArray<Secret | string>;
	/** Told the `calls_left` of every envelope, errors included. */
	onCallsLeft?: (callsLeft: number) => void;
}

/** A successful JSON answer, minus the envelope. */
export interface DecodedEnvelope {
	response: unknown;
	attributes: Record<string, unknown>;
	/** `calls_left` when the server reported it. */
	callsLeft?: number;
	/** The request echo, with any `tkn` removed. */
	request?: Record<string, unknown>;
}

/** A short, printable, secret-free excerpt of a body for error reports (shared with every adapter). */
export {excerptOf};

/** A server-provided message made safe to print: no control characters, no key, bounded, one sentence. */
export function cleanMessage(message: string, secrets: DecodeContext['secrets']): string {
	const text = excerptOf(message, secrets, 200).replace(/[.\s]+$/, '');
	return text.length > 0 ? text : 'no reason given';
}

export function decodeFailure(ctx: DecodeContext, body: string, why: string): FlarewatchError {
	const excerpt = excerptOf(body, ctx.secrets);
	const shown = excerptOf(body, ctx.secrets, 40);
	return new FlarewatchError('decode', `The answer to ${ctx.action} ${why}${shown ? ` (starts ${JSON.stringify(shown)})` : ''}.`, {excerpt});
}

/** Maps an error code (JSON `err_code` or a plain-text code) to a typed failure. */
export function apiFailure(ctx: DecodeContext, code: string | undefined, message: string | undefined): FlarewatchError {
	const msg = message === undefined ? undefined : cleanMessage(message, ctx.secrets);
	const safeCode = code === undefined ? undefined : cleanMessage(code, ctx.secrets).slice(0, 40);
	if (safeCode === 'E_UNAUTH' || (safeCode === undefined && msg === 'Unknown token or email')) {
		return new FlarewatchError('auth', `The API refused the email or key for ${ctx.action} (E_UNAUTH${msg ? `: ${msg}` : ''}).`, {code: 'E_UNAUTH'});
	}
	if (safeCode === 'E_MAXAPI') {
		return new FlarewatchError('rate-limit', `The API call budget is spent for now; ${ctx.action} was not done (E_MAXAPI).`, {code: safeCode});
	}
	const reason = msg ?? (safeCode === undefined ? undefined : textCodeMeaning.get(safeCode)) ?? 'no reason given';
	return new FlarewatchError('api', `The API refused ${ctx.action}: ${reason}${safeCode ? ` (${safeCode})` : ''}.`, {code: safeCode});
}

/** A Map, not an object: a server's err_code of "constructor" or "__proto__" must not find a member. */
const textCodeMeaning: ReadonlyMap<string, string> = new Map([
	['E_INVLDIP', 'the IP address is malformed'],
	['E_INVLDINPUT', 'some input was not valid'],
	['E_NOHOST', 'no such host'],
	['E_INVLDHST', 'a host name is not valid'],
	['E_DUPHST', 'a host is listed twice'],
	['E_NOUPDATE', 'nothing to update'],
]);

function looksLikeHtml(body: string): boolean {
	return /^\s*</.test(body);
}

/** Strict JSON, then the lax forms; undefined when neither reading works. */
export function parseJsonish(body: string): {ok: true; value: unknown} | {ok: false} {
	try {
		return {ok: true, value: JSON.parse(body) as unknown};
	} catch {
		try {
			return {ok: true, value: parseLaxJson(body)};
		} catch {
			return {ok: false};
		}
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelopeResult(value: unknown): value is 'success' | 'error' {
	return value === 'success' || value === 'error';
}

/** Decodes a JSON envelope; throws the typed failure for `result: error`. */
export function decodeEnvelope(body: string, ctx: DecodeContext): DecodedEnvelope {
	if (body.trim().length === 0) throw decodeFailure(ctx, body, 'was empty');
	if (looksLikeHtml(body)) throw decodeFailure(ctx, body, 'was an HTML page, not JSON');
	const parsed = parseJsonish(body);
	if (!parsed.ok) throw decodeFailure(ctx, body, 'is not JSON, strict or lax');
	let envelope = parsed.value;
	// The documentation shows some answers with the envelope nested in `response` and nothing beside it.
	if (isRecord(envelope) && envelope.result === undefined && isRecord(envelope.response) && isEnvelopeResult(envelope.response.result)) {
		envelope = {...envelope.response, ...(envelope.calls_left === undefined ? {} : {calls_left: envelope.calls_left})};
	}
	if (!isRecord(envelope) || !isEnvelopeResult(envelope.result)) {
		throw decodeFailure(ctx, body, 'has no "result" of success or error');
	}
	const wire = envelope as unknown as WireEnvelope;
	const callsLeft = coerceNumber(wire.calls_left);
	if (callsLeft !== undefined) ctx.onCallsLeft?.(callsLeft);
	if (wire.result === 'error') {
		const code = typeof wire.err_code === 'string' && wire.err_code.length > 0 ? wire.err_code : undefined;
		throw apiFailure(ctx, code, typeof wire.msg === 'string' ? wire.msg : undefined);
	}
	let request: Record<string, unknown> | undefined;
	if (isRecord(wire.request)) {
		// The real service echoed the key back here; never keep it.
		const {tkn: _dropped, ...rest} = wire.request;
		request = rest;
	}
	return {
		response: wire.response,
		attributes: isRecord(wire.attributes) ? wire.attributes : {},
		...(callsLeft === undefined ? {} : {callsLeft}),
		...(request === undefined ? {} : {request}),
	};
}

/** Decodes `/api.html`'s `OK` / `E_*`; returns normally on OK. */
export function decodeTextStatus(body: string, ctx: DecodeContext): void {
	const text = body.trim();
	if (text === 'OK') return;
	if (/^E_[A-Z]+$/.test(text)) throw apiFailure(ctx, text, undefined);
	if (text.startsWith('{')) {
		decodeEnvelope(text, ctx);
		return;
	}
	throw decodeFailure(ctx, body, looksLikeHtml(body) ? 'was an HTML page, not OK or an error code' : 'is neither OK nor an error code');
}

/** One host's outcome in a DIUP answer. */
export interface HostOutcome {
	host: string;
	outcome: string;
}

/** Decodes DIUP's answer: one `<host> <CODE>` line per host, or one bare code for the whole request. */
export function decodeHostLines(body: string, ctx: DecodeContext): HostOutcome[] {
	const text = body.trim();
	if (/^E_[A-Z]+$/.test(text)) throw apiFailure(ctx, text, undefined);
	if (text.startsWith('{')) {
		decodeEnvelope(text, ctx);
		return [];
	}
	if (text === 'OK') return [];
	const outcomes: HostOutcome[] = [];
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === '') continue;
		const match = /^\s*(\S+)\s+(OK|E_[A-Z]+)\s*$/.exec(line);
		if (!match) throw decodeFailure(ctx, body, 'has a line that is not "<host> <code>"');
		outcomes.push({host: match[1]!, outcome: match[2]!});
	}
	if (outcomes.length === 0) throw decodeFailure(ctx, body, 'was empty');
	return outcomes;
}

/** A finite number from a number or a decimal string; undefined otherwise. */
export function coerceNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value)) return undefined;
	// The pattern admits "1e999", which Number() reads as Infinity: refuse it like any other non-number.
	const number = Number(value);
	return Number.isFinite(number) ? number : undefined;
}
