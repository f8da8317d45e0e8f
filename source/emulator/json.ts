/**
 * The wire format of the v1 service: compact JSON with every "/" escaped as "\/" (PHP's json_encode
 * default), and the documentation's lax form for the `lax` fault.
 */

/** Already-encoded JSON text (wire form, slashes escaped), spliced in as is: big lists skip the generic encoder. */
export class RawJson {
	constructor(readonly text: string) {}
}

/** A JSON value as the emulator builds responses. */
export type Json = string | number | boolean | null | RawJson | Json[] | {[key: string]: Json | undefined};

const rawMarker = '\u0001raw\u0001';

/** Finds a RawJson near the top (envelope.response.x): a replacer function would slow every encode down. */
function findRaw(value: Json | undefined, depth: number): RawJson | undefined {
	if (value instanceof RawJson) return value;
	if (depth === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
	for (const key in value) {
		const found = findRaw(value[key], depth - 1);
		if (found) return found;
	}
	return undefined;
}

export function encodeJson(value: Json): string {
	const raw = findRaw(value, 3);
	const text = raw ? JSON.stringify(value, (_key, item: unknown) => (item === raw ? rawMarker : item)) : JSON.stringify(value);
	// Slashes only occur inside strings in JSON text, so a global replace is exact.
	const escaped = text.includes('/') ? text.replace(/\//g, '\\/') : text;
	// One raw value per envelope is all the emulator uses (zone_ips' list).
	return raw ? escaped.replace(JSON.stringify(rawMarker), () => raw.text) : escaped;
}

/** A string as JSON on the wire. */
export function encodeString(text: string): string {
	return JSON.stringify(text).replace(/\//g, '\\/');
}

/** The success envelope; `request` is the echo some actions carried. */
export function success(response: Json | undefined, request?: Json): Record<string, Json | undefined> {
	const envelope: Record<string, Json | undefined> = {};
	if (request !== undefined) envelope.request = request;
	if (response !== undefined) envelope.response = response;
	envelope.result = 'success';
	envelope.msg = null;
	return envelope;
}

/** Setting changes answered just this, in this key order, in real captures. */
export function bareSuccess(): Record<string, Json> {
	return {msg: null, result: 'success'};
}

/** The error envelope; `err_code` is often absent on the real service. */
export function failure(msg: string, errCode?: string): Record<string, Json | undefined> {
	const envelope: Record<string, Json | undefined> = {result: 'error', msg};
	if (errCode !== undefined) envelope.err_code = errCode;
	return envelope;
}

/**
 * The documentation's example style: unquoted keys where they look like identifiers or dotted
 * numbers (`{response: {1.0.171.33: "BAD:11"}, result: "success", msg: null}`), ", " and ": ".
 */
export function encodeLax(value: Json | undefined): string {
	if (value === undefined || value === null) return 'null';
	if (typeof value === 'string') return encodeString(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value instanceof RawJson) return value.text;
	if (Array.isArray(value)) return `[${value.map(item => encodeLax(item)).join(', ')}]`;
	const parts: string[] = [];
	for (const [key, item] of Object.entries(value)) {
		if (item === undefined) continue;
		const bareKey = /^[A-Za-z_$][\w$]*$|^[\d.]+$/.test(key) ? key : JSON.stringify(key);
		parts.push(`${bareKey}: ${encodeLax(item)}`);
	}
	return `{${parts.join(', ')}}`;
}
