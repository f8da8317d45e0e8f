/** What every API v4 handler gets. */
import type {EmulatorCore} from '../core.js';
import type {Account, Zone} from '../world.js';
import {hex32, unknownObject} from './envelope.js';

export interface V4Context {
	core: EmulatorCore;
	account: Account;
	/** How the caller authenticated: an API token, or the legacy email + Global API Key. */
	auth: 'token' | 'key';
	query: URLSearchParams;
	/** The parsed JSON body; undefined when there was none. */
	body: unknown;
	nowSec: number;
	/** The full request path (`/client/v4/...`), for error messages. */
	path: string;
	/** Path parameters of the matched route (`zone_id`, `rule_id`, ...). */
	params: Record<string, string>;
}

/** The route's zone: a malformed id and an id this account cannot see are refused alike but for the status. */
export function zoneOf(context: V4Context): Zone {
	const id = context.params.zone_id ?? '';
	const zone = hex32.test(id) ? context.core.world.zoneByHex(context.account, id) : undefined;
	if (!zone) throw unknownObject(`/client/v4/zones/${id}`, !hex32.test(id));
	return zone;
}
