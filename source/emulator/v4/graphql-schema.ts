/**
 * The schema subset of Cloudflare's GraphQL Analytics API the emulator serves, in SDL. Type, field
 * and argument names follow the real schema where the public docs show them (scalars named
 * `string`, `Time`, `uint64`; `..._InputObject` filters; `field_op` filter keys; `count_DESC` orders).
 */
import {buildSchema, type GraphQLSchema} from 'graphql';

/** Filter operators the real API takes as `field_<op>` (besides the bare field: equality). */
const scalarOps = ['neq', 'gt', 'lt', 'geq', 'leq'];
const listOps = ['in', 'notin'];

export type FieldType = 'string' | 'Time' | 'Date' | 'uint16' | 'uint64';

export interface DatasetShape {
	/** The field on Zone. */
	name: string;
	/** The filter input's name as the dataset's argument, and other names clients declare it with. */
	filterType: string;
	filterAliases: string[];
	orderType: string;
	/** Filterable fields. */
	filters: Record<string, FieldType>;
	/** Keys of `orderBy` (each gets _ASC and _DESC). */
	orderKeys: string[];
}

const requestDims: Record<string, FieldType> = {
	clientIP: 'string', clientCountryName: 'string', clientAsn: 'string', clientASNDescription: 'string', clientRequestHTTPHost: 'string', edgeResponseStatus: 'uint16', requestSource: 'string',
};
const timeBuckets: Record<string, FieldType> = {datetimeMinute: 'Time', datetimeFiveMinutes: 'Time', datetimeFifteenMinutes: 'Time', datetimeHour: 'Time', date: 'Date'};
const firewallDims: Record<string, FieldType> = {
	action: 'string', source: 'string', ruleId: 'string', clientIP: 'string', clientAsn: 'string', clientASNDescription: 'string', clientCountryName: 'string',
	clientRequestHTTPHost: 'string', clientRequestPath: 'string', clientRequestQuery: 'string', clientRequestHTTPMethodName: 'string', userAgent: 'string', edgeResponseStatus: 'uint16', rayName: 'string',
};

export const datasets: Record<string, DatasetShape> = {
	httpRequests1mGroups: {
		name: 'httpRequests1mGroups',
		filterType: 'ZoneHttpRequests1mGroupsFilter_InputObject',
		filterAliases: ['HttpRequests1mGroupsFilter_InputObject'],
		orderType: 'ZoneHttpRequests1mGroupsOrderBy',
		filters: {datetime: 'Time', datetimeMinute: 'Time'},
		orderKeys: ['datetimeMinute', 'date', 'sum_requests', 'sum_cachedRequests', 'sum_bytes', 'sum_cachedBytes', 'sum_threats', 'sum_pageViews', 'uniq_uniques'],
	},
	httpRequestsAdaptiveGroups: {
		name: 'httpRequestsAdaptiveGroups',
		filterType: 'ZoneHttpRequestsAdaptiveGroupsFilter_InputObject',
		filterAliases: ['HttpRequestsAdaptiveGroupsFilter_InputObject'],
		orderType: 'ZoneHttpRequestsAdaptiveGroupsOrderBy',
		filters: {datetime: 'Time', ...requestDims},
		orderKeys: ['count', 'sum_edgeResponseBytes', ...Object.keys(requestDims), ...Object.keys(timeBuckets)],
	},
	firewallEventsAdaptive: {
		name: 'firewallEventsAdaptive',
		filterType: 'FirewallEventsAdaptiveFilter_InputObject',
		filterAliases: ['ZoneFirewallEventsAdaptiveFilter_InputObject'],
		orderType: 'ZoneFirewallEventsAdaptiveOrderBy',
		filters: {datetime: 'Time', ...firewallDims},
		orderKeys: ['datetime', ...Object.keys(firewallDims)],
	},
	firewallEventsAdaptiveGroups: {
		name: 'firewallEventsAdaptiveGroups',
		filterType: 'ZoneFirewallEventsAdaptiveGroupsFilter_InputObject',
		filterAliases: ['FirewallEventsAdaptiveGroupsFilter_InputObject'],
		orderType: 'ZoneFirewallEventsAdaptiveGroupsOrderBy',
		filters: {datetime: 'Time', ...firewallDims},
		orderKeys: ['count', 'datetime', ...Object.keys(firewallDims), ...Object.keys(timeBuckets)],
	},
};

function filterInput(name: string, fields: Record<string, FieldType>): string {
	const lines: string[] = [];
	for (const [field, type] of Object.entries(fields)) {
		lines.push(`${field}: ${type}`);
		for (const op of scalarOps) lines.push(`${field}_${op}: ${type}`);
		for (const op of listOps) lines.push(`${field}_${op}: [${type}!]`);
		if (type === 'string') lines.push(`${field}_like: string`, `${field}_notlike: string`);
	}
	lines.push(`AND: [${name}!]`, `OR: [${name}!]`);
	return `input ${name} {\n  ${lines.join('\n  ')}\n}`;
}

function orderEnum(shape: DatasetShape): string {
	return `enum ${shape.orderType} {\n  ${shape.orderKeys.flatMap(key => [`${key}_ASC`, `${key}_DESC`]).join('\n  ')}\n}`;
}

function fieldsOf(fields: Record<string, FieldType>): string {
	return Object.entries(fields).map(([field, type]) => `${field}: ${type}!`).join('\n  ');
}

const datasetArgs = (shape: DatasetShape, listType: string): string =>
	`${shape.name}(filter: ${shape.filterType}, limit: uint64!, orderBy: [${shape.orderType}!]): [${listType}!]!`;

const sdl = `
"""A string (Cloudflare's schema names it in lower case)."""
scalar string
"""An ISO 8601 time, UTC, e.g. 2022-07-24T11:00:00Z."""
scalar Time
"""A day, e.g. 2022-07-24."""
scalar Date
scalar uint16
scalar uint64

type Query {
  viewer: Viewer!
}

type Viewer {
  zones(filter: ZoneFilter_InputObject, limit: uint64): [Zone!]!
}

input ZoneFilter_InputObject {
  zoneTag: string
  zoneTag_in: [string!]
  AND: [ZoneFilter_InputObject!]
}

type Zone {
  zoneTag: string!
  settings: ZoneSettings!
  ${datasetArgs(datasets.httpRequests1mGroups, 'ZoneHttpRequests1mGroups')}
  ${datasetArgs(datasets.httpRequestsAdaptiveGroups, 'ZoneHttpRequestsAdaptiveGroups')}
  ${datasetArgs(datasets.firewallEventsAdaptive, 'ZoneFirewallEventsAdaptive')}
  ${datasetArgs(datasets.firewallEventsAdaptiveGroups, 'ZoneFirewallEventsAdaptiveGroups')}
}

type ZoneSettings {
  httpRequests1mGroups: DatasetSettings!
  httpRequestsAdaptiveGroups: DatasetSettings!
  firewallEventsAdaptive: DatasetSettings!
  firewallEventsAdaptiveGroups: DatasetSettings!
}

type DatasetSettings {
  enabled: Boolean!
  availableFields: [string!]!
  maxDuration: uint64!
  maxNumberOfFields: uint64!
  maxPageSize: uint64!
  notOlderThan: uint64!
}

type ZoneHttpRequests1mGroups {
  dimensions: ZoneHttpRequests1mGroupsDimensions!
  sum: ZoneHttpRequests1mGroupsSum!
  uniq: ZoneHttpRequests1mGroupsUniq!
}

type ZoneHttpRequests1mGroupsDimensions {
  datetimeMinute: Time!
  date: Date!
}

type ZoneHttpRequests1mGroupsSum {
  requests: uint64!
  cachedRequests: uint64!
  bytes: uint64!
  cachedBytes: uint64!
  threats: uint64!
  pageViews: uint64!
  countryMap: [ZoneHttpRequests1mGroupsCountryMap!]!
  responseStatusMap: [ZoneHttpRequests1mGroupsResponseStatusMap!]!
}

type ZoneHttpRequests1mGroupsCountryMap {
  clientCountryName: string!
  requests: uint64!
  threats: uint64!
  bytes: uint64!
}

type ZoneHttpRequests1mGroupsResponseStatusMap {
  edgeResponseStatus: uint16!
  requests: uint64!
}

type ZoneHttpRequests1mGroupsUniq {
  uniques: uint64!
}

type ZoneHttpRequestsAdaptiveGroups {
  count: uint64!
  dimensions: ZoneHttpRequestsAdaptiveGroupsDimensions!
  sum: ZoneHttpRequestsAdaptiveGroupsSum!
}

type ZoneHttpRequestsAdaptiveGroupsDimensions {
  ${fieldsOf({...requestDims, ...timeBuckets})}
}

type ZoneHttpRequestsAdaptiveGroupsSum {
  edgeResponseBytes: uint64!
}

type ZoneFirewallEventsAdaptive {
  datetime: Time!
  ${fieldsOf(firewallDims)}
}

type ZoneFirewallEventsAdaptiveGroups {
  count: uint64!
  dimensions: ZoneFirewallEventsAdaptiveGroupsDimensions!
}

type ZoneFirewallEventsAdaptiveGroupsDimensions {
  datetime: Time!
  ${fieldsOf({...firewallDims, ...timeBuckets})}
}

${Object.values(datasets).flatMap(shape => [filterInput(shape.filterType, shape.filters), ...shape.filterAliases.map(alias => filterInput(alias, shape.filters)), orderEnum(shape)]).join('\n\n')}
`;

let built: GraphQLSchema | undefined;

/** Built once, on first use: the emulator's v1-only runs never pay for it. */
export function analyticsSchema(): GraphQLSchema {
	built ??= buildSchema(sdl);
	return built;
}
