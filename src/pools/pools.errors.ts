/** Stable codes of the Pools module (v1 crowd projects and pools); every face maps each one. */
export type PoolsErrorCode =
  // A pool or crowd project that does not exist in the caller's account (another account's too).
  | 'POOL_NOT_FOUND'
  | 'CROWD_PROJECT_NOT_FOUND'
  // The action is not allowed in the pool's status; meta.appropriate_statuses lists those that allow it.
  | 'POOL_INAPPROPRIATE_STATUS'
  // The pool body names a project that does not exist: field `project_id`.
  | 'POOL_PROJECT_INVALID'
  // The pool body names another account's project: field `project_id`.
  | 'POOL_PROJECT_FOREIGN'
  // PUT tried to move a pool to another project: field `project_id`.
  | 'POOL_PROJECT_IMMUTABLE'
  // Creating/cloning a pool into, or editing, an archived project; meta.appropriate_statuses.
  | 'PROJECT_INAPPROPRIATE_STATUS'
  // Archiving a project that still has pools that are not archived.
  | 'PROJECT_UNARCHIVED_POOLS';
