/**
 * Which API a backend speaks. The one module outside the adapters (`v1/`, `v4/`) that names one: the
 * console and the commands ask here for a `Backend` and use nothing but the port.
 */
import type {Backend} from './backend.js';
import type {ApiVersion} from './lib/endpoint.js';
import type {Secret} from './lib/secret.js';
import {V1Backend} from './v1/backend.js';
import {V4Backend} from './v4/backend.js';

interface CommonOptions {
	/** v1's endpoint, or v4's server (`/client/v4` is added unless it ends with it); default: the API's own. */
	endpoint?: string;
	timeoutMs?: number;
	/** Where HTTPS_PROXY / NO_PROXY are read from. */
	env?: Readonly<Record<string, string | undefined>>;
	/** Extra trusted certificate (PEM). */
	ca?: string;
	/** Values masked in every message. */
	secrets?: readonly Secret[];
}

/** v1: the account's email and global key. A token, if given, is not sent (v1 has none); it is only masked. */
export interface V1BackendOptions extends CommonOptions {
	api?: 'v1';
	email: string;
	key: Secret;
	token?: Secret;
}

/** v4: an API token (Authorization: Bearer), or else the email and global key (X-Auth-Email, X-Auth-Key). */
export interface V4BackendOptions extends CommonOptions {
	api: 'v4';
	token?: Secret;
	email?: string;
	key?: Secret;
}

/** Which API (default v1) and its credentials; V4Backend refuses a v4 choice with neither token nor email + key. */
export type BackendOptions = V1BackendOptions | V4BackendOptions;

export type {ApiVersion};

export function openBackend(options: BackendOptions): Backend {
	if (options.api === 'v4') {
		const {api: _api, ...rest} = options;
		return new V4Backend(rest);
	}
	const {api: _api, token, ...v1} = options;
	// Never sent on v1, but masked like the key wherever the server's words are shown.
	return new V1Backend(token?.isSet ? {...v1, secrets: [...(v1.secrets ?? []), token]} : v1);
}
