import { AccountsService, hashToken } from '../../../src/accounts/accounts.service';
import { fingerprintRequest, IdempotencyService } from '../../../src/idempotency/idempotency.service';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { CopyFixture, copyAttributes, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Small limits make the fixture's four-task tree "large": above 2 tasks a copy is queued as a
// TASK.COPY operation, above 3 it is refused. The job runner is driven by tick().
describeEachDialect(
  'POST /api/v2/tasks/copy: asynchronous copies, limits and idempotency',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
    });

    const target = (extra: Record<string, unknown> = {}) => copyAttributes(f, extra);
    const copy = (attributes: Record<string, unknown>, headers: Record<string, string> = {}, query = '') =>
      postCopy(t(), a, 'tasks', attributes, { query, headers });
    const get = (url: string) => t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });

    it('queues a copy above COPY_SYNC_MAX_TASKS and answers 303 to the new task once done', async () => {
      const res = await copy(target({ copy_open_subtasks: true }));
      expect(res.statusCode).toBe(202);
      const operation = res.json().data;
      expect(operation).toMatchObject({
        type: 'operations',
        attributes: { operation_type: 'TASK.COPY', status: 'PENDING' },
      });
      // JSON:API reserves `type` for the resource type: no attribute may take that name.
      expect(operation.attributes).not.toHaveProperty('type');
      expect(res.headers['content-location']).toBe(`/api/v2/operations/${operation.id}`);

      const pending = await get(`/api/v2/operations/${operation.id}`);
      expect(pending.statusCode).toBe(200);
      expect(pending.json().data.attributes.status).toBe('PENDING');

      await t().get(OperationRunner).tick();
      const done = await get(`/api/v2/operations/${operation.id}`);
      expect(done.statusCode).toBe(303);
      const body = done.json().data;
      expect(body.attributes).toMatchObject({
        status: 'SUCCESS',
        progress: 100,
        total_count: 3,
        processed_count: 3,
      });
      expect(done.headers.location).toBe(`/api/v2/tasks/${body.relationships.task.data.id}`);
      expect(Object.keys(body.meta.copy.task_id_map)).toHaveLength(3);

      // The same record through the v1 face.
      const v1 = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${operation.id}`,
        headers: faceHeaders('toloka', a),
      });
      expect(v1.statusCode).toBe(200);
      expect(v1.json()).toMatchObject({ id: operation.id, type: 'TASK.COPY', status: 'SUCCESS' });

      const copied = await get(`${done.headers.location}?include=subtasks.subtasks`);
      expect(copied.json().data.attributes.title).toBe('Copy');
      expect(copied.json().included).toHaveLength(2);
    });

    it('queues any copy on ?async=true or Prefer: respond-async, and refuses any other async value', async () => {
      expect((await copy(target(), {}, '?async=true')).statusCode).toBe(202);
      expect((await copy(target(), { prefer: 'respond-async' })).statusCode).toBe(202);
      expect((await copy(target())).statusCode).toBe(201);
      expect((await copy(target(), {}, '?async=false')).statusCode).toBe(201);
      const before = (await get('/api/v2/tasks?page[size]=1')).json().meta.total_count;
      const unclear = await copy(target(), {}, '?async=yes');
      expect(unclear.statusCode).toBe(400);
      expect(unclear.json().errors[0]).toMatchObject({
        code: 'invalid_query_parameter',
        source: { parameter: 'async' },
      });
      expect((await get('/api/v2/tasks?page[size]=1')).json().meta.total_count).toBe(before);
      await t().get(OperationRunner).tick();
    });

    it('refuses a copied set over COPY_MAX_TASKS with its size, writing nothing', async () => {
      const before = (await get('/api/v2/tasks?page[size]=1')).json().meta.total_count;
      const res = await copy(target({ copy_open_subtasks: true, copy_closed_subtasks: true }));
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        expect.objectContaining({
          code: 'copy_tree_too_large',
          source: { pointer: '/data/attributes/template_id' },
          meta: { count: 4 },
        }),
      ]);
      expect((await get('/api/v2/tasks?page[size]=1')).json().meta.total_count).toBe(before);
    });

    it('replays the first result for a repeated Idempotency-Key and refuses it with another body', async () => {
      const key = { 'idempotency-key': `copy-${Date.now()}` };
      const first = await copy(target({ title: 'Once' }), key);
      expect(first.statusCode).toBe(201);
      const again = await copy(target({ title: 'Once' }), key);
      expect(again.statusCode).toBe(201);
      expect(again.json().data.id).toBe(first.json().data.id);
      expect(again.json().meta.copy).toEqual(first.json().meta.copy);

      const listed = (await get(`/api/v2/tasks?filter[title]=Once`)).json().data;
      expect(listed).toHaveLength(1);

      // Keys belong to the organization and the token: another token of the account starts afresh.
      const second = await t().get(AccountsService).createToken(a.id, 'second');
      const byOtherToken = await t().inject({
        method: 'POST',
        url: '/api/v2/tasks/copy',
        headers: { ...faceHeaders('jsonapi', { id: a.id, token: second.token }, true), ...key },
        payload: JSON.stringify({ data: { type: 'tasks', attributes: target({ title: 'Once' }) } }),
      });
      expect(byOtherToken.statusCode).toBe(201);
      expect(byOtherToken.json().data.id).not.toBe(first.json().data.id);

      const other = await copy(target({ title: 'Twice' }), key);
      expect(other.statusCode).toBe(422);
      expect(other.json().errors[0]).toMatchObject({
        code: 'idempotency_key_reused',
        source: { header: 'Idempotency-Key' },
      });
    });

    it('replays a queued copy as the same operation', async () => {
      const key = { 'idempotency-key': `async-${Date.now()}` };
      const first = await copy(target({ copy_open_subtasks: true }), key);
      const again = await copy(target({ copy_open_subtasks: true }), key);
      expect(again.statusCode).toBe(202);
      expect(again.json().data.id).toBe(first.json().data.id);
      await t().get(OperationRunner).tick();
    });
  },
  { COPY_SYNC_MAX_TASKS: '2', COPY_MAX_TASKS: '3', JOBS_CONCURRENCY: '0' },
);

describeEachDialect('POST /api/v2/tasks/copy while the same Idempotency-Key is in progress', (t) => {
  it('answers 409 request_in_progress', async () => {
    const a = await t().newAccount();
    const f = await makeCopyFixture(t(), a);
    const body = {
      data: {
        type: 'tasks',
        attributes: {
          title: 'Busy',
          template_id: Number(f.tasks.root),
          project_id: Number(f.targetProjectId),
          task_list_id: Number(f.targetTaskListId),
          workflow_status_id: Number(f.openStatusId),
          private: false,
        },
      },
    };
    // The first request with this key is still running: its key is taken, its result not stored.
    const key = { key: 'busy-key', fingerprint: fingerprintRequest('POST /api/v2/tasks/copy', body, []) };
    await t().db.transaction((m) =>
      t()
        .get(IdempotencyService)
        .begin(m, key, a.id, `TASK_COPY:${hashToken(a.token).slice(0, 16)}`),
    );
    const res = await t().inject({
      method: 'POST',
      url: '/api/v2/tasks/copy',
      headers: { ...faceHeaders('jsonapi', a, true), 'idempotency-key': 'busy-key' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0]).toMatchObject({
      code: 'request_in_progress',
      source: { header: 'Idempotency-Key' },
    });

    // A request that died after taking its key (a crash) does not hold the key for ever.
    t().clock.advance(3 * 60 * 1000);
    const retried = await t().inject({
      method: 'POST',
      url: '/api/v2/tasks/copy',
      headers: { ...faceHeaders('jsonapi', a, true), 'idempotency-key': 'busy-key' },
      payload: JSON.stringify(body),
    });
    expect(retried.statusCode).toBe(201);
  });
});
