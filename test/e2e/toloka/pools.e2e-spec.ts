import { countPools, fullPoolBody, makeCrowdProject, makePool, poolBody } from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

function auth(account: TestAccount) {
  return { authorization: `OAuth ${account.token}` };
}

function req(t: TestApp, account: TestAccount, method: string, url: string, payload?: unknown) {
  return t.inject({
    method: method as 'GET',
    url,
    headers: auth(account),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describeEachDialect(
  '/api/v1/pools',
  (t) => {
    let a: TestAccount;
    let projectId: string;
    beforeAll(async () => {
      a = await t().newAccount();
      projectId = await makeCrowdProject(t(), a);
    });

    describe('POST and GET', () => {
      it('round-trips every writable field and nested config exactly', async () => {
        const body = fullPoolBody(projectId);
        const res = await req(t(), a, 'POST', '/api/v1/pools', body);
        expect(res.statusCode).toBe(201);
        const pool = res.json();
        expect(pool).toEqual({
          ...body,
          id: expect.stringMatching(/^\d+$/),
          owner: { id: String(a.id), myself: true },
          type: 'REGULAR',
          status: 'CLOSED',
          created: expect.stringMatching(DATE),
        });
        expect(typeof pool.reward_per_assignment).toBe('number');
        const got = await req(t(), a, 'GET', `/api/v1/pools/${pool.id}`);
        expect(got.statusCode).toBe(200);
        expect(got.json()).toEqual(pool);
      });

      it('returns the defaults, omits unset fields, ignores read-only and unknown keys, normalizes dates', async () => {
        const res = await req(t(), a, 'POST', '/api/v1/pools', {
          ...poolBody(projectId, { will_expire: '2030-05-06T07:08:09.123456+02:00' }),
          id: '999',
          status: 'OPEN',
          owner: { id: 'x', myself: false },
          created: '2000-01-01T00:00:00',
          last_started: '2000-01-01T00:00:00',
          type: 'TRAINING',
          no_such_field: 1,
          filter: null,
        });
        expect(res.statusCode).toBe(201);
        const pool = res.json();
        expect(pool).toMatchObject({
          status: 'CLOSED',
          type: 'REGULAR',
          may_contain_adult_content: false,
          auto_accept_solutions: true,
          auto_close_after_complete_delay_seconds: 0,
          priority: 0,
          will_expire: '2030-05-06T05:08:09.123',
        });
        expect(pool.id).not.toBe('999');
        for (const key of [
          'no_such_field',
          'filter',
          'last_started',
          'last_stopped',
          'last_close_reason',
          'quality_control',
        ]) {
          expect(pool).not.toHaveProperty(key);
        }
        expect(JSON.stringify(pool)).not.toContain('null');
      });

      it('refuses invalid bodies with VALIDATION_ERROR keyed by dotted paths', async () => {
        const res = await req(t(), a, 'POST', '/api/v1/pools', {
          project_id: projectId,
          private_name: '',
          will_expire: 'tomorrow',
          reward_per_assignment: 0.001,
          assignment_max_duration_seconds: 1,
          defaults: { default_overlap_for_new_task_suites: 0 },
          priority: 101,
          metadata: { a: 'not-an-array' },
          filter: [],
        });
        expect(res.statusCode).toBe(400);
        const body = res.json();
        expect(body).toMatchObject({ code: 'VALIDATION_ERROR', request_id: expect.any(String) });
        expect(body.payload).toMatchObject({
          private_name: { code: 'BLANK_STRING_NOT_ALLOWED' },
          will_expire: { code: 'INVALID_DATE_TIME_SYNTAX' },
          reward_per_assignment: { code: 'VALUE_LESS_THAN_MIN', params: [0.005] },
          assignment_max_duration_seconds: { code: 'VALUE_LESS_THAN_MIN', params: [5] },
          'defaults.default_overlap_for_new_task_suites': { code: 'VALUE_LESS_THAN_MIN', params: [1] },
          priority: { code: 'VALUE_GREATER_THAN_MAX', params: [100] },
          metadata: { code: 'OBJECT_EXPECTED' },
          filter: { code: 'OBJECT_EXPECTED' },
        });

        // A body that is not one object.
        for (const body of [[], [poolBody(projectId)], 'pool', 42]) {
          const notObject = await t().inject({
            method: 'POST',
            url: '/api/v1/pools',
            headers: { ...auth(a), 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          expect(notObject.statusCode).toBe(400);
          expect(notObject.json()).toMatchObject({
            code: 'VALIDATION_ERROR',
            payload: { body: { code: 'OBJECT_EXPECTED' } },
          });
          expect(Object.keys(notObject.json().payload)).toEqual(['body']);
        }

        // A blank name, and values of the wrong type in bounded fields: the type is what is reported.
        const typed = await req(t(), a, 'POST', '/api/v1/pools', {
          ...poolBody(projectId),
          private_name: '   ',
          priority: 'abc',
          assignment_max_duration_seconds: true,
          defaults: { default_overlap_for_new_task_suites: '5' },
        });
        expect(typed.statusCode).toBe(400);
        expect(typed.json().payload).toMatchObject({
          private_name: { code: 'BLANK_STRING_NOT_ALLOWED' },
          priority: { code: 'INTEGER_EXPECTED' },
          assignment_max_duration_seconds: { code: 'INTEGER_EXPECTED' },
          'defaults.default_overlap_for_new_task_suites': { code: 'INTEGER_EXPECTED' },
        });

        for (const will_expire of ['9999-12-31T23:59:59-23:59', '2030-01-01T00:00:00+24:00', '2030-02-30']) {
          const date = await req(t(), a, 'POST', '/api/v1/pools', poolBody(projectId, { will_expire }));
          expect(date.statusCode).toBe(400);
          expect(date.json().payload).toMatchObject({ will_expire: { code: 'INVALID_DATE_TIME_SYNTAX' } });
        }

        const missing = await req(t(), a, 'POST', '/api/v1/pools', { project_id: projectId });
        expect(missing.json().payload).toMatchObject({
          private_name: { code: 'VALUE_REQUIRED' },
          will_expire: { code: 'VALUE_REQUIRED' },
          reward_per_assignment: { code: 'VALUE_REQUIRED' },
          assignment_max_duration_seconds: { code: 'VALUE_REQUIRED' },
          defaults: { code: 'VALUE_REQUIRED' },
        });

        const malformed = await t().inject({
          method: 'POST',
          url: '/api/v1/pools',
          headers: { ...auth(a), 'content-type': 'application/json' },
          payload: '{"project_id":',
        });
        expect(malformed.statusCode).toBe(400);
        expect(malformed.json()).toMatchObject({
          code: 'VALIDATION_ERROR',
          payload: { body: { code: 'JSON_EXPECTED' } },
        });
      });

      it('refuses a missing (ENTITY_DOES_NOT_EXIST) or foreign (ENTITY_ACCESS_DENIED) project_id with 400, an archived one with 409', async () => {
        const b = await t().newAccount();
        const foreign = await makeCrowdProject(t(), b);
        const before = await countPools(t(), a);
        for (const [id, code] of [
          ['987654321', 'ENTITY_DOES_NOT_EXIST'],
          ['not-a-number', 'ENTITY_DOES_NOT_EXIST'],
          [foreign, 'ENTITY_ACCESS_DENIED'],
        ]) {
          const res = await req(t(), a, 'POST', '/api/v1/pools', poolBody(id));
          expect(res.statusCode).toBe(400);
          expect(res.json().payload).toEqual({ project_id: { code, message: expect.any(String) } });
        }
        expect(await countPools(t(), a)).toBe(before);
        const archived = await makeCrowdProject(t(), a, { status: 'ARCHIVED' });
        const res = await req(t(), a, 'POST', '/api/v1/pools', poolBody(archived));
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({
          code: 'PROJECT_INAPPROPRIATE_STATUS',
          payload: { appropriate_statuses: ['ACTIVE'] },
        });
      });

      it('answers 404 DOES_NOT_EXIST for unknown, malformed and foreign pool ids', async () => {
        const b = await t().newAccount();
        const foreign = await makePool(t(), b);
        for (const id of ['123456789', 'abc', foreign.id]) {
          const res = await req(t(), a, 'GET', `/api/v1/pools/${id}`);
          expect(res.statusCode).toBe(404);
          expect(res.json()).toMatchObject({ code: 'DOES_NOT_EXIST' });
        }
      });

      it('accepts storage_key and an empty JSON body on actions', async () => {
        const res = await t().inject({
          method: 'POST',
          url: '/api/v1/pools?storage_key=abc',
          headers: auth(a),
          payload: poolBody(projectId),
        });
        expect(res.statusCode).toBe(201);
        const open = await t().inject({
          method: 'POST',
          url: `/api/v1/pools/${res.json().id}/open`,
          headers: { ...auth(a), 'content-type': 'application/json' },
          payload: '',
        });
        expect(open.statusCode).toBe(202);
      });
    });

    describe('PUT and PATCH', () => {
      it('PUT replaces every writable field of a CLOSED pool; absent optional fields become unset', async () => {
        const created = (await req(t(), a, 'POST', '/api/v1/pools', fullPoolBody(projectId))).json();
        const res = await req(t(), a, 'PUT', `/api/v1/pools/${created.id}`, {
          ...created,
          ...poolBody(projectId, { private_name: 'Renamed' }),
          filter: undefined,
          quality_control: undefined,
          mixer_config: undefined,
          metadata: undefined,
          private_comment: undefined,
        });
        expect(res.statusCode).toBe(200);
        const pool = res.json();
        expect(pool.private_name).toBe('Renamed');
        expect(pool).not.toHaveProperty('mixer_config');
        expect(pool.id).toBe(created.id);
        expect(pool.created).toBe(created.created);
        expect((await req(t(), a, 'GET', `/api/v1/pools/${created.id}`)).json()).toEqual(pool);
      });

      it('PUT refuses another project_id (400 VALUE_NOT_ALLOWED) and a pool that is not CLOSED (409)', async () => {
        const pool = await makePool(t(), a, { projectId });
        const other = await makeCrowdProject(t(), a);
        const moved = await req(t(), a, 'PUT', `/api/v1/pools/${pool.id}`, poolBody(other));
        expect(moved.statusCode).toBe(400);
        expect(moved.json().payload).toMatchObject({ project_id: { code: 'VALUE_NOT_ALLOWED' } });
        for (const status of ['OPEN', 'ARCHIVED', 'LOCKED'] as const) {
          const p = await makePool(t(), a, { projectId, status });
          const res = await req(t(), a, 'PUT', `/api/v1/pools/${p.id}`, poolBody(projectId));
          expect(res.statusCode).toBe(409);
          expect(res.json()).toMatchObject({
            code: 'INAPPROPRIATE_STATUS',
            payload: { appropriate_statuses: ['CLOSED'] },
          });
        }
      });

      it('PATCH changes only priority, in OPEN and CLOSED; 409 when ARCHIVED; 400 out of 0–100', async () => {
        for (const status of ['OPEN', 'CLOSED'] as const) {
          const p = await makePool(t(), a, { projectId, status });
          const res = await req(t(), a, 'PATCH', `/api/v1/pools/${p.id}`, {
            priority: 77,
            private_name: 'ignored',
          });
          expect(res.statusCode).toBe(200);
          expect(res.json()).toMatchObject({ priority: 77, private_name: 'Batch 1', status });
        }
        const archived = await makePool(t(), a, { projectId, status: 'ARCHIVED' });
        const res = await req(t(), a, 'PATCH', `/api/v1/pools/${archived.id}`, { priority: 1 });
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({ code: 'INAPPROPRIATE_STATUS' });
        const bad = await req(t(), a, 'PATCH', `/api/v1/pools/${archived.id}`, { priority: -1 });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().payload).toMatchObject({ priority: { code: 'VALUE_LESS_THAN_MIN', params: [0] } });
        const open = await makePool(t(), a, { projectId, status: 'OPEN' });
        const unset = await req(t(), a, 'PATCH', `/api/v1/pools/${open.id}`, { priority: null });
        expect(unset.statusCode).toBe(400);
        expect(unset.json().payload).toMatchObject({ priority: { code: 'VALUE_REQUIRED' } });
        expect((await req(t(), a, 'GET', `/api/v1/pools/${open.id}`)).json().priority).toBe(0);
      });
    });

    describe('actions', () => {
      async function act(id: string, action: string) {
        return req(t(), a, 'POST', `/api/v1/pools/${id}/${action}`);
      }

      it('walks the status machine with 202 operations, 204 empty bodies and 409s', async () => {
        const { id } = await makePool(t(), a, { projectId });

        const open = await act(id, 'open');
        expect(open.statusCode).toBe(202);
        const op = open.json();
        expect(op).toEqual({
          id: expect.any(String),
          type: 'POOL.OPEN',
          status: 'SUCCESS',
          submitted: expect.stringMatching(DATE),
          started: op.submitted,
          finished: op.submitted,
          progress: 100,
          parameters: { pool_id: id },
        });
        const opened = (await req(t(), a, 'GET', `/api/v1/pools/${id}`)).json();
        expect(opened).toMatchObject({ status: 'OPEN', last_started: expect.stringMatching(DATE) });

        const again = await act(id, 'open');
        expect(again.statusCode).toBe(204);
        expect(again.body).toBe('');

        const archiveOpen = await act(id, 'archive');
        expect(archiveOpen.statusCode).toBe(409);
        expect(archiveOpen.json()).toMatchObject({
          code: 'INAPPROPRIATE_STATUS',
          payload: { appropriate_statuses: ['CLOSED'] },
        });

        const closeForUpdate = await act(id, 'close-for-update');
        expect(closeForUpdate.statusCode).toBe(202);
        expect(closeForUpdate.json()).toMatchObject({ type: 'POOL.CLOSE', status: 'SUCCESS' });
        expect((await req(t(), a, 'GET', `/api/v1/pools/${id}`)).json()).toMatchObject({
          status: 'CLOSED',
          last_close_reason: 'FOR_UPDATE',
          last_stopped: expect.stringMatching(DATE),
        });
        expect((await act(id, 'close')).statusCode).toBe(204);
        expect((await act(id, 'close-for-update')).statusCode).toBe(204);

        await act(id, 'open');
        const close = await act(id, 'close');
        expect(close.statusCode).toBe(202);
        expect(close.json()).toMatchObject({ type: 'POOL.CLOSE', parameters: { pool_id: id } });
        expect((await req(t(), a, 'GET', `/api/v1/pools/${id}`)).json()).toMatchObject({
          last_close_reason: 'MANUAL',
        });

        const archive = await act(id, 'archive');
        expect(archive.statusCode).toBe(202);
        expect(archive.json()).toMatchObject({ type: 'POOL.ARCHIVE', status: 'SUCCESS' });
        const archivedAgain = await act(id, 'archive');
        expect(archivedAgain.statusCode).toBe(204);
        expect(archivedAgain.body).toBe('');
        for (const action of ['open', 'close', 'close-for-update']) {
          const res = await act(id, action);
          expect(res.statusCode).toBe(409);
          expect(res.json().code).toBe('INAPPROPRIATE_STATUS');
        }
      });

      it('refuses every action on a LOCKED pool and any action on a foreign pool', async () => {
        const locked = await makePool(t(), a, { projectId, status: 'LOCKED' });
        for (const action of ['open', 'close', 'close-for-update', 'archive', 'clone']) {
          expect((await act(locked.id, action)).statusCode).toBe(409);
        }
        const b = await t().newAccount();
        const foreign = await makePool(t(), b);
        for (const action of ['open', 'close', 'close-for-update', 'archive', 'clone']) {
          const res = await act(foreign.id, action);
          expect(res.statusCode).toBe(404);
          expect(res.json().code).toBe('DOES_NOT_EXIST');
        }
      });
    });

    describe('GET search', () => {
      let s: TestAccount;
      let p1: string;
      let p2: string;
      let ids: string[];
      beforeAll(async () => {
        s = await t().newAccount();
        p1 = await makeCrowdProject(t(), s);
        p2 = await makeCrowdProject(t(), s);
        ids = [];
        for (const [project, status] of [
          [p1, 'CLOSED'],
          [p1, 'OPEN'],
          [p2, 'ARCHIVED'],
          [p1, 'CLOSED'],
          [p2, 'OPEN'],
        ] as const) {
          ids.push((await makePool(t(), s, { projectId: project, status })).id);
          t().clock.advance(1000);
        }
        await makePool(t(), a, { projectId });
      });

      const search = (query: string) => req(t(), s, 'GET', `/api/v1/pools${query}`);

      it('lists the caller’s pools only, by id, all statuses included', async () => {
        const res = await search('');
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ items: expect.any(Array), has_more: false });
        expect(res.json().items.map((p: { id: string }) => p.id)).toEqual(ids);
      });

      it('filters by status, project_id, id and created ranges; sorts; pages with limit and id_gt', async () => {
        const ids_ = (r: { json(): { items: Array<{ id: string }> } }) => r.json().items.map((p) => p.id);
        expect(ids_(await search('?status=OPEN'))).toEqual([ids[1], ids[4]]);
        expect(ids_(await search(`?project_id=${p2}`))).toEqual([ids[2], ids[4]]);
        expect(ids_(await search(`?id_gt=${ids[1]}&id_lte=${ids[3]}`))).toEqual([ids[2], ids[3]]);
        expect(ids_(await search('?sort=-id'))).toEqual([...ids].reverse());
        expect(ids_(await search('?sort=-created,id'))).toEqual([...ids].reverse());
        const created = (await req(t(), s, 'GET', `/api/v1/pools/${ids[2]}`)).json().created;
        expect(ids_(await search(`?created_gte=${created}`))).toEqual(ids.slice(2));
        expect(ids_(await search(`?created_lt=${created}Z`))).toEqual(ids.slice(0, 2));

        const first = await search('?sort=id&limit=2');
        expect(first.json().has_more).toBe(true);
        expect(ids_(first)).toEqual(ids.slice(0, 2));
        const next = await search(`?sort=id&limit=2&id_gt=${ids[1]}`);
        expect(ids_(next)).toEqual(ids.slice(2, 4));
        const last = await search(`?sort=id&limit=2&id_gt=${ids[3]}`);
        expect(last.json()).toMatchObject({ has_more: false });
        expect(ids_(last)).toEqual([ids[4]]);
        expect((await search(`?project_id=abc`)).json()).toEqual({ items: [], has_more: false });
      });

      it('filters by last_started after open', async () => {
        const before = (await req(t(), s, 'GET', `/api/v1/pools/${ids[0]}`)).json().created;
        await req(t(), s, 'POST', `/api/v1/pools/${ids[0]}/open`);
        const res = await search(`?last_started_gt=${before}&sort=last_started`);
        expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
      });

      it('refuses bad limit, sort, status and dates with 400', async () => {
        for (const [query, key] of [
          ['?limit=0', 'limit'],
          ['?limit=301', 'limit'],
          ['?limit=x', 'limit'],
          ['?sort=name', 'sort'],
          ['?status=DONE', 'status'],
          ['?created_gt=yesterday', 'created_gt'],
          ['?id_gt=abc', 'id_gt'],
        ]) {
          const res = await search(query);
          expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
          expect(res.json()).toMatchObject({
            code: 'VALIDATION_ERROR',
            payload: { [key]: expect.any(Object) },
          });
        }
        expect((await search('?limit=300')).statusCode).toBe(200);
      });
    });

    describe('X-Act-Under-Account-ID', () => {
      it('ignores the caller’s own id and refuses any other with 403 ACCESS_DENIED', async () => {
        const own = await t().inject({
          method: 'GET',
          url: '/api/v1/pools',
          headers: { ...auth(a), 'x-act-under-account-id': String(a.id) },
        });
        expect(own.statusCode).toBe(200);
        const b = await t().newAccount();
        const other = await t().inject({
          method: 'GET',
          url: '/api/v1/pools',
          headers: { ...auth(a), 'x-act-under-account-id': String(b.id) },
        });
        expect(other.statusCode).toBe(403);
        expect(other.json()).toMatchObject({ code: 'ACCESS_DENIED' });
      });
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
