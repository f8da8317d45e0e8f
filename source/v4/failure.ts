/**
 * API v4 failures onto the kinds every layer speaks (errors.ts): 401/403 auth, 429 rate-limit (with
 * Retry-After), 404 and 7003 api, other 400s validation, 5xx http; the SDK's connection errors back to
 * what our fetch threw (network, timeout). Every message is built from scrubbed, bounded text.
 */
import type Cloudflare from 'cloudflare';
import {FlarewatchError} from '../errors.js';
import {excerptOf} from '../lib/http.js';
import type {Secret} from '../lib/secret.js';

/** One entry of a v4 `errors` array, as far as we read it. */
export interface V4ErrorItem {
	code?: unknown;
	message?: unknown;
}

/** The API's "Could not route … invalid object identifier": the zone id is not one this account has. */
const invalidObject = 7003;

/** Seconds from a Retry-After header (seconds or an HTTP date), when it has a usable one. */
export function retryAfterSeconds(value: string | null | undefined, nowMs: number): number | undefined {
	if (!value) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text);
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** "code 10000: Authentication error; …", bounded and scrubbed. */
export function describeErrors(items: readonly V4ErrorItem[], secrets: readonly Secret[]): string {
	const parts = items.slice(0, 3).map(item => {
		const message = typeof item.message === 'string' ? excerptOf(item.message, secrets, 160).replace(/[.\s]+$/, '') : '';
		return typeof item.code === 'number' ? `${message || 'no reason given'} (code ${item.code})` : message || 'no reason given';
	});
	return parts.length > 0 ? parts.join('; ') : 'no reason given';
}

/** An answer with this HTTP status and these errors, as a FlarewatchError. */
export function statusFailure(status: number, items: readonly V4ErrorItem[], retryAfter: string | null | undefined, action: string, secrets: readonly Secret[], nowMs: number): FlarewatchError {
	const reason = describeErrors(items, secrets);
	const code = typeof items[0]?.code === 'number' ? String(items[0].code) : undefined;
	const details = {status, ...(code ? {code} : {})};
	if (status === 401 || status === 403) return new FlarewatchError('auth', `The API refused the credentials for ${action}: ${reason}.`, details);
	if (status === 429) {
		const wait = retryAfterSeconds(retryAfter, nowMs);
		const after = wait === undefined ? '' : ` Try again in ${wait} s.`;
		return new FlarewatchError('rate-limit', `The API call limit is reached (${action}: ${reason}).${after}`, {...details, ...(wait === undefined ? {} : {retryAfterSeconds: wait})});
	}
	if (status === 404 || items.some(item => item.code === invalidObject)) return new FlarewatchError('api', `${action} was refused: ${reason}.`, details);
	if (status >= 400 && status < 500) return new FlarewatchError('validation', `${action} was refused as invalid: ${reason}.`, details);
	return new FlarewatchError('http', `The API answered HTTP ${status} to ${action}: ${reason}.`, details);
}

/** Any error out of the SDK (or our fetch under it) as a FlarewatchError; `sdk` is the SDK's class (its error classes), loaded lazily. */
export function sdkFailure(error: unknown, sdk: typeof Cloudflare | undefined, action: string, secrets: readonly Secret[], nowMs: number): FlarewatchError {
	if (error instanceof FlarewatchError) return error;
	if (!sdk) return new FlarewatchError('decode', `The API client for ${action} could not be loaded: ${excerptOf(error instanceof Error ? error.message : String(error), secrets, 120)}.`);
	// Our fetch's own failure (timeout, network, body too large) comes back wrapped by the SDK.
	if (error instanceof sdk.APIConnectionError) {
		if (error.cause instanceof FlarewatchError) return error.cause;
		if (error instanceof sdk.APIConnectionTimeoutError) return new FlarewatchError('timeout', `No answer to ${action} in time.`);
		return new FlarewatchError('network', `Could not reach the API for ${action}: ${excerptOf(error.message, secrets, 120)}.`);
	}
	if (error instanceof sdk.APIError && typeof error.status === 'number') {
		return statusFailure(error.status, error.errors as V4ErrorItem[], error.headers?.get('retry-after'), action, secrets, nowMs);
	}
	// A 2xx body the SDK could not parse as JSON (a cut or HTML answer).
	if (error instanceof SyntaxError) return new FlarewatchError('decode', `The answer to ${action} is not JSON: ${excerptOf(error.message, secrets, 120)}.`);
	const message = error instanceof Error ? error.message : String(error);
	return new FlarewatchError('decode', `The answer to ${action} could not be read: ${excerptOf(message, secrets, 120)}.`);
}
