import { DomainError } from '../../common/domain-error';
import { RequestError } from '../../common/request.errors';

// Query conventions of the v2 face (docs/v2.md#queries): page[number]/page[size], filter[...] with
// operators and and/or groups, sort, include and sparse fieldsets. Query keys arrive flat from
// Fastify (`filter[0][title][contains]`); they are parsed here, once, for every v2 list route.

export const FILTER_OPS = ['eq', 'not_eq', 'contains', 'not_contain', 'gt', 'gt_eq', 'lt', 'lt_eq'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterCondition {
  attribute: string;
  op: FilterOp;
  value: string;
}

export interface FilterGroup {
  op: 'and' | 'or';
  operands: Array<FilterCondition | FilterGroup>;
}

export interface SortField {
  field: string;
  descending: boolean;
}

/** type → relationship name → target type: which include paths exist. */
export type RelationshipGraph = Record<string, Record<string, string>>;

export interface JsonApiQuerySpec {
  /** The primary resource type, the root of include paths and `fields`. */
  type: string;
  /** Filterable attributes and the operators each allows. */
  filters?: Record<string, readonly FilterOp[]>;
  sorts?: readonly string[];
  relationships?: RelationshipGraph;
  maxIncludeDepth?: number;
}

export interface JsonApiQuery {
  page: { number: number; size: number };
  filter: FilterGroup;
  sort: SortField[];
  /** Dotted include paths, each with its prefixes (`subtasks.todos` brings `subtasks`). */
  include: string[];
  /** type → the attribute/relationship names to keep; absent type = everything. */
  fields: Record<string, string[]>;
}

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 200;
// Beyond any list a database holds, and small enough that the row offset stays an exact integer
// (a larger one reached SQL as 1e+21).
export const MAX_PAGE_NUMBER = 2147483647;

type Query = Record<string, string | string[] | undefined>;

function invalid(parameter: string, message: string): DomainError {
  return new RequestError('REQUEST_INVALID_QUERY', message, { meta: { parameter } });
}

function single(query: Query, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `filter[0][title][contains]` → ['0', 'title', 'contains']; null when the key is not bracketed. */
function bracketPath(key: string, root: string): string[] | null {
  if (!key.startsWith(`${root}[`)) return null;
  const parts = key.slice(root.length).match(/\[([^\]]*)\]/g);
  if (!parts || parts.join('') !== key.slice(root.length)) return null;
  return parts.map((p) => p.slice(1, -1));
}

function positiveInt(parameter: string, raw: string | undefined, fallback: number, max?: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw invalid(parameter, `${parameter} must be a positive integer`);
  const value = Number(raw);
  if (max !== undefined && value > max) throw invalid(parameter, `${parameter} must be at most ${max}`);
  return value;
}

interface FilterNode {
  [key: string]: FilterNode | string;
}

function parseFilterGroup(node: FilterNode, spec: JsonApiQuerySpec, where: string): FilterGroup {
  const opValue = node.$op;
  if (opValue !== undefined && opValue !== 'and' && opValue !== 'or') {
    throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `${where}[$op] must be "and" or "or"`, {
      meta: { parameter: `${where}[$op]` },
    });
  }
  const group: FilterGroup = { op: (opValue as 'and' | 'or' | undefined) ?? 'and', operands: [] };
  for (const [key, child] of Object.entries(node)) {
    if (key === '$op') continue;
    const path = `${where}[${key}]`;
    if (/^\d+$/.test(key)) {
      if (typeof child === 'string')
        throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `${path} must be a group`, {
          meta: { parameter: path },
        });
      group.operands.push(parseFilterGroup(child, spec, path));
      continue;
    }
    const allowed = spec.filters && Object.hasOwn(spec.filters, key) ? spec.filters[key] : undefined;
    if (!allowed) {
      throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `Filtering by "${key}" is not supported`, {
        meta: { parameter: path },
      });
    }
    const conditions: Array<[string, string | FilterNode]> =
      typeof child === 'string' ? [['eq', child]] : Object.entries(child);
    for (const [op, value] of conditions) {
      if (!allowed.includes(op as FilterOp) || typeof value !== 'string') {
        throw new RequestError(
          'REQUEST_UNSUPPORTED_FILTER',
          `Operator "${op}" is not supported on "${key}"`,
          {
            meta: { parameter: `${path}[${op}]` },
          },
        );
      }
      group.operands.push({ attribute: key, op: op as FilterOp, value });
    }
  }
  if (where !== 'filter' && group.operands.length === 0) {
    throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `${where} is an empty group`, {
      meta: { parameter: where },
    });
  }
  return group;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function parseFilter(query: Query, spec: JsonApiQuerySpec): FilterGroup {
  // Null-prototype nodes: query keys such as filter[__proto__] must never reach Object.prototype.
  const root = Object.create(null) as FilterNode;
  for (const key of Object.keys(query)) {
    const path = bracketPath(key, 'filter');
    if (!path) {
      if (key === 'filter')
        throw new RequestError(
          'REQUEST_UNSUPPORTED_FILTER',
          'filter needs an attribute: filter[name]=value',
          {
            meta: { parameter: key },
          },
        );
      continue;
    }
    if (path.some((part) => FORBIDDEN_KEYS.has(part))) {
      throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `${key} is not a filter`, {
        meta: { parameter: key },
      });
    }
    let node = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = single(query, key) ?? '';
      } else {
        const next = Object.hasOwn(node, part) ? node[part] : undefined;
        node = typeof next === 'object' ? next : (node[part] = Object.create(null) as FilterNode);
      }
    });
  }
  return parseFilterGroup(root, spec, 'filter');
}

function parseSort(raw: string | undefined, spec: JsonApiQuerySpec): SortField[] {
  if (raw === undefined || raw === '') return [];
  return raw.split(',').map((part) => {
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part;
    if (!spec.sorts?.includes(field)) {
      throw new RequestError('REQUEST_UNSUPPORTED_SORT', `Sorting by "${field}" is not supported`, {
        meta: { parameter: 'sort' },
      });
    }
    return { field, descending };
  });
}

function parseInclude(raw: string | undefined, spec: JsonApiQuerySpec): string[] {
  if (raw === undefined || raw === '') return [];
  const maxDepth = spec.maxIncludeDepth ?? 3;
  const paths = new Set<string>();
  for (const path of raw.split(',').map((p) => p.trim())) {
    const names = path.split('.');
    if (names.length > maxDepth)
      throw invalid('include', `include paths are at most ${maxDepth} levels deep: "${path}"`);
    let type = spec.type;
    names.forEach((name, i) => {
      const target = spec.relationships?.[type]?.[name];
      if (!target)
        throw invalid(
          'include',
          `"${names.slice(0, i + 1).join('.')}" is not a relationship that can be included`,
        );
      type = target;
      paths.add(names.slice(0, i + 1).join('.'));
    });
  }
  return [...paths];
}

function parseFields(query: Query): Record<string, string[]> {
  const fields = Object.create(null) as Record<string, string[]>;
  for (const key of Object.keys(query)) {
    const path = bracketPath(key, 'fields');
    if (!path) continue;
    if (path.length !== 1 || !path[0])
      throw invalid(key, 'fields take one type: fields[tasks]=title,due_date');
    fields[path[0]] = (single(query, key) ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  }
  return fields;
}

/** A boolean query parameter (`true` or `false`); absent = `fallback`; anything else is a 400. */
export function booleanParameter(query: Query, name: string, fallback = false): boolean {
  const value = single(query, name);
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(name, `${name} must be true or false`);
}

export function parseJsonApiQuery(query: Query, spec: JsonApiQuerySpec): JsonApiQuery {
  return {
    page: {
      number: positiveInt('page[number]', single(query, 'page[number]'), 1, MAX_PAGE_NUMBER),
      size: positiveInt('page[size]', single(query, 'page[size]'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    },
    filter: parseFilter(query, spec),
    sort: parseSort(single(query, 'sort'), spec),
    include: parseInclude(single(query, 'include'), spec),
    fields: parseFields(query),
  };
}
