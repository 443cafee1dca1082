import type { IncomingHttpHeaders } from 'node:http';
import { isIdOrZeroText } from '../../common/ids';
import { RequestError } from '../../common/request.errors';
import { COPY_FLAG_NAMES, CopyFlags, CopyInput, CopyResult } from '../../tasks/copy/task-copy.service';
import type { TaskRecordInput } from '../../tasks/details/task-records.service';
import type { RecordCondition, RecordFilter, RecordQuery } from '../../tasks/read/task-read-model.service';
import { TasksError } from '../../tasks/tasks.errors';
import { copyOptionsInput } from './jsonapi-copy.mapper';
import { copyKeyOf } from './jsonapi-idempotency';
import type { FilterCondition, FilterGroup, JsonApiQuery } from './jsonapi-query';
import type { TaskCopyAttributes } from './jsonapi-task-copy.dto';
import type { TaskCreateAttributes } from './jsonapi-task.dto';

// The v2 face's words for tasks, in and out of the store's: attributes to record input, query
// parameters to a record query, a copy request to its input and options, a copy's result to meta.

/** The v2 sort keys of tasks, and the task property each sorts by. */
export const TASK_SORTS: Record<string, string> = {
  title: 'title',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  due_date: 'dueAt',
  placement: 'placement',
  task_number: 'taskNumber',
};

const ID_FILTERS: Record<string, string> = {
  project_id: 'projectId',
  task_list_id: 'taskListId',
  parent_task_id: 'parentId',
  workflow_status_id: 'workflowStatusId',
};

export function toRecordInput(a: Partial<TaskCreateAttributes>): TaskRecordInput {
  return {
    title: a.title,
    projectId: a.project_id,
    taskListId: a.task_list_id,
    workflowStatusId: a.workflow_status_id,
    parentTaskId: a.parent_task_id,
    private: a.private,
    description: a.description,
    assigneeId: a.assignee_id,
    subscriberIds: a.subscriber_ids,
    tagList: a.tag_list,
    startDate: a.start_date,
    dueDate: a.due_date,
    dueTime: a.due_time,
    repeatScheduleId: a.repeat_schedule_id,
    repeatOnInterval: a.repeat_on_interval,
    repeatOnMonthday: a.repeat_on_monthday,
    repeatOnWeekday: a.repeat_on_weekday,
    repeatOnDate: a.repeat_on_date,
    initialEstimate: a.initial_estimate,
    remainingTime: a.remaining_time,
    customFields: a.custom_fields,
  };
}

/** A path id of a task: one that is not a positive INT names nothing, the same 404 as a missing task. */
export function taskIdOf(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2147483647) {
    throw new TasksError('TASK_NOT_FOUND', `No task ${raw}`);
  }
  return Number(raw);
}

function unsupported(attribute: string, message: string): RequestError {
  return new RequestError('REQUEST_UNSUPPORTED_FILTER', message, {
    meta: { parameter: `filter[${attribute}]` },
  });
}

function idValue(condition: FilterCondition): number | null {
  if (condition.value === 'null' || condition.value === '') return null;
  if (!isIdOrZeroText(condition.value))
    throw unsupported(condition.attribute, `filter[${condition.attribute}] takes an id or null`);
  return Number(condition.value);
}

function condition(operand: FilterCondition): RecordCondition {
  const { attribute, op, value } = operand;
  if (attribute === 'closed') {
    if (value !== 'true' && value !== 'false') throw unsupported('closed', 'filter[closed] is true or false');
    return { property: 'closed', op: 'eq', value: value === 'true' };
  }
  if (attribute === 'title') return { property: 'title', op: op === 'contains' ? 'contains' : 'eq', value };
  return { property: ID_FILTERS[attribute], op: op === 'not_eq' ? 'not_eq' : 'eq', value: idValue(operand) };
}

/** The list query of GET /api/v2/tasks: conditions with and/or groups; `template` only at the top. */
export function taskQueryOf(query: JsonApiQuery): RecordQuery & { templates: boolean } {
  let templates = false;
  const convert = (group: FilterGroup, top: boolean): RecordFilter => ({
    op: group.op,
    operands: group.operands.flatMap((operand): RecordFilter['operands'] => {
      if ('operands' in operand) return [convert(operand, false)];
      if (operand.attribute !== 'template') return [condition(operand)];
      if (!top || group.op === 'or') throw unsupported('template', 'filter[template] cannot be grouped');
      templates = operand.value === 'true';
      return [];
    }),
  });
  const filter = convert(query.filter, true);
  return {
    filter,
    templates,
    order: query.sort.map((s) => ({ property: TASK_SORTS[s.field], descending: s.descending })),
    offset: (query.page.number - 1) * query.page.size,
    limit: query.page.size,
  };
}

/** A copy's input from its validated attributes. */
export function copyInputOf(a: TaskCopyAttributes): CopyInput {
  const options = copyOptionsInput(a, a.copy_date === true);
  const flags = Object.fromEntries(
    COPY_FLAG_NAMES.map((name) => [name, a[name] === true]),
  ) as unknown as CopyFlags;
  return {
    title: a.title,
    templateId: a.template_id,
    projectId: a.project_id,
    taskListId: a.task_list_id,
    workflowStatusId: a.workflow_status_id,
    private: a.private,
    parentTaskId: a.parent_task_id ?? null,
    templateDescription: a.template_description ?? null,
    flags,
    ...options,
  };
}

/**
 * How the client asked for the copy: async by `?async=true` or `Prefer: respond-async`; an
 * Idempotency-Key held by the token (keys are scoped by organization and token).
 */
export function copyOptionsOf(
  headers: IncomingHttpHeaders,
  asked: boolean,
  fingerprint: { body: unknown; include: string[] },
  tokenHash: string,
) {
  const prefer = String(headers.prefer ?? '').toLowerCase();
  return {
    async: asked || /(^|[\s,;])respond-async($|[\s,;])/.test(prefer),
    ...copyKeyOf(headers, tokenHash, 'POST /api/v2/tasks/copy', fingerprint.body, fingerprint.include),
  };
}

/** `meta.copy` of a finished copy. */
export function copyMeta(result: CopyResult) {
  return {
    copy: {
      source_task_id: String(result.sourceTaskId),
      task_id_map: result.taskIdMap,
      counts: result.counts,
      skipped: result.skipped,
      ...(result.templateId === null ? {} : { template_id: String(result.templateId) }),
    },
  };
}
