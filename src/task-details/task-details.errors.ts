/** Stable codes of the task-details module; every face maps each one (DomainErrorCode). */
export type TaskDetailsErrorCode =
  // The object named by the route does not exist in the caller's account.
  | 'TASK_DETAIL_NOT_FOUND'
  // An id inside the input names nothing in the caller's account (`field` says which).
  | 'TASK_DETAIL_REFERENCE_INVALID'
  // The input breaks a rule of the resource (a task depending on itself, …).
  | 'TASK_DETAIL_INVALID'
  // The object exists already (a membership, a dependency pair).
  | 'TASK_DETAIL_CONFLICT';
