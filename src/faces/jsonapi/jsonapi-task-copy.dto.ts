import { Transform } from 'class-transformer';
import { CopyOptionAttributes } from './jsonapi-copy-options.dto';
import { BooleanAttribute, IdAttribute, TextAttribute } from './jsonapi.validators';

const flag = (description: string) => BooleanAttribute({ description: `${description} Default false.` });

/** The attributes of POST /api/v2/tasks/copy (docs/v2.md#request, docs/v2.md#flags, docs/v2.md#dates-of-a-copy). */
export class TaskCopyAttributes extends CopyOptionAttributes {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @TextAttribute(255, {
    required: true,
    description: 'Title of the new root task (trimmed, 1–255 characters)',
    example: 'Onboarding checklist — Acme',
  })
  title: string;

  @IdAttribute({ required: true, description: 'The source task (not a templates id)', example: 5560123 })
  template_id: number;

  @IdAttribute({ required: true, description: 'Target project', example: 31002 })
  project_id: number;

  @IdAttribute({ required: true, description: 'Target task list; must belong to project_id', example: 7781 })
  task_list_id: number;

  @IdAttribute({
    required: true,
    description: "Status of the new root task; must be in the project's workflow",
    example: 101,
  })
  workflow_status_id: number;

  @BooleanAttribute({ required: true, description: 'Visibility of the new task: JSON true or false only' })
  private: boolean;

  @IdAttribute({
    nullable: true,
    description: 'Copy the source as a subtask of this task (same target project)',
  })
  parent_task_id?: number | null;

  @TextAttribute(65535, {
    nullable: true,
    description: 'Stored on the template; used only with copy_as_task_template',
  })
  template_description?: string | null;

  @flag('Direct open subtasks, recursively, each copied with the same flags.')
  copy_open_subtasks?: boolean;
  @flag('Direct closed subtasks, recursively, each copied with the same flags.')
  copy_closed_subtasks?: boolean;
  @flag('Todos not closed: description and position.')
  copy_open_todos?: boolean;
  @flag('Closed todos; they stay closed, closed_at = copy time.')
  copy_closed_todos?: boolean;
  @flag('Comments that are not deleted, drafts or hidden, in order.')
  copy_comments?: boolean;
  @flag('The description HTML, verbatim.')
  copy_description?: boolean;
  @flag(
    'Task attachments (and, with copy_comments, the files of copied comments); the bytes are shared, so they survive deletion of the source.',
  )
  copy_attachments?: boolean;
  @flag('Subscribers who are members of the target project.')
  copy_subscribers?: boolean;
  @flag(
    'The assignee (and todo assignees) when a member of the target project; others are reported in meta.copy.skipped.',
  )
  copy_assignee?: boolean;
  @flag('tag_list.')
  copy_tags?: boolean;
  @flag('start_date, due_date, due_time, and todo due dates; see shift_dates_to.')
  copy_date?: boolean;
  @flag('The repeat_* schedule (never repeat_origin_id).')
  copy_repeat?: boolean;
  @flag('initial_estimate; remaining_time starts equal to it.')
  copy_estimate?: boolean;
  @flag('Blocking, waiting-on and linked dependencies, remapped onto the copies.')
  copy_task_dependencies?: boolean;
  @flag('Custom field values of fields enabled for tasks in the target project.')
  copy_custom_fields?: boolean;
  @flag('Register the result as a task template (not with private or copy_task_dependencies).')
  copy_as_task_template?: boolean;
}
