import { makeProject, makeTasks } from '../../factories/task.factory';
import { TaskReadModel } from '../../../src/tasks/read/task-read-model.service';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// v2 records show each task's dense position among its siblings (`subtask_placement`), counted
// from the sparse order keys once per sibling list, not once per task
// (docs/architecture.md#sibling-order).
describeEachDialect('dense positions of v2 task records', (t) => {
  let account: TestAccount;

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('counts each task of several lists, in any order, in one statement besides the read', async () => {
    const project = await makeProject(t(), account);
    // Roots 0..399, the first with 50 subtasks.
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 400 }, (_, i) => ({
        children: i === 0 ? Array.from({ length: 50 }, () => ({})) : [],
      })),
      { project },
    );
    const roots = [ids[0], ...ids.slice(51)];
    const subtasks = ids.slice(1, 51);
    const wanted = [roots[399], subtasks[7], roots[250], roots[0], subtasks[49], roots[251], subtasks[0]];
    const statements = spyStatements(t());
    try {
      let records: Array<{ id: number; position: number }> = [];
      const sqls = await statements.matching(async () => {
        records = await t().get(TaskReadModel).tasks(account.id, wanted);
      }, ['tasks']);
      expect(sqls).toHaveLength(2);
      const position = (id: number) => (roots.includes(id) ? roots.indexOf(id) : subtasks.indexOf(id));
      expect(records.map((r) => [r.id, r.position])).toEqual(wanted.map((id) => [id, position(id)]));
    } finally {
      statements.restore();
    }
  });

  it('counts the position of one task in the statement that reads it', async () => {
    const project = await makeProject(t(), account);
    // Roots 0..29, the first with 20 subtasks.
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 30 }, (_, i) => ({
        children: i === 0 ? Array.from({ length: 20 }, () => ({})) : [],
      })),
      { project },
    );
    const roots = [ids[0], ...ids.slice(21)];
    const subtasks = ids.slice(1, 21);
    for (const [id, position] of [
      [roots[0], 0],
      [roots[17], 17],
      [roots[29], 29],
      [subtasks[0], 0],
      [subtasks[13], 13],
    ]) {
      const statements = spyStatements(t());
      try {
        let records: Array<{ id: number; position: number }> = [];
        const sqls = await statements.matching(async () => {
          records = await t().get(TaskReadModel).tasks(account.id, [id]);
        }, ['tasks']);
        expect(sqls).toHaveLength(1);
        expect(records.map((r) => [r.id, r.position])).toEqual([[id, position]]);
      } finally {
        statements.restore();
      }
    }
  });
});
