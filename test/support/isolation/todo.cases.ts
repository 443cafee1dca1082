import { makeProject, makeTasks, makeUser, snapshotAccount } from '../../factories/task.factory';
import type { IsolationCase } from '../isolation-fixtures';
import type { TestAccount, TestApp } from '../test-app';

/** A's project with two tasks in descending text order (a leaked sort would reorder them) and a user. */
async function arrangeTodo(t: TestApp, owner: TestAccount): Promise<Record<string, string>> {
  const project = await makeProject(t, owner, 'A project');
  const user = await makeUser(t, owner, 'A user');
  const [task] = await makeTasks(
    t,
    owner,
    [{ text: 'b', assigned: [user], children: [{ text: 'child' }] }, { text: 'a' }],
    {
      project,
    },
  );
  return { id: String(task), project: String(project), user: String(user) };
}

const snapshot = (t: TestApp, owner: TestAccount) => snapshotAccount(t, owner.id);

/** Isolation cases for the routes of this face that name an object (see isolation-fixtures.ts). */
export const TODO_ISOLATION_CASES: IsolationCase[] = [
  {
    path: '/todo/tasks/{id}',
    arrange: arrangeTodo,
    snapshot,
    bodies: { put: { text: 'hijacked', batch: [] } },
    // DELETE skips unknown ids (docs/todo.md#deleting-tasks): B's request succeeds and changes nothing.
    statuses: { put: [404], delete: [200] },
  },
  {
    path: '/todo/tasks/projects/{id}',
    arrange: async (t, owner) => ({ id: (await arrangeTodo(t, owner)).project }),
    snapshot,
    // An unknown project reads as []; B sees none of A's tasks (checked in the face's own suite).
    statuses: { get: [200] },
  },
  {
    path: '/todo/move/{id}',
    arrange: arrangeTodo,
    snapshot,
    bodies: { put: { operation: 'project', project: null } },
  },
  {
    path: '/todo/sort/{id}',
    arrange: async (t, owner) => ({ id: (await arrangeTodo(t, owner)).project }),
    snapshot,
    bodies: { put: { by: 'text', dir: 'asc' } },
  },
  {
    path: '/todo/projects/{id}',
    arrange: async (t, owner) => ({ id: (await arrangeTodo(t, owner)).project }),
    snapshot,
    bodies: { put: { label: 'hijacked' } },
  },
  {
    path: '/todo/users/{id}',
    arrange: async (t, owner) => ({ id: (await arrangeTodo(t, owner)).user }),
    snapshot,
    bodies: { put: { label: 'hijacked' } },
  },
];
