import type { CopyInput } from './task-copy-source';

export const TASK_COPY = 'TASK.COPY';

/** What a TASK.COPY operation stores as its parameters: the validated request, ready to rerun. */
export type TaskCopyParameters = CopyInput & { template_id: string };

export function taskCopyParameters(input: CopyInput): Record<string, unknown> {
  const parameters: TaskCopyParameters = { ...input, template_id: String(input.templateId) };
  return parameters as unknown as Record<string, unknown>;
}
