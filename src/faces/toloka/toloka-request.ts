import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '../../common/domain-error';
import { firstHeader } from '../../common/headers';
import { RequestValidationError } from '../../common/request-validation.error';
import type { CrowdProjectStatus } from '../../pools/crowd-project.entity';
import type { CrowdProjectSearch } from '../../pools/crowd-projects.service';
import { IdempotencyRequest, fingerprintRequest } from '../../idempotency/idempotency.service';
import { OPERATION_STATUSES, OperationStatus } from '../../operations/operation.entity';
import type { OperationSearch } from '../../operations/operations.service';
import { POOL_STATUSES, PoolStatus } from '../../pools/pool.entity';
import type { PoolFields, PoolSearch } from '../../pools/pools.service';
import type { PoolForm } from './toloka-pools.dto';
import type { ProjectForm } from './toloka-projects.dto';
import { Query, QueryReader } from './toloka-query';
import { formatTolokaDate, parseTolokaDate } from './toloka-time';

// Request mappers of the v1 face: from what a route receives to what its domain call takes.

/** The optional `Idempotency-Key` (docs/v1.md#idempotency-key) with the fingerprint of this request. */
export function idempotencyOf(
  headers: IncomingHttpHeaders,
  ...request: unknown[]
): IdempotencyRequest | undefined {
  const raw = firstHeader(headers, 'idempotency-key');
  if (raw === undefined) return undefined;
  const key = raw.trim();
  if (!key || key.length > 255) {
    throw RequestValidationError.single(
      'Idempotency-Key',
      'maxLength',
      'Idempotency-Key must be 1 to 255 characters',
    );
  }
  return { key, fingerprint: fingerprintRequest(...request) };
}

// Every writable pool field except project_id (docs/v1.md#pool-object), with the defaults that
// are always returned.
const POOL_WRITABLE = [
  'private_name',
  'private_comment',
  'public_description',
  'public_instructions',
  'may_contain_adult_content',
  'will_expire',
  'reward_per_assignment',
  'assignment_max_duration_seconds',
  'defaults',
  'auto_accept_solutions',
  'auto_accept_period_day',
  'auto_close_after_complete_delay_seconds',
  'assignments_issuing_config',
  'priority',
  'filter',
  'quality_control',
  'speed_quality_balance',
  'dynamic_pricing_config',
  'dynamic_overlap_config',
  'mixer_config',
  'training_config',
  'metadata',
] as const;

const POOL_DEFAULTS: PoolFields = {
  may_contain_adult_content: false,
  auto_accept_solutions: true,
  auto_close_after_complete_delay_seconds: 0,
  priority: 0,
};

function pick(form: object, keys: readonly string[]): Record<string, unknown> {
  // Through JSON: class instances become plain objects and undefined fields disappear.
  const plain = JSON.parse(JSON.stringify(form)) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (plain[key] !== undefined && plain[key] !== null) out[key] = plain[key];
  return out;
}

// Pool and project parameters are stored as JSON in one statement: MEDIUMTEXT holds 16 MiB, but
// MariaDB's default max_allowed_packet is 16 MiB for the whole statement, in which escaping can
// double the JSON. Body limits are settings and numbers can grow when serialized again
// (1e21 → 1e+21), so the stored form itself is bounded, the same on both dialects.
export const STORED_FIELDS_MAX_BYTES = 7 * 1024 * 1024;

function storable<T extends object>(fields: T): T {
  if (Buffer.byteLength(JSON.stringify(fields), 'utf8') > STORED_FIELDS_MAX_BYTES) {
    throw new DomainError(
      'REQUEST_BODY_TOO_LARGE',
      `The parameters must serialize to at most ${STORED_FIELDS_MAX_BYTES} bytes of JSON`,
    );
  }
  return fields;
}

export function poolFields(form: PoolForm): PoolFields {
  const fields = { ...POOL_DEFAULTS, ...pick(form, POOL_WRITABLE) };
  fields.will_expire = formatTolokaDate(parseTolokaDate(form.will_expire)!);
  return storable(fields);
}

const PROJECT_WRITABLE = [
  'public_name',
  'public_description',
  'public_instructions',
  'private_comment',
  'task_spec',
  'assignments_issuing_type',
  'assignments_issuing_view_config',
  'assignments_automerge_enabled',
  'max_active_assignments_count',
  'quality_control',
  'localization_config',
  'metadata',
] as const;

export function projectFields(form: ProjectForm): Record<string, unknown> {
  return storable({ assignments_issuing_type: 'AUTOMATED', ...pick(form, PROJECT_WRITABLE) });
}

// The list queries (docs/v1.md#lists): every problem of a query is reported at once.

export function poolSearchOf(query: Query): PoolSearch {
  const q = new QueryReader(query);
  const search = {
    status: q.oneOf<PoolStatus>('status', POOL_STATUSES),
    projectId: q.string('project_id'),
    id: q.idRange(),
    created: q.dateRange('created'),
    lastStarted: q.dateRange('last_started'),
    sort: q.sort(['id', 'created', 'last_started'] as const),
    limit: q.limit(300),
  };
  q.done();
  return search;
}

export function projectSearchOf(query: Query): CrowdProjectSearch {
  const q = new QueryReader(query);
  const search = {
    status: q.oneOf<CrowdProjectStatus>('status', ['ACTIVE', 'ARCHIVED']),
    id: q.idRange(),
    created: q.dateRange('created'),
    sort: q.sort(['id', 'created', 'public_name', 'private_comment'] as const),
    limit: q.limit(300),
  };
  q.done();
  return search;
}

export function operationSearchOf(query: Query): OperationSearch {
  const q = new QueryReader(query);
  const search = {
    type: q.string('type'),
    status: q.oneOf<OperationStatus>('status', OPERATION_STATUSES),
    id: q.asciiRange('id'),
    submitted: q.dateRange('submitted'),
    finished: q.dateRange('finished'),
    sort: q.sort(['id', 'submitted', 'finished'] as const),
    limit: q.limit(500),
  };
  q.done();
  return search;
}
