import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import type { SearchPage } from '../../common/search';
import type { OperationLogEntry } from '../../operations/operation.entity';
import type { OperationView } from '../../operations/operations.service';
import type { CrowdProjectView } from '../../pools/crowd-projects.service';
import type { PoolView } from '../../pools/pools.service';
import { formatTolokaDate } from './toloka-time';
import type { OperationLogWire, OperationWire, OwnerView, RequesterView } from './toloka-wire';

// Presenters of the v1 face: from what a domain call returns to what the route answers.

function owner(accountId: number, callerId: number): OwnerView {
  return { id: String(accountId), myself: accountId === callerId };
}

export function operationWire(op: OperationView): OperationWire {
  const wire: OperationWire = {
    id: op.id,
    type: op.type,
    status: op.status,
    submitted: formatTolokaDate(op.submitted),
    progress: op.progress,
    parameters: op.parameters,
  };
  if (op.started) wire.started = formatTolokaDate(op.started);
  if (op.finished) wire.finished = formatTolokaDate(op.finished);
  if (op.details) wire.details = op.details;
  return wire;
}

export function operationLogWire(entries: OperationLogEntry[]): OperationLogWire[] {
  return entries.map((e) => ({ type: e.type, success: e.success, input: e.input, output: e.output }));
}

export function poolWire(pool: PoolView, callerId: number): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: pool.id,
    project_id: pool.projectId,
    ...pool.fields,
    owner: owner(pool.accountId, callerId),
    type: 'REGULAR',
    status: pool.status,
    created: formatTolokaDate(pool.created),
  };
  if (pool.lastStarted) wire.last_started = formatTolokaDate(pool.lastStarted);
  if (pool.lastStopped) wire.last_stopped = formatTolokaDate(pool.lastStopped);
  if (pool.lastCloseReason) wire.last_close_reason = pool.lastCloseReason;
  return wire;
}

export function projectWire(project: CrowdProjectView, callerId: number): Record<string, unknown> {
  return {
    id: project.id,
    ...project.fields,
    owner: owner(project.accountId, callerId),
    status: project.status,
    created: formatTolokaDate(project.created),
  };
}

/** A page of a list, each item presented by `present`. */
export function pageWire<T>(page: SearchPage<T>, present: (item: T) => unknown) {
  return { items: page.items.map(present), has_more: page.hasMore };
}

/**
 * A pool action's answer: 202 with its operation, or 204 with an empty body when the pool was
 * already in that state, which is how toloka-kit tells (docs/clients.md#204-means-already-there).
 */
export function actionWire(operation: OperationView | null, reply: FastifyReply): OperationWire | undefined {
  if (operation) return operationWire(operation);
  reply.status(204);
  return undefined;
}

export function requesterWire(account: AuthenticatedAccount): RequesterView {
  return { id: String(account.id), public_name: { EN: account.name }, balance: 0 };
}
