/**
 * Which actions the API behind the console can do (`Backend.capabilities`), and the one line that
 * explains an action it cannot: the call it would need, which API has it, and what to use instead.
 * The console hides such keys and palette commands and answers them with this line; the action rules
 * (rules.ts) refuse such a request with the same line, whoever asks, so nothing unsupported is sent.
 */
import type {Capabilities} from '../backend.js';
import type {ActionRequest} from './types.js';

/** Something the console offers only when the API can do it. */
export type Feature = 'snapshot' | 'lookup' | 'details' | 'hosts-update' | 'challenge' | 'rule-listing' | 'purge-files' | 'any-record';

/** What v1 has: the features assumed when no capabilities are known (a bare monitor in a test). */
const v1Features: ReadonlySet<Feature> = new Set<Feature>(['snapshot', 'lookup', 'hosts-update']);

/** True when the API (v1's set without `capabilities`) offers `feature`. */
export function featureAvailable(feature: Feature, capabilities: Capabilities | undefined): boolean {
	return capabilities ? featureMissing(feature, capabilities) === undefined : v1Features.has(feature);
}

/** Why `feature` is not offered on this API, or undefined when it is. */
export function featureMissing(feature: Feature, capabilities: Capabilities): string | undefined {
	const api = capabilities.api;
	switch (feature) {
		case 'snapshot':
			return capabilities.snapshot ? undefined : `Snapshots (zone_grab) are a v1 call; API ${api} has none.`;
		case 'lookup':
			return capabilities.ipLookup
				? undefined
				: `Threat scores (ip_lkup) are a v1 call; API ${api} has none${capabilities.ipDetails ? ': i shows the address’s country, ASN and firewall events instead' : ''}.`;
		case 'details':
			return capabilities.ipDetails ? undefined : `IP details (country, ASN, firewall events) are an API v4 call; ${api} has none${capabilities.ipLookup ? ': i shows the threat score (ip_lkup)' : ''}.`;
		case 'hosts-update':
			return capabilities.hostsUpdate ? undefined : `DIUP (pointing hosts at a new IP) is a v1 call; API ${api} has none: edit each A record with e.`;
		case 'challenge':
			return capabilities.ruleModes.includes('managed_challenge') ? undefined : `Managed challenges are an API v4 rule mode; ${api} has only ban and whitelist: b bans.`;
		case 'rule-listing':
			return capabilities.ruleListing ? undefined : `Listing rules (and removing one by its id) is an API v4 call; ${api} cannot list them: x clears the highlighted IP's rule.`;
		case 'purge-files':
			return capabilities.purgeFiles ? undefined : `Purging single files is an API v4 call; ${api} purges the whole cache only: P or :purge.`;
		case 'any-record':
			return capabilities.recordTypes.some(type => type !== 'A' && type !== 'CNAME') ? undefined : `API ${api} makes only A and CNAME records.`;
	}
}

/** Why the API cannot carry out `request`, or undefined when it can. */
export function requestUnsupported(request: ActionRequest, capabilities: Capabilities): string | undefined {
	switch (request.kind) {
		case 'snapshot':
			return featureMissing('snapshot', capabilities);
		case 'lookup':
			return featureMissing('lookup', capabilities);
		case 'details':
			return featureMissing('details', capabilities);
		case 'dns-update-ip':
			return featureMissing('hosts-update', capabilities);
		case 'challenge':
			return featureMissing('challenge', capabilities);
		case 'rule-delete':
			return featureMissing('rule-listing', capabilities);
		case 'purge-files':
			return featureMissing('purge-files', capabilities);
		case 'rule-add': {
			const {mode, target} = request.rule;
			if (!capabilities.ruleListing || !capabilities.ruleModes.includes(mode) || !capabilities.ruleTargets.includes(target)) {
				return `A ${mode} rule on ${target === 'ip' ? 'an address' : `a ${target}`} is not one API ${capabilities.api} makes (it takes ${capabilities.ruleModes.join(', ')} on ${capabilities.ruleTargets.join(', ')}${capabilities.ruleListing ? '' : ', through ban and whitelist only'}).`;
			}
			return undefined;
		}
		case 'ban':
		case 'whitelist':
		case 'clear-rule':
			// A v4 rule lives in a zone; a request without one would fail at the API after its audit line.
			return capabilities.ruleScope === 'zone' && request.zone === undefined ? `On API ${capabilities.api} a rule belongs to a zone, and this request names none.` : undefined;
		default:
			return undefined;
	}
}
