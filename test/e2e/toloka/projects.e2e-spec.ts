import { makeCrowdProject, makePool, projectBody } from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

function req(t: TestApp, account: TestAccount, method: string, url: string, payload?: unknown) {
  return t.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `OAuth ${account.token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describeEachDialect(
  '/api/v1/projects',
  (t) => {
    let a: TestAccount;
    beforeAll(async () => {
      a = await t().newAccount();
    });

    it('POST creates an ACTIVE project (201) that GET returns as sent', async () => {
      const body = projectBody({
        public_instructions: '<b>hi</b>',
        private_comment: 'internal',
        quality_control: { configs: [] },
        localization_config: { default_language: 'EN' },
        metadata: { team: ['a'] },
        max_active_assignments_count: 3,
        assignments_automerge_enabled: true,
        id: '1',
        status: 'ARCHIVED',
        created: '2000-01-01',
      });
      const res = await req(t(), a, 'POST', '/api/v1/projects', body);
      expect(res.statusCode).toBe(201);
      const project = res.json();
      const { id: _id, status: _status, created: _created, ...writable } = body;
      void [_id, _status, _created];
      expect(project).toEqual({
        ...writable,
        id: expect.stringMatching(/^\d+$/),
        owner: { id: String(a.id), myself: true },
        status: 'ACTIVE',
        created: expect.stringMatching(DATE),
      });
      expect((await req(t(), a, 'GET', `/api/v1/projects/${project.id}`)).json()).toEqual(project);
    });

    it('defaults assignments_issuing_type and validates the body', async () => {
      const { assignments_issuing_type: _, ...noType } = projectBody();
      void _;
      const created = (await req(t(), a, 'POST', '/api/v1/projects', noType)).json();
      expect(created.assignments_issuing_type).toBe('AUTOMATED');

      const res = await req(t(), a, 'POST', '/api/v1/projects', {
        public_name: ' ',
        task_spec: { input_spec: {} },
        assignments_issuing_type: 'MAP_SELECTOR',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().payload).toMatchObject({
        public_name: { code: 'BLANK_STRING_NOT_ALLOWED' },
        public_description: { code: 'VALUE_REQUIRED' },
        'task_spec.output_spec': { code: 'VALUE_REQUIRED' },
        assignments_issuing_view_config: { code: 'VALUE_REQUIRED' },
      });

      // Within the columns: names up to 1,024 characters; instructions of 200 KB fit the body.
      const long = await req(t(), a, 'POST', '/api/v1/projects', {
        ...projectBody(),
        public_name: 'n'.repeat(1025),
        private_comment: 'c'.repeat(1025),
      });
      expect(long.statusCode).toBe(400);
      expect(long.json().payload).toMatchObject({
        public_name: { code: 'STRING_LENGTH_GREATER_THAN_MAX' },
        private_comment: { code: 'STRING_LENGTH_GREATER_THAN_MAX' },
      });
      const big = await req(t(), a, 'POST', '/api/v1/projects', {
        ...projectBody(),
        public_name: 'n'.repeat(1024),
        public_instructions: 'i'.repeat(200_000),
      });
      expect(big.statusCode).toBe(201);
      const read = await req(t(), a, 'GET', `/api/v1/projects/${big.json().id}`);
      expect(read.json().public_instructions).toHaveLength(200_000);
    });

    it('PUT replaces an ACTIVE project; 409 PROJECT_INAPPROPRIATE_STATUS once archived', async () => {
      const id = await makeCrowdProject(t(), a);
      const res = await req(t(), a, 'PUT', `/api/v1/projects/${id}`, projectBody({ public_name: 'Renamed' }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, public_name: 'Renamed', status: 'ACTIVE' });
      const archived = await makeCrowdProject(t(), a, { status: 'ARCHIVED' });
      const refused = await req(t(), a, 'PUT', `/api/v1/projects/${archived}`, projectBody());
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'PROJECT_INAPPROPRIATE_STATUS' });
    });

    it('archive: 409 UNARCHIVED_POOLS_CONFLICT with live pools, then 202 PROJECT.ARCHIVE (again 202, never 204)', async () => {
      const id = await makeCrowdProject(t(), a);
      const pool = await makePool(t(), a, { projectId: id });
      const refused = await req(t(), a, 'POST', `/api/v1/projects/${id}/archive`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'UNARCHIVED_POOLS_CONFLICT' });

      expect((await req(t(), a, 'POST', `/api/v1/pools/${pool.id}/archive`)).statusCode).toBe(202);
      for (let i = 0; i < 2; i++) {
        const res = await req(t(), a, 'POST', `/api/v1/projects/${id}/archive`);
        expect(res.statusCode).toBe(202);
        expect(res.json()).toEqual({
          id: expect.any(String),
          type: 'PROJECT.ARCHIVE',
          status: 'SUCCESS',
          submitted: expect.stringMatching(DATE),
          started: expect.stringMatching(DATE),
          finished: expect.stringMatching(DATE),
          progress: 100,
          parameters: { project_id: id },
          details: {},
        });
      }
      expect((await req(t(), a, 'GET', `/api/v1/projects/${id}`)).json().status).toBe('ARCHIVED');
    });

    it('answers 404 for unknown, malformed and foreign projects', async () => {
      const b = await t().newAccount();
      const foreign = await makeCrowdProject(t(), b);
      for (const id of ['99999999', 'x1', foreign]) {
        for (const [method, url] of [
          ['GET', `/api/v1/projects/${id}`],
          ['POST', `/api/v1/projects/${id}/archive`],
        ]) {
          const res = await req(t(), a, method, url);
          expect(res.statusCode).toBe(404);
          expect(res.json().code).toBe('DOES_NOT_EXIST');
        }
      }
    });

    it('searches the caller’s projects with filters, sort and paging', async () => {
      const s = await t().newAccount();
      const ids: string[] = [];
      for (const name of ['b', 'c', 'a']) {
        ids.push(
          (await req(t(), s, 'POST', '/api/v1/projects', projectBody({ public_name: name }))).json().id,
        );
      }
      await req(t(), s, 'POST', `/api/v1/projects/${ids[1]}/archive`);
      const list = (q: string) =>
        req(t(), s, 'GET', `/api/v1/projects${q}`).then((r) =>
          r.json().items.map((p: { id: string }) => p.id),
        );
      expect(await list('')).toEqual(ids);
      expect(await list('?sort=public_name')).toEqual([ids[2], ids[0], ids[1]]);
      expect(await list('?status=ARCHIVED')).toEqual([ids[1]]);
      expect(await list(`?id_gte=${ids[1]}`)).toEqual(ids.slice(1));
      const page = (await req(t(), s, 'GET', '/api/v1/projects?limit=1')).json();
      expect(page).toMatchObject({ has_more: true, items: [{ id: ids[0] }] });
      expect((await req(t(), s, 'GET', '/api/v1/projects?sort=owner')).statusCode).toBe(400);
    });
  },
  // Project creation is rate-limited too; this file's own limits test lives in rate-limits.e2e-spec.ts.
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
