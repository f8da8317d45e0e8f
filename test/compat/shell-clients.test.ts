/**
 * Shell clients, replayed with the real curl and the exact argument shapes they used.
 *
 * - fail2ban's cloudflare action, API v1 lines kept as comments in fail2ban/fail2ban
 *   config/action.d/cloudflare.conf: `curl -s -o /dev/null https://www.cloudflare.com/api_json.html
 *   -d 'a=ban' -d 'tkn=<cftoken>' -d 'email=<cfuser>' -d 'key=<ip>'`, and `a=nul` to unban. The
 *   answer is thrown away, so only the side effect matters.
 * - The earlier fail2ban recipe and cron DDNS scripts on api.html (find_string "a=DIUP"):
 *   `curl -s https://www.cloudflare.com/api.html?a=DIUP&hosts=$CFHOSTS&u=$CFU&tkn=$CFP&ip=$CFIP`,
 *   raw `@` in the email, several comma-separated hosts; plain text answers.
 * - DIUP through api_json.html with `curl -d 'a=DIUP' -d 'tkn=..' -d 'email=..' -d 'ip=..' -d 'hosts=..'`.
 * - A record-management script (find_string "cloudflare.com/api_json.html", id 29245317340):
 *   `curl -d tkn -d email -d z -d a=rec_load_all | jq '.response.recs.objs[]|select(.display_name=="x")|.rec_id' -r`
 *   then `rec_edit`/`rec_new` with `-d ttl=1 -d type=A -d name=<short name>`, `rec_delete -d id=`.
 * - Deploy scripts that purge after publishing (find_string "fpurge_ts"): `curl .. -d 'a=fpurge_ts' .. -d 'v=1'`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {asArray, curl, dig, jsonPath, parseStrict, recordTypeProblems, recordsNamed, requireTool, startCompat} from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
	requireTool('curl', 'curl');
	emulator = await startCompat();
});
afterAll(async () => {
	await emulator?.close();
});

const rulesFor = (ip: string) => emulator.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === ip).map(rule => rule.mode);

describe('fail2ban cloudflare action (API v1)', () => {
	it('fail2ban-style ban and unban via api_json.html POST -d (answer discarded)', async () => {
		const cred = ['-d', `tkn=${emulator.key}`, '-d', `email=${emulator.email}`];
		const ban = await curl(['-o', '/dev/null', `${emulator.url}${jsonPath}`, '-d', 'a=ban', ...cred, '-d', 'key=203.0.113.9']);
		expect(ban.status).toBe(200);
		expect(rulesFor('203.0.113.9')).toContain('ban');
		const unban = await curl(['-o', '/dev/null', `${emulator.url}${jsonPath}`, '-d', 'a=nul', ...cred, '-d', 'key=203.0.113.9']);
		expect(unban.status).toBe(200);
		expect(rulesFor('203.0.113.9')).toEqual([]);
	});

	it('fail2ban-style ban via api.html GET: plain text OK, and E_INVLDIP / E_UNAUTH as bare codes', async () => {
		const ok = await curl([`${emulator.url}/api.html?a=ban&key=203.0.113.10&u=${emulator.email}&tkn=${emulator.key}`]);
		expect(ok).toEqual({status: 200, body: 'OK'});
		expect(rulesFor('203.0.113.10')).toContain('ban');
		const badIp = await curl([`${emulator.url}/api.html?a=ban&key=203.0.113.999&u=${emulator.email}&tkn=${emulator.key}`]);
		expect(badIp).toEqual({status: 200, body: 'E_INVLDIP'});
		const badKey = await curl([`${emulator.url}/api.html?a=wl&key=203.0.113.11&u=${emulator.email}&tkn=wrong`]);
		expect(badKey).toEqual({status: 200, body: 'E_UNAUTH'});
	});
});

describe('cron DDNS scripts (DIUP)', () => {
	it('shell DDNS DIUP via api.html GET: "<host> OK" per host, then E_NOUPDATE when unchanged', async () => {
		const url = `${emulator.url}/api.html?a=DIUP&hosts=www.example.com,www.example.net&u=${emulator.email}&tkn=${emulator.key}&ip=192.0.2.77`;
		const first = await curl([url]);
		expect(first.status).toBe(200);
		expect(first.body.split('\n')).toEqual(['www.example.com OK', 'www.example.net OK']);
		expect(recordsNamed(emulator, 'example.net', 'www.example.net').find(record => record.type === 'A')?.content).toBe('192.0.2.77');
		const again = await curl([url]);
		expect(again.body.split('\n')).toEqual(['www.example.com E_NOUPDATE', 'www.example.net E_NOUPDATE']);
	});

	it('shell DDNS DIUP via api.html GET: a host that is not an A record is one bare code', async () => {
		const reply = await curl([`${emulator.url}/api.html?a=DIUP&hosts=nothere.example.com&u=${emulator.email}&tkn=${emulator.key}&ip=192.0.2.78`]);
		expect(reply).toEqual({status: 200, body: 'E_NOHOST'});
	});

	it('shell DDNS DIUP via api_json.html POST -d: success envelope', async () => {
		const reply = await curl([`${emulator.url}${jsonPath}`, '-d', 'a=DIUP', '-d', `tkn=${emulator.key}`, '-d', `email=${emulator.email}`, '-d', 'ip=192.0.2.79', '-d', 'hosts=www.example.com']);
		expect(reply.status).toBe(200);
		expect(dig(parseStrict(reply.body), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.com', 'www.example.com').find(record => record.type === 'A')?.content).toBe('192.0.2.79');
	});
});

describe('record-management shell script (curl -d ... | jq)', () => {
	const post = (...fields: string[]) => curl([`${emulator.url}${jsonPath}`, '-d', `tkn=${emulator.key}`, '-d', `email=${emulator.email}`, '-d', 'z=example.com', ...fields.flatMap(field => ['-d', field])]);

	async function recordId(displayName: string): Promise<string> {
		const reply = await post('a=rec_load_all');
		// jq '.response.recs.objs[]|select(.display_name=="x")|.rec_id' -r
		const match = asArray(dig(parseStrict(reply.body), 'response', 'recs', 'objs')).find(rec => dig(rec, 'display_name') === displayName);
		return String(dig(match, 'rec_id'));
	}

	it('curl-script rec_new / rec_edit (id from jq select on display_name) / rec_delete, short names, ttl=1', async () => {
		const created = await post('ttl=1', 'a=rec_new', 'type=A', 'name=nas', 'content=192.0.2.50');
		expect(dig(parseStrict(created.body), 'result')).toBe('success');
		expect(recordTypeProblems(dig(parseStrict(created.body), 'response', 'rec', 'obj'))).toEqual([]);
		const id = await recordId('nas');
		expect(id).toMatch(/^\d+$/);
		const edited = await post('ttl=1', 'a=rec_edit', `id=${id}`, 'type=A', 'name=nas', 'content=192.0.2.51');
		expect(dig(parseStrict(edited.body), 'response', 'rec', 'obj', 'content')).toBe('192.0.2.51');
		expect(recordsNamed(emulator, 'example.com', 'nas.example.com').map(record => record.content)).toEqual(['192.0.2.51']);
		const removed = await post('a=rec_delete', `id=${id}`);
		expect(dig(parseStrict(removed.body), 'result')).toBe('success');
		expect(recordsNamed(emulator, 'example.com', 'nas.example.com')).toEqual([]);
	});

	it('curl-script rec_load_all as a GET with everything in the query string', async () => {
		const reply = await curl(['-k', `${emulator.url}/api_json.html?a=rec_load_all&z=example.com&email=${emulator.email}&tkn=${emulator.key}`]);
		const recs = dig(parseStrict(reply.body), 'response', 'recs');
		expect(dig(recs, 'has_more')).toBe(false);
		expect(dig(recs, 'count')).toBe(asArray(dig(recs, 'objs')).length);
	});
});

describe('deploy scripts', () => {
	it('deploy-script fpurge_ts via curl -d v=1: attributes.cooldown beside response, then a refusal inside the cooldown', async () => {
		const args = [`${emulator.url}${jsonPath}`, '-d', 'a=fpurge_ts', '-d', `tkn=${emulator.key}`, '-d', `email=${emulator.email}`, '-d', 'z=example.com', '-d', 'v=1'];
		const first = await curl(args);
		expect(first.status).toBe(200);
		const json = parseStrict(first.body);
		expect(Object.keys(json as object).sort()).toEqual(['attributes', 'msg', 'response', 'result']);
		expect(dig(json, 'attributes', 'cooldown')).toBe(20);
		const second = await curl(args);
		expect(second.status).toBe(200);
		expect(dig(parseStrict(second.body), 'result')).toBe('error');
		emulator.advanceClock(21);
		expect(dig(parseStrict((await curl(args)).body), 'result')).toBe('success');
	});

	it('gulp-style devmode toggle via curl -d: on then off', async () => {
		const toggle = (value: string) => curl([`${emulator.url}${jsonPath}`, '-d', 'a=devmode', '-d', `tkn=${emulator.key}`, '-d', `email=${emulator.email}`, '-d', 'z=example.com', '-d', `v=${value}`]);
		expect(dig(parseStrict((await toggle('1')).body), 'result')).toBe('success');
		expect(emulator.state().zones.find(zone => zone.name === 'example.com')?.devModeExpiresAt).toBeGreaterThan(0);
		expect(dig(parseStrict((await toggle('0')).body), 'result')).toBe('success');
		expect(emulator.state().zones.find(zone => zone.name === 'example.com')?.devModeExpiresAt).toBe(0);
	});
});
