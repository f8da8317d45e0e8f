/**
 * Python clients, replayed by python3 itself (urllib), so that Python's own JSON decoding and
 * string/int arithmetic decide whether the answer works for them, as it did in real life.
 *
 * - jlinn/pyflare (pyflare/client.py): `requests.post(URL, data=dict)`, i.e. urlencoded, `email` +
 *   `tkn`; values stringified (`o: 0` -> "0", `geo: True` -> "True"), `None` values dropped (so
 *   `class` disappears when not given). rec_load_all pages with `o += recs['count']` while
 *   `recs['has_more']`; zone_check sends `','.join(zones)`.
 * - A urllib2 home-DDNS script (find_string "api_json.html?a=rec_load_all", id 25228072067):
 *   GET with every value concatenated raw into the query, `record['name'] in SUBDOMAINS` (FQDN),
 *   then `"&id=" + rec_id` and `"&service_mode=" + service_mode`: a TypeError unless both are strings.
 * - A log-watcher ban script (find_string "api.html?a=ban", ids 18144261597, 18011699968):
 *   `urllib.urlopen('.../api.html?a=ban&key=%s&u=%s&tkn=%s').read()` expecting plain `OK`.
 * - A Django cache-purge backend (find_string "cloudflare.com/api_json.html", id 291578215):
 *   `urlopen(URL, data=urlencode({email, tkn, 'a': 'zone_file_purge', z, url}).encode())`, logging
 *   only HTTPError/URLError. zone_file_purge (client-api.html section 4.5) is also wrapped by pyflare,
 *   Perl CloudFlare::Client, the Ruby gem and node-cloudflare.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {asArray, python, pythonEnv, recordsNamed, requireTool, startCompat} from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
	requireTool('python3', 'python3');
	emulator = await startCompat();
});
afterAll(async () => {
	await emulator?.close();
});

/** pyflare's `_request`, with urllib standing in for requests' form encoding. */
const pyflare = String.raw`
import json, os, urllib.parse, urllib.request
URL = os.environ['CF_URL'] + '/api_json.html'
def request(data):
    data = dict(data)
    data['tkn'] = os.environ['CF_KEY']
    data['email'] = os.environ['CF_EMAIL']
    # requests drops None values and str()s the rest
    form = {k: str(v) for k, v in data.items() if v is not None}
    body = urllib.parse.urlencode(form).encode('utf-8')
    with urllib.request.urlopen(urllib.request.Request(URL, data=body), timeout=10) as reply:
        if reply.status != 200:
            raise RuntimeError('HTTP %d' % reply.status)
        return json.loads(reply.read().decode('utf-8'))
def rec_load_all(zone):
    has_more = True
    current_count = 0
    pages = []
    while has_more:
        records = request({'a': 'rec_load_all', 'o': current_count, 'z': zone})
        recs = records['response']['recs']
        has_more = recs['has_more']
        current_count += recs['count']
        pages.append([has_more, recs['count'], len(recs['objs'])])
        for record in recs['objs']:
            yield pages, record
`;

describe('pyflare (jlinn/pyflare) urlencoded POST via requests', () => {
	it('pyflare rec_new then rec_load_all paging with o += count while has_more', async () => {
		const report = await python(`${pyflare}
for i in range(185):
    r = request({'a': 'rec_new', 'z': 'example.net', 'type': 'A', 'name': 'bulk%d' % i, 'content': '192.0.2.%d' % (i % 250 + 1), 'ttl': 1})
    assert r['result'] == 'success', r
pages = None
ids = []
for pages, record in rec_load_all('example.net'):
    ids.append(record['rec_id'])
print(json.dumps({'pages': pages, 'ids': len(ids), 'unique': len(set(ids)), 'id_types': sorted(set(type(i).__name__ for i in ids))}))
`, pythonEnv(emulator));
		const total = emulator.state().zones.find(zone => zone.name === 'example.net')?.records.length ?? 0;
		expect(total).toBeGreaterThan(180);
		expect(report.pages).toEqual([[true, 180, 180], [false, total - 180, total - 180]]);
		expect(report.ids).toBe(total);
		expect(report.unique).toBe(total);
		expect(report.id_types).toEqual(['str']);
	});

	it('pyflare zone_ips: geo=True adds coordinates, a None class is simply absent', async () => {
		const report = await python(`${pyflare}
with_geo = request({'a': 'zone_ips', 'z': 'example.com', 'hours': 24, 'class': None, 'geo': True})
plain = request({'a': 'zone_ips', 'z': 'example.com', 'hours': 24, 'class': None})
def keys(r):
    return sorted(set(k for ip in r['response']['ips'] for k in ip))
print(json.dumps({'geo_keys': keys(with_geo), 'plain_keys': keys(plain), 'classes': sorted(set(ip['classification'] for ip in plain['response']['ips']))}))
`, pythonEnv(emulator));
		expect(report.geo_keys).toEqual(expect.arrayContaining(['latitude', 'longitude', 'ip', 'classification', 'hits']));
		expect(report.plain_keys).not.toContain('latitude');
		// No class given: every class comes back.
		expect(report.classes).toEqual(['crawler', 'regular', 'threat']);
	});

	it('pyflare zone_check with a joined list, devmode int(enabled), fpurge_ts v=1', async () => {
		const report = await python(`${pyflare}
check = request({'a': 'zone_check', 'zones': ','.join(['example.com', 'example.net'])})
dev = request({'a': 'devmode', 'z': 'example.com', 'v': int(True)})
purge = request({'a': 'fpurge_ts', 'z': 'example.com', 'v': 1})
zones = {k.strip(): v for k, v in check['response']['zones'].items()}
print(json.dumps({'zones': zones, 'expires_type': type(dev['response']['expires_on']).__name__, 'cooldown': purge['attributes']['cooldown'], 'purged_type': type(purge['response']['fpurge_ts']).__name__}))
`, pythonEnv(emulator));
		expect(report.zones).toEqual({'example.com': expect.any(Number), 'example.net': expect.any(Number)});
		expect(report.expires_type).toBe('int');
		expect(report.cooldown).toBe(20);
		expect(report.purged_type).toBe('int');
	});
});

describe('Python urllib scripts (GET, values concatenated raw)', () => {
	it('python urllib2 DDNS script: GET rec_load_all, string-concatenated rec_id/service_mode into rec_edit', async () => {
		const report = await python(String.raw`
import json, os, urllib.request
BASE = os.environ['CF_URL'] + '/api_json.html'
EMAIL, KEY, ZONE = os.environ['CF_EMAIL'], os.environ['CF_KEY'], 'example.com'
SUBDOMAINS = ['www.example.com']
myip = '192.0.2.123'
def get(url):
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.loads(reply.read())
jdata = get(BASE + '?a=rec_load_all&tkn=' + KEY + '&email=' + EMAIL + '&z=' + ZONE)
edits = []
for record in jdata['response']['recs']['objs']:
    if record['name'] in SUBDOMAINS and record['type'] == 'A':
        name = record['name'].partition('.')[0]
        # the script concatenated these: a TypeError here is how int ids broke it
        url = BASE + '?a=rec_edit&tkn=' + KEY + '&id=' + record['rec_id'] + '&email=' + EMAIL + '&z=' + ZONE + '&type=A&name=' + name + '&content=' + myip + '&service_mode=' + record['service_mode'] + '&ttl=1'
        edits.append(get(url)['result'])
print(json.dumps({'edits': edits}))
`, pythonEnv(emulator));
		expect(report.edits).toEqual(['success']);
		const www = recordsNamed(emulator, 'example.com', 'www.example.com').filter(record => record.type === 'A');
		expect(www.map(record => [record.content, record.proxied])).toEqual([['192.0.2.123', true]]);
	});

	it('python log-watcher ban via api.html GET: plain text OK', async () => {
		const report = await python(String.raw`
import json, os, urllib.request
url = os.environ['CF_URL'] + '/api.html?a=ban&key=%s&u=%s&tkn=%s' % ('203.0.113.66', os.environ['CF_EMAIL'], os.environ['CF_KEY'])
with urllib.request.urlopen(url, timeout=10) as reply:
    print(json.dumps({'status': reply.status, 'body': reply.read().decode('utf-8')}))
`, pythonEnv(emulator));
		expect(report).toEqual({status: 200, body: 'OK'});
		const rules = emulator.state().zones.flatMap(zone => zone.accessRules).filter(rule => rule.ip === '203.0.113.66');
		expect(asArray(rules).length).toBeGreaterThan(0);
	});
});

describe('Django cache-purge backend (urllib POST)', () => {
	it('django-backend zone_file_purge of one URL: HTTP 200 and a success envelope', async () => {
		const report = await python(String.raw`
import json, os, urllib.request
from urllib.parse import urlencode
data = urlencode({'email': os.environ['CF_EMAIL'], 'tkn': os.environ['CF_KEY'], 'a': 'zone_file_purge', 'z': 'example.com', 'url': 'https://example.com/static/site.css'}).encode('utf-8')
with urllib.request.urlopen(os.environ['CF_URL'] + '/api_json.html', data=data, timeout=10) as reply:
    body = json.loads(reply.read())
print(json.dumps({'status': reply.status, 'result': body['result'], 'msg': body['msg']}))
`, pythonEnv(emulator));
		expect(report).toEqual({status: 200, result: 'success', msg: null});
	});
});
