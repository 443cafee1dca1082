import type { OperationLogEntry } from '../../operations/operation.entity';
import type { OperationView } from '../../operations/operations.service';
import { PROJECT_COPY, TASK_COPY, TASK_LIST_COPY } from '../../tasks/copy/task-copy.service';
import { ResourceObject, toOne } from './jsonapi-document';
import { isoOrNull } from './jsonapi-resource';

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** `meta.copy` of a finished copy operation, in the words of the route that asked for it. */
function copyMeta(type: string, details: Record<string, unknown>): Record<string, unknown> | null {
  const common = { counts: details.counts, skipped: details.skipped };
  if (type === TASK_COPY) {
    return {
      source_task_id: details.source_task_id,
      task_id_map: details.task_id_map,
      ...common,
      ...(details.template_id ? { template_id: details.template_id } : {}),
    };
  }
  if (type === TASK_LIST_COPY || type === PROJECT_COPY) {
    return {
      ...(type === PROJECT_COPY
        ? { source_project_id: details.source_project_id }
        : { source_task_list_id: details.source_task_list_id }),
      task_list_id_map: details.task_list_id_map,
      task_id_map: details.task_id_map,
      ...common,
    };
  }
  return null;
}

/** Where a finished copy operation sends its poller (303), or null. */
export function copyLocation(operation: OperationView): string | null {
  const details = operation.details ?? {};
  if (operation.status !== 'SUCCESS') return null;
  const id =
    operation.type === TASK_COPY
      ? text(details.task_id) && `/api/v2/tasks/${text(details.task_id)}`
      : operation.type === TASK_LIST_COPY
        ? text(details.task_list_id) && `/api/v2/task_lists/${text(details.task_list_id)}`
        : operation.type === PROJECT_COPY
          ? text(details.project_id) && `/api/v2/projects/${text(details.project_id)}`
          : null;
  return id || null;
}

/**
 * An operation as a JSON:API resource (docs/v2.md#operations): the same record the v1 face serves
 * at /api/v1/operations/{id}; a copy links what it made and carries meta.copy once done.
 */
export function operationResource(operation: OperationView, log: OperationLogEntry[] = []): ResourceObject {
  const details = operation.details ?? {};
  const total = typeof details.total_count === 'number' ? details.total_count : null;
  const meta = operation.status === 'SUCCESS' ? copyMeta(operation.type, details) : null;
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
    relationships: {
      task: toOne('tasks', text(details.task_id)),
      ...(operation.type === TASK_LIST_COPY
        ? { task_list: toOne('task_lists', text(details.task_list_id)) }
        : {}),
      ...(operation.type === PROJECT_COPY ? { project: toOne('projects', text(details.project_id)) } : {}),
    },
    links: { self: `/api/v2/operations/${operation.id}` },
    ...(meta ? { meta: { copy: meta } } : {}),
  };
}
