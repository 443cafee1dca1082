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
