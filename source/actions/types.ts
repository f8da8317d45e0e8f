/**
 * What an operator can ask for, as data. The console's keys, dialogs and command palette all produce an
 * ActionRequest; the queue sends it, the audit log records it, the Log view shows it.
 */
import {formatDuration} from '../lib/duration.js';
import type {AccessRule, CacheLevel, DnsRecord, NewAccessRule, SecurityLevel, ZoneRef, NewDnsRecord} from '../backend.js';

/**
 * Ban, whitelist and clear name the zone and carry notes where the API keeps rules per zone with notes
 * (v4: `capabilities.ruleScope` 'zone', `ruleNotes`); v1's account-wide rules take neither.
 */
export interface IpRuleFields {
	zone?: ZoneRef;
	notes?: string;
}

/**
 * A timed ban (actions/bans.ts): `duration` in seconds, 0 or absent = permanent; `expiresAt` (ISO 8601)
 * when timed, and `step`, the 0-based ladder step, when the ban was escalated. All three reach the audit log.
 */
export interface TimedBan {
	duration?: number;
	expiresAt?: string;
	step?: number;
}

export type ActionRequest =
	| {kind: 'security-level'; zone: ZoneRef; level: SecurityLevel}
	| {kind: 'cache-level'; zone: ZoneRef; level: CacheLevel}
	| {kind: 'dev-mode'; zone: ZoneRef; on: boolean}
	| {kind: 'purge'; zone: ZoneRef}
	| {kind: 'ipv6'; zone: ZoneRef; on: boolean}
	| {kind: 'snapshot'; zone: ZoneRef}
	| ({kind: 'ban'; ip: string} & IpRuleFields & TimedBan)
	| ({kind: 'whitelist'; ip: string} & IpRuleFields)
	/** `expired`: clearing a timed ban whose time is up (the expiry runner, `flarewatch expire`). */
	| ({kind: 'clear-rule'; ip: string; expired?: boolean} & IpRuleFields)
	/** A managed challenge on one address (v4: a rule in the zone). */
	| {kind: 'challenge'; zone: ZoneRef; ip: string; notes: string}
	/** Any rule the API takes (a lockdown's rule for an ASN or a country). */
	| {kind: 'rule-add'; zone: ZoneRef; rule: NewAccessRule}
	/** One listed rule removed by its id, whoever made it (the whole rule, so the audit log says what went). */
	| {kind: 'rule-delete'; zone: ZoneRef; rule: AccessRule}
	| {kind: 'lookup'; ip: string}
	/** Country, ASN and recent firewall events of an address (v4). */
	| {kind: 'details'; zone: ZoneRef; ip: string}
	/** Single files dropped from the cache (v4), each URL inside the zone. */
	| {kind: 'purge-files'; zone: ZoneRef; urls: string[]}
	| {kind: 'dns-add'; zone: ZoneRef; record: NewDnsRecord}
	| {kind: 'dns-edit'; zone: ZoneRef; record: DnsRecord}
	| {kind: 'dns-delete-name'; zone: ZoneRef; fqdn: string}
	| {kind: 'dns-update-ip'; ip: string; hosts: string[]};

export type ActionKind = ActionRequest['kind'];

/**
 * Actions that may be sent twice without harm: after a network failure the request may or may not have
 * reached the API, and setting the same level (or banning the same IP) again changes nothing (v4 changes
 * the address's rule in place). rec_set / rec_new would create a duplicate record, and a purge restarts
 * its cooldown: never retried; nor is a file purge, so that every purge follows one rule. A rule removed
 * twice fails the second time (its id is gone): not retried either, the Log says what happened.
 */
const idempotentKinds: ReadonlySet<ActionKind> = new Set<ActionKind>([
	'security-level',
	'cache-level',
	'dev-mode',
	'ipv6',
	'ban',
	'whitelist',
	'clear-rule',
	'challenge',
	'rule-add',
	'lookup',
	'details',
]);

export function isIdempotent(kind: ActionKind): boolean {
	return idempotentKinds.has(kind);
}

/** Actions that change something at Cloudflare (refused in read-only mode). */
export function isMutating(kind: ActionKind): boolean {
	return kind !== 'lookup' && kind !== 'details';
}

export type ActionState = 'pending' | 'sent' | 'done' | 'failed' | 'unknown';

/** One action of this session, as the Log view and the status line show it. */
export interface ActionEntry {
	id: number;
	request: ActionRequest;
	state: ActionState;
	/** Epoch ms when the operator asked. */
	createdAt: number;
	/** Epoch ms of the last state change. */
	updatedAt: number;
	/** How many times the request was sent. */
	attempts: number;
	/** One-line outcome: the API's own message on failure, a summary on success. */
	message?: string;
	/** A failure's kind (see errors.ts). */
	failureKind?: string;
	/** What the action returned (e.g. dev mode's expires_on, a lookup's score), for the UI. */
	result?: unknown;
	/** The lockdown or undo this action belongs to. */
	batch?: string;
}

/** A short, secret-free description of a request, for the status line, the Log view and the audit log. */
export function describeAction(request: ActionRequest): string {
	switch (request.kind) {
		case 'security-level':
			return `security level ${request.level} on ${request.zone.name}`;
		case 'cache-level':
			return `cache level ${request.level} on ${request.zone.name}`;
		case 'dev-mode':
			return `dev mode ${request.on ? 'on' : 'off'} on ${request.zone.name}`;
		case 'purge':
			return `purge cache of ${request.zone.name}`;
		case 'ipv6':
			return `IPv6 ${request.on ? 'on' : 'off'} on ${request.zone.name}`;
		case 'snapshot':
			return `snapshot of ${request.zone.name}`;
		case 'ban':
			return `ban ${request.ip}${request.zone ? ` on ${request.zone.name}` : ''}${request.duration ? ` for ${formatDuration(request.duration)}` : ''}`;
		case 'whitelist':
			return `whitelist ${request.ip}${request.zone ? ` on ${request.zone.name}` : ''}`;
		case 'clear-rule':
			return `${request.expired ? 'clear the expired ban of' : 'clear rule for'} ${request.ip}${request.zone ? ` on ${request.zone.name}` : ''}`;
		case 'challenge':
			return `challenge ${request.ip} on ${request.zone.name}`;
		case 'rule-add':
			return `${request.rule.mode} ${request.rule.target} ${request.rule.value} on ${request.zone.name}`;
		case 'rule-delete':
			return `remove the ${request.rule.mode} rule on ${request.rule.value}${request.rule.scope === 'account' ? ' (account-wide)' : ''} from ${request.zone.name}`;
		case 'lookup':
			return `look up ${request.ip}`;
		case 'details':
			return `details of ${request.ip}`;
		case 'purge-files':
			return `purge ${request.urls.length} file${request.urls.length === 1 ? '' : 's'} of ${request.zone.name}`;
		case 'dns-add':
			return `add ${request.record.type} ${request.record.name} → ${request.record.content} on ${request.zone.name}`;
		case 'dns-edit':
			return `edit ${request.record.type} ${request.record.name} → ${request.record.content} on ${request.zone.name}`;
		case 'dns-delete-name':
			return `delete every record named ${request.fqdn} on ${request.zone.name}`;
		case 'dns-update-ip':
			return `point ${request.hosts.join(', ')} at ${request.ip}`;
	}
}

/** The zone a request is about, if it names one. */
export function requestZone(request: ActionRequest): ZoneRef | undefined {
	return 'zone' in request ? request.zone : undefined;
}

/** The parameters of a request as plain JSON for the audit log (zones by name; never credentials). */
export function actionParameters(request: ActionRequest): Record<string, unknown> {
	const {kind: _kind, ...rest} = request;
	const parameters: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(rest)) {
		if (value === undefined) continue;
		parameters[key] = key === 'zone' ? (value as ZoneRef).name : value;
	}
	return parameters;
}
