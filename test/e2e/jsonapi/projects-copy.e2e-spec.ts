import { OperationRunner } from '../../../src/operations/operation-runner';
import { CopyFixture, makeCopyFixture, makeResource, postCopy } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// The copy fixture's source project "Templates": one list with five tasks (the root tree and an
// external task); here also a second list with one task, a membership and task field settings.
describeEachDialect(
  'POST /api/v2/projects/copy',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;
    let secondList: string;
    let lone: string;

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
      secondList = await makeResource(t(), a, 'task_lists', {
        name: 'Later',
        project_id: f.projectId,
        position: 5,
      });
      lone = await makeResource(t(), a, 'tasks', {
        title: 'Lone',
        project_id: f.projectId,
        task_list_id: secondList,
        workflow_status_id: f.openStatusId,
        assignee_id: f.people.member,
      });
      await makeResource(t(), a, 'memberships', { project_id: f.projectId, person_id: f.people.member });
      const patched = await t().inject({
        method: 'PATCH',
        url: `/api/v2/projects/${f.projectId}`,
        headers: faceHeaders('jsonapi', a, true),
        payload: JSON.stringify({
          data: {
            type: 'projects',
            id: f.projectId,
            attributes: { task_custom_fields_ids: [Number(f.customFieldId)] },
          },
        }),
      });
      expect(patched.statusCode).toBe(200);
    });

    const copy = (attributes: Record<string, unknown>, account = a) =>
      postCopy(t(), account, 'projects', {
        name: 'Copied project',
        template_id: Number(f.projectId),
        ...attributes,
      });
    const get = (url: string, account = a) =>
      t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', account) });

    it('queues a PROJECT.COPY that copies lists, tasks, memberships and setup, seen through both operation routes', async () => {
      const res = await copy({
        copy_memberships: true,
        copy_open_tasks: true,
        copy_closed_tasks: true,
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
        copy_assignee: true,
        copy_custom_fields: true,
        copy_task_dependencies: true,
      });
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id;
      expect(res.headers['content-location']).toBe(`/api/v2/operations/${id}`);
      expect(res.json().data.attributes).toMatchObject({
        operation_type: 'PROJECT.COPY',
        status: 'PENDING',
        progress: 0,
      });
      const pendingV1 = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${id}`,
        headers: faceHeaders('toloka', a),
      });
      expect(pendingV1.json()).toMatchObject({ type: 'PROJECT.COPY', status: 'PENDING', progress: 0 });

      await t().get(OperationRunner).tick();
      const done = await get(`/api/v2/operations/${id}`);
      expect(done.statusCode).toBe(303);
      const operation = done.json().data;
      expect(operation.attributes).toMatchObject({ status: 'SUCCESS', progress: 100, total_count: 6 });
      const projectId = operation.relationships.project.data.id;
      expect(done.headers.location).toBe(`/api/v2/projects/${projectId}`);
      const meta = operation.meta.copy;
      expect(meta.source_project_id).toBe(f.projectId);
      expect(Object.keys(meta.task_list_id_map).sort()).toEqual([f.taskListId, secondList].sort());
      expect(Object.keys(meta.task_id_map)).toHaveLength(6);
      expect(meta.counts).toMatchObject({ task_lists: 2, tasks: 6, memberships: 1 });
      const v1 = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${id}`,
        headers: faceHeaders('toloka', a),
      });
      expect(v1.statusCode).toBe(200);
      expect(v1.json()).toMatchObject({ id, type: 'PROJECT.COPY', status: 'SUCCESS', progress: 100 });

      const project = (await get(`/api/v2/projects/${projectId}`)).json().data;
      expect(project.attributes).toMatchObject({
        name: 'Copied project',
        task_custom_fields_ids: [Number(f.customFieldId)],
      });
      expect(project.relationships.workflow.data.id).toBe(f.workflowId);
      const lists = (await get(`/api/v2/task_lists?filter[project_id]=${projectId}&sort=position`)).json()
        .data;
      expect(lists.map((l: { attributes: { name: string } }) => l.attributes.name)).toEqual([
        'Templates',
        'Later',
      ]);
      expect(lists.map((l: { id: string }) => l.id)).toEqual([
        meta.task_list_id_map[f.taskListId],
        meta.task_list_id_map[secondList],
      ]);
      const members = (await get(`/api/v2/memberships?filter[project_id]=${projectId}`)).json().data;
      expect(
        members.map(
          (m: { relationships: { person: { data: { id: string } } } }) => m.relationships.person.data.id,
        ),
      ).toEqual([f.people.member]);
      const loneCopy = (await get(`/api/v2/tasks/${meta.task_id_map[lone]}`)).json().data;
      expect(loneCopy.relationships).toMatchObject({
        project: { data: { id: projectId } },
        task_list: { data: { id: meta.task_list_id_map[secondList] } },
        assignee: { data: { id: f.people.member } },
      });
      // The root's tree went into the copy of its own list.
      const grandchild = (await get(`/api/v2/tasks/${meta.task_id_map[f.tasks.grandchild]}`)).json().data;
      expect(grandchild.relationships.task_list.data.id).toBe(meta.task_list_id_map[f.taskListId]);
    });

    it('copies no memberships unless asked, and lists without tasks when no task is selected', async () => {
      const res = await copy({});
      await t().get(OperationRunner).tick();
      const done = await get(`/api/v2/operations/${res.json().data.id}`);
      expect(done.json().data.meta.copy.counts).toMatchObject({ task_lists: 2, tasks: 0, memberships: 0 });
    });

    it('refuses what task_lists/copy refuses, before queueing anything', async () => {
      const before = (await get('/api/v2/operations?page[size]=200')).json().data.length;
      const flag = await copy({ copy_open_subtasks: true });
      expect(flag.statusCode).toBe(422);
      expect(flag.json().errors[0]).toMatchObject({
        code: 'tasks_required',
        source: { pointer: '/data/attributes/copy_open_subtasks' },
      });
      const missing = await copy({ template_id: 999999 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().errors[0].source).toEqual({ pointer: '/data/attributes/template_id' });
      const person = await copy({ assignee_map: { '999999': Number(f.people.member) } });
      expect(person.json().errors[0]).toMatchObject({ code: 'person_not_found' });
      const blank = await copy({ name: '' });
      expect(blank.json().errors[0]).toMatchObject({ code: 'blank' });
      // Another organization's project is not found.
      const b = await t().newAccount();
      expect((await copy({}, b)).statusCode).toBe(404);
      expect((await get('/api/v2/operations?page[size]=200')).json().data.length).toBe(before);
    });
  },
  { JOBS_CONCURRENCY: '0' },
);

// Unfinished copy operations are counted per account in the database: over the limit a copy is
// refused with 429 and Retry-After, writing nothing; another account is not affected.
describeEachDialect(
  'v2 copies: at most COPY_MAX_CONCURRENT_PER_ACCOUNT unfinished copy operations per account',
  (t) => {
    it('answers 429 copy_limit_reached with Retry-After above the limit, and accepts again once one has finished', async () => {
      const a = await t().newAccount();
      const f = await makeCopyFixture(t(), a);
      const post = (url: string, type: string, attributes: Record<string, unknown>, account = a) =>
        t().inject({
          method: 'POST',
          url: `${url}?async=true`,
          headers: faceHeaders('jsonapi', account, true),
          payload: JSON.stringify({ data: { type, attributes } }),
        });
      const listCopy = () =>
        post('/api/v2/task_lists/copy', 'task_lists', {
          name: 'L',
          template_id: Number(f.taskListId),
          project_id: Number(f.projectId),
          copy_open_tasks: true,
        });
      const taskCopy = () =>
        post('/api/v2/tasks/copy', 'tasks', {
          title: 'T',
          template_id: Number(f.tasks.root),
          project_id: Number(f.targetProjectId),
          task_list_id: Number(f.targetTaskListId),
          workflow_status_id: Number(f.openStatusId),
          private: false,
        });
      const projectCopy = () =>
        post('/api/v2/projects/copy', 'projects', { name: 'P', template_id: Number(f.projectId) });

      expect((await listCopy()).statusCode).toBe(202);
      expect((await taskCopy()).statusCode).toBe(202);
      const lists = (
        await t().inject({
          method: 'GET',
          url: '/api/v2/task_lists?page[size]=1',
          headers: faceHeaders('jsonapi', a),
        })
      ).json().meta.total_count;
      for (const refused of [await listCopy(), await taskCopy(), await projectCopy()]) {
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['retry-after']).toBe('5');
        expect(refused.headers['content-type']).toMatch(/^application\/vnd\.api\+json/);
        expect(refused.json().errors).toEqual([
          expect.objectContaining({ status: '429', code: 'copy_limit_reached', meta: { limit: 2 } }),
        ]);
      }
      const operations = await t().inject({
        method: 'GET',
        url: '/api/v2/operations',
        headers: faceHeaders('jsonapi', a),
      });
      expect(operations.json().data).toHaveLength(2);
      // Synchronous copies are no operations: still allowed.
      const sync = await postCopy(t(), a, 'task_lists', {
        name: 'S',
        template_id: Number(f.taskListId),
        project_id: Number(f.projectId),
      });
      expect(sync.statusCode).toBe(201);
      const after = (
        await t().inject({
          method: 'GET',
          url: '/api/v2/task_lists?page[size]=1',
          headers: faceHeaders('jsonapi', a),
        })
      ).json().meta.total_count;
      expect(after).toBe(lists + 1);

      // Another account has its own count.
      const b = await t().newAccount();
      const g = await makeCopyFixture(t(), b);
      const other = await post(
        '/api/v2/task_lists/copy',
        'task_lists',
        { name: 'L', template_id: Number(g.taskListId), project_id: Number(g.projectId) },
        b,
      );
      expect(other.statusCode).toBe(202);

      await t().get(OperationRunner).tick();
      expect((await projectCopy()).statusCode).toBe(202);
      await t().get(OperationRunner).tick();
    });

    it('lets exactly the limit through when many copies arrive at once', async () => {
      const a = await t().newAccount();
      const f = await makeCopyFixture(t(), a);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          postCopy(
            t(),
            a,
            'task_lists',
            {
              name: `L${i}`,
              template_id: Number(f.taskListId),
              project_id: Number(f.projectId),
            },
            { query: '?async=true' },
          ),
        ),
      );
      expect(answers.map((r) => r.statusCode).sort()).toEqual([202, 202, 429, 429, 429, 429]);
      const operations = await t().inject({
        method: 'GET',
        url: '/api/v2/operations',
        headers: faceHeaders('jsonapi', a),
      });
      expect(operations.json().data).toHaveLength(2);
      await t().get(OperationRunner).tick();
    });
  },
  { JOBS_CONCURRENCY: '0', COPY_MAX_CONCURRENT_PER_ACCOUNT: '2' },
);

// Where rows lock, progress is stored outside the copy's transaction: a copy held up mid-way (here
// on the stored bytes of an attachment it copies, which the test locks) shows how far it got.
describeEachDialect(
  'POST /api/v2/projects/copy: progress advances while the copy runs',
  (t) => {
    it('reads 0 when queued, over 40 once the project, its lists and its tasks are written, 100 on SUCCESS', async () => {
      const a = await t().newAccount();
      const f = await makeCopyFixture(t(), a);
      const res = await postCopy(t(), a, 'projects', {
        name: 'Held up',
        template_id: Number(f.projectId),
        copy_open_tasks: true,
        copy_attachments: true,
      });
      const id = res.json().data.id;
      const progress = async () =>
        (
          await t().inject({
            method: 'GET',
            url: `/api/v2/operations/${id}`,
            headers: faceHeaders('jsonapi', a),
          })
        ).json().data.attributes as { status: string; progress: number };
      expect(await progress()).toMatchObject({ status: 'PENDING', progress: 0 });
      if (t().dialect === 'mysql') {
        const [{ blob_id: blobId }] = await t().dataSource.query(
          'SELECT blob_id FROM attachments WHERE account_id = ? AND blob_id IS NOT NULL LIMIT 1',
          [a.id],
        );
        const holder = t().dataSource.createQueryRunner();
        await holder.startTransaction();
        await holder.query('SELECT id FROM blobs WHERE id = ? FOR UPDATE', [blobId]);
        const running = t().get(OperationRunner).tick();
        let seen = await progress();
        for (let i = 0; i < 200 && seen.progress <= 40; i++) {
          await new Promise((r) => setTimeout(r, 50));
          seen = await progress();
        }
        // Held on the bytes of an attachment, after the tasks (half of the copy's own share).
        expect(seen.status).toBe('RUNNING');
        expect(seen.progress).toBeGreaterThan(40);
        expect(seen.progress).toBeLessThan(100);
        await new Promise((r) => setTimeout(r, 200));
        expect(await progress()).toEqual(seen);
        await holder.rollbackTransaction();
        await holder.release();
        await running;
      } else {
        await t().get(OperationRunner).tick();
      }
      expect(await progress()).toMatchObject({ status: 'SUCCESS', progress: 100 });
    });
  },
  { JOBS_CONCURRENCY: '0' },
);
