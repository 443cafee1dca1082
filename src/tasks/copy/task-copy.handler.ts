import { Injectable } from '@nestjs/common';
import { OperationContext, OperationHandler } from '../../operations/operation-handlers';
import { percentBetween, TASK_COPY, TaskCopyParameters } from './task-copy.operation';
import { TaskCopyService } from './task-copy.service';

/**
 * TASK.COPY on the job service: the whole copy runs in the operation's transaction, which also
 * writes SUCCESS — a crash leaves no part of a tree, a retry makes one.
 * Whatever went wrong meanwhile (source deleted, list archived) is a DomainError: FAIL, no retry.
 */
@Injectable()
export class TaskCopyHandler implements OperationHandler {
  readonly type = TASK_COPY;

  constructor(private readonly copies: TaskCopyService) {}

  async run({ manager, operation, reportProgress }: OperationContext): Promise<Record<string, unknown>> {
    const { template_id: _templateId, ...input } = operation.parameters as unknown as TaskCopyParameters;
    reportProgress(5);
    const result = await this.copies.copyInJob(
      manager,
      operation.accountId,
      input,
      percentBetween(reportProgress, 5, 99),
    );
    return {
      task_id: String(result.taskId),
      source_task_id: String(result.sourceTaskId),
      task_id_map: result.taskIdMap,
      counts: result.counts,
      skipped: result.skipped,
      ...(result.templateId === null ? {} : { template_id: String(result.templateId) }),
      total_count: result.counts.tasks,
      processed_count: result.counts.tasks,
    };
  }
}
