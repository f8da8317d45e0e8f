/**
 * Arguments and selections of a dataset field: the filter (time bounds and a row predicate), the
 * limit, the order, and which fields the query asked for. graphql-js has checked the shapes already;
 * what is left is what the schema cannot say (time formats, ranges), worded as Cloudflare words it.
 */
import {Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode} from 'graphql';
import type {DatasetShape, FieldType} from './graphql-schema.js';
import {errors} from './graphql-limits.js';

export type Value = string | number;
export type Row = Record<string, Value>;
/** Reads a field of the row being tested (rows are not built as objects: flood's thousands of IPs × buckets). */
export type Getter = (field: string) => Value | undefined;
export type Predicate = (get: Getter) => boolean;

/** Epoch seconds: `lower` included, `upper` excluded. */
export interface Bounds {
	lower?: number;
	upper?: number;
}

const ops = ['neq', 'gt', 'lt', 'geq', 'leq', 'in', 'notin', 'like', 'notlike'] as const;
type Op = (typeof ops)[number] | 'eq';
const iso8601 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of an ISO 8601 time, with or without a fraction (callers send both), or NaN. */
export function parseTime(value: unknown): number {
	if (typeof value !== 'string') return Number.NaN;
	const match = iso8601.exec(value);
	if (!match) return Number.NaN;
	const fraction = match[2] ? match[2].slice(0, 4).padEnd(4, '0') : '';
	return Date.parse(`${match[1]}${fraction}${match[3]}`);
}

export function formatTime(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatDate(seconds: number): string {
	return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function splitKey(key: string): [string, Op] {
	const at = key.lastIndexOf('_');
	if (at > 0) {
		const op = key.slice(at + 1);
		if ((ops as readonly string[]).includes(op)) return [key.slice(0, at), op as Op];
	}
	return [key, 'eq'];
}

function likeRegex(pattern: string): RegExp {
	return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`, 's');
}

function compare(left: Value, right: Value): number {
	return typeof left === 'number' && typeof right === 'number' ? left - right : String(left) < String(right) ? -1 : String(left) > String(right) ? 1 : 0;
}

/** A filter as the resolver uses it; `timeFields` bound the window, everything else filters rows. */
export function parseFilter(node: string, shape: DatasetShape, filter: unknown, timeFields: readonly string[]): {bounds: Bounds; predicate: Predicate} {
	const bounds: Bounds = {};
	const tests: Predicate[] = [];
	if (filter === undefined || filter === null) return {bounds, predicate: () => true};
	if (typeof filter !== 'object' || Array.isArray(filter)) throw errors.args(node, 'filter: not an object');
	for (const [key, given] of Object.entries(filter as Record<string, unknown>)) {
		if (given === undefined || given === null) continue;
		if (key === 'AND' || key === 'OR') {
			if (!Array.isArray(given)) throw errors.args(node, `filter: ${key}: not a list`);
			const parts = given.map(part => parseFilter(node, shape, part, timeFields));
			if (key === 'OR') {
				if (parts.some(part => part.bounds.lower !== undefined || part.bounds.upper !== undefined)) throw errors.args(node, 'filter: OR: time bounds are taken only outside OR (emulator)');
				if (parts.length > 0) tests.push(get => parts.some(part => part.predicate(get)));
			} else {
				for (const part of parts) {
					if (part.bounds.lower !== undefined) bounds.lower = Math.max(bounds.lower ?? -Infinity, part.bounds.lower);
					if (part.bounds.upper !== undefined) bounds.upper = Math.min(bounds.upper ?? Infinity, part.bounds.upper);
					tests.push(part.predicate);
				}
			}
			continue;
		}
		const [field, op] = splitKey(key);
		const type: FieldType | undefined = shape.filters[field];
		if (!type) throw errors.args(node, `filter: unknown arg ${key}`);
		if (timeFields.includes(field)) {
			const ms = parseTime(given);
			if (Number.isNaN(ms)) throw errors.args(node, `filter: ${key}: not an iso8601 time`);
			// Whole seconds: a bound with a fraction keeps the seconds it covers.
			const floor = Math.floor(ms / 1000);
			const ceil = Math.ceil(ms / 1000);
			const narrow = (lower?: number, upper?: number) => {
				if (lower !== undefined) bounds.lower = Math.max(bounds.lower ?? -Infinity, lower);
				if (upper !== undefined) bounds.upper = Math.min(bounds.upper ?? Infinity, upper);
			};
			if (op === 'geq') narrow(ceil);
			else if (op === 'gt') narrow(floor + 1);
			else if (op === 'lt') narrow(undefined, ceil);
			else if (op === 'leq') narrow(undefined, floor + 1);
			else if (op === 'eq') narrow(ceil, floor + 1);
			else throw errors.args(node, `filter: ${key}: not supported on a time (emulator)`);
			continue;
		}
		if (field === 'rayName') throw errors.args(node, `filter: ${key}: not supported (emulator)`);
		const check = (value: unknown): Value => {
			if (type === 'uint16' || type === 'uint64') {
				if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw errors.args(node, `filter: ${key}: not an unsigned integer`);
				return value;
			}
			if (typeof value !== 'string') throw errors.args(node, `filter: ${key}: not a string`);
			return value;
		};
		if (op === 'in' || op === 'notin') {
			if (!Array.isArray(given)) throw errors.args(node, `filter: ${key}: not a list`);
			const values = new Set<Value>(given.map(check));
			tests.push(op === 'in' ? get => values.has(get(field) ?? '') : get => !values.has(get(field) ?? ''));
			continue;
		}
		const value = check(given);
		if (op === 'like' || op === 'notlike') {
			const regex = likeRegex(String(value));
			tests.push(op === 'like' ? get => regex.test(String(get(field))) : get => !regex.test(String(get(field))));
			continue;
		}
		const pass: Record<Exclude<Op, 'in' | 'notin' | 'like' | 'notlike'>, (c: number) => boolean> = {eq: c => c === 0, neq: c => c !== 0, gt: c => c > 0, lt: c => c < 0, geq: c => c >= 0, leq: c => c <= 0};
		const accept = pass[op];
		tests.push(get => accept(compare(get(field) ?? '', value)));
	}
	return {bounds, predicate: tests.length === 0 ? () => true : get => tests.every(test => test(get))};
}

export function parseLimit(given: unknown, maxPageSize: number): number {
	if (typeof given !== 'number' || !Number.isInteger(given) || given <= 0 || given > maxPageSize) throw errors.limit(maxPageSize);
	return given;
}

export interface OrderKey {
	key: string;
	descending: boolean;
}

export function parseOrder(node: string, shape: DatasetShape, given: unknown): OrderKey[] {
	if (given === undefined || given === null) return [];
	const list = Array.isArray(given) ? given : [given];
	return list.map(item => {
		const match = typeof item === 'string' ? /^(.+)_(ASC|DESC)$/.exec(item) : null;
		if (!match || !shape.orderKeys.includes(match[1])) throw errors.args(node, `orderBy: unknown value ${String(item)}`);
		return {key: match[1], descending: match[2] === 'DESC'};
	});
}

export function sortRows<T>(rows: T[], order: OrderKey[], value: (row: T, key: string) => Value | undefined): T[] {
	if (order.length === 0) return rows;
	// Array.prototype.sort is stable: rows equal on every key keep the order they were made in.
	return rows.sort((x, y) => {
		for (const {key, descending} of order) {
			const a = value(x, key);
			const b = value(y, key);
			if (a === undefined || b === undefined || a === b) continue;
			const c = compare(a, b);
			if (c !== 0) return descending ? -c : c;
		}
		return 0;
	});
}

/** Fields asked for directly under a selection set, by name (aliases and fragments resolved). */
export function collectFields(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
	if (!selectionSet) return into;
	for (const selection of selectionSet.selections) {
		if (selection.kind === Kind.FIELD) {
			const name = selection.name.value;
			if (name === '__typename') continue;
			into.set(name, [...(into.get(name) ?? []), selection]);
		} else if (selection.kind === Kind.INLINE_FRAGMENT) {
			collectFields(selection.selectionSet, info, into);
		} else {
			collectFields(info.fragments[selection.name.value]?.selectionSet, info, into);
		}
	}
	return into;
}

/** Every leaf asked for under the dataset, as paths (`count`, `dimensions.clientIP`, `sum.countryMap.requests`). */
export function leafPaths(nodes: readonly FieldNode[], info: GraphQLResolveInfo, prefix = ''): string[] {
	const children = new Map<string, FieldNode[]>();
	for (const node of nodes) collectFields(node.selectionSet, info, children);
	const paths: string[] = [];
	for (const [name, childNodes] of children) {
		const path = prefix ? `${prefix}.${name}` : name;
		const deeper = childNodes.some(node => node.selectionSet) ? leafPaths(childNodes, info, path) : [];
		paths.push(...(deeper.length > 0 ? deeper : [path]));
	}
	return paths;
}
