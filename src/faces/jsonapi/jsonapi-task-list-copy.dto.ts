import { Transform } from 'class-transformer';
import { CopyOptionAttributes } from './jsonapi-copy-options.dto';
import { BooleanAttribute, IdAttribute, TextAttribute } from './jsonapi.validators';

const flag = (description: string) => BooleanAttribute({ description: `${description} Default false.` });
const taskFlag = (description: string) =>
  flag(`${description} Needs copy_open_tasks or copy_closed_tasks (else 422 tasks_required).`);

/** The task flags of a list's or project's copy: those of tasks/copy but copy_as_task_template. */
export class TaskFlagAttributes extends CopyOptionAttributes {
  @flag('The open top-level tasks of the list, each with what the task flags select.')
  copy_open_tasks?: boolean;
  @flag('The closed top-level tasks of the list, each with what the task flags select.')
  copy_closed_tasks?: boolean;
  @taskFlag('Open subtasks, recursively.')
  copy_open_subtasks?: boolean;
  @taskFlag('Closed subtasks, recursively.')
  copy_closed_subtasks?: boolean;
  @taskFlag('Todos not closed.')
  copy_open_todos?: boolean;
  @taskFlag('Closed todos.')
  copy_closed_todos?: boolean;
  @taskFlag('Comments that are not deleted, drafts or hidden.')
  copy_comments?: boolean;
  @taskFlag('The description HTML.')
  copy_description?: boolean;
  @taskFlag('Task attachments (the bytes are shared).')
  copy_attachments?: boolean;
  @taskFlag('Subscribers who are members of the target project.')
  copy_subscribers?: boolean;
  @taskFlag('Assignees and todo assignees who are members of the target project.')
  copy_assignee?: boolean;
  @taskFlag('tag_list.')
  copy_tags?: boolean;
  @taskFlag('start_date, due_date, due_time and todo due dates; see shift_dates_to.')
  copy_date?: boolean;
  @taskFlag('The repeat_* schedule.')
  copy_repeat?: boolean;
  @taskFlag('initial_estimate; remaining_time starts equal to it.')
  copy_estimate?: boolean;
  @taskFlag('Dependencies, remapped onto the copies.')
  copy_task_dependencies?: boolean;
  @taskFlag('Custom field values of fields enabled for tasks in the target project.')
  copy_custom_fields?: boolean;
}

/** The attributes of POST /api/v2/task_lists/copy (docs/v2.md#task-list-copy). */
export class TaskListCopyAttributes extends TaskFlagAttributes {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @TextAttribute(255, {
    required: true,
    description: 'Name of the new task list',
    example: 'Onboarding — Acme',
  })
  name: string;

  @IdAttribute({ required: true, description: 'The source task list', example: 7781 })
  template_id: number;

  @IdAttribute({ required: true, description: 'Target project (the same or another)', example: 31002 })
  project_id: number;
}
