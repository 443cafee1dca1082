import { Injectable } from '@nestjs/common';
import { OperationContext, OperationHandler } from '../../operations/operation-handlers';
import { percentBetween, TASK_LIST_COPY } from './task-copy.operation';
import { ListCopyInput, TaskListCopyService } from './task-list-copy.service';

/**
 * TASK_LIST.COPY on the job service: the new list and all its tasks are written in the
 * operation's transaction, which also writes SUCCESS (a crash leaves nothing, a retry makes one).
 */
@Injectable()
export class TaskListCopyHandler implements OperationHandler {
  readonly type = TASK_LIST_COPY;

  constructor(private readonly copies: TaskListCopyService) {}

  async run({ manager, operation, reportProgress }: OperationContext): Promise<Record<string, unknown>> {
    reportProgress(5);
    const input = operation.parameters as unknown as ListCopyInput;
    const result = await this.copies.copyInJob(
      manager,
      operation.accountId,
      input,
      percentBetween(reportProgress, 5, 99),
    );
    return {
      task_list_id: String(result.taskListId),
      source_task_list_id: String(result.sourceTaskListId),
      task_list_id_map: result.taskListIdMap,
      task_id_map: result.taskIdMap,
      counts: result.counts,
      skipped: result.skipped,
      total_count: result.counts.tasks,
      processed_count: result.counts.tasks,
    };
  }
}
