import fc from 'fast-check';
import type { Route, RouteFace, Schema } from './openapi-routes';
import {
  AuthPlan,
  BadUtf8,
  Deep,
  IdRef,
  LongText,
  Payload,
  PoolName,
  POOLS,
  RefKeyed,
  RequestPlan,
  RowGroup,
  RowRef,
} from './request-plan';

// Requests made from the OpenAPI document: mostly its own examples, with ids swapped for ids that
// exist and a few mutations each (fields dropped, duplicated, retyped, set to edge values, prototype
// keys, unknown members), and some structurally random or malformed bodies, wrong media types,
// odd path segments and query values, and broken auth.

/** Which id pool a path parameter names, by the path's resource. */
function pathPool(path: string): PoolName | null {
  const table: Array<[RegExp, PoolName]> = [
    [/^\/todo\/tasks\/projects\//, 'projects'],
    [/^\/todo\/(tasks|move)\//, 'tasks'],
    [/^\/todo\/(sort|projects)\//, 'projects'],
    [/^\/todo\/users\//, 'people'],
    [/^\/api\/v1\/projects\//, 'crowdProjects'],
    [/^\/api\/v1\/pools\//, 'pools'],
    [/^\/api\/v[12]\/operations\//, 'operations'],
    [/^\/api\/v2\/tasks\//, 'tasks'],
    [/^\/api\/v2\/projects\//, 'projects'],
    [/^\/api\/v2\/people\//, 'people'],
    [/^\/api\/v2\/workflows\//, 'workflows'],
    [/^\/api\/v2\/workflow_statuses\//, 'workflowStatuses'],
    [/^\/api\/v2\/task_lists\//, 'taskLists'],
    [/^\/api\/v2\/memberships\//, 'memberships'],
    [/^\/api\/v2\/custom_fields\//, 'customFields'],
    [/^\/api\/v2\/todos\//, 'todos'],
    [/^\/api\/v2\/comments\//, 'comments'],
    [/^\/api\/v2\/attachments\//, 'attachments'],
    [/^\/api\/v2\/task_dependencies\//, 'taskDependencies'],
    [/^\/api\/v2\/templates\//, 'templates'],
  ];
  return table.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

/** Which id pool a body member names, by its name and face; null for members that are not ids. */
function fieldPool(name: string, face: RouteFace): PoolName | null {
  if (face === 'todo') {
    if (['id', 'targetId', 'parent', 'target', 'batch'].includes(name)) return 'tasks';
    if (name === 'project') return 'projects';
    if (name === 'assigned') return 'people';
    return null;
  }
  if (face === 'toloka') {
    if (name === 'project_id') return 'crowdProjects';
    if (/pool_id$/.test(name)) return 'pools';
    return null;
  }
  const v2 = new Map<string, PoolName>([
    ['task_id', 'tasks'],
    ['parent_task_id', 'tasks'],
    ['template_id', 'tasks'],
    ['dependent_task_id', 'tasks'],
    ['project_id', 'projects'],
    ['person_id', 'people'],
    ['assignee_id', 'people'],
    ['subscriber_ids', 'people'],
    ['creator_id', 'people'],
    ['workflow_id', 'workflows'],
    ['workflow_status_id', 'workflowStatuses'],
    ['task_list_id', 'taskLists'],
    ['comment_id', 'comments'],
    ['task_custom_fields_ids', 'customFields'],
  ]);
  return v2.get(name) ?? null;
}

const refArb = (pool: fc.Arbitrary<PoolName>): fc.Arbitrary<IdRef> =>
  fc
    .record({
      pool,
      owner: fc.constantFrom<'a' | 'b'>('a', 'a', 'a', 'a', 'b'),
      index: fc.nat({ max: 1000 }),
      as: fc.constantFrom<'number' | 'string'>('number', 'string'),
    })
    .map((r) => new IdRef(r.pool, r.owner, r.index, r.as));

const anyPool = fc.constantFrom(...POOLS);

const EDGE_NUMBERS = [
  0, -1, 1, 1.5, -0.5, 1e-7, 2147483647, 2147483648, -2147483649, 987654321987, 9007199254740991, 1e21, 1e308,
  -1e308,
];

const EDGE_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '12',
  '007',
  '987654321987',
  '2147483648',
  '9007199254740993',
  '99999999999999999999',
  '1e3',
  '0x1F',
  'NaN',
  'null',
  'true',
  'undefined',
  '__proto__',
  'constructor',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  'x\ud83d',
  '🙂',
  '👩‍👩‍👧‍👦',
  '日本.txt',
  'отчёт.txt',
  'e\u0301',
  '\u202eevil',
  '\ufeff',
  "'; DROP TABLE tasks; --",
  '%00',
  '%ZZ',
  '../..',
  '<script>alert(1)</script>',
  '2030-02-30',
  '2030-13-01',
  '0000-00-00',
  '9999-12-31T23:59:59.999',
  '2030-01-01T00:00:00Z',
  '24:60',
  '17:30',
];

const longText = fc
  .record({
    unit: fc.constantFrom('a', 'é', '🙂', '日'),
    length: fc.constantFrom(255, 256, 1025, 32768, 40000, 65536),
  })
  .map(({ unit, length }) => new LongText(unit, length));

const edgeString: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: longText },
);

const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);

const deepArb = fc
  .record({
    depth: fc.constantFrom(10, 63, 64, 65, 200, 2000),
    shape: fc.constantFrom<'array' | 'object'>('array', 'object'),
  })
  .map(({ depth, shape }) => new Deep(depth, shape));

/** Any value a mutated member may take. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: edgeString },
  { weight: 4, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], [[]], ['1', 2]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: deepArb },
  { weight: 1, arbitrary: fc.constant(new BadUtf8()) },
  { weight: 1, arbitrary: refArb(anyPool) },
);

/** Values the schema of a member suggests: its example, enum, bounds and length limits. */
function schemaCandidates(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  const out: unknown[] = [];
  if (schema.example !== undefined) out.push(schema.example);
  if (schema.enum)
    out.push(...schema.enum, `${String(schema.enum[0])}x`, String(schema.enum[0]).toLowerCase());
  for (const bound of [schema.minimum, schema.maximum]) {
    if (bound !== undefined) out.push(bound, bound - 1, bound + 1, String(bound));
  }
  if (schema.maxLength !== undefined) {
    out.push(new LongText('a', schema.maxLength), new LongText('a', schema.maxLength + 1));
    out.push(new LongText('é', schema.maxLength), new LongText('🙂', schema.maxLength));
  }
  if (schema.maxItems !== undefined) out.push(Array.from({ length: schema.maxItems + 1 }, () => ({})));
  if (schema.format === 'date') out.push('2030-02-29', '2028-02-29', '2030-1-1');
  if (schema.type === 'boolean') out.push(true, false, 'true', 1);
  if (schema.type === 'integer' || schema.type === 'number') out.push('1', 1.5, -1);
  return out;
}

type Mutation = {
  kind:
    | 'drop'
    | 'set'
    | 'field-value'
    | 'prototype-key'
    | 'unknown-member'
    | 'wrap'
    | 'ref'
    | 'duplicate-item';
  at: number;
  value: unknown;
  pick: number;
  key: string;
  ref: IdRef;
};

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>(
    'drop',
    'set',
    'set',
    'field-value',
    'field-value',
    'field-value',
    'prototype-key',
    'unknown-member',
    'wrap',
    'ref',
    'duplicate-item',
  ),
  at: fc.nat(),
  value: edgeValue,
  pick: fc.nat(),
  key: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  ),
  ref: refArb(anyPool),
});

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Plain arrays and objects (fast-check's objects may have no prototype); markers are leaves. */
function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function slots(value: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || !isContainer(v)) return;
    if (Array.isArray(v)) v.forEach((item, i) => (out.push({ parent: v, key: i }), walk(item, depth + 1)));
    else
      for (const [k, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        walk(item, depth + 1);
      }
  };
  walk(value, 0);
  return out;
}

function containers(value: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || !isContainer(v)) return;
    if (!Array.isArray(v)) out.push(v);
    for (const item of Object.values(v)) walk(item, depth + 1);
  };
  walk(value, 0);
  return out;
}

/** A deep copy of plain JSON that keeps the markers as they are. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isContainer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setMember(out, k, copy(v));
    return out;
  }
  return value;
}

function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(base: unknown, mutations: Mutation[], fields: Map<string, Schema>, face: RouteFace): unknown {
  let root = copy(base);
  for (const m of mutations) {
    const all = slots(root);
    if (m.kind === 'prototype-key' || m.kind === 'unknown-member') {
      const objects = containers(root);
      if (objects.length === 0) continue;
      const key = m.kind === 'prototype-key' ? m.key : `x_${m.key}`;
      setMember(objects[m.at % objects.length], key, m.pick % 2 ? {} : copy(m.value));
      continue;
    }
    if (all.length === 0) {
      if (m.kind === 'set') root = copy(m.value);
      continue;
    }
    const slot = all[m.at % all.length];
    const { parent, key } = slot;
    const current = (parent as Record<string | number, unknown>)[key];
    const name = typeof key === 'string' ? key : '';
    switch (m.kind) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'set':
        assign(parent, key, copy(m.value));
        break;
      case 'field-value': {
        const candidates = schemaCandidates(fields.get(name));
        assign(parent, key, copy(candidates.length ? candidates[m.pick % candidates.length] : m.value));
        break;
      }
      case 'wrap':
        assign(parent, key, m.pick % 2 ? [current] : { value: current });
        break;
      case 'ref': {
        const pool = fieldPool(name, face) ?? m.ref.pool;
        assign(parent, key, new IdRef(pool, m.ref.owner, m.ref.index, m.ref.as));
        break;
      }
      case 'duplicate-item':
        if (Array.isArray(parent)) parent.push(copy(current));
        else if (Array.isArray(current)) current.push(...current.map(copy));
        else assign(parent, key, [current, copy(current)]);
        break;
    }
  }
  return root;
}

function assign(parent: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else setMember(parent, key as string, value);
}

/** Members that name one row's ids together, so that the ids agree (a list of the project, …). */
const ROW_MEMBERS: Partial<Record<RouteFace, { group: RowGroup; keys: string[] }>> = {
  jsonapi: {
    group: 'placements',
    keys: ['parent_task_id', 'project_id', 'task_list_id', 'workflow_status_id'],
  },
  todo: { group: 'todoPlacements', keys: ['targetId', 'parent', 'project'] },
};

interface BodyRefs {
  owner: 'a' | 'b';
  /** One per id member met, in order; a few are left as the example had them. */
  indexes: number[];
}

const isIdValue = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));

/**
 * Replaces the example's ids with ids that exist: those of one account (mostly the caller's), ids
 * that belong together from one row, and client ids (`temp://…`) left alone.
 */
function withRefs(example: unknown, refs: BodyRefs, face: RouteFace): unknown {
  let next = 0;
  const index = () => refs.indexes[next++ % refs.indexes.length];
  const as = (v: unknown) => (typeof v === 'number' ? 'number' : 'string');
  const walk = (v: unknown, name: string): unknown => {
    const pool = fieldPool(name, face);
    if (pool && isIdValue(v)) {
      const i = index();
      return i % 10 === 9 ? v : new IdRef(pool, refs.owner, i, as(v));
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, name));
    if (face === 'jsonapi' && name === 'custom_fields' && isContainer(v) && !Array.isArray(v)) {
      return new RefKeyed(
        Object.entries(v).map(([, item]) => [new IdRef('customFields', refs.owner, index(), 'string'), item]),
      );
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      const members = ROW_MEMBERS[face];
      const together = members ? members.keys.filter((k) => k in v) : [];
      const row = together.length >= 2 ? index() : null;
      for (const [k, item] of Object.entries(v)) {
        const rowed = members && row !== null && together.includes(k) && (isIdValue(item) || item === null);
        setMember(out, k, rowed ? new RowRef(members.group, refs.owner, row, k, as(item)) : walk(item, k));
      }
      return out;
    }
    return v;
  };
  return walk(example, '');
}

const RAW_BODIES = [
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '"text"',
  '0',
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1e400}',
  '{"a":-0}',
  '{"a":"\\ud800"}',
  '\ufeff{}',
  'NaN',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  `${'['.repeat(100)}${']'.repeat(100)}`,
  'a=1&b=2',
];

const OTHER_CONTENT_TYPES = [
  'application/json',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=iso-8859-1',
  'application/vnd.api+json; ext=bulk',
  'APPLICATION/JSON',
  'application/octet-stream',
];

function payloadArb(route: Route): fc.Arbitrary<{ contentType: string | null; payload: Payload | null }> {
  const body = route.body;
  const declared =
    body?.contentTypes[0] ?? (route.face === 'jsonapi' ? 'application/vnd.api+json' : 'application/json');
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant(declared) },
    { weight: 2, arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const raw: fc.Arbitrary<Payload> = fc.oneof(
    fc.constantFrom(...RAW_BODIES).map((text): Payload => ({ kind: 'text', text })),
    fc.uint8Array({ maxLength: 48 }).map((bytes): Payload => ({ kind: 'bytes', bytes: [...bytes] })),
  );
  const random: fc.Arbitrary<Payload> = fc
    .tuple(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('bare', 'data', 'attributes', 'batch'))
    .map(([value, wrap]): Payload => {
      const type = route.path.split('/')[3] ?? 'tasks';
      const wrapped =
        wrap === 'data'
          ? { data: value }
          : wrap === 'attributes'
            ? { data: { type, attributes: value } }
            : wrap === 'batch'
              ? { batch: value }
              : value;
      return { kind: 'json', value: wrapped, duplicateKey: false };
    });
  if (!body) {
    // Routes without a body: mostly none, sometimes one anyway.
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant({ contentType: null, payload: null }) },
      { weight: 1, arbitrary: fc.record({ contentType, payload: random }) },
      { weight: 1, arbitrary: fc.record({ contentType, payload: raw }) },
    );
  }
  if (body.examples.length === 0) {
    // Raw content (attachment bytes): any bytes, any media type.
    return fc.record({
      contentType: fc.constantFrom('application/octet-stream', 'text/plain', 'image/png', 'application/json'),
      payload: fc.oneof(raw, random),
    });
  }
  const fields = body.fields;
  const mutated: fc.Arbitrary<Payload> = fc
    .record({
      example: fc.constantFrom(...body.examples),
      refs: fc.record({
        owner: fc.constantFrom<'a' | 'b'>('a', 'a', 'a', 'a', 'a', 'a', 'a', 'b'),
        indexes: fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 8 }),
      }),
      // A third of the examples go unmutated (with ids that exist), to reach past validation.
      mutations: fc.oneof(
        fc.constant<Mutation[]>([]),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      ),
      duplicateKey: fc.nat({ max: 19 }).map((n) => n === 0),
    })
    .map(
      ({ example, refs, mutations, duplicateKey }): Payload => ({
        kind: 'json',
        value: mutate(withRefs(example, refs, route.face), mutations, fields, route.face),
        duplicateKey,
      }),
    );
  return fc.record({
    contentType,
    payload: fc.oneof(
      { weight: 14, arbitrary: mutated },
      { weight: 3, arbitrary: random },
      { weight: 2, arbitrary: raw },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
  });
}

const RAW_SEGMENTS = [
  '0',
  '-1',
  '1.5',
  'abc',
  '987654321987',
  '2147483648',
  '99999999999999999999999',
  '1e3',
  '%20%31',
  '%F0%9F%99%82',
  '%00',
  '%ZZ',
  '%ED%A0%80',
  'null',
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(300),
];

function paramsArb(route: Route): fc.Arbitrary<Record<string, IdRef | string>> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const pool = pathPool(route.path);
  const value: fc.Arbitrary<IdRef | string> = fc.oneof(
    { weight: 8, arbitrary: refArb(pool ? fc.constant(pool) : anyPool) },
    { weight: 1, arbitrary: refArb(anyPool) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
  return fc.record(Object.fromEntries(names.map((name) => [name, value])));
}

const STRAY_QUERY = [
  'include',
  'sort',
  'page[size]',
  'page[number]',
  'filter[bogus]',
  'filter[title][contains]',
  'filter[project_id][not_eq]',
  'fields[tasks]',
  'async',
  'limit',
  'id_gt',
  'created_lt',
  'status',
  '__proto__',
  'a[b][c][d]',
];

function queryArb(route: Route): fc.Arbitrary<Array<[string, unknown]>> {
  const declared = route.query.map((param) =>
    fc.option(
      fc
        .oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              ...(schemaCandidates(param.schema).length ? schemaCandidates(param.schema) : ['1']),
            ),
          },
          { weight: 1, arbitrary: edgeString },
          { weight: 1, arbitrary: refArb(anyPool) },
        )
        .map((v): [string, unknown] => [param.name, v]),
      { freq: 2 },
    ),
  );
  const stray = fc.array(
    fc.tuple(
      fc.constantFrom(...STRAY_QUERY),
      fc.oneof(edgeString, fc.constantFrom('subtasks', 'todos,comments', 'x.y.z.w', '-id', 'true')),
    ),
    { maxLength: 2 },
  );
  const strayOrNone = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: stray });
  return fc.tuple(fc.tuple(...declared), strayOrNone, fc.boolean()).map(([picked, extra, repeat]) => {
    const present = picked.filter((p): p is [string, unknown] => p !== null);
    // A repeated parameter arrives as an array.
    return [...present, ...(repeat && present.length ? [present[0]] : []), ...extra];
  });
}

function headersArb(route: Route): fc.Arbitrary<Array<[string, IdRef | string]>> {
  const declared = route.headers
    .filter((h) => h.name.toLowerCase() !== 'x-act-under-account-id')
    .map((header) =>
      fc.option(
        fc
          .oneof(
            fc.constantFrom('respond-async', 'key-1', 'key-2', 'wait=5', 'k'.repeat(300), '', ' '),
            fc.string({ maxLength: 20 }),
          )
          .map((v): [string, string] => [header.name.toLowerCase(), v]),
        { freq: 2 },
      ),
    );
  const accept = fc.option(
    fc.constantFrom(
      'application/vnd.api+json',
      'application/vnd.api+json; ext=bulk',
      'application/json',
      'text/html',
      '*/*',
      '',
    ),
    { freq: 6 },
  );
  return fc
    .tuple(fc.tuple(...declared), accept)
    .map(([picked, acceptValue]) => [
      ...picked.filter((p): p is [string, string] => p !== null),
      ...(acceptValue === null ? [] : ([['accept', acceptValue]] as Array<[string, string]>)),
    ]);
}

function authArb(face: RouteFace): fc.Arbitrary<AuthPlan> {
  const broken: AuthPlan[] = ['none', 'garbage-token', 'revoked-token', 'other-account', 'unknown-scheme'];
  if (face === 'jsonapi')
    broken.push('organization-of-other', 'organization-garbage', 'organization-missing');
  if (face === 'toloka') broken.push('act-under-other', 'act-under-garbage');
  return fc.oneof(
    { weight: 9, arbitrary: fc.constant<AuthPlan>('valid') },
    { weight: 1, arbitrary: fc.constantFrom(...broken) },
  );
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** One request plan for one route. */
export function planArb(route: Route): fc.Arbitrary<RequestPlan> {
  return fc
    .record({
      route: fc.constant(`${route.method} ${route.path}`),
      method: fc.oneof(
        { weight: 24, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      params: paramsArb(route),
      query: queryArb(route),
      headers: headersArb(route),
      auth: authArb(route.face),
      preflight: fc.boolean(),
      body: payloadArb(route),
    })
    .map(
      ({ body, ...rest }): RequestPlan => ({ ...rest, contentType: body.contentType, payload: body.payload }),
    );
}
