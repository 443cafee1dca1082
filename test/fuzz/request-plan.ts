import fc from 'fast-check';
import { faceHeaders } from '../support/face-requests';
import type { TestAccount } from '../support/test-app';
import type { RouteFace } from './openapi-routes';

// A generated request is a plan: plain data plus a few markers that stand for what only the run
// can know (the ids the database holds now) or what would make the printed counterexample
// unreadable (40,000 × é). The same seed gives the same plans; `resolve` turns one into bytes.

export const POOLS = [
  'tasks',
  'projects',
  'people',
  'crowdProjects',
  'pools',
  'operations',
  'workflows',
  'workflowStatuses',
  'taskLists',
  'memberships',
  'customFields',
  'todos',
  'comments',
  'attachments',
  'taskDependencies',
  'templates',
] as const;
export type PoolName = (typeof POOLS)[number];

/** Rows of ids that belong together: a task's parent, project, task list and status; a To Do slot. */
export type RowGroup = 'placements' | 'todoPlacements';
export type IdRow = Record<string, number | null>;

/** The ids of each pool per account, in a stable order (ids ascending, operations by submission). */
export type AccountPools = Record<PoolName, Array<number | string>> & { rows: Record<RowGroup, IdRow[]> };
export type IdPools = Record<'a' | 'b', AccountPools>;

/** The `index`-th existing id of `pool` of account A (the caller) or B (another account). */
export class IdRef {
  constructor(
    readonly pool: PoolName,
    readonly owner: 'a' | 'b',
    readonly index: number,
    readonly as: 'number' | 'string',
  ) {}
  [fc.toStringMethod](): string {
    return `ref(${this.owner}.${this.pool}[${this.index}]${this.as === 'string' ? ' as string' : ''})`;
  }
}

/** The member `column` of the `index`-th row of `group`: ids that agree with the row's others. */
export class RowRef {
  constructor(
    readonly group: RowGroup,
    readonly owner: 'a' | 'b',
    readonly index: number,
    readonly column: string,
    readonly as: 'number' | 'string',
  ) {}
  [fc.toStringMethod](): string {
    return `row(${this.owner}.${this.group}[${this.index}].${this.column}${this.as === 'string' ? ' as string' : ''})`;
  }
}

/** An object keyed by ids (v2 `custom_fields`: custom field id → value). */
export class RefKeyed {
  constructor(readonly entries: Array<[IdRef, unknown]>) {}
  [fc.toStringMethod](): string {
    return `keyed(${this.entries.map(([k, v]) => `${fc.stringify(k)}: ${fc.stringify(v)}`).join(', ')})`;
  }
}

/** `unit` repeated `length` times. */
export class LongText {
  constructor(
    readonly unit: string,
    readonly length: number,
  ) {}
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.unit)}×${this.length}`;
  }
}

/** Arrays or objects nested `depth` levels deep. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly shape: 'array' | 'object',
  ) {}
  [fc.toStringMethod](): string {
    return `deep(${this.shape}×${this.depth})`;
  }
}

/** A string holding the bytes FF FE C3, which are not UTF-8. */
export class BadUtf8 {
  [fc.toStringMethod](): string {
    return 'bytes(FF FE C3)';
  }
}

export type Payload =
  | { kind: 'json'; value: unknown; duplicateKey: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] };

export type AuthPlan =
  | 'valid'
  | 'none'
  | 'garbage-token'
  | 'revoked-token'
  | 'other-account'
  | 'unknown-scheme'
  | 'organization-of-other'
  | 'organization-garbage'
  | 'organization-missing'
  | 'act-under-other'
  | 'act-under-garbage';

export interface RequestPlan {
  /** `<method> <path>` of the route in /docs-json this request was made from. */
  route: string;
  /** Usually the route's method; sometimes another one (HEAD, OPTIONS, an undeclared verb). */
  method: string;
  params: Record<string, IdRef | string>;
  query: Array<[string, unknown]>;
  headers: Array<[string, IdRef | string]>;
  auth: AuthPlan;
  /** OPTIONS only: send the CORS preflight headers. */
  preflight: boolean;
  contentType: string | null;
  payload: Payload | null;
}

export interface ResolveContext {
  pools: IdPools;
  a: TestAccount;
  b: TestAccount;
  revokedToken: string;
  face: RouteFace;
}

export interface ResolvedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

const BAD_UTF8_MARK = '\u0001bad-utf8\u0001';

function resolveRef(ref: IdRef, pools: IdPools): number | string {
  const ids = pools[ref.owner][ref.pool];
  // A pool can be empty (everything deleted): an id that exists nowhere.
  const id = ids.length ? ids[ref.index % ids.length] : 2147480000;
  return ref.as === 'string' ? String(id) : id;
}

function resolveRow(ref: RowRef, pools: IdPools): number | string | null {
  const rows = pools[ref.owner].rows[ref.group];
  const id = rows.length ? rows[ref.index % rows.length][ref.column] : 2147480000;
  return id === null || ref.as === 'number' ? id : String(id);
}

function deep(marker: Deep): unknown {
  let value: unknown = 1;
  for (let i = 0; i < marker.depth; i++) value = marker.shape === 'array' ? [value] : { a: value };
  return value;
}

/** The plain JSON value a plan's value stands for (markers replaced; BadUtf8 as a placeholder). */
function materialize(value: unknown, pools: IdPools): unknown {
  if (value instanceof IdRef) return resolveRef(value, pools);
  if (value instanceof RowRef) return resolveRow(value, pools);
  if (value instanceof RefKeyed)
    return materialize(
      Object.fromEntries(value.entries.map(([k, v]) => [String(resolveRef(k, pools)), v])),
      pools,
    );
  if (value instanceof LongText) return value.unit.repeat(value.length);
  if (value instanceof Deep) return deep(value);
  if (value instanceof BadUtf8) return BAD_UTF8_MARK;
  if (Array.isArray(value)) return value.map((v) => materialize(v, pools));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // defineProperty: `out['__proto__'] = v` would set the prototype instead of a member.
      Object.defineProperty(out, key, { value: materialize(v, pools), enumerable: true, writable: true });
    }
    return out;
  }
  return value;
}

function jsonBytes(payload: Extract<Payload, { kind: 'json' }>, pools: IdPools): Buffer {
  const value = materialize(payload.value, pools);
  let text = JSON.stringify(value) ?? 'null';
  if (payload.duplicateKey && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const [first] = Object.keys(value);
    // The first member twice: the parser keeps the last, a careless reader could take either.
    if (first !== undefined) text = `{${JSON.stringify(first)}:"duplicate",${text.slice(1)}`;
  }
  const parts = text.split(JSON.stringify(BAD_UTF8_MARK).slice(1, -1));
  const bad = Buffer.from([0xff, 0xfe, 0xc3]);
  return Buffer.concat(
    parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [bad, Buffer.from(part)])),
  );
}

/**
 * Percent-encodes any string, lone surrogates included (as the WTF-8 bytes a careless client
 * would send), which `encodeURIComponent` refuses.
 */
function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

function pathValue(value: IdRef | string, pools: IdPools): string {
  // A string is a raw segment, sent as generated (malformed percent-encoding included).
  return value instanceof IdRef ? percentEncode(String(resolveRef(value, pools))) : value;
}

function queryValue(value: unknown, pools: IdPools): string {
  const plain = materialize(value, pools);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

/** Header values are Latin-1 on the wire; anything else is replaced, as an HTTP client would refuse it. */
function latin1(text: string): string {
  return text.replace(/[^\t\x20-\x7e\xa0-\xff]/g, '?');
}

function authHeaders(plan: RequestPlan, ctx: ResolveContext): Record<string, string> {
  const { a, b } = ctx;
  const valid = (account: TestAccount) => (ctx.face === 'service' ? {} : faceHeaders(ctx.face, account));
  switch (plan.auth) {
    case 'valid':
      return valid(a);
    case 'none':
      return {};
    case 'garbage-token':
      return {
        ...valid(a),
        'remote-token': 'cw_nope',
        authorization: 'Bearer cw_nope',
        'x-auth-token': 'cw_nope',
      };
    case 'revoked-token':
      return valid({ id: a.id, token: ctx.revokedToken });
    case 'other-account':
      return valid(b);
    case 'unknown-scheme':
      return { authorization: `Basic ${a.token}` };
    case 'organization-of-other':
      return { ...valid(a), 'x-organization-id': String(b.id) };
    case 'organization-garbage':
      return { ...valid(a), 'x-organization-id': '1e3' };
    case 'organization-missing':
      return { 'x-auth-token': a.token };
    case 'act-under-other':
      return { ...valid(a), 'x-act-under-account-id': String(b.id) };
    case 'act-under-garbage':
      return { ...valid(a), 'x-act-under-account-id': '-1' };
  }
}

/** The request a plan stands for, with the ids the database holds now. */
export function resolve(plan: RequestPlan, routePath: string, ctx: ResolveContext): ResolvedRequest {
  const path = routePath.replace(/\{(\w+)\}/g, (_, name: string) =>
    pathValue(plan.params[name] ?? '1', ctx.pools),
  );
  const query = plan.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(queryValue(v, ctx.pools))}`);
  const headers: Record<string, string> = authHeaders(plan, ctx);
  for (const [name, value] of plan.headers) headers[name] = latin1(String(materialize(value, ctx.pools)));
  if (plan.method === 'options' && plan.preflight) {
    headers.origin = 'http://localhost:8080';
    headers['access-control-request-method'] = 'POST';
  }
  if (plan.contentType !== null) headers['content-type'] = plan.contentType;
  let payload: Buffer | undefined;
  if (plan.payload?.kind === 'json') payload = jsonBytes(plan.payload, ctx.pools);
  else if (plan.payload?.kind === 'text') payload = Buffer.from(plan.payload.text);
  else if (plan.payload?.kind === 'bytes') payload = Buffer.from(plan.payload.bytes);
  return {
    method: plan.method.toUpperCase(),
    url: query.length ? `${path}?${query.join('&')}` : path,
    headers,
    payload,
  };
}
