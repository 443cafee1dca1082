import { faceHeaders } from '../support/face-requests';
import type { TestAccount, TestApp } from '../support/test-app';

// Builds v2 fixtures through the real routes, as a client would. Task-store objects (projects,
// people, tasks) are made through the To Do face, which shares the store.

async function post(
  t: TestApp,
  account: TestAccount,
  url: string,
  payload: unknown,
  face: 'todo' | 'jsonapi',
) {
  const res = await t.inject({
    method: 'POST',
    url,
    headers: faceHeaders(face, account, true),
    payload: JSON.stringify(payload),
  });
  if (res.statusCode !== 200 && res.statusCode !== 201) {
    throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
  }
  return res.json();
}

export async function makeTodoProject(t: TestApp, account: TestAccount, label = 'Project'): Promise<number> {
  return (await post(t, account, '/todo/projects', { label }, 'todo')).id;
}

export async function makeTodoUser(t: TestApp, account: TestAccount, label = 'Ann Lee'): Promise<number> {
  return (await post(t, account, '/todo/users', { label }, 'todo')).id;
}

export async function makeTodoTask(
  t: TestApp,
  account: TestAccount,
  fields: { text?: string; project?: number | null; parent?: number | null } = {},
): Promise<number> {
  const { text = 'Task', project = null, parent = null } = fields;
  return (await post(t, account, '/todo/tasks', { project, parent, task: { text } }, 'todo')).id;
}

/** Creates a v2 resource and returns its id (a string, as JSON:API sends it). */
export async function makeResource(
  t: TestApp,
  account: TestAccount,
  type: string,
  attributes: Record<string, unknown>,
): Promise<string> {
  return (await post(t, account, `/api/v2/${type}`, { data: { type, attributes } }, 'jsonapi')).data.id;
}

export interface WorkflowFixture {
  workflowId: string;
  openStatusId: string;
  closedStatusId: string;
}

export async function makeWorkflow(t: TestApp, account: TestAccount): Promise<WorkflowFixture> {
  const workflowId = await makeResource(t, account, 'workflows', { name: 'Default' });
  const openStatusId = await makeResource(t, account, 'workflow_statuses', {
    name: 'To do',
    category_id: 1,
    workflow_id: workflowId,
    position: 1,
  });
  const closedStatusId = await makeResource(t, account, 'workflow_statuses', {
    name: 'Done',
    category_id: 3,
    workflow_id: workflowId,
    position: 2,
  });
  return { workflowId, openStatusId, closedStatusId };
}

export interface TaskListFixture extends WorkflowFixture {
  projectId: string;
  taskListId: string;
}

/** A workflow, a project on it and one task list in that project: where v2 tasks live. */
export async function makeTaskList(t: TestApp, account: TestAccount): Promise<TaskListFixture> {
  const workflow = await makeWorkflow(t, account);
  const projectId = await makeResource(t, account, 'projects', {
    name: 'P',
    workflow_id: workflow.workflowId,
  });
  const taskListId = await makeResource(t, account, 'task_lists', { name: 'L', project_id: projectId });
  return { ...workflow, projectId, taskListId };
}

export interface CopyFixture extends WorkflowFixture {
  projectId: string;
  taskListId: string;
  people: { member: string; outsider: string };
  /** Source tree: root → [openChild → [grandchild], closedChild]; plus an external task. */
  tasks: { root: string; openChild: string; grandchild: string; closedChild: string; external: string };
  targetProjectId: string;
  targetTaskListId: string;
  customFieldId: string;
}

/**
 * A three-level source tree with data for every copy flag: description,
 * assignee, subscribers, tags, dates, repeat, estimate, custom fields, open and closed todos,
 * comments (one hidden, one draft), an attachment with bytes, dependencies inside and outside the
 * tree, and a target project whose members include only one of the two people.
 */
export async function makeCopyFixture(t: TestApp, account: TestAccount): Promise<CopyFixture> {
  const workflow = await makeWorkflow(t, account);
  const member = await makeResource(t, account, 'people', { first_name: 'Mia', last_name: 'Member' });
  const outsider = await makeResource(t, account, 'people', { first_name: 'Otto', last_name: 'Outsider' });
  const customFieldId = await makeResource(t, account, 'custom_fields', {
    name: 'Tier',
    customizable_type: 'tasks',
    data_type_id: 1,
  });
  const projectId = await makeResource(t, account, 'projects', {
    name: 'Templates',
    workflow_id: workflow.workflowId,
  });
  const taskListId = await makeResource(t, account, 'task_lists', {
    name: 'Templates',
    project_id: projectId,
  });
  const targetProjectId = await makeResource(t, account, 'projects', {
    name: 'Acme',
    workflow_id: workflow.workflowId,
  });
  const targetTaskListId = await makeResource(t, account, 'task_lists', {
    name: 'Onboarding',
    project_id: targetProjectId,
  });
  await makeResource(t, account, 'memberships', { project_id: targetProjectId, person_id: member });

  const base = { project_id: projectId, task_list_id: taskListId, workflow_status_id: workflow.openStatusId };
  const rich = {
    description: '<p>Steps</p>',
    assignee_id: member,
    subscriber_ids: [member, outsider],
    tag_list: ['onboarding'],
    start_date: '2030-03-01',
    due_date: '2030-03-10',
    due_time: '17:00',
    repeat_schedule_id: 2,
    repeat_on_interval: 1,
    initial_estimate: 120,
    custom_fields: { [customFieldId]: 'Gold' },
  };
  const root = await makeResource(t, account, 'tasks', { ...base, ...rich, title: 'Template root' });
  const openChild = await makeResource(t, account, 'tasks', {
    ...base,
    ...rich,
    title: 'Open child',
    parent_task_id: root,
  });
  const grandchild = await makeResource(t, account, 'tasks', {
    ...base,
    ...rich,
    title: 'Grandchild',
    parent_task_id: openChild,
  });
  const closedChild = await makeResource(t, account, 'tasks', {
    ...base,
    ...rich,
    title: 'Closed child',
    parent_task_id: root,
    workflow_status_id: workflow.closedStatusId,
  });
  const external = await makeResource(t, account, 'tasks', { ...base, title: 'Elsewhere' });

  for (const task of [root, openChild, grandchild, closedChild]) {
    await makeResource(t, account, 'todos', {
      task_id: task,
      description: 'Open todo',
      position: 1,
      assignee_id: member,
      due_date: '2030-03-05',
    });
    await makeResource(t, account, 'todos', {
      task_id: task,
      description: 'Closed todo',
      position: 2,
      closed: true,
    });
    await makeResource(t, account, 'comments', { task_id: task, body: '<p>Visible</p>' });
    await makeResource(t, account, 'comments', { task_id: task, body: '<p>Hidden</p>', hidden: true });
    await makeResource(t, account, 'comments', { task_id: task, body: '<p>Draft</p>', draft: true });
    const attachment = await makeResource(t, account, 'attachments', {
      task_id: task,
      name: 'brief.txt',
      content_type: 'text/plain',
    });
    const put = await t.inject({
      method: 'PUT',
      url: `/api/v2/attachments/${attachment}/content`,
      headers: { ...faceHeaders('jsonapi', account), 'content-type': 'text/plain' },
      payload: `brief of ${task}`,
    });
    if (put.statusCode !== 200) throw new Error(`attachment upload answered ${put.statusCode}: ${put.body}`);
  }
  // Inside the tree: open child blocks grandchild; closed child blocks open child. Outside: root waits on external.
  await makeResource(t, account, 'task_dependencies', {
    task_id: openChild,
    dependent_task_id: grandchild,
    type_id: 1,
  });
  await makeResource(t, account, 'task_dependencies', {
    task_id: closedChild,
    dependent_task_id: openChild,
    type_id: 1,
  });
  await makeResource(t, account, 'task_dependencies', {
    task_id: root,
    dependent_task_id: external,
    type_id: 2,
  });

  return {
    ...workflow,
    projectId,
    taskListId,
    people: { member, outsider },
    tasks: { root, openChild, grandchild, closedChild, external },
    targetProjectId,
    targetTaskListId,
    customFieldId,
  };
}

/**
 * The ids the route's source document uses (seeds/003): source task 5560123, project 31002, task
 * list 7781, status 101. Project and task take their ids through the /todo face (which honours a
 * requested id); the list and the status are written with theirs directly.
 */
export async function makeSeedIdsFixture(
  t: TestApp,
  account: TestAccount,
): Promise<{ subtask: string; closedSubtask: string }> {
  const workflow = await makeWorkflow(t, account);
  const todo = (url: string, payload: unknown) =>
    t.inject({
      method: 'POST',
      url,
      headers: faceHeaders('todo', account, true),
      payload: JSON.stringify(payload),
    });
  const project = await todo('/todo/projects', { id: 31002, label: 'Customers' });
  if (project.statusCode !== 200) throw new Error(`project: ${project.body}`);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  await t.dataSource.query('UPDATE projects SET workflow_id = ? WHERE id = ?', [
    Number(workflow.workflowId),
    31002,
  ]);
  await t.dataSource.query(
    'INSERT INTO task_lists (id, account_id, project_id, name, position, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [7781, account.id, 31002, 'Onboarding', 0, now],
  );
  await t.dataSource.query(
    'INSERT INTO workflow_statuses (id, account_id, workflow_id, name, category_id, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [101, account.id, Number(workflow.workflowId), 'Not started', 1, 0, now],
  );
  const person = await makeResource(t, account, 'people', { first_name: 'Ann', last_name: 'Lee' });
  const task = await todo('/todo/tasks', {
    id: 5560123,
    project: 31002,
    task: { text: 'Onboarding template' },
  });
  if (task.statusCode !== 200) throw new Error(`task: ${task.body}`);
  const patch = await t.inject({
    method: 'PATCH',
    url: '/api/v2/tasks/5560123',
    headers: faceHeaders('jsonapi', account, true),
    payload: JSON.stringify({
      data: {
        type: 'tasks',
        attributes: {
          task_list_id: 7781,
          workflow_status_id: 101,
          description: '<p>Welcome</p>',
          assignee_id: Number(person),
          tag_list: ['onboarding'],
          due_date: '2030-05-01',
          initial_estimate: 60,
        },
      },
    }),
  });
  if (patch.statusCode !== 200) throw new Error(`patch: ${patch.body}`);
  const base = { project_id: 31002, task_list_id: 7781, workflow_status_id: 101, parent_task_id: 5560123 };
  const subtask = await makeResource(t, account, 'tasks', { ...base, title: 'Send welcome pack' });
  const closedSubtask = await makeResource(t, account, 'tasks', {
    ...base,
    title: 'Kick-off call',
    workflow_status_id: workflow.closedStatusId,
  });
  await makeResource(t, account, 'todos', { task_id: 5560123, description: 'Check contract' });
  await makeResource(t, account, 'comments', { task_id: 5560123, body: '<p>Template comment</p>' });
  return { subtask, closedSubtask };
}

/**
 * The flags of a v2 task copy that pick what it brings, as the v2 docs list them
 * (copy_as_task_template, which changes what the copy is, aside). Written out here rather than
 * taken from the service, so that a flag the service drops fails the specs that send it.
 */
export const TASK_COPY_FLAGS = [
  'copy_open_subtasks',
  'copy_closed_subtasks',
  'copy_open_todos',
  'copy_closed_todos',
  'copy_comments',
  'copy_description',
  'copy_attachments',
  'copy_subscribers',
  'copy_assignee',
  'copy_tags',
  'copy_date',
  'copy_repeat',
  'copy_estimate',
  'copy_task_dependencies',
  'copy_custom_fields',
] as const;

export type TaskCopyFlag = (typeof TASK_COPY_FLAGS)[number];

/**
 * Every flag of TASK_COPY_FLAGS set to `value`, then `overrides`: for a spec that means every
 * flag. A spec about one flag names that flag itself.
 */
export function everyCopyFlag(
  value: boolean,
  overrides: Partial<Record<TaskCopyFlag, boolean>> = {},
): Record<TaskCopyFlag, boolean> {
  return {
    ...(Object.fromEntries(TASK_COPY_FLAGS.map((flag) => [flag, value])) as Record<TaskCopyFlag, boolean>),
    ...overrides,
  };
}

/** Copy attributes that put a copy of the fixture's root into its target list; `extra` overrides. */
export function copyAttributes(f: CopyFixture, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Copy',
    template_id: Number(f.tasks.root),
    project_id: Number(f.targetProjectId),
    task_list_id: Number(f.targetTaskListId),
    workflow_status_id: Number(f.openStatusId),
    private: false,
    ...extra,
  };
}

/** POST /api/v2/{type}/copy with `attributes`, as `account`; `query` such as `?async=true`. */
export function postCopy(
  t: TestApp,
  account: TestAccount,
  type: 'tasks' | 'task_lists' | 'projects',
  attributes: Record<string, unknown>,
  options: { query?: string; headers?: Record<string, string> } = {},
) {
  return t.inject({
    method: 'POST',
    url: `/api/v2/${type}/copy${options.query ?? ''}`,
    headers: { ...faceHeaders('jsonapi', account, true), ...options.headers },
    payload: JSON.stringify({ data: { type, attributes } }),
  });
}
