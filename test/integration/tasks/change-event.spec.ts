import { OperationRunner } from '../../../src/operations/operation-runner';
import { TaskChange, TaskChangeFeed } from '../../../src/tasks/store/task-changes.service';
import { todoClient } from '../../e2e/todo/todo-client';
import { copyAttributes, makeCopyFixture } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// The task store's change event: every committed write of tasks, projects and people, through
// either face, is told once after its commit, in the store's words, with the revisions it left.
describeEachDialect('the task store change event', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);
  const heard: TaskChange[] = [];
  const v2 = (method: 'POST' | 'PATCH', url: string, body: unknown) =>
    t().inject({
      method,
      url,
      headers: faceHeaders('jsonapi', account, true),
      payload: JSON.stringify(body),
    });
  const ofAccount = () => heard.filter((change) => change.accountId === account.id);

  beforeAll(() => {
    t()
      .get(TaskChangeFeed)
      .subscribe({ interested: () => true, changed: (change) => void heard.push(change) });
  });

  beforeEach(async () => {
    account = await t().newAccount();
    heard.length = 0;
  });

  it('tells each To Do write once, with what changed where and the revisions it left', async () => {
    const p = (await api.post('/projects', { label: 'P' })).json().id as number;
    const ids = (
      await api.post('/clone', {
        project: p,
        batch: [
          { id: 'a', text: 'a' },
          { id: 'b', parent: 'a', text: 'b' },
        ],
      })
    ).json();
    expect((await api.put(`/tasks/${ids.a}`, { text: 'A' })).statusCode).toBe(200);
    expect((await api.put(`/move/${ids.b}`, { operation: 'unindent' })).statusCode).toBe(200);
    expect((await api.put(`/sort/${p}`, { by: 'text', dir: 'desc' })).statusCode).toBe(200);
    expect((await api.del(`/tasks/${ids.a}`)).statusCode).toBe(200);
    expect((await api.del(`/projects/${p}`)).statusCode).toBe(200);
    const user = (await api.post('/users', { label: 'Ann Lee' })).json().id as number;
    expect((await api.del(`/users/${user}`)).statusCode).toBe(200);

    const changes = ofAccount();
    expect(changes.map((c) => c.kind)).toEqual([
      'project-created',
      'inserted',
      'updated',
      'moved',
      'sorted',
      'deleted',
      'project-deleted',
      'person-created',
      'person-deleted',
    ]);
    expect(changes[0]).toMatchObject({ projectId: p, name: 'P' });
    expect(changes[1]).toMatchObject({
      lists: [
        { projectId: p, parentId: null, inserts: [{ anchor: { side: 'after', id: null }, ids: [ids.a] }] },
      ],
      tasks: [
        { task: { id: ids.a, projectId: p, parentId: null, title: 'a' } },
        { task: { id: ids.b, projectId: p, parentId: ids.a, title: 'b' } },
      ],
    });
    expect(changes[2]).toMatchObject({ tasks: [{ id: ids.a, projectId: p, fields: { title: 'A' } }] });
    expect(changes[3]).toMatchObject({
      operation: 'unindent',
      ids: [ids.b],
      placements: expect.arrayContaining([{ id: ids.b, projectId: p, parentId: null, after: ids.a }]),
    });
    expect(changes[4]).toMatchObject({ by: 'title', dir: 'desc', projectId: p });
    expect(changes[5]).toMatchObject({ ids: [ids.a], removed: [ids.a] });
    expect(changes[8]).toMatchObject({ personId: user });
    // The structural writes of the project follow one another one revision apart.
    const structure = changes.map((c) => c.revisions.get(`s${p}`)).filter((r) => r !== undefined);
    expect(structure.length).toBeGreaterThanOrEqual(5);
    structure.forEach((revision, i) => i > 0 && expect(revision).toBe(structure[i - 1]! + 1));
    expect(changes[2].revisions.get(`c${p}`)).toBeGreaterThan(0);
  });

  it('tells v2 writes too, and a job’s copy only once the job’s transaction has committed', async () => {
    const f = await makeCopyFixture(t(), account);
    heard.length = 0;
    // When the copy is heard, the job's transaction has committed: its operation reads SUCCESS.
    let status: Promise<Array<{ status: string }>> | undefined;
    t()
      .get(TaskChangeFeed)
      .subscribe({
        interested: () => true,
        changed: (change) => {
          if (change.accountId !== account.id || change.kind !== 'inserted') return;
          if (change.tasks[0]?.task.title !== 'Copy') return;
          status = t().dataSource.query(
            "SELECT status FROM operations WHERE account_id = ? AND type = 'TASK.COPY'",
            [account.id],
          );
        },
      });
    const attributes = {
      title: 'New',
      project_id: f.targetProjectId,
      task_list_id: f.targetTaskListId,
      workflow_status_id: f.openStatusId,
    };
    const created = await v2('POST', '/api/v2/tasks', { data: { type: 'tasks', attributes } });
    const id = Number(created.json().data.id);
    await v2('PATCH', `/api/v2/tasks/${id}`, { data: { type: 'tasks', attributes: { title: 'Renamed' } } });
    const queued = await v2('POST', '/api/v2/tasks/copy?async=true', {
      data: { type: 'tasks', attributes: copyAttributes(f) },
    });
    expect(queued.statusCode).toBe(202);
    expect(
      ofAccount()
        .slice(0, 2)
        .map((c) => c.kind),
    ).toEqual(['inserted', 'edited']);
    expect(ofAccount()[0]).toMatchObject({ tasks: [{ task: { id, title: 'New' } }] });

    await t().get(OperationRunner).tick();
    for (let i = 0; i < 200 && ofAccount().length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const [copied] = ofAccount().slice(2);
    expect(copied).toMatchObject({ kind: 'inserted', tasks: [{ task: { title: 'Copy' } }] });
    expect(copied.revisions.get(`s${Number(f.targetProjectId)}`)).toBeGreaterThan(0);
    expect(await status).toEqual([{ status: 'SUCCESS' }]);
  });
});
