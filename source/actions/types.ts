/**
 * What an operator can ask for, as data. The console's keys, dialogs and command palette all produce an
 * ActionRequest; the queue sends it, the audit log records it, the Log view shows it.
 */
import type {AccessRule, CacheLevel, DnsRecord, NewAccessRule, NewDnsRecord, SecurityLevel, ZoneRef} from '../backend.js';

export type ActionRequest =
	| {kind: 'security-level'; zone: ZoneRef; level: SecurityLevel}
	| {kind: 'cache-level'; zone: ZoneRef; level: CacheLevel}
	| {kind: 'dev-mode'; zone: ZoneRef; on: boolean}
	| {kind: 'purge'; zone: ZoneRef}
	| {kind: 'ipv6'; zone: ZoneRef; on: boolean}
	| {kind: 'snapshot'; zone: ZoneRef}
	| {kind: 'ban'; ip: string}
	| {kind: 'whitelist'; ip: string}
	| {kind: 'clear-rule'; ip: string}
	/** APIs that list rules (capabilities.ruleListing): a rule in the zone, with its notes. */
	| {kind: 'add-rule'; zone: ZoneRef; rule: NewAccessRule}
	/** APIs that list rules: one listed rule removed by its id. */
	| {kind: 'delete-rule'; zone: ZoneRef; rule: Pick<AccessRule, 'id' | 'scope' | 'mode' | 'target' | 'value'>}
	| {kind: 'lookup'; ip: string}
	| {kind: 'dns-add'; zone: ZoneRef; record: NewDnsRecord}
	| {kind: 'dns-edit'; zone: ZoneRef; record: DnsRecord}
	| {kind: 'dns-delete-name'; zone: ZoneRef; fqdn: string}
	| {kind: 'dns-update-ip'; ip: string; hosts: string[]};

export type ActionKind = ActionRequest['kind'];

/**
 * Actions that may be sent twice without harm: after a network failure the request may or may not have
 * reached the API, and setting the same level (or banning the same IP) again changes nothing.
 * rec_set / rec_new would create a duplicate record, and a purge restarts its cooldown: never retried.
 */
const idempotentKinds: ReadonlySet<ActionKind> = new Set<ActionKind>([
	'security-level',
	'cache-level',
	'dev-mode',
	'ipv6',
	'ban',
	'whitelist',
	'clear-rule',
	// The API edits a duplicate rather than make a second; a rule deleted twice is gone either way.
	'add-rule',
	'delete-rule',
	'lookup',
]);

export function isIdempotent(kind: ActionKind): boolean {
	return idempotentKinds.has(kind);
}

/** Actions that change something at Cloudflare (refused in read-only mode). */
export function isMutating(kind: ActionKind): boolean {
	return kind !== 'lookup';
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
			return `ban ${request.ip}`;
		case 'whitelist':
			return `whitelist ${request.ip}`;
		case 'clear-rule':
			return `clear rule for ${request.ip}`;
		case 'add-rule':
			return `${request.rule.mode} ${request.rule.value} in ${request.zone.name}`;
		case 'delete-rule':
			return `remove the ${request.rule.mode} rule on ${request.rule.value} (${request.rule.scope} ${request.rule.id}) in ${request.zone.name}`;
		case 'lookup':
			return `look up ${request.ip}`;
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

/** The parameters of a request as plain JSON for the audit log (zones by name; never credentials). */
export function actionParameters(request: ActionRequest): Record<string, unknown> {
	const {kind: _kind, ...rest} = request;
	const parameters: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(rest)) {
		parameters[key] = key === 'zone' ? (value as ZoneRef).name : value;
	}
	return parameters;
}
