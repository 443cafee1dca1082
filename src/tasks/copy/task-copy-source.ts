import type { EntityManager } from 'typeorm';
import { pushTo } from '../../common/group-by';
import type { Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { copySourceRows } from '../details/copy-sources.table';
import { copySetup, CopySetup, StatusRow } from '../details/project-setup.table';
import type { TaskDetailsService } from '../details/task-details.service';
import { taskRecords } from '../read/task-read-model.service';
import type { PositionsFrom } from '../store/dense-positions';
import { existingPeople } from '../store/people.table';
import type { ProjectRow } from '../store/projects.table';
import {
  AssignedTaskRow,
  subtreeRowsWithAssigned,
  taskRowsWithAssigned,
  taskShapes,
} from '../store/task-reads.table';
import { CopyViolation, TasksError } from '../tasks.errors';
import { ShapeTable } from './source-shapes';
import {
  type CheckedTarget,
  COPY_CHUNK_TASKS,
  CopyFlags,
  CopyShift,
  CopySource,
  CopyTarget,
  noRelatedRows,
  RelatedRows,
  selectCopiedSet,
  SourceTask,
} from './task-copy-plan';

// What a copy reads and checks before it writes, in its refusal order (docs/v2.md#refusal-order):
// the flags, then the source, then every problem with the target at once, then the size.

export interface CopyInput {
  title: string;
  templateId: number;
  projectId: number;
  taskListId: number;
  workflowStatusId: number;
  private: boolean;
  parentTaskId: number | null;
  templateDescription: string | null;
  flags: CopyFlags;
  shift?: CopyShift;
  titlePrefix?: string;
  assigneeMap?: Record<string, number>;
}

/** The people an assignee_map names on either side must be the account's: a violation if not. */
export async function assigneeMapViolation(
  m: EntityManager,
  accountId: number,
  map: Record<string, number> | undefined,
): Promise<CopyViolation | null> {
  if (!map) return null;
  const named = [...Object.keys(map).map(Number), ...Object.values(map)];
  const known = await existingPeople(m, accountId, named);
  const unknown = named.find((id) => !known.has(id));
  if (unknown === undefined) return null;
  return { field: 'assignee_map', code: 'person_not_found', detail: `No person ${unknown}` };
}

/** The documented flag combinations that are refused, one violation per offending flag. */
export function flagViolations(input: Pick<CopyInput, 'private' | 'flags'>): CopyViolation[] {
  const out: CopyViolation[] = [];
  const { flags } = input;
  const notPrivate = (field: keyof CopyFlags, detail: string): CopyViolation => ({
    field,
    code: 'task_private_not_allowed',
    detail,
  });
  if (input.private) {
    if (flags.copy_open_subtasks)
      out.push(notPrivate('copy_open_subtasks', 'A private copy cannot carry open subtasks'));
    if (flags.copy_closed_subtasks)
      out.push(notPrivate('copy_closed_subtasks', 'A private copy cannot carry closed subtasks'));
    if (flags.copy_as_task_template)
      out.push(notPrivate('copy_as_task_template', 'A private copy cannot become a template'));
  }
  if (flags.copy_as_task_template && flags.copy_task_dependencies) {
    out.push({
      field: 'copy_task_dependencies',
      code: 'task_dependencies_not_allowed_on_template',
      detail: 'A task template cannot carry dependencies',
    });
  }
  return out;
}

export function refused(violations: CopyViolation[]): TasksError {
  return new TasksError('TASK_COPY_INVALID', violations.map((v) => v.detail).join('; '), {
    meta: { violations },
  });
}

/**
 * The source subtree S as the copy reads it, without the related rows (see loadRelatedRows) and
 * the statuses of its tasks (loadTarget reads them with the target's): the flags first, then the
 * source task itself.
 */
export async function loadSource(
  m: EntityManager,
  accountId: number,
  input: CopyInput,
  inRequest = false,
): Promise<CopySource> {
  const flags = flagViolations(input);
  if (flags.length) throw refused(flags);
  // Every sibling of a task of S but the root is in S: positions among the rows read (no
  // statement); the root's own (0 then) is never used, as its copy goes last in its list.
  const { tasks, records } = inRequest
    ? await subtreeTasks(m, accountId, input.templateId)
    : await subtreeSource(m, accountId, input.templateId);
  const root = tasks.get(input.templateId);
  if (!root) {
    throw new TasksError('TASK_COPY_SOURCE_NOT_FOUND', `No task ${input.templateId}`, {
      field: 'template_id',
    });
  }
  const children = new Map<number, number[]>();
  for (const t of [...tasks.values()].sort((a, b) => a.position - b.position || a.id - b.id)) {
    if (t.parentId !== null && t.id !== root.id) pushTo(children, t.parentId, t.id);
  }
  return {
    rootId: root.id,
    tasks,
    ...(records ? { records } : {}),
    children,
    statuses: new Map(),
    ...noRelatedRows(),
  };
}

/**
 * The tasks of the live subtree of `rootId` (none when the task does not exist or is deleted), as
 * sourceTasks reads them, for a copy that a request asked to make at once: the walk and the rows
 * in one statement when there are at most COPY_CHUNK_TASKS of them, else (that statement reading no
 * row) walked again with the shape (subtreeSource); a missing source is walked again too, to none.
 * (A copy that runs as an operation is walked first: a large one reads no full row before its chunks.)
 */
async function subtreeTasks(
  m: EntityManager,
  accountId: number,
  rootId: number,
): Promise<Pick<CopySource, 'tasks' | 'records'>> {
  const rows = await subtreeRowsWithAssigned(m, accountId, rootId, COPY_CHUNK_TASKS);
  if (rows === null) return subtreeSource(m, accountId, rootId);
  const records = new Map(rows.map((r) => [r.id, withAssignee(r)]));
  return { tasks: records, records };
}

/**
 * The tasks of the live subtree of `rootId` as sourceTasks reads them ('among-read'): walked and
 * their shapes read in one statement, where the walk and a statement per 1,000 shapes took a round
 * trip each; a subtree of at most COPY_CHUNK_TASKS (or none) is then read in full.
 */
async function subtreeSource(
  m: EntityManager,
  accountId: number,
  rootId: number,
): Promise<Pick<CopySource, 'tasks' | 'records'>> {
  const shapes = await taskShapes(m, accountId, { subtree: rootId }, 'among-read');
  if (shapes.length > COPY_CHUNK_TASKS) return { tasks: new ShapeTable(shapes) };
  return sourceTasks(
    m,
    accountId,
    shapes.map((s) => s.id),
    'among-read',
  );
}

/**
 * The tasks of S: in full when there are at most COPY_CHUNK_TASKS of them, else only their shape
 * (the writer reads each chunk in full as it writes it), with their dense positions as `positions`
 * says.
 */
export async function sourceTasks(
  m: EntityManager,
  accountId: number,
  ids: number[],
  positions: PositionsFrom,
): Promise<Pick<CopySource, 'tasks' | 'records'>> {
  if (ids.length > COPY_CHUNK_TASKS) {
    return { tasks: new ShapeTable(await taskShapes(m, accountId, ids, positions)) };
  }
  const records = new Map((await recordsWithAssigned(m, accountId, ids, positions)).map((t) => [t.id, t]));
  return { tasks: records, records };
}

/** The workflow and category of every status a task of S has. */
export async function statusesOf(
  m: EntityManager,
  details: TaskDetailsService,
  accountId: number,
  tasks: CopySource['tasks'],
): Promise<CopySource['statuses']> {
  const ids = new Set<number>();
  for (const t of tasks.values()) if (t.workflowStatusId !== null) ids.add(t.workflowStatusId);
  const statuses = await details.findBy(m, 'workflow_statuses', accountId, 'id', [...ids]);
  return new Map(statuses.map((s) => [s.id, { workflowId: s.workflowId, categoryId: s.categoryId }]));
}

/**
 * Source and target of a task's copy, checked in the refusal order (flags, source, target); the
 * statuses of the source's tasks come with the target's setup.
 */
export async function loadCopy(
  m: EntityManager,
  accountId: number,
  input: CopyInput,
  /** Read for a copy the request asked to make at once (see subtreeTasks). */
  inRequest = false,
): Promise<{ source: CopySource; target: CopyTarget }> {
  const source = await loadSource(m, accountId, input, inRequest);
  const { target, sourceStatuses } = await loadTarget(m, accountId, input, source);
  return { source: { ...source, statuses: sourceStatuses }, target };
}

/**
 * Tasks with all their assignees, in one statement per 1,000 (the record's `assigneeId` is the
 * first of them, as taskRecords reads it).
 */
export async function recordsWithAssigned(
  m: EntityManager,
  accountId: number,
  ids: number[],
  positions: PositionsFrom,
): Promise<SourceTask[]> {
  return (await taskRowsWithAssigned(m, accountId, ids, false, positions)).map(withAssignee);
}

/** A row of this module's own reads as a source record: completed in place, not copied field by field. */
function withAssignee(row: AssignedTaskRow): SourceTask {
  return Object.assign(row, { assigneeId: row.assigned[0] ?? null });
}

/**
 * The rows around the source tasks `ids` that the flags select: one chunk of a copy's tasks at a
 * time, so that a large copy never holds the related rows of all its tasks.
 */
export async function loadRelatedRows(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  ids: number[],
  f: CopyFlags,
  /** Tasks known to be live (the source's own): never reported as gone. */
  live: (id: number) => boolean = () => false,
): Promise<RelatedRows> {
  // One statement (per 1,000 tasks) for every table the flags select.
  const { todos, comments, attachments, dependencies, subscribers } = await copySourceRows(
    m,
    sql,
    accountId,
    ids,
    {
      todos: f.copy_open_todos || f.copy_closed_todos,
      comments: f.copy_comments,
      // A comment's files come along only with copy_comments too.
      attachments: f.copy_attachments,
      // Each row says whether its other end is live; the ends that are gone are reported, not copied.
      dependencies: f.copy_task_dependencies,
      subscribers: f.copy_subscribers,
    },
  );
  const dead = dependencies
    .filter((d) => !d.endLive && !live(d.dependentTaskId))
    .map((d) => d.dependentTaskId);
  return {
    todos,
    comments,
    attachments,
    dependencies,
    deadTasks: new Set(dead),
    subscribers,
  };
}

/**
 * Every problem with the destination at once; then what the plan needs to know of it, and the
 * statuses of the source's tasks (read with the target's, in one statement, sent on `first`: the
 * writer sends it with its first statements, ReadTarget).
 */
export async function loadTarget(
  m: EntityManager,
  accountId: number,
  input: CopyInput,
  source: CopySource,
  first: Queryable = m,
): Promise<CheckedTarget> {
  const violations: CopyViolation[] = [];
  const sourceStatusIds = new Set<number>();
  for (const t of source.tasks.values())
    if (t.workflowStatusId !== null) sourceStatusIds.add(t.workflowStatusId);
  // The project with the rest of the target's setup, in one statement.
  const setup = await copySetup(first, accountId, {
    projectId: input.projectId,
    taskListId: input.taskListId,
    statusIds: [input.workflowStatusId, ...sourceStatusIds],
  });
  const { project } = setup;
  if (!project) {
    violations.push({
      field: 'project_id',
      code: 'project_not_found',
      detail: `No project ${input.projectId}`,
    });
  }
  const { list } = setup;
  if (!list || (project && list.projectId !== input.projectId)) {
    violations.push({
      field: 'task_list_id',
      code: 'task_list_not_in_project',
      detail: `Task list ${input.taskListId} is not in project ${input.projectId}`,
    });
  } else if (list.archived) {
    violations.push({
      field: 'task_list_id',
      code: 'task_list_archived',
      detail: `Task list ${input.taskListId} is archived`,
    });
  }
  const workflowId = project?.workflowId ?? null;
  const status = setup.statuses.find((s) => s.id === input.workflowStatusId);
  if (!status || (workflowId !== null && status.workflowId !== workflowId)) {
    violations.push({
      field: 'workflow_status_id',
      code: 'workflow_status_not_in_workflow',
      detail: `Status ${input.workflowStatusId} is not in the project's workflow`,
    });
  }
  if (input.parentTaskId !== null) {
    const parent = await parentViolation(m, accountId, input, source);
    if (parent) violations.push(parent);
  }
  const people = await assigneeMapViolation(m, accountId, input.assigneeMap);
  if (people) violations.push(people);
  if (violations.length) throw refused(violations);
  const statuses =
    workflowId === null ? [status!] : setup.statuses.filter((s) => s.workflowId === workflowId);
  return {
    target: {
      ...setupOf(project!, setup),
      taskListId: input.taskListId,
      workflowStatusId: input.workflowStatusId,
      workflowStatuses: statuses.map((s) => ({ id: s.id, categoryId: s.categoryId, position: s.position })),
      parentTaskId: input.parentTaskId,
    },
    sourceStatuses: new Map(
      setup.statuses
        .filter((s) => sourceStatusIds.has(s.id))
        .map((s) => [s.id, { workflowId: s.workflowId, categoryId: s.categoryId }]),
    ),
  };
}

/**
 * What a copy needs to know of its target project (members, active people, enabled task fields),
 * and the statuses of its workflow, read in one statement.
 */
export async function targetSetup(
  m: EntityManager,
  accountId: number,
  project: ProjectRow,
): Promise<
  Pick<CopyTarget, 'projectId' | 'workflowId' | 'members' | 'activePeople' | 'customFields'> & {
    statuses: StatusRow[];
  }
> {
  const setup = await copySetup(m, accountId, { projectId: project.id, statusIds: [] });
  return { ...setupOf(project, setup), statuses: setup.statuses };
}

function setupOf(
  project: Pick<ProjectRow, 'id' | 'workflowId' | 'taskCustomFieldsIds'>,
  setup: CopySetup,
): Pick<CopyTarget, 'projectId' | 'workflowId' | 'members' | 'activePeople' | 'customFields'> {
  const enabled = project.taskCustomFieldsIds;
  return {
    projectId: project.id,
    workflowId: project.workflowId,
    // A project without memberships is open to every person of the organization.
    members: setup.members.length ? new Set(setup.members) : 'anyone',
    activePeople: setup.activePeople,
    // A project that never chose its task fields (null) has them all; an explicit list limits them.
    customFields: new Map(
      setup.customFields
        .filter((f) => enabled === null || enabled.includes(f.id))
        .map((f) => [String(f.id), { dataTypeId: f.dataTypeId }]),
    ),
  };
}

async function parentViolation(
  m: EntityManager,
  accountId: number,
  input: CopyInput,
  source: CopySource,
): Promise<CopyViolation | null> {
  const [parent] = await taskRecords(m, accountId, [input.parentTaskId!]);
  const copied = new Set(selectCopiedSet(source, input.flags).map((n) => n.id));
  if (parent && parent.projectId === input.projectId && !copied.has(parent.id)) return null;
  return {
    field: 'parent_task_id',
    code: 'parent_task_invalid',
    detail: !parent
      ? `No task ${input.parentTaskId}`
      : copied.has(parent.id)
        ? 'The parent is inside the copied tree'
        : `Task ${input.parentTaskId} is not in project ${input.projectId}`,
  };
}

/** The size of the copied set, refused over the limit. */
export function checkSize(source: CopySource, flags: CopyFlags, limit: number): number {
  const count = selectCopiedSet(source, flags).length;
  if (count > limit) {
    throw new TasksError('TASK_COPY_TOO_LARGE', `The copy would make ${count} tasks; the limit is ${limit}`, {
      field: 'template_id',
      meta: { count },
    });
  }
  return count;
}
