/** Stable codes of the Tasks module; every face maps each one (DomainErrorCode). */
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
  | 'TASK_BATCH_TOO_LARGE';
