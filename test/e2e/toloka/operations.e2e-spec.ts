import { OperationRunner } from '../../../src/operations/operation-runner';
import { makePool } from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

function req(t: TestApp, account: TestAccount, url: string) {
  return t.inject({ method: 'GET', url, headers: { authorization: `OAuth ${account.token}` } });
}

function post(t: TestApp, account: TestAccount, url: string) {
  return t.inject({ method: 'POST', url, headers: { authorization: `OAuth ${account.token}` } });
}

describeEachDialect(
  '/api/v1/operations',
  (t) => {
    let a: TestAccount;
    let ops: Array<{ id: string; type: string; submitted: string }>;
    beforeAll(async () => {
      a = await t().newAccount();
      const pool = await makePool(t(), a);
      ops = [];
      for (const action of ['open', 'close', 'clone', 'archive']) {
        ops.push((await post(t(), a, `/api/v1/pools/${pool.id}/${action}`)).json());
        t().clock.advance(1000);
      }
      // The clone stays PENDING (JOBS_CONCURRENCY=0) until a tick.
      const b = await t().newAccount();
      await post(t(), b, `/api/v1/pools/${(await makePool(t(), b)).id}/open`);
    });

    const list = async (query: string) => {
      const res = await req(t(), a, `/api/v1/operations${query}`);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Array<{ id: string; type: string; status: string }>; has_more: boolean };
    };

    it('GET /operations/:id: 404 for unknown, malformed and foreign ids', async () => {
      const b = await t().newAccount();
      const foreign = (await post(t(), b, `/api/v1/pools/${(await makePool(t(), b)).id}/open`)).json().id;
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', foreign]) {
        for (const url of [`/api/v1/operations/${id}`, `/api/v1/operations/${id}/log`]) {
          const res = await req(t(), a, url);
          expect(res.statusCode).toBe(404);
          expect(res.json().code).toBe('DOES_NOT_EXIST');
        }
      }
      expect((await req(t(), a, `/api/v1/operations/${ops[0].id.toUpperCase()}`)).json().id).toBe(ops[0].id);
    });

    it('lists the caller’s operations in id (string) order with type and status filters', async () => {
      const all = await list('');
      expect(all.items.map((o) => o.id)).toEqual(ops.map((o) => o.id).sort());
      expect(all.has_more).toBe(false);
      expect((await list('?type=POOL.CLONE')).items).toEqual([
        expect.objectContaining({ id: ops[2].id, status: 'PENDING' }),
      ]);
      expect((await list('?status=PENDING')).items.map((o) => o.id)).toEqual([ops[2].id]);
      expect((await list('?type=TRAINING.OPEN')).items).toEqual([]);
      await t().get(OperationRunner).tick();
      expect((await list('?status=PENDING')).items).toEqual([]);
      expect((await list('?status=SUCCESS')).items).toHaveLength(4);
    });

    it('pages with sort=id and id_gt, and filters by submitted and finished ranges', async () => {
      const sorted = ops.map((o) => o.id).sort();
      const first = await list('?sort=id&limit=3');
      expect(first).toEqual({ items: expect.any(Array), has_more: true });
      expect(first.items.map((o) => o.id)).toEqual(sorted.slice(0, 3));
      const rest = await list(`?sort=id&limit=3&id_gt=${sorted[2]}`);
      expect(rest.items.map((o) => o.id)).toEqual(sorted.slice(3));
      expect(rest.has_more).toBe(false);

      expect((await list('?sort=-submitted')).items.map((o) => o.id)).toEqual(ops.map((o) => o.id).reverse());
      expect((await list(`?submitted_gt=${ops[1].submitted}&sort=submitted`)).items.map((o) => o.id)).toEqual(
        ops.slice(2).map((o) => o.id),
      );
      expect((await list(`?finished_lte=${ops[0].submitted}`)).items.map((o) => o.id)).toEqual([ops[0].id]);
      for (const q of ['?limit=501', '?sort=type', '?status=DONE', '?submitted_lt=x']) {
        expect((await req(t(), a, `/api/v1/operations${q}`)).statusCode).toBe(400);
      }
      expect((await req(t(), a, '/api/v1/operations?limit=500')).statusCode).toBe(200);
    });

    it('refuses an id range bound that is not printable ASCII, as operation ids are, with VALIDATION_ERROR', async () => {
      for (const [param, value] of [
        ['id_gt', 'é🙂'],
        ['id_gte', 'é'],
        ['id_lt', '🙂'],
        ['id_lte', '\u0000'],
      ]) {
        const res = await req(t(), a, `/api/v1/operations?${param}=${encodeURIComponent(value)}`);
        expect({ param, status: res.statusCode, body: res.json() }).toEqual({
          param,
          status: 400,
          body: expect.objectContaining({
            code: 'VALIDATION_ERROR',
            payload: { [param]: expect.objectContaining({ code: 'INVALID_VALUE' }) },
          }),
        });
      }
      // ASCII bounds that are no UUID still compare as strings.
      expect((await list('?id_gte=0&id_lt=~')).items).toHaveLength(4);
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
