/** Maps an ActionRequest onto the Backend port: one call (or one DIUP) per request. */
import type {Backend, IpRuleOptions} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import type {ActionRequest, IpRuleFields} from './types.js';

/** The zone and notes of an IP rule, as the port takes them (v1 ignores both). */
function ruleOptions(request: IpRuleFields): IpRuleOptions {
	return {...(request.zone ? {zone: request.zone} : {}), ...(request.notes !== undefined ? {notes: request.notes} : {})};
}

/** A call the backend does not offer: refused before this by the rules (rules.ts); this is the backstop. */
function missing(what: string): FlarewatchError {
	return new FlarewatchError('api', `${what} is not a call this API has; nothing was sent.`);
}

export interface ActionOutcome {
	/** One line for the status bar and the Log view. */
	summary: string;
	/** What came back, for the store (expiry time, score, record...). */
	result?: unknown;
}

export async function executeAction(backend: Backend, request: ActionRequest): Promise<ActionOutcome> {
	switch (request.kind) {
		case 'security-level':
			await backend.setSecurityLevel(request.zone, request.level);
			return {summary: `security level is now ${request.level}`};
		case 'cache-level':
			await backend.setCacheLevel(request.zone, request.level);
			return {summary: `cache level is now ${request.level}`};
		case 'dev-mode': {
			const {expiresOn} = await backend.setDevMode(request.zone, request.on);
			return {summary: request.on ? 'dev mode on for three hours' : 'dev mode off', result: {expiresOn}};
		}
		case 'purge': {
			const purge = await backend.purgeCache(request.zone);
			// v4 has no cooldown to announce.
			return {summary: purge.cooldownSeconds > 0 ? `cache purged; next purge allowed in ${purge.cooldownSeconds} s` : 'cache purged', result: purge};
		}
		case 'ipv6':
			await backend.setIpv6(request.zone, request.on);
			return {summary: `IPv6 ${request.on ? 'on' : 'off'}`};
		case 'snapshot':
			await backend.grabSnapshot(request.zone);
			return {summary: 'snapshot requested (may take up to an hour to appear)'};
		case 'ban':
			await backend.ban(request.ip, ruleOptions(request));
			return {summary: `${request.ip} banned`};
		case 'whitelist':
			await backend.whitelist(request.ip, ruleOptions(request));
			return {summary: `${request.ip} whitelisted`};
		case 'clear-rule':
			await backend.clearRule(request.ip, ruleOptions(request));
			return {summary: `rule for ${request.ip} cleared`};
		case 'challenge': {
			if (!backend.addRule) throw missing('A challenge');
			const rule = await backend.addRule(request.zone, {mode: 'managed_challenge', target: 'ip', value: request.ip, notes: request.notes});
			return {summary: `${request.ip} gets a managed challenge`, result: rule};
		}
		case 'rule-add': {
			if (!backend.addRule) throw missing('Adding a rule');
			const rule = await backend.addRule(request.zone, request.rule);
			return {summary: `${request.rule.mode} rule on ${request.rule.value} added`, result: rule};
		}
		case 'rule-delete':
			if (!backend.deleteRule) throw missing('Removing a rule by id');
			await backend.deleteRule(request.zone, {id: request.rule.id, scope: request.rule.scope});
			return {summary: `the ${request.rule.mode} rule on ${request.rule.value} removed`};
		case 'details': {
			if (!backend.ipDetails) throw missing('IP details');
			const details = await backend.ipDetails(request.zone, request.ip);
			const where = [details.country, details.asn].filter(Boolean).join(' ');
			return {summary: `${request.ip}: ${where === '' ? 'origin unknown' : where}, ${details.events.length} firewall event${details.events.length === 1 ? '' : 's'}`, result: details};
		}
		case 'purge-files':
			if (!backend.purgeFiles) throw missing('Purging single files');
			await backend.purgeFiles(request.zone, request.urls);
			return {summary: `${request.urls.length} file${request.urls.length === 1 ? '' : 's'} purged`};
		case 'lookup': {
			const score = await backend.lookupIp(request.ip);
			return {summary: `${request.ip}: ${score.kind}:${score.score}`, result: score};
		}
		case 'dns-add': {
			const record = await backend.addRecord(request.zone, request.record);
			return {summary: `added ${record.type} ${record.name}`, result: record};
		}
		case 'dns-edit': {
			const record = await backend.editRecord(request.zone, request.record);
			return {summary: `updated ${record.type} ${record.name}`, result: record};
		}
		case 'dns-delete-name':
			await backend.deleteRecordsByName(request.zone, request.fqdn);
			return {summary: `deleted every record named ${request.fqdn}`};
		case 'dns-update-ip': {
			const updates = await backend.updateHostsIp(request.ip, request.hosts);
			return {summary: updates.map(update => `${update.host} ${update.outcome}`).join(', '), result: updates};
		}
	}
}
