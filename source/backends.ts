/**
 * Which API a backend speaks. The one module outside `v1/` that names an adapter: the console and the
 * commands ask here for a `Backend` and use nothing but the port.
 */
import type {Backend} from './backend.js';
import type {Secret} from './lib/secret.js';
import {V1Backend} from './v1/backend.js';

export interface BackendOptions {
	endpoint: string;
	email: string;
	key: Secret;
	timeoutMs?: number;
	/** Where HTTPS_PROXY / NO_PROXY are read from. */
	env?: Readonly<Record<string, string | undefined>>;
	/** Extra trusted certificate (PEM). */
	ca?: string;
	/** Values masked in every message. */
	secrets?: readonly Secret[];
}

export function openBackend(options: BackendOptions): Backend {
	return new V1Backend(options);
}
