/**
 * The traffic model: what reached the edge and the origin in a window, per IP and per class,
 * computed on demand from the population, the zone's setting histories and its access rules.
 * Feedback: `help` stops most threat requests at the edge; a block rule (v1's ban) stops every
 * request of the visitors it matches; a challenge rule stops every threat request and a few of
 * people's (clearances expire); a whitelist turns a threat into a regular visitor; dev mode sends
 * every passed request to the origin. Rules match by IP, range, ASN or country (rules.ts).
 */
import {buildPopulation, countryCodes, CRAWLER, REGULAR, THREAT, type Population} from './population.js';
import {mix} from './rng.js';
import {peopleChallengedShare, ruleAt, ruleTimeline, timelinePieces, visitorRules, type RuleIndex, type RulePiece} from './rules.js';
import type {EmulatorCacheLevel, EmulatorSecurityLevel, ScenarioName} from './types.js';
import type {Change, IpAccessRule, Zone} from './world.js';

/** Share of threat requests let through to the origin at each security level (the GraphQL face reads it too). */
export const passedShare: Record<EmulatorSecurityLevel, number> = {help: 0.03, high: 0.25, med: 0.5, low: 0.75, eoff: 1, off: 1};
/** Share of passed requests the cache does not answer. */
const missShare: Record<EmulatorCacheLevel, number> = {agg: 0.3, basic: 0.45, simplified: 0.25};
const diurnalAmplitude = 0.4;
const day = 86_400;

interface Segment {
	from: number;
	to: number;
	passed: number;
	miss: number;
}

/** What happened in one window. Class-indexed arrays: 0 regular, 1 crawler, 2 threat. */
export interface Measurement {
	/** Requests at the edge, by class (whitelisted threats count as regular from the rule on). */
	edge: [number, number, number];
	/** Requests that reached the origin. */
	origin: number;
	/** Distinct IPs with at least one hit, by current class. */
	uniques: [number, number, number];
	/** Hits per IP (population order). */
	hits: Int32Array;
	/** The class each IP has now (a whitelisted threat is regular). */
	currentClass: Uint8Array;
	population: Population;
}

function levelAt<T>(history: Change<T>[], at: number): T {
	for (let i = history.length - 1; i > 0; i--) if (history[i].at <= at) return history[i].value;
	return history[0].value;
}

function segmentsOf(zone: Zone, from: number, to: number): Segment[] {
	const cuts = new Set<number>([from, to]);
	const consider = (at: number) => {
		if (at > from && at < to) cuts.add(at);
	};
	for (const change of zone.securityHistory) consider(change.at);
	for (const change of zone.cacheHistory) consider(change.at);
	for (const period of zone.devModes) {
		consider(period.from);
		consider(period.to);
	}
	const points = [...cuts].sort((x, y) => x - y);
	const segments: Segment[] = [];
	for (let i = 0; i + 1 < points.length; i++) {
		const mid = (points[i] + points[i + 1]) / 2;
		const dev = zone.devModes.some(period => period.from <= mid && mid < period.to);
		segments.push({
			from: points[i],
			to: points[i + 1],
			passed: passedShare[levelAt(zone.securityHistory, mid)],
			miss: dev ? 1 : missShare[levelAt(zone.cacheHistory, mid)],
		});
	}
	return segments;
}

/** Per visitor of a population, when which access rule held (undefined: no rule matches it). */
export type RuleTimelines = (RulePiece[] | undefined)[];

export class TrafficModel {
	private readonly populations = new Map<string, Population>();
	private readonly measurements = new Map<string, Measurement>();
	private readonly listings = new Map<string, string>();
	private readonly timelineCache = new Map<number, {index: RuleIndex; population: Population; timelines: RuleTimelines}>();

	constructor(
		private scenario: ScenarioName,
		private readonly seed: number,
		private scenarioStart: number,
	) {}

	setScenario(scenario: ScenarioName, start: number): void {
		this.scenario = scenario;
		this.scenarioStart = start;
		this.populations.clear();
		this.measurements.clear();
		this.listings.clear();
		this.timelineCache.clear();
	}

	/**
	 * Which of the zone's access rules holds for each visitor, and since when; undefined when the zone
	 * has no rules. Made once per rule change (the index is rebuilt on every change) and population.
	 */
	ruleTimelines(zone: Zone): RuleTimelines | undefined {
		const index = zone.ruleIndex;
		if (index.empty) return undefined;
		const population = this.population(zone);
		const cached = this.timelineCache.get(zone.zid);
		if (cached && cached.index === index && cached.population === population) return cached.timelines;
		const matching = visitorRules(index, population, i => countryCodes[population.country[i]]);
		// Visitors matched by the same rules share their list, and so their timeline.
		const made = new Map<readonly IpAccessRule[], RulePiece[] | undefined>();
		const timelines: RuleTimelines = new Array<RulePiece[] | undefined>(matching.length);
		matching.forEach((rules, i) => {
			if (!rules) return;
			if (!made.has(rules)) made.set(rules, ruleTimeline(rules));
			timelines[i] = made.get(rules);
		});
		this.timelineCache.set(zone.zid, {index, population, timelines});
		return timelines;
	}

	/** Encoded listings derived from a measurement, cached under the same kind of key (bounded). */
	listing(key: string, make: () => string): string {
		let text = this.listings.get(key);
		if (text === undefined) {
			text = make();
			if (this.listings.size >= 64) this.listings.clear();
			this.listings.set(key, text);
		}
		return text;
	}

	population(zone: Zone): Population {
		const key = `${zone.zid}`;
		let population = this.populations.get(key);
		if (!population) {
			population = buildPopulation(this.scenario, this.seed, zone.zid, this.scenarioStart);
			this.populations.set(key, population);
		}
		return population;
	}

	/** The day/night swing, integrated: people visit more in the zone's afternoon. */
	private diurnalWeight(zone: Zone, from: number, to: number): number {
		const omega = (2 * Math.PI) / day;
		const phase = (mix(this.seed, zone.zid) % 1000) / 1000 * 2 * Math.PI;
		return to - from + (diurnalAmplitude / omega) * (Math.cos(omega * from + phase) - Math.cos(omega * to + phase));
	}

	/** Measures [from, to) (epoch seconds, whole); cached per zone version, so polling is cheap. */
	measure(zone: Zone, from: number, to: number): Measurement {
		const key = `${zone.zid}:${zone.version}:${from}:${to}`;
		const cached = this.measurements.get(key);
		if (cached) return cached;
		const measurement = this.compute(zone, from, to);
		if (this.measurements.size >= 64) this.measurements.clear();
		this.measurements.set(key, measurement);
		return measurement;
	}

	private compute(zone: Zone, from: number, to: number): Measurement {
		const population = this.population(zone);
		const size = population.ips.length;
		const segments = segmentsOf(zone, from, to);
		const diurnal = segments.map(segment => this.diurnalWeight(zone, segment.from, segment.to));
		const measurement: Measurement = {edge: [0, 0, 0], origin: 0, uniques: [0, 0, 0], hits: new Int32Array(size), currentClass: new Uint8Array(population.classOf), population};
		const timelines = this.ruleTimelines(zone);
		for (let i = 0; i < size; i++) {
			const start = Math.max(from, population.joinAt[i]);
			if (start >= to) continue;
			const cls = population.classOf[i];
			const perSecond = population.rate[i] / 3600;
			const timeline = timelines?.[i];
			let total = 0;
			for (let s = 0; s < segments.length; s++) {
				const segment = segments[s];
				const lower = Math.max(segment.from, start);
				const upper = Math.min(segment.to, to);
				if (upper <= lower) continue;
				const whole = lower === segment.from && upper === segment.to;
				// Split where the rule that holds changes: before a rule the IP is treated as usual.
				for (const piece of timelinePieces(timeline, lower, upper)) {
					const span = population.diurnal[i] ? (whole && !timeline ? diurnal[s] : this.diurnalWeight(zone, piece.from, piece.to)) : piece.to - piece.from;
					const requests = span * perSecond;
					let effectiveClass = cls;
					let passed = cls === THREAT ? segment.passed : 1;
					switch (piece.rule?.mode) {
						case 'block':
							passed = 0;
							break;
						case 'whitelist':
							effectiveClass = REGULAR;
							passed = 1;
							break;
						case 'challenge':
						case 'js_challenge':
						case 'managed_challenge':
							passed = cls === THREAT ? 0 : 1 - peopleChallengedShare;
							break;
						case undefined:
							break;
					}
					measurement.edge[effectiveClass] += requests;
					measurement.origin += requests * passed * segment.miss;
					total += requests;
				}
			}
			const hits = Math.floor(total + population.dither[i]);
			measurement.hits[i] = hits;
			// A whitelisted threat is regular (v1's `wl`): the rule holding now decides.
			if (cls === THREAT && timeline && ruleAt(timeline, Number.POSITIVE_INFINITY)?.mode === 'whitelist') measurement.currentClass[i] = REGULAR;
			if (hits > 0) measurement.uniques[measurement.currentClass[i]]++;
		}
		return measurement;
	}

	/** The threat (BAD) or search-engine (SE) score of an IP over the last 48 hours, logarithmic. */
	score(zones: Zone[], ip: string, nowSec: number): string {
		let threatHits = 0;
		let crawlerHits = 0;
		for (const zone of zones) {
			const population = this.population(zone);
			const i = population.index.get(ip);
			if (i === undefined) continue;
			const measurement = this.measure(zone, nowSec - 48 * 3600, nowSec);
			if (measurement.currentClass[i] === THREAT) threatHits += measurement.hits[i];
			if (measurement.currentClass[i] === CRAWLER) crawlerHits += measurement.hits[i];
		}
		if (crawlerHits > 0) return `SE:${Math.round(Math.log2(1 + crawlerHits))}`;
		return `BAD:${Math.round(Math.log2(1 + threatHits))}`;
	}
}
