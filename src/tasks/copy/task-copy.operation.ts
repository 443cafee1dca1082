import type { CopyInput } from './task-copy-source';

export const TASK_COPY = 'TASK.COPY';
export const TASK_LIST_COPY = 'TASK_LIST.COPY';
export const PROJECT_COPY = 'PROJECT.COPY';

/** The copy operations an account may run at most COPY_MAX_CONCURRENT_PER_ACCOUNT of at a time. */
export const COPY_OPERATION_TYPES = [TASK_COPY, TASK_LIST_COPY, PROJECT_COPY];

/** What a TASK.COPY operation stores as its parameters: the validated request, ready to rerun. */
export type TaskCopyParameters = CopyInput & { template_id: string };

export function taskCopyParameters(input: CopyInput): Record<string, unknown> {
  const parameters: TaskCopyParameters = { ...input, template_id: String(input.templateId) };
  return parameters as unknown as Record<string, unknown>;
}

/**
 * A copy's progress (0..1) as the operation's percent between `from` and `to`, stored only when
 * it has risen by a whole percent: at most one small write per percent, whatever the copy's size.
 * The copy goes on without waiting for the value to be stored (OperationContext.reportProgress).
 */
export function percentBetween(
  report: (percent: number) => void,
  from: number,
  to: number,
): (fraction: number) => void {
  let last = from;
  return (fraction) => {
    const percent = Math.floor(from + (to - from) * Math.min(1, Math.max(0, fraction)));
    if (percent > last) {
      last = percent;
      report(percent);
    }
  };
}
