/**
 * Who visits a zone: regular visitors, crawlers and threats, each IP with a constant hourly rate and
 * (for a botnet) the moment it joins. Generated once per zone and scenario from the seed, held in
 * typed arrays so `flood`'s 50,000 IPs stay small and fast to scan.
 */
import {createRandom, mix} from './rng.js';
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
	const add = (make: () => string, cls: number, rate: number, joinAt: number, geo: [number, number]) => {
		let ip = make();
		while (seen.has(ip)) ip = make();
		seen.add(ip);
		visitors.push({ip, cls, rate, joinAt, geo});
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
		// The botnet: twelve /24s with four bots each, plus scattered hosts, all joined within three minutes.
		for (let net = 0; net < 12; net++) {
			const prefix = randomIpv4(random).split('.').slice(0, 3).join('.');
			const geo = geoFor(random);
			for (let host = 0; host < 4; host++) {
				add(() => `${prefix}.${1 + Math.floor(random() * 254)}`, THREAT, 1200 + 1800 * random(), scenarioStart + 15 + 165 * random() ** 1.5, geo);
			}
		}
		for (let i = 0; i < 24; i++) add(() => randomIpv4(random), THREAT, 1200 + 1800 * random(), scenarioStart + 15 + 165 * random() ** 1.5, geoFor(random));
	}
	const population = pack(visitors, seed, scenario === 'flood' ? floodSize : visitors.length);
	if (scenario === 'flood') addFloodBots(population, visitors.length, random, scenarioStart);
	return population;
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
		population.index.set(visitor.ip, i);
	}
	return population;
}
