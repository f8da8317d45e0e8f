/**
 * Who visits a zone: regular visitors, crawlers and threats, each IP with a constant hourly rate and
 * (for a botnet) the moment it joins, a country and a network (ASN). Generated once per zone and
 * scenario from the seed, held in typed arrays so `flood`'s 50,000 IPs stay small and fast to scan.
 */
import {createHash} from 'node:crypto';
import {createRandom, hashString, mix} from './rng.js';
import type {ScenarioName} from './types.js';

export const REGULAR = 0;
export const CRAWLER = 1;
export const THREAT = 2;
export const classNames = ['regular', 'crawler', 'threat'] as const;

export interface Population {
	ips: string[];
	classOf: Uint8Array;
	/** Hits per hour. */
	rate: Float64Array;
	/** Epoch seconds when the IP starts visiting; -Infinity for "always". */
	joinAt: Float64Array;
	/** A fixed dither in [0, 1), so integer hit counts grow smoothly and deterministically. */
	dither: Float64Array;
	latitude: Float64Array;
	longitude: Float64Array;
	/** Whether the regular day/night swing applies (people and crawlers; not bots). */
	diurnal: Uint8Array;
	/** The network the IP belongs to (AS number; its name in `asnNames`). */
	asn: Uint32Array;
	/** The country, as an index into `countryCodes`. */
	country: Uint8Array;
	index: Map<string, number>;
}

/** Total distinct IPs of `flood`. */
export const floodSize = 50_000;

/** Where visitors are placed (near one of these), with each city's country for the GraphQL face. */
export const cities: readonly (readonly [number, number, string])[] = [
	[40.7128, -74.006, 'US'], [51.5074, -0.1278, 'GB'], [48.8566, 2.3522, 'FR'], [35.6762, 139.6503, 'JP'], [52.52, 13.405, 'DE'], [37.7749, -122.4194, 'US'],
	[-23.5505, -46.6333, 'BR'], [55.7558, 37.6173, 'RU'], [19.076, 72.8777, 'IN'], [39.9042, 116.4074, 'CN'], [-33.8688, 151.2093, 'AU'], [1.3521, 103.8198, 'SG'],
	[50.4501, 30.5234, 'UA'], [6.5244, 3.3792, 'NG'], [41.0082, 28.9784, 'TR'], [21.0278, 105.8342, 'VN'], [-34.6037, -58.3816, 'AR'], [59.3293, 18.0686, 'SE'],
];

/** Two-letter codes of the countries visitors come from; XX: no known location (Cloudflare's "unknown"). */
export const countryCodes: readonly string[] = [...new Set(cities.map(city => city[2])), 'XX'];
const unknownCountry = countryCodes.length - 1;

/** Crawlers' real networks, by address prefix. */
const crawlerNetworks: [string, number][] = [['66.249.', 15_169], ['157.55.', 8075], ['207.46.', 8075], ['40.77.', 8075], ['5.255.', 13_238], ['114.119.', 136_907], ['17.58.', 714], ['54.236.', 14_618]];
/** People's networks: their country's big access provider. */
const eyeballs: Record<string, number> = {
	US: 7922, GB: 2856, FR: 3215, JP: 4713, DE: 3320, BR: 28_573, RU: 12_389, IN: 9829, CN: 4134, AU: 1221, SG: 9506, UA: 15_895, NG: 29_465, TR: 9121, VN: 45_899, AR: 7303, SE: 3301, XX: 3356,
};
/** Hosting networks threats come from (one per /24). */
const hosting = [14_061, 16_276, 24_940, 16_509, 45_102, 63_949];
/** The network most of `attack`'s botnet sits in (its twelve /24s), and most of `flood`'s bots. */
export const botnetAsn = 14_061;
export const floodAsn = 45_102;
/** Share of `flood`'s bots in `floodAsn`; the rest spread over the hosting networks. */
const floodAsnShare = 0.6;

export const asnNames: ReadonlyMap<number, string> = new Map([
	[15_169, 'GOOGLE'], [8075, 'MICROSOFT-CORP-MSN-AS-BLOCK'], [13_238, 'YANDEX'], [136_907, 'HWCLOUDS-AS-AP'], [714, 'APPLE-ENGINEERING'], [14_618, 'AMAZON-AES'],
	[7922, 'COMCAST-7922'], [2856, 'BT-UK-AS'], [3215, 'France Telecom - Orange'], [4713, 'OCN NTT Communications Corporation'], [3320, 'DTAG Internet service provider operations'],
	[28_573, 'Claro NXT Telecomunicacoes Ltda'], [12_389, 'ROSTELECOM-AS'], [9829, 'BSNL-NIB'], [4134, 'CHINANET-BACKBONE'], [1221, 'ASN-TELSTRA'], [9506, 'SINGTEL-FIBRE'],
	[15_895, 'KSNET-AS'], [29_465, 'VCG-AS'], [9121, 'TTNET'], [45_899, 'VNPT-AS-VN'], [7303, 'Telecom Argentina S.A.'], [3301, 'TELIANET'], [3356, 'LEVEL3'],
	[14_061, 'DIGITALOCEAN-ASN'], [16_276, 'OVH'], [24_940, 'HETZNER-AS'], [16_509, 'AMAZON-02'], [45_102, 'ALIBABA-CN-NET'], [63_949, 'AKAMAI-LINODE-AP'],
]);

function hashOf(text: string): number {
	return createHash('md5').update(text).digest().readUInt32BE(0);
}

const crawlerPrefixes = ['66.249.66', '66.249.64', '66.249.79', '157.55.39', '207.46.13', '40.77.167', '5.255.253', '114.119.132', '17.58.98', '54.236.1', '66.249.68', '157.55.33'];

const reservedFirstOctets = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);

function publicFirstOctet(random: () => number): number {
	for (;;) {
		const octet = 1 + Math.floor(random() * 222);
		if (!reservedFirstOctets.has(octet)) return octet;
	}
}

function randomIpv4(random: () => number): string {
	return `${publicFirstOctet(random)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
}

function randomIpv6(random: () => number): string {
	const group = () => Math.floor(random() * 65_536).toString(16);
	return `2a02:${group()}:${group()}:${group()}::${group()}`;
}

interface Visitor {
	ip: string;
	cls: number;
	rate: number;
	joinAt: number;
	geo: [number, number];
	/** A network given at birth (the botnet's); else derived from the class, the IP and the country. */
	asn?: number;
}

function geoFor(random: () => number): [number, number] {
	if (random() < 0.1) return [0, 0];
	const [lat, lon] = cities[Math.floor(random() * cities.length)];
	return [Math.round((lat + (random() - 0.5)) * 1e4) / 1e4, Math.round((lon + (random() - 0.5)) * 1e4) / 1e4];
}

/** Builds the population of one zone for a scenario; `scenarioStart` anchors botnet join times. */
export function buildPopulation(scenario: ScenarioName, seed: number, zid: number, scenarioStart: number): Population {
	const random = createRandom(mix(seed, zid, scenario === 'flood' ? 3 : scenario === 'calm' ? 1 : 2));
	const seen = new Set<string>();
	const visitors: Visitor[] = [];
	const add = (make: () => string, cls: number, rate: number, joinAt: number, geo: [number, number], asn?: number) => {
		let ip = make();
		while (seen.has(ip)) ip = make();
		seen.add(ip);
		visitors.push({ip, cls, rate, joinAt, geo, asn});
	};
	const always = Number.NEGATIVE_INFINITY;
	const regulars = scenario === 'flood' ? 1500 : 300 + Math.floor(random() * 200);
	for (let i = 0; i < regulars; i++) {
		const ipv6 = random() < 0.03;
		add(() => (ipv6 ? randomIpv6(random) : randomIpv4(random)), REGULAR, 1 + 30 * random() ** 3, always, geoFor(random));
	}
	for (const prefix of crawlerPrefixes) {
		add(() => `${prefix}.${1 + Math.floor(random() * 254)}`, CRAWLER, 20 + 100 * random(), always, [37.4 + random(), -122.1 + random()]);
	}
	// A few low-rate threats are always about, even on a calm day.
	for (let i = 0; i < 4; i++) add(() => randomIpv4(random), THREAT, 10 + 50 * random(), always, geoFor(random));
	if (scenario === 'attack' || scenario === 'hostile') {
		// The botnet: twelve /24s with four bots each, all in one hosting network (about two thirds of the
		// threat requests, so one ASN rule stops most of it), plus scattered hosts, all joined within three minutes.
		for (let net = 0; net < 12; net++) {
			const prefix = randomIpv4(random).split('.').slice(0, 3).join('.');
			const geo = geoFor(random);
			for (let host = 0; host < 4; host++) {
				add(() => `${prefix}.${1 + Math.floor(random() * 254)}`, THREAT, 1200 + 1800 * random(), scenarioStart + 15 + 165 * random() ** 1.5, geo, botnetAsn);
			}
		}
		for (let i = 0; i < 24; i++) add(() => randomIpv4(random), THREAT, 1200 + 1800 * random(), scenarioStart + 15 + 165 * random() ** 1.5, geoFor(random));
	}
	const population = pack(visitors, seed, scenario === 'flood' ? floodSize : visitors.length);
	if (scenario === 'flood') addFloodBots(population, visitors.length, random, scenarioStart);
	// Countries and networks come last and draw nothing from the generator: the IPs, rates and places
	// stay what they were before the model had them (v1's zone_ips shows those).
	for (let i = 0; i < population.ips.length; i++) {
		population.country[i] = nearestCountry(population.latitude[i], population.longitude[i]);
		if (population.asn[i] === 0) population.asn[i] = derivedAsn(population, i, scenario === 'flood' && i >= visitors.length);
	}
	return population;
}

/** The country of a position: the nearest city's; the model's 0,0 (no position) is unknown. */
function nearestCountry(lat: number, lon: number): number {
	if (lat === 0 && lon === 0) return unknownCountry;
	let best = unknownCountry;
	let distance = Number.POSITIVE_INFINITY;
	for (const [cityLat, cityLon, country] of cities) {
		const d = (cityLat - lat) ** 2 + (cityLon - lon) ** 2;
		if (d < distance) {
			distance = d;
			best = countryCodes.indexOf(country);
		}
	}
	return best;
}

/** Crawlers by their real networks, threats by a hosting network per /24 (most flood bots by one), people by their country's provider. */
function derivedAsn(population: Population, i: number, floodBot: boolean): number {
	const ip = population.ips[i];
	const cls = population.classOf[i];
	if (cls === CRAWLER) for (const [prefix, asn] of crawlerNetworks) if (ip.startsWith(prefix)) return asn;
	if (floodBot) {
		// 48,000-odd bots: a cheap hash of the IP (an md5 each would slow the flood's start).
		const h = hashString(ip);
		return h % 1000 < floodAsnShare * 1000 ? floodAsn : hosting[(h >>> 10) % hosting.length];
	}
	if (cls === THREAT) return hosting[hashOf(ip.slice(0, ip.lastIndexOf('.'))) % hosting.length];
	return eyeballs[countryCodes[population.country[i]]] ?? eyeballs.XX;
}

/** The flood's bots, written straight into the arrays: 48,000-odd objects would cost more than the IPs. */
function addFloodBots(population: Population, from: number, random: () => number, scenarioStart: number): void {
	for (let i = from; i < floodSize; i++) {
		let ip = randomIpv4(random);
		while (population.index.has(ip)) ip = randomIpv4(random);
		population.ips[i] = ip;
		population.index.set(ip, i);
		population.classOf[i] = THREAT;
		population.rate[i] = 60 + 180 * random();
		population.joinAt[i] = scenarioStart + 10 + 170 * random();
		population.dither[i] = random();
		if (random() >= 0.1) {
			const [lat, lon] = cities[i % cities.length];
			population.latitude[i] = Math.round((lat + (random() - 0.5)) * 1e4) / 1e4;
			population.longitude[i] = Math.round((lon + (random() - 0.5)) * 1e4) / 1e4;
		}
	}
}

function pack(visitors: Visitor[], seed: number, size: number): Population {
	const population: Population = {
		ips: new Array<string>(size),
		classOf: new Uint8Array(size),
		rate: new Float64Array(size),
		joinAt: new Float64Array(size),
		dither: new Float64Array(size),
		latitude: new Float64Array(size),
		longitude: new Float64Array(size),
		diurnal: new Uint8Array(size),
		asn: new Uint32Array(size),
		country: new Uint8Array(size),
		index: new Map(),
	};
	const random = createRandom(mix(seed, size));
	for (const [i, visitor] of visitors.entries()) {
		population.ips[i] = visitor.ip;
		population.classOf[i] = visitor.cls;
		population.rate[i] = visitor.rate;
		population.joinAt[i] = visitor.joinAt;
		population.dither[i] = random();
		population.latitude[i] = visitor.geo[0];
		population.longitude[i] = visitor.geo[1];
		population.diurnal[i] = visitor.joinAt === Number.NEGATIVE_INFINITY ? 1 : 0;
		population.asn[i] = visitor.asn ?? 0;
		population.index.set(visitor.ip, i);
	}
	return population;
}
