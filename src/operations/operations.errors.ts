/** Stable codes of the Operations module; every face maps each one. */
export type OperationsErrorCode =
  // An operation that does not exist in the caller's account (another account's too).
  | 'OPERATION_NOT_FOUND'
  // The account already has as many unfinished operations of the kind as it may (meta.limit).
  | 'OPERATION_LIMIT_REACHED';
