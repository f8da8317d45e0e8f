/**
 * The failure kinds every layer speaks. The v1 client throws these; the monitor decides policy
 * (back off, stop polling, show a banner) from `kind` alone; commands map `kind` to an exit code.
 * Messages are one sentence, name what was wrong, and never contain the API key.
 */
export type FailureKind =
	/** Bad command-line usage. Nothing was sent. */
	| 'usage'
	/** Input refused before sending (bad IP, hostname, enum value). Nothing was sent. */
	| 'validation'
	/** The API answered `result: error` (other than auth and rate limit). */
	| 'api'
	/** E_UNAUTH (v1), HTTP 401/403 (v4): wrong email, key or token. */
	| 'auth'
	/** E_MAXAPI (v1) or HTTP 429 (v4): the call budget is spent. */
	| 'rate-limit'
	/** A non-200 HTTP status other than 410. */
	| 'http'
	/** HTTP 410: the v1 API is switched off for good. Asking again cannot help, so nothing retries it. */
	| 'gone'
	/** Connection refused, reset, DNS, TLS. */
	| 'network'
	/** No answer within the timeout. */
	| 'timeout'
	/** An answer that could not be decoded. */
	| 'decode';

/**
 * The one sentence every 410 becomes, in the console and from the one-shot commands alike. It says what
 * to do instead; the server's own text stays in the error's `excerpt`.
 */
export const goneMessage =
	"Cloudflare's Client Interface API (v1) was retired in 2016 and now answers HTTP 410 Gone, so flarewatch cannot poll or act through it; run flarewatch --demo to rehearse on the built-in emulator instead.";

export interface FlarewatchErrorDetails {
	/** The API's err_code, when it sent one (e.g. E_UNAUTH, E_INVLDINPUT, "ip"). */
	code?: string;
	/** HTTP status for `http` failures. */
	status?: number;
	/** For `decode`: a short excerpt of the body, secrets removed. */
	excerpt?: string;
	/** For `validation`: the field that was wrong. */
	field?: string;
	/** For `rate-limit`: how long the server asked to wait (API v4's Retry-After), when it said. */
	retryAfterSeconds?: number;
	cause?: unknown;
}

export class FlarewatchError extends Error {
	readonly kind: FailureKind;
	readonly code?: string;
	readonly status?: number;
	readonly excerpt?: string;
	readonly field?: string;
	readonly retryAfterSeconds?: number;

	constructor(kind: FailureKind, message: string, details: FlarewatchErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : {cause: details.cause});
		this.name = 'FlarewatchError';
		this.kind = kind;
		this.code = details.code;
		this.status = details.status;
		this.excerpt = details.excerpt;
		this.field = details.field;
		this.retryAfterSeconds = details.retryAfterSeconds;
	}
}

export function isFlarewatchError(error: unknown): error is FlarewatchError {
	return error instanceof FlarewatchError;
}

/** Exit codes of the one-shot commands. */
export const exitCodes = {
	ok: 0,
	refused: 1,
	usage: 2,
	transport: 3,
	rateLimited: 4,
} as const;

export function exitCodeFor(kind: FailureKind): number {
	switch (kind) {
		case 'usage':
		case 'validation':
			return exitCodes.usage;
		// A 410 is permanent, like a refusal: a script must not take it for a passing outage and retry.
		case 'api':
		case 'auth':
		case 'gone':
			return exitCodes.refused;
		case 'rate-limit':
			return exitCodes.rateLimited;
		case 'http':
		case 'network':
		case 'timeout':
		case 'decode':
			return exitCodes.transport;
	}
}
