import * as accounts from '../../../src/accounts/accounts.service';
import { copyAttributes, CopyFixture, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// A synchronous copy reads and checks its source and target once, in the transaction that writes
// it; the request's token is hashed once, for authentication, request limits and its
// Idempotency-Key alike.
describeEachDialect(
  'POST /api/v2/tasks/copy does each thing once',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
    });

    const copy = (headers: Record<string, string> = {}) =>
      postCopy(t(), a, 'tasks', copyAttributes(f, { copy_open_subtasks: true }), { headers });

    it('reads the source tree and the target project once', async () => {
      const statements = spyStatements(t());
      try {
        let status = 0;
        const sqls = await statements.matching(async () => {
          status = (await copy()).statusCode;
        }, ['tasks', 'projects', 'task_lists']);
        expect(status).toBe(201);
        expect(sqls.filter((sql) => sql.includes('WITH RECURSIVE subtree'))).toHaveLength(1);
        expect(sqls.filter((sql) => /FROM task_lists WHERE id = \?/.test(sql))).toHaveLength(1);
      } finally {
        statements.restore();
      }
    });

    it('hashes the token once, with a request limit and an Idempotency-Key', async () => {
      const hash = jest.spyOn(accounts, 'hashToken');
      try {
        const res = await copy({ 'idempotency-key': `once-${Date.now()}` });
        expect(res.statusCode).toBe(201);
        expect(hash).toHaveBeenCalledTimes(1);
      } finally {
        hash.mockRestore();
      }
    });
  },
  { JSONAPI_RATE_LIMIT_PER_10S: '1000' },
);
