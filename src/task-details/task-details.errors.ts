/** Stable codes of the task-details module; every face maps each one (DomainErrorCode). */
export type TaskDetailsErrorCode =
  // The object named by the route does not exist in the caller's account.
  | 'TASK_DETAIL_NOT_FOUND'
  // An id inside the input names nothing in the caller's account (`field` says which).
  | 'TASK_DETAIL_REFERENCE_INVALID'
  // The input breaks a rule of the resource (a task depending on itself, …).
  | 'TASK_DETAIL_INVALID'
  // The object exists already (a membership, a dependency pair).
  | 'TASK_DETAIL_CONFLICT'
  // tasks/copy: the source task does not exist, is deleted or is not visible (§4.8 stage 7).
  | 'TASK_COPY_SOURCE_NOT_FOUND'
  // tasks/copy: incompatible flags or an invalid target; meta.violations lists each (stages 6, 8).
  | 'TASK_COPY_INVALID'
  // tasks/copy: the copied set is over COPY_MAX_TASKS; meta.count is its size (stage 10).
  | 'TASK_COPY_TOO_LARGE';

/** One offending attribute of a refused copy, rendered by each face in its own way. */
export interface CopyViolation {
  /** The request attribute (`copy_open_subtasks`, `task_list_id`). */
  field: string;
  /** Stable snake_case code (`task_private_not_allowed`, `task_list_archived`). */
  code: string;
  detail: string;
}
