import { RequestValidationError } from '../../common/request-validation.error';
import type { CopyFlags } from '../../tasks/copy/task-copy.service';
import { LIST_TASK_FLAGS, ListCopyInput, ListCopyResult } from '../../tasks/copy/task-list-copy.service';
import { ASSIGNEE_MAP_MAX, CopyOptionAttributes } from './jsonapi-copy-options.dto';
import type { TaskFlagAttributes } from './jsonapi-task-list-copy.dto';
import type { TaskListCopyAttributes } from './jsonapi-task-list-copy.dto';

// The options every v2 copy takes, and a list's copy, in the domain's words (docs/v2.md#copy-options).

const ID = /^[1-9]\d{0,9}$/;

function invalid(attribute: string, message: string): RequestValidationError {
  return RequestValidationError.single(`data.attributes.${attribute}`, 'copyOption', message);
}

/** old person id → new person id, both positive integers (a numeric string is accepted). */
function assigneeMapOf(raw: Record<string, unknown>): Record<string, number> {
  const entries = Object.entries(raw);
  if (entries.length > ASSIGNEE_MAP_MAX) {
    throw invalid('assignee_map', `assignee_map names at most ${ASSIGNEE_MAP_MAX} people`);
  }
  const map: Record<string, number> = {};
  for (const [from, to] of entries) {
    const value = typeof to === 'string' && ID.test(to) ? Number(to) : to;
    if (!ID.test(from) || typeof value !== 'number' || !ID.test(String(value))) {
      throw invalid('assignee_map', 'assignee_map maps person ids to person ids: {"12": 34}');
    }
    map[String(Number(from))] = value;
  }
  return map;
}

/** The date shift, title prefix and people map of a copy; `copyDate`: whether copy_date is on. */
export function copyOptionsInput(a: CopyOptionAttributes, copyDate: boolean) {
  if (a.shift_dates_to !== undefined && !copyDate) {
    throw RequestValidationError.single(
      'data.attributes.shift_dates_to',
      'requiresCopyDate',
      'shift_dates_to moves copied dates: it needs copy_date: true',
    );
  }
  if (a.skip_weekends === true && a.shift_dates_to === undefined) {
    throw invalid('skip_weekends', 'skip_weekends moves shifted dates: it needs shift_dates_to');
  }
  return {
    shift: a.shift_dates_to
      ? { to: a.shift_dates_to, mode: a.shift_mode ?? 'start', skipWeekends: a.skip_weekends === true }
      : undefined,
    ...(a.title_prefix ? { titlePrefix: a.title_prefix } : {}),
    ...(a.assignee_map ? { assigneeMap: assigneeMapOf(a.assignee_map) } : {}),
  };
}

/** The selection and task flags of a list's or project's copy. */
export function listFlagsOf(a: TaskFlagAttributes) {
  const flags = Object.fromEntries(
    LIST_TASK_FLAGS.map((name) => [name, a[name as keyof TaskFlagAttributes] === true]),
  );
  return {
    selection: {
      copy_open_tasks: a.copy_open_tasks === true,
      copy_closed_tasks: a.copy_closed_tasks === true,
    },
    flags: { ...flags, copy_as_task_template: false } as unknown as CopyFlags,
    ...copyOptionsInput(a, a.copy_date === true),
  };
}

export function listCopyInputOf(a: TaskListCopyAttributes): ListCopyInput {
  return { name: a.name, templateId: a.template_id, projectId: a.project_id, ...listFlagsOf(a) };
}

/** `meta.copy` of a list's or project's copy, from its result or its operation's details. */
export function listCopyMeta(
  result: Pick<ListCopyResult, 'taskListIdMap' | 'taskIdMap' | 'counts' | 'skipped'>,
) {
  return {
    task_list_id_map: result.taskListIdMap,
    task_id_map: result.taskIdMap,
    counts: result.counts,
    skipped: result.skipped,
  };
}
