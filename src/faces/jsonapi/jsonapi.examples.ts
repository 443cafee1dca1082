import { DEMO } from '../../demo/demo-ids';
import type { OperationView } from '../../operations/operations.service';
import { PROJECT_COPY, TASK_COPY, TASK_LIST_COPY } from '../../tasks/copy/task-copy.service';
import { operationResource } from './jsonapi-operation.presenter';

// Examples of the v2 face's Swagger document. Request examples name the objects of the demo data
// (`npm run seed:demo` on a fresh database), so that each runs unchanged with "Try it out".

const { v2, todo } = DEMO;

export const TASK_ID_EXAMPLE = String(v2.tasks.checklist);
export const PROJECT_ID_EXAMPLE = String(v2.project);
export const PERSON_ID_EXAMPLE = String(todo.users.ann);
/** Deleting a person takes them off every task: the example is one the other examples do not name. */
export const DELETED_PERSON_ID_EXAMPLE = String(todo.users.cy);
export const ATTACHMENT_ID_EXAMPLE = String(v2.attachment);

/** Where the copies go: the demo project's "Acme" list, first status. */
const TARGET = {
  project_id: v2.project,
  task_list_id: v2.taskLists.acme,
  workflow_status_id: v2.statuses.toDo,
};

export const MINIMAL_COPY = {
  data: {
    type: 'tasks',
    attributes: {
      title: 'New empty task from the checklist',
      template_id: v2.tasks.checklist,
      ...TARGET,
      private: false,
    },
  },
};

export const FULL_COPY = {
  data: {
    type: 'tasks',
    attributes: {
      title: 'Onboarding checklist — Acme',
      template_id: v2.tasks.checklist,
      ...TARGET,
      private: false,
      copy_assignee: true,
      copy_date: true,
      copy_repeat: true,
      copy_estimate: true,
      copy_description: true,
      copy_tags: true,
      copy_subscribers: true,
      copy_attachments: true,
      copy_comments: true,
      copy_custom_fields: true,
      copy_open_todos: true,
      copy_open_subtasks: true,
      copy_task_dependencies: true,
    },
  },
};

export const TASK_CREATE_EXAMPLE = {
  data: { type: 'tasks', attributes: { title: 'Book the venue', ...TARGET, assignee_id: todo.users.bo } },
};

export const TASK_UPDATE_EXAMPLE = {
  data: {
    type: 'tasks',
    id: TASK_ID_EXAMPLE,
    attributes: {
      title: 'Onboarding checklist (first week)',
      due_date: '2031-03-14',
      tag_list: ['onboarding'],
    },
  },
};

export const PROJECT_CREATE_EXAMPLE = {
  data: { type: 'projects', attributes: { name: 'Acme onboarding', workflow_id: v2.workflows.delivery } },
};

export const PROJECT_UPDATE_EXAMPLE = {
  data: { type: 'projects', id: PROJECT_ID_EXAMPLE, attributes: { name: 'New client onboarding' } },
};

export const PERSON_CREATE_EXAMPLE = {
  data: { type: 'people', attributes: { first_name: 'Eve', last_name: 'Moreau', email: 'eve@example.com' } },
};

export const PERSON_UPDATE_EXAMPLE = {
  data: { type: 'people', id: PERSON_ID_EXAMPLE, attributes: { email: 'ann@example.com' } },
};

const queuedExample = (id: string, type: string) => ({
  data: operationResource({
    id,
    type,
    status: 'PENDING',
    submitted: new Date('2031-03-01T09:00:00.000Z'),
    progress: 0,
    parameters: {},
  } satisfies OperationView),
});

/** The 202 answer of a queued copy: an `operations` document. */
export const QUEUED_COPY_EXAMPLE = queuedExample('3f1c9a52-8d0e-4f6b-9a27-5c4e1b7d2e90', TASK_COPY);
export const QUEUED_LIST_COPY_EXAMPLE = queuedExample('8b2d4e61-0c3a-4d7f-8e15-2a9b6c4d1f03', TASK_LIST_COPY);
export const QUEUED_PROJECT_COPY_EXAMPLE = queuedExample(
  'c5e7a093-1f2b-4c8d-9a64-7b3e0d2f5a18',
  PROJECT_COPY,
);

/** The demo's "Templates" list, with its open tasks, into the demo project. */
export const TASK_LIST_COPY_EXAMPLE = {
  data: {
    type: 'task_lists',
    attributes: {
      name: 'Templates (copy)',
      template_id: v2.taskLists.templates,
      project_id: v2.project,
      copy_open_tasks: true,
      copy_open_subtasks: true,
      copy_open_todos: true,
      copy_description: true,
      copy_assignee: true,
      copy_tags: true,
      copy_date: true,
      copy_task_dependencies: true,
    },
  },
};

export const TASK_LIST_COPY_SHIFTED_EXAMPLE = {
  data: {
    type: 'task_lists',
    attributes: {
      name: 'Templates for Acme',
      template_id: v2.taskLists.templates,
      project_id: v2.project,
      copy_open_tasks: true,
      copy_open_subtasks: true,
      copy_assignee: true,
      copy_date: true,
      shift_dates_to: '2031-06-02',
      skip_weekends: true,
      title_prefix: '[Acme] ',
      assignee_map: { [String(todo.users.ann)]: todo.users.bo },
    },
  },
};

/** The demo project, with its members, lists and open tasks. */
export const PROJECT_COPY_EXAMPLE = {
  data: {
    type: 'projects',
    attributes: {
      name: 'Onboarding (copy)',
      template_id: v2.project,
      copy_memberships: true,
      copy_open_tasks: true,
      copy_open_subtasks: true,
      copy_open_todos: true,
      copy_description: true,
      copy_assignee: true,
    },
  },
};
