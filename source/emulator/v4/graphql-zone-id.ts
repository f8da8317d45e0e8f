/**
 * The zone's v4 id (GraphQL's `zoneTag`, REST's `zone_id`) as world.ts derives it: 32 lowercase hex
 * from the name, stable across runs. Zone names are kept lowercase in the world.
 */
import {hexId} from '../world.js';

export function zoneTagOf(zoneName: string): string {
	return hexId(`zone:${zoneName.toLowerCase()}`);
}
