/**
 * The zone's v4 id (GraphQL's `zoneTag`, REST's `zone_id`): 32 lowercase hex, derived from the name
 * so that it is stable across runs and needs no table. The REST face must derive it the same way.
 */
import {createHash} from 'node:crypto';

export function zoneTagOf(zoneName: string): string {
	return createHash('md5').update('flarewatch-zone:' + zoneName.toLowerCase()).digest('hex');
}
