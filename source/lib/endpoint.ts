/**
 * Where the API is: the default, and the check every endpoint passes before a request is made
 * (https anywhere, plain http only on loopback, no credentials or query in the URL). Shared by the
 * configuration, which explains a bad endpoint before anything runs, and by every backend.
 */
import {FlarewatchError} from '../errors.js';
import {quote} from './validate.js';

/** The APIs flarewatch speaks: the retired Client Interface API (v1) and today's API v4. */
export type ApiVersion = 'v1' | 'v4';
export const apiVersions: readonly ApiVersion[] = ['v1', 'v4'];

/** v1's endpoint (`/api_json.html` is added to it). */
export const defaultEndpoint = 'https://www.cloudflare.com';
/** API v4's server: `/client/v4` is added unless the endpoint already ends with it. */
export const defaultV4Endpoint = 'https://api.cloudflare.com';

/** The default endpoint of an API. */
export function defaultEndpointFor(api: ApiVersion): string {
	return api === 'v4' ? defaultV4Endpoint : defaultEndpoint;
}

/** True when the endpoint already names API v4's path (`…/client/v4`, a trailing slash allowed). */
export function namesV4Path(url: URL): boolean {
	return url.pathname.replace(/\/+$/, '').endsWith('/client/v4');
}
export const defaultTimeoutMs = 10_000;

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and checks an endpoint: https anywhere, http only on loopback, no credentials or query. */
export function checkEndpoint(endpoint: string): URL {
	// "localhost:34177" parses as a URL whose scheme is "localhost:": name the missing scheme instead.
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
		const host = endpoint.split(/[/:]/)[0] ?? '';
		const example = isLoopbackHost(host) ? `http://${endpoint}` : `https://${endpoint}`;
		throw new FlarewatchError('validation', `The endpoint ${quote(endpoint, 60)} has no scheme; write it as a URL, such as ${quote(example, 70)}.`, {field: 'endpoint'});
	}
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw new FlarewatchError('validation', `The endpoint ${quote(endpoint, 60)} is not a URL.`, {field: 'endpoint'});
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new FlarewatchError('validation', `The endpoint must be an https:// URL, not ${url.protocol}.`, {field: 'endpoint'});
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new FlarewatchError('validation', `The endpoint ${url.host} uses plain http, which is only allowed for a loopback address; use https.`, {field: 'endpoint'});
	}
	if (url.username || url.password) throw new FlarewatchError('validation', 'The endpoint must not carry a user name or password.', {field: 'endpoint'});
	if (url.search || url.hash) throw new FlarewatchError('validation', 'The endpoint must not carry a query or fragment.', {field: 'endpoint'});
	return url;
}
