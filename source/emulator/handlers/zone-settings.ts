/**
 * The 2012 additions of the v1 documentation: `zone_settings` (every setting at once), the
 * performance toggles (`async`, `minify`, `mirage2`) and `zone_file_purge`.
 */
import {ApiFailure, echo, vParam, zoneParam, type ActionHandler} from './context.js';
import {securityLabels} from './traffic.js';
import {taint} from '../hostile.js';
import {success, type Json} from '../json.js';
import type {RocketLoader} from '../types.js';
import {devModeExpiresAt, hostInZone} from '../world.js';

const rocketLoaderValues: readonly RocketLoader[] = ['0', 'a', 'm'];
const minifyValues = ['0', '1', '2', '3', '4', '5', '6', '7'] as const;
/** Only the recent purges are kept: the admin state shows them, memory stays bounded. */
const keptFilePurges = 100;
/** Longer URLs were no real file; refusing them keeps a 1 MB parameter out of the state. */
const maxUrlLength = 4096;

/** The 2012 documentation answers these toggles with exactly this body. */
function toggled(): Record<string, Json> {
	return {result: 'success', msg: null};
}

export const rocketLoader: ActionHandler = context => {
	const zone = zoneParam(context);
	zone.rocketLoader = vParam(context, rocketLoaderValues);
	return toggled();
};

export const minify: ActionHandler = context => {
	const zone = zoneParam(context);
	zone.minify = Number(vParam(context, minifyValues));
	return toggled();
};

export const mirage2: ActionHandler = context => {
	const zone = zoneParam(context);
	zone.mirage2 = vParam(context, ['0', '1']) === '1';
	return toggled();
};

export const zoneFilePurge: ActionHandler = context => {
	const zone = zoneParam(context);
	const url = (context.params.get('url') ?? '').trim();
	if (url === '') throw new ApiFailure('A url is required: the full URL of the file to purge.', 'url');
	let parsed: URL | undefined;
	try {
		parsed = url.length <= maxUrlLength ? new URL(url) : undefined;
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw new ApiFailure('Invalid url: give the full http:// or https:// URL of the file.', 'url');
	}
	if (!hostInZone(parsed.hostname, zone)) throw new ApiFailure(`Invalid url: ${parsed.hostname} is not in the zone ${zone.name}.`, 'url');
	zone.filePurges.push({url, at: context.nowSec});
	if (zone.filePurges.length > keptFilePurges) zone.filePurges.shift();
	return success({vtxt_match: null, url}, echo(context));
};

/**
 * The documented settings object. Numbers and strings exactly as the documentation types them
 * (`dev_mode`, `ipv46`, `ob` numbers; the rest strings); Pro-only features read off on Free zones.
 */
export const zoneSettings: ActionHandler = context => {
	const zone = zoneParam(context);
	const pro = zone.plan === 'pro';
	const obj: Record<string, Json> = {
		userSecuritySetting: taint(securityLabels[zone.securityLevel], context.core.hostile),
		// Here, unlike stats, 0 means off and anything else the expiry of an active dev mode.
		dev_mode: devModeExpiresAt(zone, context.nowSec),
		ipv46: zone.ipv6 ? 3 : 0,
		ob: 1,
		cache_lvl: zone.cacheLevel,
		outboundLinks: 'disabled',
		async: zone.rocketLoader,
		bic: '1',
		chl_ttl: '900',
		exp_ttl: '14400',
		fpurge_ts: String(zone.lastPurgeAt),
		hotlink: '0',
		img: '0',
		lazy: '0',
		minify: String(zone.minify),
		// Not in the 2012 example (mirage2 came later); the emulator's choice of name and type.
		mirage2: zone.mirage2 ? '1' : '0',
		outlink: '0',
		preload: '0',
		s404: '1',
		sec_lvl: zone.securityLevel,
		spdy: pro ? '1' : '0',
		ssl: pro ? '1' : '0',
		waf_profile: pro ? 'high' : 'off',
	};
	return success({result: {objs: [obj]}}, echo(context));
};
