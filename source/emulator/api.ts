/**
 * The three API endpoints: `/api_json.html` (JSON envelope), `/api.html` (plain text) and
 * `/ajax/external-event.html` (spam reports). Authentication, counting and budgets happen here,
 * in the same order for every action, before any handler runs.
 */
import {ApiFailure, invalidInput, type ActionContext, type ActionHandler, type Envelope} from './handlers/context.js';
import {diupJson, dynamicIpUpdate, recDel, recDelete, recEdit, recLoadAll, recNew, recSet} from './handlers/dns.js';
import {applyRule, cacheLvl, devmode, fpurge, ipv46, prePurge, ruleAction, secLvl, zoneCheck, zoneGrab, zoneLoadMulti} from './handlers/settings.js';
import {ipLookup, stats, zoneIps} from './handlers/traffic.js';
import {minify, mirage2, rocketLoader, zoneFilePurge, zoneSettings} from './handlers/zone-settings.js';
import type {EmulatorCore} from './core.js';
import {taint} from './hostile.js';
import {failure} from './json.js';
import {emailOf, nonEmpty, type Params} from './params.js';
import type {Account} from './world.js';

const handlers: Record<string, ActionHandler> = {
	stats,
	sec_lvl: secLvl,
	cache_lvl: cacheLvl,
	devmode,
	fpurge_ts: fpurge,
	zone_check: zoneCheck,
	zone_ips: zoneIps,
	zone_grab: zoneGrab,
	rec_set: recSet,
	rec_del: recDel,
	pre_purge: prePurge,
	DIUP: diupJson,
	ip_lkup: ipLookup,
	ipv46,
	wl: ruleAction('wl'),
	ban: ruleAction('ban'),
	nul: ruleAction('nul'),
	rec_load_all: recLoadAll,
	rec_new: recNew,
	rec_edit: recEdit,
	rec_delete: recDelete,
	zone_load_multi: zoneLoadMulti,
	zone_settings: zoneSettings,
	zone_file_purge: zoneFilePurge,
	async: rocketLoader,
	minify,
	mirage2,
};

export const unauthMessage = 'Unknown token or email';
export const maxApiMessage = 'You have exceeded your allowed number of API calls.';

/** Known action names (for the admin's and the bench's sake). */
export const actionNames = Object.keys(handlers);

function errorEnvelope(core: EmulatorCore, msg: string, code?: string): Envelope {
	return failure(taint(msg, core.hostile), code);
}

type Gate = {account: Account; nowSec: number} | {refusal: Envelope; account?: Account};

/** Auth, counting and the hourly budget, shared by api_json.html and api.html. */
function gate(core: EmulatorCore, params: Params, action: string | undefined, known: boolean): Gate {
	const nowSec = core.clock.nowSec();
	const account = core.authenticate(emailOf(params), params.get('tkn'));
	if (account) {
		core.count(account, known && action ? action : '(invalid)');
		if (!account.budget.take(nowSec)) return {refusal: errorEnvelope(core, maxApiMessage, 'E_MAXAPI'), account};
	}
	if (!known) return {refusal: errorEnvelope(core, invalidInput, 'E_INVLDINPUT'), account};
	if (!account) {
		core.unauthorizedCalls++;
		return {refusal: errorEnvelope(core, unauthMessage, 'E_UNAUTH')};
	}
	return {account, nowSec};
}

/** `/api_json.html`: the envelope for this request (calls_left added when asked for). */
export function answerJson(core: EmulatorCore, params: Params): Envelope {
	const action = params.get('a');
	const known = action !== undefined && Object.hasOwn(handlers, action);
	const passed = gate(core, params, action, known);
	let envelope: Envelope;
	if ('refusal' in passed) {
		envelope = passed.refusal;
	} else {
		const context: ActionContext = {core, account: passed.account, params, action: action ?? '', nowSec: passed.nowSec};
		try {
			envelope = handlers[action ?? ''](context);
		} catch (error) {
			if (!(error instanceof ApiFailure)) throw error;
			envelope = {...errorEnvelope(core, error.message, error.errCode), ...error.extra};
		}
	}
	const account = 'refusal' in passed ? passed.account : passed.account;
	if (account && params.has('calls_left')) envelope.calls_left = account.budget.remaining(core.clock.nowSec());
	return envelope;
}

/** `/api.html`: plain text `OK`, an error code, or DIUP's lines. */
export function answerPlain(core: EmulatorCore, params: Params): string {
	const action = params.get('a');
	const known = action === 'wl' || action === 'ban' || action === 'nul' || action === 'DIUP';
	const passed = gate(core, params, action, known);
	if ('refusal' in passed) return String(passed.refusal.err_code ?? 'E_INVLDINPUT');
	const context: ActionContext = {core, account: passed.account, params, action: action ?? '', nowSec: passed.nowSec};
	if (action === 'DIUP') {
		const outcome = dynamicIpUpdate(context);
		return 'code' in outcome ? outcome.code : outcome.lines.join('\n');
	}
	try {
		applyRule(context, action as 'wl' | 'ban' | 'nul');
		return 'OK';
	} catch (error) {
		if (!(error instanceof ApiFailure)) throw error;
		return error.errCode?.startsWith('E_') ? error.errCode : 'E_INVLDINPUT';
	}
}

const eventTypes = new Set(['CF_USER_SPAM', 'WP_SPAM']);

/** `/ajax/external-event.html`: spam reports, 150 per account per hour. */
export function answerExternalEvent(core: EmulatorCore, params: Params): Envelope {
	const email = emailOf(params);
	const account = core.authenticate(email, nonEmpty(params, 'tkn') ?? params.get('t'));
	const kind = params.get('evnt_t') ?? '';
	if (!account) {
		core.unauthorizedCalls++;
		return errorEnvelope(core, unauthMessage, 'E_UNAUTH');
	}
	core.count(account, eventTypes.has(kind) ? kind : '(invalid event)');
	if (!eventTypes.has(kind)) return errorEnvelope(core, 'evnt_t must be one of CF_USER_SPAM|WP_SPAM.', 'E_INVLDINPUT');
	let event: unknown;
	try {
		event = JSON.parse(params.get('evnt_v') ?? '');
	} catch {
		return errorEnvelope(core, 'evnt_v must be a JSON-encoded object with a, am, ip and content.', 'E_INVLDINPUT');
	}
	if (typeof event !== 'object' || event === null || Array.isArray(event)) {
		return errorEnvelope(core, 'evnt_v must be a JSON-encoded object with a, am, ip and content.', 'E_INVLDINPUT');
	}
	if (!account.spam.take(core.clock.nowSec())) return errorEnvelope(core, 'Spam reports are limited to 150 per hour.', 'E_MAXAPI');
	return {result: 'success', msg: null};
}
