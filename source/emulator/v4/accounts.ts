/** API v4 accounts: each emulated user has exactly one, whose id is the user's (and the zones' `account.id`). */
import type {Account} from '../world.js';
import {accountOf} from './access-rules.js';
import type {V4Context} from './context.js';
import {iso, ok, paginate, type V4Answer} from './envelope.js';
import {accountName} from './zones.js';

function accountObject(account: Account): unknown {
	const created = Math.min(...account.zones.map(zone => zone.createdAt));
	return {id: account.id, name: accountName(account), type: 'standard', settings: {enforce_twofactor: false}, created_on: Number.isFinite(created) ? iso(created) : null};
}

/** `GET /accounts`: the caller's one account (paged like any list). */
export function listAccounts(context: V4Context): V4Answer {
	const page = paginate([context.account], context.query, 20, 50);
	return ok(page.items.map(accountObject), page.info);
}

/** `GET /accounts/{account_id}`: the caller's own account; any other id is refused as the access rules' route refuses it. */
export function getAccount(context: V4Context): V4Answer {
	return ok(accountObject(accountOf(context)));
}
