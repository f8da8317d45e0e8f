/**
 * API v4's envelope: `{success, errors, messages, result, result_info?}`, failures thrown as V4Failure
 * with their HTTP status, pagination, and the small readers every handler shares.
 */

export interface V4Message {
	code: number;
	message: string;
	error_chain?: {code: number; message: string}[];
}

/** What a handler answers: a status, a JSON body, extra headers. */
export interface V4Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/** A refusal: becomes the failure envelope at `status`. */
export class V4Failure extends Error {
	constructor(
		readonly status: number,
		readonly errors: V4Message[],
		readonly headers?: Record<string, string>,
	) {
		super(errors[0]?.message ?? 'error');
	}
}

export function failureBody(errors: V4Message[]): unknown {
	return {success: false, errors, messages: [], result: null};
}

export interface ResultInfo {
	page: number;
	per_page: number;
	count: number;
	total_count: number;
	total_pages: number;
}

export function ok(result: unknown, resultInfo?: ResultInfo, messages: unknown[] = []): V4Answer {
	const body: Record<string, unknown> = {success: true, errors: [], messages, result};
	if (resultInfo) body.result_info = resultInfo;
	return {status: 200, body};
}

/**
 * Validation refusals where the notes give no code: 400 with 1002 (our choice, docs/emulator.md).
 * DNS and settings have their own codes (1004, 1007).
 */
export const validationCode = 1002;

export function invalid(message: string, code = validationCode): V4Failure {
	return new V4Failure(400, [{code, message}]);
}

export const noRoute: V4Message = {code: 7000, message: 'No route for that URI'};

/** An id that names nothing this account can see (or is not an id at all). */
export function unknownObject(path: string, malformed: boolean): V4Failure {
	const routeError = {code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?`};
	return malformed ? new V4Failure(400, [routeError, noRoute]) : new V4Failure(404, [routeError]);
}

export const hex32 = /^[0-9a-f]{32}$/;

export function iso(sec: number): string {
	return new Date(sec * 1000).toISOString();
}

/** The body as an object: API v4 takes JSON objects; anything else is refused. */
export function bodyObject(body: unknown): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The request body must be a JSON object.');
	return body as Record<string, unknown>;
}

function positiveInteger(query: URLSearchParams, name: string, fallback: number, max: number): number {
	const given = query.get(name);
	if (given === null || given === '') return fallback;
	if (!/^\d{1,9}$/.test(given) || Number(given) < 1) throw invalid(`${name} must be a positive whole number.`);
	return Math.min(Number(given), max);
}

/** `page` / `per_page` over a list; a page past the end is an empty success, as the SDK's paging expects. */
export function paginate<T>(items: T[], query: URLSearchParams, defaultPerPage: number, maxPerPage: number): {items: T[]; info: ResultInfo} {
	const page = positiveInteger(query, 'page', 1, 1_000_000);
	const perPage = positiveInteger(query, 'per_page', defaultPerPage, maxPerPage);
	const slice = items.slice((page - 1) * perPage, page * perPage);
	return {items: slice, info: {page, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.ceil(items.length / perPage)}};
}

/** `direction` asc|desc (default asc). */
export function direction(query: URLSearchParams): 1 | -1 {
	const given = query.get('direction');
	if (given === null || given === '' || given === 'asc') return 1;
	if (given === 'desc') return -1;
	throw invalid('direction must be asc or desc.');
}

/** `match` all|any (default all): how several filters combine. */
export function combine(query: URLSearchParams, tests: boolean[]): boolean {
	const match = query.get('match') ?? 'all';
	if (match !== 'all' && match !== 'any') throw invalid('match must be all or any.');
	if (tests.length === 0) return true;
	return match === 'all' ? tests.every(Boolean) : tests.some(Boolean);
}

/** Sorts by a key, stable, in the asked direction. */
export function sortBy<T>(items: T[], key: (item: T) => string | number, sign: 1 | -1): T[] {
	return items
		.map((item, index) => ({item, index, value: key(item)}))
		.sort((a, b) => (a.value < b.value ? -sign : a.value > b.value ? sign : a.index - b.index))
		.map(entry => entry.item);
}

/** A string filter with operators: `name=x` (exact), `name.exact|contains|startswith|endswith=x`, case-insensitive. */
export function textFilters(query: URLSearchParams, field: string, value: string, normalise: (text: string) => string = text => text.toLowerCase()): boolean[] {
	const tests: boolean[] = [];
	const subject = value.toLowerCase();
	const plain = query.get(field);
	if (plain !== null) tests.push(subject === normalise(plain));
	const exact = query.get(`${field}.exact`);
	if (exact !== null) tests.push(subject === normalise(exact));
	const contains = query.get(`${field}.contains`);
	if (contains !== null) tests.push(subject.includes(contains.toLowerCase()));
	const starts = query.get(`${field}.startswith`);
	if (starts !== null) tests.push(subject.startsWith(starts.toLowerCase()));
	const ends = query.get(`${field}.endswith`);
	if (ends !== null) tests.push(subject.endsWith(ends.toLowerCase()));
	return tests;
}
