import type { OperationLogEntry } from '../../operations/operation.entity';
import type { OperationView } from '../../operations/operations.service';
import { TASK_COPY } from '../../tasks/copy/task-copy.service';
import { ResourceObject, toOne } from './jsonapi-document';
import { isoOrNull } from './jsonapi-resource';

/**
 * An operation as a JSON:API resource (docs/v2.md#operations): the same record the v1 face serves
 * at /api/v1/operations/{id}; a TASK.COPY links its new task and carries meta.copy once done.
 */
export function operationResource(operation: OperationView, log: OperationLogEntry[] = []): ResourceObject {
  const details = operation.details ?? {};
  const taskId = typeof details.task_id === 'string' ? details.task_id : null;
  const total = typeof details.total_count === 'number' ? details.total_count : null;
  return {
    type: 'operations',
    id: operation.id,
    attributes: {
      // JSON:API forbids an attribute named `type`; the v1 face keeps Toloka's `type`.
      operation_type: operation.type,
      status: operation.status,
      progress: operation.progress,
      submitted: isoOrNull(operation.submitted),
      started: isoOrNull(operation.started),
      finished: isoOrNull(operation.finished),
      total_count: total,
      processed_count: operation.status === 'SUCCESS' ? total : null,
      errors: log.filter((entry) => !entry.success).map((entry) => entry.output),
    },
    relationships: { task: toOne('tasks', taskId) },
    links: { self: `/api/v2/operations/${operation.id}` },
    ...(operation.type === TASK_COPY && operation.status === 'SUCCESS'
      ? {
          meta: {
            copy: {
              source_task_id: details.source_task_id,
              task_id_map: details.task_id_map,
              counts: details.counts,
              skipped: details.skipped,
              ...(details.template_id ? { template_id: details.template_id } : {}),
            },
          },
        }
      : {}),
  };
}
