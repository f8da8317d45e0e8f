/**
 * The datasets of one zone, as graphql-js resolvers (methods named after the fields). Every figure
 * is computed over the span it covers: the filter's window, or each time bucket when grouped by
 * one; so a figure equals what v1 answers for the same span (`zone_ips` hits, `stats` totals).
 */
import type {FieldNode, GraphQLResolveInfo} from 'graphql';
import type {EmulatorCore} from '../core.js';
import {CRAWLER, REGULAR, THREAT, type Population} from '../population.js';
import type {Zone} from '../world.js';
import {collectFields, formatDate, formatTime, leafPaths, parseFilter, parseLimit, parseOrder, sortRows, type Getter, type OrderKey, type Predicate, type Row, type Value} from './graphql-args.js';
import {errors, planLimits, type NodeLimits} from './graphql-limits.js';
import {datasets, type DatasetShape} from './graphql-schema.js';
import {countryOf, eventsAtOrAfter, eventTime, networkOf, rayNameOf, requestOf, spanTraffic, type EventRun} from './graphql-traffic.js';

export interface QueryContext {
	core: EmulatorCore;
	nowSec: number;
}

/** v1 serves 2.1 KB at the edge and 2.6 KB from the origin per request (handlers/traffic.ts). */
const edgeBytes = 2.1 * 1024;
const originBytes = 2.6 * 1024;
/**
 * Work a single query may cost before it is refused: IPs × time buckets (each bucket is one model
 * computation, ~0.1 s for flood's 50,000 IPs, and the emulator answers v1 on the same thread), and events laid out.
 */
const maxWork = 2_000_000;
const maxEvents = 2_000_000;

/** The fields of an event besides its time and ray. */
const eventFields = Object.keys(datasets.firewallEventsAdaptive.filters).filter(field => field !== 'datetime' && field !== 'rayName');

const bucketWidths: Record<string, number> = {datetime: 1, datetimeMinute: 60, datetimeFiveMinutes: 300, datetimeFifteenMinutes: 900, datetimeHour: 3600, date: 86_400};

/** Aligned buckets of `width` seconds covering [from, to), clipped to it. */
function buckets(from: number, to: number, width: number): [number, number][] {
	const spans: [number, number][] = [];
	for (let start = Math.floor(from / width) * width; start < to; start += width) spans.push([Math.max(from, start), Math.min(to, start + width)]);
	return spans;
}

/** The time dimensions of a bucket starting at `at`; a query asks for the same few again and again. */
function timeDimsCache(): (at: number) => Row {
	const cache = new Map<number, Row>();
	return at => {
		let row = cache.get(at);
		if (!row) {
			const floor = (width: number) => formatTime(Math.floor(at / width) * width);
			row = {datetime: formatTime(at), datetimeMinute: floor(60), datetimeFiveMinutes: floor(300), datetimeFifteenMinutes: floor(900), datetimeHour: floor(3600), date: formatDate(at)};
			cache.set(at, row);
		}
		return row;
	};
}

/** What does not change about an IP (country, network, its request), made once per population and zone. */
const attributes = new WeakMap<Population, Map<string, Row[]>>();

function ipAttributes(population: Population, zoneName: string, i: number): Row {
	let byZone = attributes.get(population);
	if (!byZone) attributes.set(population, (byZone = new Map()));
	let rows = byZone.get(zoneName);
	if (!rows) byZone.set(zoneName, (rows = []));
	let row = rows[i];
	if (!row) {
		const [asn, asnName] = networkOf(population, i);
		const request = requestOf(population, i);
		row = {
			clientIP: population.ips[i], clientCountryName: countryOf(population, i), clientAsn: asn, clientASNDescription: asnName, clientRequestHTTPHost: zoneName, requestSource: 'eyeball',
			clientRequestPath: request.path, clientRequestQuery: '', clientRequestHTTPMethodName: 'GET', userAgent: request.userAgent,
		};
		rows[i] = row;
	}
	return row;
}

/** Groups rows by the asked dimensions, adding up counts. */
class Grouper {
	readonly groups = new Map<string, {count: number; bytes: number; dims: Row}>();

	constructor(private readonly dims: string[]) {}

	add(get: Getter, count: number, bytes = 0): void {
		if (count <= 0) return;
		const key = this.dims.length === 1 ? String(get(this.dims[0])) : this.dims.map(dim => get(dim)).join('\u0000');
		let group = this.groups.get(key);
		if (!group) {
			group = {count: 0, bytes: 0, dims: Object.fromEntries(this.dims.map(dim => [dim, get(dim) ?? '']))};
			this.groups.set(key, group);
		}
		group.count += count;
		group.bytes += bytes;
	}
}

interface Prepared {
	limit: number;
	order: OrderKey[];
	predicate: Predicate;
	from: number;
	to: number;
	/** Dimensions to group by: those asked for, and those ordered by. */
	dims: string[];
}

function timeSorted(order: OrderKey[], dims: string[]): OrderKey[] {
	// Without orderBy: oldest first, then the biggest group first (the order v1's zone_ips lists IPs in).
	if (order.length > 0) return order;
	return [...dims.filter(dim => dim in bucketWidths).map(key => ({key, descending: false})), {key: 'count', descending: true}];
}

export class ZoneNode {
	readonly zoneTag: string;

	constructor(
		private readonly zone: Zone,
		tag: string,
		private readonly index: number,
	) {
		this.zoneTag = tag;
	}

	private limits(node: string): NodeLimits {
		return planLimits[this.zone.plan][node];
	}

	/** The checks every dataset shares, in the order the real API seems to make them: access, fields, args, range. */
	private prepare(shape: DatasetShape, args: Record<string, unknown>, info: GraphQLResolveInfo, context: QueryContext, timeFields: string[], minuteStarts = false): Prepared {
		const node = shape.name;
		const limits = this.limits(node);
		if (!limits.enabled) throw errors.noAccess(`viewer.zones.${this.index}.${node}`);
		const leaves = leafPaths(info.fieldNodes, info);
		const refused = leaves.find(path => limits.refused.includes(path));
		if (refused) throw errors.noAccess(`viewer.zones.${this.index}.${node}.${refused}`);
		if (leaves.length > limits.maxNumberOfFields) throw errors.fields(limits);
		const limit = parseLimit(args.limit, limits.maxPageSize);
		const order = parseOrder(node, shape, args.orderBy);
		const {bounds, predicate} = parseFilter(node, shape, args.filter, timeFields);
		const now = context.nowSec;
		const lower = bounds.lower ?? now - limits.notOlderThan;
		const upper = bounds.upper ?? now;
		if (lower < now - limits.notOlderThan) throw errors.tooOld(limits);
		if (upper - lower > limits.maxDuration) throw errors.tooWide(this.zoneTag, limits, upper - lower);
		// Rollups are per minute: the bounds pick minutes by their start.
		const from = minuteStarts ? Math.ceil(lower / 60) * 60 : lower;
		const to = Math.min(now, minuteStarts ? Math.ceil(upper / 60) * 60 : upper);
		const asked = new Map<string, FieldNode[]>();
		for (const field of info.fieldNodes) for (const dimensions of collectFields(field.selectionSet, info).get('dimensions') ?? []) collectFields(dimensions.selectionSet, info, asked);
		const ordered = order.map(({key}) => key).filter(key => key !== 'count' && !key.startsWith('sum_') && !key.startsWith('uniq_'));
		return {limit, order, predicate, from, to, dims: [...new Set([...asked.keys(), ...ordered])]};
	}

	private finestBucket(dims: string[]): number | undefined {
		const widths = dims.map(dim => bucketWidths[dim]).filter((width): width is number => width !== undefined);
		return widths.length > 0 ? Math.min(...widths) : undefined;
	}

	private spans(core: EmulatorCore, from: number, to: number, width: number | undefined): [number, number][] {
		if (to <= from) return [];
		const spans = width === undefined ? [[from, to] as [number, number]] : buckets(from, to, width);
		const size = core.traffic.population(this.zone).ips.length;
		if (spans.length * size > maxWork) throw errors.tooMuch();
		return spans;
	}

	settings(): Record<string, unknown> {
		const describe = (node: string, fields: string[]) => {
			const limits = this.limits(node);
			return {
				enabled: limits.enabled,
				availableFields: limits.enabled ? fields.filter(field => !limits.refused.includes(field.replace('_', '.'))) : [],
				maxDuration: limits.maxDuration,
				maxNumberOfFields: limits.maxNumberOfFields,
				maxPageSize: limits.maxPageSize,
				notOlderThan: limits.notOlderThan,
			};
		};
		const dims = (shape: DatasetShape) => shape.orderKeys.filter(key => key !== 'count' && !key.startsWith('sum_') && !key.startsWith('uniq_'));
		return {
			httpRequests1mGroups: describe('httpRequests1mGroups', ['dimensions_datetimeMinute', 'dimensions_date', 'sum_requests', 'sum_cachedRequests', 'sum_bytes', 'sum_cachedBytes', 'sum_threats', 'sum_pageViews', 'sum_countryMap', 'sum_responseStatusMap', 'uniq_uniques']),
			httpRequestsAdaptiveGroups: describe('httpRequestsAdaptiveGroups', ['count', 'sum_edgeResponseBytes', ...dims(datasets.httpRequestsAdaptiveGroups).map(dim => `dimensions_${dim}`)]),
			firewallEventsAdaptive: describe('firewallEventsAdaptive', datasets.firewallEventsAdaptive.orderKeys),
			firewallEventsAdaptiveGroups: describe('firewallEventsAdaptiveGroups', ['count', ...dims(datasets.firewallEventsAdaptiveGroups).map(dim => `dimensions_${dim}`)]),
		};
	}

	httpRequestsAdaptiveGroups(args: Record<string, unknown>, context: QueryContext, info: GraphQLResolveInfo): unknown[] {
		const shape = datasets.httpRequestsAdaptiveGroups;
		const prepared = this.prepare(shape, args, info, context, ['datetime']);
		const grouper = new Grouper(prepared.dims);
		const timeDims = timeDimsCache();
		for (const [from, to] of this.spans(context.core, prepared.from, prepared.to, this.finestBucket(prepared.dims))) {
			const traffic = spanTraffic(context.core, this.zone, from, to);
			const time = timeDims(from);
			for (const ip of traffic.ips) {
				const base = ipAttributes(traffic.measurement.population, this.zone.name, ip.ip);
				// Blocked and challenged requests are answered 403 by the edge; the rest 200.
				for (const [status, count] of [[200, ip.passed], [403, ip.hits - ip.passed]]) {
					if (count <= 0) continue;
					const get: Getter = field => (field === 'edgeResponseStatus' ? status : (time[field] ?? base[field]));
					if (prepared.predicate(get)) grouper.add(get, count, count * edgeBytes);
				}
			}
		}
		const rows = sortRows([...grouper.groups.values()], timeSorted(prepared.order, prepared.dims), (group, key): Value | undefined => (key === 'count' ? group.count : key === 'sum_edgeResponseBytes' ? group.bytes : group.dims[key]));
		return rows.slice(0, prepared.limit).map(group => ({count: group.count, dimensions: group.dims, sum: {edgeResponseBytes: Math.round(group.bytes)}}));
	}

	httpRequests1mGroups(args: Record<string, unknown>, context: QueryContext, info: GraphQLResolveInfo): unknown[] {
		const shape = datasets.httpRequests1mGroups;
		const prepared = this.prepare(shape, args, info, context, ['datetime', 'datetimeMinute'], true);
		const rows: {dims: Row; sum: Record<string, unknown>; uniq: {uniques: number}; sort: Row}[] = [];
		const timeDims = timeDimsCache();
		for (const [from, to] of this.spans(context.core, prepared.from, prepared.to, this.finestBucket(prepared.dims))) {
			const traffic = spanTraffic(context.core, this.zone, from, to);
			const {measurement} = traffic;
			// The same arithmetic as v1 stats (handlers/traffic.ts), so equal spans give equal figures.
			const [regular, crawler, threat] = measurement.edge;
			const requests = Math.round(regular + crawler + threat);
			if (requests <= 0) continue;
			const origin = Math.min(requests, Math.round(measurement.origin));
			const countries = new Map<string, {requests: number; threats: number}>();
			let passed = 0;
			for (const ip of traffic.ips) {
				const country = countryOf(measurement.population, ip.ip);
				const entry = countries.get(country) ?? {requests: 0, threats: 0};
				entry.requests += ip.hits;
				if (measurement.currentClass[ip.ip] === THREAT) entry.threats += ip.hits;
				countries.set(country, entry);
				passed += ip.passed;
			}
			const hits = traffic.ips.reduce((sum, ip) => sum + ip.hits, 0);
			const bytes = Math.round(requests * edgeBytes);
			const sum = {
				requests,
				cachedRequests: requests - origin,
				bytes,
				cachedBytes: Math.max(0, bytes - Math.round(origin * originBytes)),
				threats: Math.round(threat),
				pageViews: Math.round(regular * 0.4) + Math.round(threat) + Math.round(crawler * 0.9),
				countryMap: [...countries].sort((x, y) => y[1].requests - x[1].requests || (x[0] < y[0] ? -1 : 1)).map(([clientCountryName, entry]) => ({clientCountryName, requests: entry.requests, threats: entry.threats, bytes: Math.round(entry.requests * edgeBytes)})),
				responseStatusMap: [{edgeResponseStatus: 200, requests: passed}, {edgeResponseStatus: 403, requests: hits - passed}].filter(entry => entry.requests > 0),
			};
			const uniques = measurement.uniques[REGULAR] + measurement.uniques[CRAWLER] + measurement.uniques[THREAT];
			const time = timeDims(from);
			const dims: Row = Object.fromEntries(prepared.dims.map(dim => [dim, time[dim]]));
			rows.push({dims, sum, uniq: {uniques}, sort: {...dims, sum_requests: sum.requests, sum_cachedRequests: sum.cachedRequests, sum_bytes: sum.bytes, sum_cachedBytes: sum.cachedBytes, sum_threats: sum.threats, sum_pageViews: sum.pageViews, uniq_uniques: uniques}});
		}
		sortRows(rows, prepared.order, (row, key) => row.sort[key]);
		return rows.slice(0, prepared.limit).map(row => ({dimensions: row.dims, sum: row.sum, uniq: row.uniq}));
	}

	/** The firewall events of the window, as runs (one IP, one action, one span), with the fields each run's events share. */
	private eventRuns(context: QueryContext, prepared: Prepared): {run: EventRun; get: Getter}[] {
		if (prepared.to <= prepared.from) return [];
		const traffic = spanTraffic(context.core, this.zone, prepared.from, prepared.to);
		const {population} = traffic.measurement;
		const runs: {run: EventRun; get: Getter}[] = [];
		for (const ip of traffic.ips) {
			if (ip.runs.length === 0) continue;
			const base = ipAttributes(population, this.zone.name, ip.ip);
			for (const run of ip.runs) {
				const own: Row = {action: run.action, source: run.source, ruleId: run.ruleId, edgeResponseStatus: 403};
				const get: Getter = field => own[field] ?? base[field];
				if (prepared.predicate(get)) runs.push({run, get});
			}
		}
		return runs;
	}

	private event(get: Getter, run: EventRun, k: number): Record<string, Value | undefined> {
		const at = eventTime(run, k);
		const event: Record<string, Value | undefined> = {datetime: formatTime(at), rayName: rayNameOf(this.zone.name, String(get('clientIP')), at, k, run.action)};
		for (const field of eventFields) event[field] = get(field);
		return event;
	}

	firewallEventsAdaptive(args: Record<string, unknown>, context: QueryContext, info: GraphQLResolveInfo): unknown[] {
		const shape = datasets.firewallEventsAdaptive;
		const prepared = this.prepare(shape, args, info, context, ['datetime']);
		const runs = this.eventRuns(context, prepared);
		const order = prepared.order.length > 0 ? prepared.order : [{key: 'datetime', descending: false}];
		const total = runs.reduce((sum, {run}) => sum + run.count, 0);
		const picked: {at: number; n: number; get: Getter; run: EventRun; k: number}[] = [];
		const byTime = order.length === 1 && order[0].key === 'datetime';
		if (byTime && total > prepared.limit) {
			// Only the events nearest the wanted end are laid out: find the second the limit reaches back (or forward) to.
			const descending = order[0].descending;
			const reach = (at: number) => runs.reduce((sum, {run}) => sum + (descending ? eventsAtOrAfter(run, at) : run.count - eventsAtOrAfter(run, at + 1)), 0);
			let lo = prepared.from;
			let hi = prepared.to;
			if (descending) {
				while (hi - lo > 1) {
					const mid = Math.floor((lo + hi) / 2);
					if (reach(mid) >= prepared.limit) lo = mid;
					else hi = mid;
				}
			} else {
				lo = prepared.from - 1;
				hi = prepared.to - 1;
				while (hi - lo > 1) {
					const mid = Math.floor((lo + hi) / 2);
					if (reach(mid) >= prepared.limit) hi = mid;
					else lo = mid;
				}
			}
			const edge = descending ? lo : hi;
			runs.forEach(({run, get}, n) => {
				const first = descending ? run.count - eventsAtOrAfter(run, edge) : 0;
				const last = descending ? run.count : run.count - eventsAtOrAfter(run, edge + 1);
				for (let k = first; k < last; k++) picked.push({at: eventTime(run, k), n, get, run, k});
			});
		} else if (!byTime && order.every(({key}, at) => key !== 'rayName' && (key !== 'datetime' || at === order.length - 1))) {
			// Ordered by the runs' own fields (then maybe time): sort the runs, lay out only the events of the runs that fill the limit.
			const last = order.at(-1);
			const timeOrder = last?.key === 'datetime' ? (last.descending ? -1 : 1) : 1;
			const keys = last?.key === 'datetime' ? order.slice(0, -1) : order;
			const sorted = sortRows(runs.map((entry, n) => ({...entry, n})), keys, (entry, key) => entry.get(key));
			const same = (x: {get: Getter}, y: {get: Getter}) => keys.every(({key}) => x.get(key) === y.get(key));
			const kept: typeof picked = [];
			for (let start = 0; start < sorted.length && kept.length < prepared.limit; ) {
				let end = start + 1;
				while (end < sorted.length && same(sorted[start], sorted[end])) end++;
				const tied: typeof picked = [];
				for (const {run, get, n} of sorted.slice(start, end)) {
					if (tied.length > maxEvents) throw errors.tooMuch();
					for (let k = 0; k < run.count; k++) tied.push({at: eventTime(run, k), n, get, run, k});
				}
				tied.sort((x, y) => timeOrder * (x.at - y.at) || x.n - y.n || x.k - y.k);
				kept.push(...tied.slice(0, prepared.limit - kept.length));
				start = end;
			}
			return kept.map(({get, run, k}) => this.event(get, run, k));
		} else {
			if (total > maxEvents) throw errors.tooMuch();
			runs.forEach(({run, get}, n) => {
				for (let k = 0; k < run.count; k++) picked.push({at: eventTime(run, k), n, get, run, k});
			});
		}
		picked.sort((x, y) => x.at - y.at || x.n - y.n || x.k - y.k);
		if (byTime && order[0].descending) picked.reverse();
		// Any other order (by ray) sorts the laid-out events; time and ray are built for the kept ones only.
		if (!byTime) sortRows(picked, order, (event, key) => (key === 'datetime' ? event.at : key === 'rayName' ? rayNameOf(this.zone.name, String(event.get('clientIP')), event.at, event.k, event.run.action) : event.get(key)));
		return picked.slice(0, prepared.limit).map(({get, run, k}) => this.event(get, run, k));
	}

	firewallEventsAdaptiveGroups(args: Record<string, unknown>, context: QueryContext, info: GraphQLResolveInfo): unknown[] {
		const shape = datasets.firewallEventsAdaptiveGroups;
		const prepared = this.prepare(shape, args, info, context, ['datetime']);
		const runs = this.eventRuns(context, prepared);
		const width = this.finestBucket(prepared.dims);
		const grouper = new Grouper(prepared.dims);
		const timeDims = timeDimsCache();
		if (width === undefined) {
			for (const {run, get} of runs) grouper.add(get, run.count);
		} else if (width === 1) {
			if (runs.reduce((sum, {run}) => sum + run.count, 0) > maxEvents) throw errors.tooMuch();
			for (const {run, get} of runs) {
				for (let k = 0; k < run.count; k++) {
					const time = timeDims(eventTime(run, k));
					grouper.add(field => time[field] ?? get(field), 1);
				}
			}
		} else {
			for (const {run, get} of runs) {
				for (const [from, to] of buckets(run.from, run.to, width)) {
					const time = timeDims(Math.floor(from / width) * width);
					grouper.add(field => time[field] ?? get(field), eventsAtOrAfter(run, from) - eventsAtOrAfter(run, to));
				}
			}
		}
		const rows = sortRows([...grouper.groups.values()], timeSorted(prepared.order, prepared.dims), (group, key): Value | undefined => (key === 'count' ? group.count : group.dims[key]));
		return rows.slice(0, prepared.limit).map(group => ({count: group.count, dimensions: group.dims}));
	}
}
