import { Injectable } from '@nestjs/common';
import { OperationContext, OperationHandler } from '../../operations/operation-handlers';
import { PROJECT_COPY } from './task-copy.operation';
import { ProjectCopyInput, ProjectCopyService } from './project-copy.service';

/** PROJECT.COPY on the job service: the whole project's copy commits with its SUCCESS. */
@Injectable()
export class ProjectCopyHandler implements OperationHandler {
  readonly type = PROJECT_COPY;

  constructor(private readonly copies: ProjectCopyService) {}

  async run({ manager, operation, reportProgress }: OperationContext): Promise<Record<string, unknown>> {
    reportProgress(5);
    const input = operation.parameters as unknown as ProjectCopyInput;
    const result = await this.copies.copyInJob(manager, operation.accountId, input, reportProgress);
    return {
      project_id: String(result.projectId),
      source_project_id: String(result.sourceProjectId),
      task_list_id_map: result.taskListIdMap,
      task_id_map: result.taskIdMap,
      counts: result.counts,
      skipped: result.skipped,
      total_count: result.counts.tasks,
      processed_count: result.counts.tasks,
    };
  }
}
