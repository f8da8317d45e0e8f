/**
 * Which API a backend speaks. The one module outside the adapters (`v1/`, `v4/`) that names one: the
 * console and the commands ask here for a `Backend` and use nothing but the port.
 */
import type {Backend} from './backend.js';
import type {Secret} from './lib/secret.js';
import {V1Backend} from './v1/backend.js';
import {V4Backend} from './v4/backend.js';

export interface BackendOptions {
	/** Which API; default v1 (the console and the commands do not choose v4 yet). */
	api?: 'v1' | 'v4';
	endpoint: string;
	email: string;
	key: Secret;
	/** API v4 only: an API token, used instead of email + key when set. */
	token?: Secret;
	timeoutMs?: number;
	/** Where HTTPS_PROXY / NO_PROXY are read from. */
	env?: Readonly<Record<string, string | undefined>>;
	/** Extra trusted certificate (PEM). */
	ca?: string;
	/** Values masked in every message. */
	secrets?: readonly Secret[];
}

export function openBackend(options: BackendOptions): Backend {
	if (options.api === 'v4') {
		const {api: _api, ...rest} = options;
		return new V4Backend(rest);
	}
	const {api: _api, token: _token, ...v1} = options;
	return new V1Backend(v1);
}
