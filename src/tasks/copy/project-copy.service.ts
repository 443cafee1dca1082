import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { OperationsService, OperationView } from '../../operations/operations.service';
import { memberIds } from '../details/project-setup.table';
import { Membership, TaskList } from '../details/task-details.entities';
import { TaskDetailsService } from '../details/task-details.service';
import { insertProject, ProjectRow, projectRows } from '../store/projects.table';
import type { StoreWrite } from '../store/write-gateway';
import { TasksError } from '../tasks.errors';
import { CopyIds } from './copy-ids';
import { CopySubmissions, SubmitKey } from './copy-submissions';
import { loadListsSource, tasksRequired } from './list-copy-source';
import type { CopySource } from './task-copy-plan';
import { assigneeMapViolation, checkSize, refused } from './task-copy-source';
import { COPY_OPERATION_TYPES, percentBetween, PROJECT_COPY } from './task-copy.operation';
import { ListCopyInput, ListsCopyResult, TaskListCopyService } from './task-list-copy.service';

/** A project's copy as the domain takes it (docs/v2.md#project-copy). */
export interface ProjectCopyInput extends Omit<ListCopyInput, 'projectId'> {
  /** templateId: the source project. */
  copyMemberships: boolean;
}

export interface ProjectCopyResult extends ListsCopyResult {
  projectId: number;
  sourceProjectId: number;
}

const IDEMPOTENCY_SCOPE = 'PROJECT_COPY';

interface SourceList {
  id: number;
  name: string;
  position: number;
  archivedAt: Date | null;
}

/**
 * Copies a project (POST /api/v2/projects/copy), always on the job service as PROJECT.COPY: the
 * new project with the source's workflow and task custom field settings, its memberships (option),
 * a copy of every task list and the tasks the flags select. One transaction, written with SUCCESS.
 */
@Injectable()
export class ProjectCopyService {
  constructor(
    private readonly lists: TaskListCopyService,
    private readonly details: TaskDetailsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly submissions: CopySubmissions,
    private readonly copyIds: CopyIds,
  ) {}

  /** Validates as the job will, then queues the copy (202); at most once per Idempotency-Key. */
  submit(accountId: number, input: ProjectCopyInput, key: SubmitKey = {}): Promise<OperationView> {
    return this.submissions.queue(accountId, IDEMPOTENCY_SCOPE, key, async (w, claim) => {
      const { source } = await this.check(w, input);
      checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
      return this.operations.enqueueWithin(
        w.m,
        { accountId: w.accountId, type: PROJECT_COPY, parameters: { ...input } },
        { types: COPY_OPERATION_TYPES, max: this.config.COPY_MAX_CONCURRENT_PER_ACCOUNT },
        claim(),
      );
    });
  }

  /** The whole copy inside a job's transaction, reporting its progress as it goes. */
  copyInJob(
    m: EntityManager,
    accountId: number,
    input: ProjectCopyInput,
    progress: (percent: number) => void,
  ): Promise<ProjectCopyResult> {
    return this.copyIds.join(m, accountId, async (w, reserve) => {
      const { project, lists, source } = await this.check(w, input);
      const count = checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
      // Plain reads so far: the write has locked no row yet.
      const reserved = await reserve(count);
      progress(20);
      const now = this.clock.now();
      const projectId = await insertProject(
        w.m,
        w.accountId,
        {
          name: input.name,
          workflowId: project.workflowId,
          taskCustomFieldsIds: project.taskCustomFieldsIds,
        },
        now,
      );
      w.record('project-created', () => ({
        kind: 'project-created',
        projectId,
        name: input.name,
        placements: [],
      }));
      const members = input.copyMemberships ? await memberIds(w.m, w.accountId, project.id) : [];
      if (members.length) {
        await w.m.insert(
          Membership,
          members.map((personId) => ({ accountId: w.accountId, projectId, personId, createdAt: now })),
        );
      }
      const copies = new Map<number, number>();
      for (const list of lists) {
        const made = await w.m.save(
          w.m.create(TaskList, { ...list, id: undefined, accountId: w.accountId, projectId, createdAt: now }),
        );
        copies.set(list.id, made.id);
      }
      progress(40);
      const result = await this.lists.copyLists(
        w,
        { ...input, projectId },
        copies,
        source,
        percentBetween(progress, 40, 99),
        reserved,
      );
      return {
        ...result,
        counts: { ...result.counts, memberships: members.length },
        projectId,
        sourceProjectId: project.id,
      };
    });
  }

  /** The refusal order: flags, then the source project, then the people map, then (by the caller) the size. */
  private async check(
    w: StoreWrite,
    input: ProjectCopyInput,
  ): Promise<{ project: ProjectRow; lists: SourceList[]; source: CopySource }> {
    const flags = tasksRequired(input.selection, input.flags);
    if (flags.length) throw refused(flags);
    const [project] = await projectRows(w.m, w.accountId, [input.templateId]);
    if (!project) {
      throw new TasksError('TASK_COPY_SOURCE_NOT_FOUND', `No project ${input.templateId}`, {
        field: 'template_id',
      });
    }
    const people = await assigneeMapViolation(w.m, w.accountId, input.assigneeMap);
    if (people) throw refused([people]);
    const lists = (await w.m.find(TaskList, {
      where: { accountId: w.accountId, projectId: project.id },
      order: { position: 'ASC', id: 'ASC' },
    })) as SourceList[];
    const source = await loadListsSource(
      w.m,
      this.details,
      w.accountId,
      lists.map((l) => l.id),
      input.selection,
    );
    return { project, lists, source };
  }
}
