/** What every action handler gets, and the helpers they share (zone lookup, `v` checks, the echo). */
import type {EmulatorCore} from '../core.js';
import type {Json} from '../json.js';
import type {Params} from '../params.js';
import type {Account, Zone} from '../world.js';

export interface ActionContext {
	core: EmulatorCore;
	account: Account;
	params: Params;
	action: string;
	nowSec: number;
}

/** An envelope a handler answers with (the server adds calls_left, JSONP and the escaping). */
export type Envelope = Record<string, Json | undefined>;

export type ActionHandler = (context: ActionContext) => Envelope;

/** An API-level refusal: becomes `{"result":"error","msg":...,"err_code":...}` at HTTP 200. */
export class ApiFailure extends Error {
	constructor(
		message: string,
		readonly errCode?: string,
		readonly extra?: Envelope,
	) {
		super(message);
	}
}

export const invalidInput = 'Some other input was not valid';

/** The zone named by `z`, `zone`, `zone_name` (names) or `zid` (id; a name is taken too). */
export function zoneParam(context: ActionContext): Zone {
	const {params} = context;
	const given = params.get('z') ?? params.get('zone') ?? params.get('zid') ?? params.get('zone_name');
	if (given === undefined || given.trim() === '') throw new ApiFailure('No zone given: pass z (the zone name) or zid.', 'E_INVLDINPUT');
	const zone = context.core.world.zoneOf(context.account, given);
	if (!zone) throw new ApiFailure('Invalid zone.');
	return zone;
}

/** `v` must be exactly one of `allowed` (the spec's wording for the message). */
export function vParam<T extends string>(context: ActionContext, allowed: readonly T[]): T {
	const value = context.params.get('v');
	if (value === undefined || !allowed.includes(value as T)) throw new ApiFailure(`v must be one of ${allowed.join('|')}`, 'v');
	return value as T;
}

/** The request echo some actions carried: every parameter as sent, `a` renamed `act` (tkn included, as the real service did). */
export function echo(context: ActionContext): Json {
	const request: Record<string, Json> = {act: context.action};
	for (const [name, value] of context.params) {
		if (name !== 'a' && name !== 'act' && name !== 'callback') request[name] = value;
	}
	return request;
}

/** Marks a zone's traffic inputs as changed, so cached windows are recomputed. */
export function touch(zone: Zone): void {
	zone.version++;
}
