import { AccountsService, hashToken } from '../../../src/accounts/accounts.service';
import { fingerprintRequest, IdempotencyService } from '../../../src/idempotency/idempotency.service';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { CopyFixture, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Idempotency-Key on task_lists/copy and projects/copy, as tasks/copy takes it
// (docs/v2.md#idempotency): a repeat makes no second copy. The copy fixture's "Templates" list
// holds five tasks: two open top-level tasks, the root's open child and grandchild and its closed
// child. The job runner is driven by tick().
describeEachDialect(
  'Idempotency-Key on POST /api/v2/task_lists/copy and POST /api/v2/projects/copy',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
    });

    const post = (
      type: 'task_lists' | 'projects',
      attributes: Record<string, unknown>,
      key?: string,
      account = a,
      query = '',
    ) => postCopy(t(), account, type, attributes, { query, headers: key ? { 'idempotency-key': key } : {} });
    const list = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      template_id: Number(f.taskListId),
      project_id: Number(f.targetProjectId),
      copy_open_tasks: true,
      copy_closed_tasks: true,
      copy_open_subtasks: true,
      copy_closed_subtasks: true,
      ...extra,
    });
    const listCopy = (attributes: Record<string, unknown>, key?: string, account = a, query = '') =>
      post('task_lists', attributes, key, account, query);
    const projectCopy = (name: string, key?: string, extra: Record<string, unknown> = {}) =>
      post('projects', { name, template_id: Number(f.projectId), copy_open_tasks: true, ...extra }, key);
    const get = (url: string) => t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });
    const total = async (url: string): Promise<number> =>
      (await get(`${url}${url.includes('?') ? '&' : '?'}page[size]=1`)).json().meta.total_count;
    const targetTasks = () => total(`/api/v2/tasks?filter[project_id]=${f.targetProjectId}`);
    const targetLists = () => total(`/api/v2/task_lists?filter[project_id]=${f.targetProjectId}`);

    it('task_lists/copy: a repeat gets the same list and meta.copy, and copies nothing again', async () => {
      const tasks = await targetTasks();
      const first = await listCopy(list('Once'), 'list-once');
      expect(first.statusCode).toBe(201);
      expect(await targetTasks()).toBe(tasks + 5);
      const lists = await targetLists();

      const again = await listCopy(list('Once'), 'list-once');
      expect(again.statusCode).toBe(201);
      expect(again.json().data.id).toBe(first.json().data.id);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.json().meta.copy).toEqual(first.json().meta.copy);
      expect(await targetTasks()).toBe(tasks + 5);
      expect(await targetLists()).toBe(lists);
    });

    it('task_lists/copy: the same key with another body is 422, and writes nothing', async () => {
      expect((await listCopy(list('Reused'), 'list-reused')).statusCode).toBe(201);
      const [tasks, lists] = [await targetTasks(), await targetLists()];
      const other = await listCopy(list('Reused', { copy_closed_tasks: false }), 'list-reused');
      expect(other.statusCode).toBe(422);
      expect(other.json().errors).toEqual([
        expect.objectContaining({ code: 'idempotency_key_reused', source: { header: 'Idempotency-Key' } }),
      ]);
      expect([await targetTasks(), await targetLists()]).toEqual([tasks, lists]);
    });

    it('task_lists/copy: keys belong to the token and the route; a bad key is 400', async () => {
      const first = await listCopy(list('Held'), 'held');
      // Another token of the same organization starts afresh with the same key.
      const second = await t().get(AccountsService).createToken(a.id, 'second');
      const byOther = await listCopy(list('Held'), 'held', { id: a.id, token: second.token });
      expect(byOther.statusCode).toBe(201);
      expect(byOther.json().data.id).not.toBe(first.json().data.id);
      // The same key on projects/copy is another key: no 422 for the other body.
      const project = await projectCopy('Held project', 'held');
      expect(project.statusCode).toBe(202);
      await t().get(OperationRunner).tick();

      const tasks = await targetTasks();
      const bad = await listCopy(list('Bad key'), 'k'.repeat(256));
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({
        code: 'invalid_query_parameter',
        source: { parameter: 'Idempotency-Key' },
      });
      expect(await targetTasks()).toBe(tasks);
    });

    it('task_lists/copy: a queued copy replays as the same operation and runs once', async () => {
      const tasks = await targetTasks();
      const first = await listCopy(list('Queued'), 'list-queued', a, '?async=true');
      expect(first.statusCode).toBe(202);
      const again = await listCopy(list('Queued'), 'list-queued', a, '?async=true');
      expect(again.statusCode).toBe(202);
      expect(again.json().data.id).toBe(first.json().data.id);
      expect(again.headers['content-location']).toBe(first.headers['content-location']);
      await t().get(OperationRunner).tick();
      await t().get(OperationRunner).tick();
      expect(await targetTasks()).toBe(tasks + 5);
      // Once done, a repeat still names the same operation, now SUCCESS.
      const done = await listCopy(list('Queued'), 'list-queued', a, '?async=true');
      expect(done.json().data).toMatchObject({ id: first.json().data.id, attributes: { status: 'SUCCESS' } });
    });

    it('task_lists/copy: a refused copy frees its key', async () => {
      const missing = await listCopy(list('Freed', { template_id: 999999 }), 'freed');
      expect(missing.statusCode).toBe(404);
      const retried = await listCopy(list('Freed'), 'freed');
      expect(retried.statusCode).toBe(201);
    });

    it('projects/copy: a repeat gets the same operation, and one project is made', async () => {
      const first = await projectCopy('Idempotent project', 'project-once');
      expect(first.statusCode).toBe(202);
      const again = await projectCopy('Idempotent project', 'project-once');
      expect(again.statusCode).toBe(202);
      expect(again.json().data.id).toBe(first.json().data.id);
      expect(again.headers['content-location']).toBe(first.headers['content-location']);
      await t().get(OperationRunner).tick();
      await t().get(OperationRunner).tick();
      expect(await total('/api/v2/projects?filter[name]=Idempotent%20project')).toBe(1);
      const done = await get(`/api/v2/operations/${first.json().data.id}`);
      const projectId = done.json().data.relationships.project.data.id;
      expect(await total(`/api/v2/tasks?filter[project_id]=${projectId}`)).toBe(2);

      const other = await projectCopy('Idempotent project', 'project-once', { copy_memberships: true });
      expect(other.statusCode).toBe(422);
      expect(other.json().errors[0]).toMatchObject({ code: 'idempotency_key_reused' });
      expect((await get('/api/v2/operations?filter[status]=PENDING')).json().data).toEqual([]);
    });
  },
  { JOBS_CONCURRENCY: '0' },
);

describeEachDialect(
  'task_lists/copy and projects/copy while the same Idempotency-Key is in progress',
  (t) => {
    it('answers 409 request_in_progress on each route, and copies nothing', async () => {
      const a = await t().newAccount();
      const f = await makeCopyFixture(t(), a);
      const cases = [
        {
          route: 'task_lists',
          scope: 'TASK_LIST_COPY',
          attributes: {
            name: 'Busy',
            template_id: Number(f.taskListId),
            project_id: Number(f.targetProjectId),
          },
        },
        {
          route: 'projects',
          scope: 'PROJECT_COPY',
          attributes: { name: 'Busy', template_id: Number(f.projectId) },
        },
      ];
      for (const { route, scope, attributes } of cases) {
        const body = { data: { type: route, attributes } };
        // The first request with this key is still running: its key is taken, its result not stored.
        const key = { key: 'busy', fingerprint: fingerprintRequest(`POST /api/v2/${route}/copy`, body) };
        await t().db.transaction((m) =>
          t()
            .get(IdempotencyService)
            .begin(m, key, a.id, `${scope}:${hashToken(a.token).slice(0, 16)}`),
        );
        const res = await t().inject({
          method: 'POST',
          url: `/api/v2/${route}/copy`,
          headers: { ...faceHeaders('jsonapi', a, true), 'idempotency-key': 'busy' },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode).toBe(409);
        expect(res.json().errors[0]).toMatchObject({
          code: 'request_in_progress',
          source: { header: 'Idempotency-Key' },
        });
      }
      const headers = faceHeaders('jsonapi', a);
      const lists = await t().inject({ method: 'GET', url: '/api/v2/task_lists', headers });
      expect(lists.json().meta.total_count).toBe(2);
      const ops = await t().inject({ method: 'GET', url: '/api/v2/operations', headers });
      expect(ops.json().data).toEqual([]);
    });
  },
);
