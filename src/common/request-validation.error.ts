import type { ValidationError } from 'class-validator';

export interface ValidationIssue {
  /** Dotted path of the offending input (`defaults.default_overlap_for_new_task_suites`, `batch.0.id`). */
  path: string;
  /** The class-validator constraint name (`isString`, `min`, `whitelistValidation`, …) or our own. */
  constraint: string;
  message: string;
  /** Constraint parameters such as the bound of `min`/`max`. */
  params?: unknown[];
  /** True when the value was absent (undefined or null). */
  missing?: boolean;
}

/** Input failed validation; each face renders the issues in its own format (400 or 422). */
export class RequestValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; ') || 'Invalid request');
    this.name = 'RequestValidationError';
  }

  static single(path: string, constraint: string, message: string): RequestValidationError {
    return new RequestValidationError([{ path, constraint, message }]);
  }
}

/** Flattens class-validator's nested errors into dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      issues.push({
        path,
        constraint,
        message,
        params: constraintParams(error, constraint),
        missing: error.value === undefined || error.value === null,
      });
    }
    if (error.children?.length) issues.push(...flattenValidationErrors(error.children, path));
  }
  return issues;
}

function constraintParams(error: ValidationError, constraint: string): unknown[] | undefined {
  const context = error.contexts?.[constraint] as { params?: unknown[] } | undefined;
  return context?.params;
}
