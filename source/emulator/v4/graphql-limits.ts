/**
 * Per-plan node limits (what the real API reports under `settings`) and the errors past them, in
 * Cloudflare's words where users have quoted them. The emulator's plans are Free and Pro.
 */
import {GraphQLError} from 'graphql';

export interface NodeLimits {
	enabled: boolean;
	/** Seconds back from now a query may start. */
	notOlderThan: number;
	/** Widest time range, seconds. */
	maxDuration: number;
	maxPageSize: number;
	maxNumberOfFields: number;
	/** Fields of the node this plan may not ask for (paths under the node, e.g. `dimensions.clientAsn`). */
	refused: string[];
}

const day = 86_400;
const off: NodeLimits = {enabled: false, notOlderThan: 0, maxDuration: 0, maxPageSize: 0, maxNumberOfFields: 0, refused: []};
const open = (notOlderThan: number, maxDuration: number, refused: string[] = []): NodeLimits => ({enabled: true, notOlderThan, maxDuration, maxPageSize: 10_000, maxNumberOfFields: 30, refused});

/**
 * Sources (docs/emulator-graphql.md has the reasoning): adaptive requests reach back 8 days on Free
 * and Pro ("1w1d" as users quote it), one day wide on Free, and Free refuses `clientAsn`; firewall
 * events reach back 14 days on both (the 2020-21 table); Free has neither per-minute rollups nor
 * grouped firewall events; Pro's reach 1 and 3 days back (same table). The rest is our choice.
 */
export const planLimits: Record<'free' | 'pro', Record<string, NodeLimits>> = {
	free: {
		httpRequests1mGroups: off,
		httpRequestsAdaptiveGroups: open(8 * day, day, ['dimensions.clientAsn', 'dimensions.clientASNDescription']),
		firewallEventsAdaptive: open(14 * day, 3 * day),
		firewallEventsAdaptiveGroups: off,
	},
	pro: {
		httpRequests1mGroups: open(day, day),
		httpRequestsAdaptiveGroups: open(8 * day, 3 * day),
		firewallEventsAdaptive: open(14 * day, 3 * day),
		firewallEventsAdaptiveGroups: open(3 * day, 3 * day),
	},
};

/** Seconds the way the API words them in its errors: 691200 → "1w1d", 86400 → "1d". */
export function humanDuration(seconds: number): string {
	const units: [string, number][] = [['w', 7 * day], ['d', day], ['h', 3600], ['m', 60], ['s', 1]];
	let left = seconds;
	let text = '';
	for (const [unit, size] of units) {
		const count = Math.floor(left / size);
		if (count > 0) text += `${count}${unit}`;
		left -= count * size;
	}
	return text || '0s';
}

/** An error a resolver raises; `code` goes to `extensions` next to the timestamp. */
export function apiError(message: string, code?: string): GraphQLError {
	return new GraphQLError(message, code ? {extensions: {code}} : {});
}

export const errors = {
	tooOld: (limits: NodeLimits) => apiError(`cannot request data older than ${humanDuration(limits.notOlderThan)}`, 'quota'),
	tooWide: (zoneTag: string, limits: NodeLimits, span: number) => apiError(`query time range is too large for zone ${zoneTag}. Time range can't be wider than ${limits.maxDuration}s, but it's ${span}s`, 'quota'),
	limit: (maxPageSize: number) => apiError(`limit must be positive number and not greater than ${maxPageSize}`, 'quota'),
	fields: (limits: NodeLimits) => apiError(`number of fields can't be more than ${limits.maxNumberOfFields}`, 'quota'),
	noAccess: (path: string) => apiError(`does not have access to the path ${path}`, 'authz'),
	args: (node: string, detail: string) => apiError(`error parsing args for "${node}": ${detail}`),
	tooMuch: () => apiError('limit reached, please try reduced time period', 'quota'),
};
