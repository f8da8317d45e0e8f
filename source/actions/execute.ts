/** Maps an ActionRequest onto the Backend port: one call (or one DIUP) per request. */
import type {Backend} from '../backend.js';
import {FlarewatchError} from '../errors.js';
import type {ActionRequest} from './types.js';

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
			return {summary: `cache purged; next purge allowed in ${purge.cooldownSeconds} s`, result: purge};
		}
		case 'ipv6':
			await backend.setIpv6(request.zone, request.on);
			return {summary: `IPv6 ${request.on ? 'on' : 'off'}`};
		case 'snapshot':
			await backend.grabSnapshot(request.zone);
			return {summary: 'snapshot requested (may take up to an hour to appear)'};
		case 'ban':
			await backend.ban(request.ip);
			return {summary: `${request.ip} banned`};
		case 'whitelist':
			await backend.whitelist(request.ip);
			return {summary: `${request.ip} whitelisted`};
		case 'clear-rule':
			await backend.clearRule(request.ip);
			return {summary: `rule for ${request.ip} cleared`};
		case 'add-rule': {
			if (!backend.addRule) throw new FlarewatchError('api', `${backend.capabilities.api} cannot add ${request.rule.target} rules`);
			const rule = await backend.addRule(request.zone, request.rule);
			return {summary: `${rule.mode} rule on ${rule.value} made`, result: rule};
		}
		case 'delete-rule':
			if (!backend.deleteRule) throw new FlarewatchError('api', `${backend.capabilities.api} cannot remove rules by id`);
			await backend.deleteRule(request.zone, request.rule);
			return {summary: `rule on ${request.rule.value} removed`};
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
