import { DomainError } from '../common/domain-error';

/** Stable codes of the Tasks module: the task store, the records around tasks, and task copies. */
export type TasksErrorCode =
  // A task, parent or target that does not exist in the caller's account.
  | 'TASK_NOT_FOUND'
  | 'PROJECT_NOT_FOUND'
  | 'USER_NOT_FOUND'
  // An explicitly requested id is in use, or beyond what may be asked for (REQUESTABLE_ID_LIMIT).
  | 'TASK_ID_TAKEN'
  | 'PROJECT_ID_TAKEN'
  // The request would put a task under itself or its own descendant, or a clone batch is cyclic.
  | 'TASK_CYCLE'
  // Parent, target and project of a placement do not agree.
  | 'TASK_PLACEMENT_MISMATCH'
  // A move's target is one of the moved tasks or inside their subtrees, or a batch overlaps itself.
  | 'TASK_MOVE_OVERLAP'
  // A task cannot be unindented (it has no parent).
  | 'TASK_NOT_NESTED'
  // A clone batch names the same client id twice.
  | 'TASK_DUPLICATE_ID'
  // A batch over the configured limit.
  | 'TASK_BATCH_TOO_LARGE'
  // The record named by the route does not exist in the caller's account.
  | 'TASK_DETAIL_NOT_FOUND'
  // An id inside the input names nothing in the caller's account (`field` says which).
  | 'TASK_DETAIL_REFERENCE_INVALID'
  // The input breaks a rule of the resource (a task depending on itself, …).
  | 'TASK_DETAIL_INVALID'
  // The record exists already (a membership, a dependency pair), or is still in use.
  | 'TASK_DETAIL_CONFLICT'
  // A copy's source task does not exist, is deleted or is not visible.
  | 'TASK_COPY_SOURCE_NOT_FOUND'
  // A copy's flags do not go together, or its target is invalid; meta.violations lists each.
  | 'TASK_COPY_INVALID'
  // The copied set is over COPY_MAX_TASKS; meta.count is its size.
  | 'TASK_COPY_TOO_LARGE';

/** One offending attribute of a refused copy, rendered by each face in its own way. */
export interface CopyViolation {
  /** The request attribute (`copy_open_subtasks`, `task_list_id`). */
  field: string;
  /** Stable snake_case code (`task_private_not_allowed`, `task_list_archived`). */
  code: string;
  detail: string;
}

/** An error of the Tasks module, its code checked. */
export class TasksError extends DomainError<TasksErrorCode> {}
