export interface DomainErrorOptions {
  /** The input field the error is about, as a dotted path (`batch.3.parent`). */
  field?: string;
  /** Structured facts a face may render (allowed statuses, limits, counts). */
  meta?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Thrown by services for a condition the caller caused or must know about; never an HttpException.
 * Each module declares its stable codes as its own union (TasksErrorCode, PoolsErrorCode, …), and
 * each face maps the codes of the modules it serves with an exhaustive switch.
 */
export class DomainError<C extends string = string> extends Error {
  readonly field?: string;
  readonly meta?: Record<string, unknown>;

  constructor(
    readonly code: C,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.field = options.field;
    this.meta = options.meta;
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

/**
 * The default branch of a face's switch over the codes of the modules it serves: the compiler
 * proves that every served code has its case (the code is `never` here), and at run time a code of
 * a module the face does not serve lands here, which the face answers as a fault of its own.
 */
export function unservedCode(_code: never): null {
  return null;
}
