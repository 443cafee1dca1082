import { OperationRunner } from '../../../src/operations/operation-runner';
import { copyAttributes, CopyFixture, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { makeTasks, storedTasks, treeProblems } from '../../factories/task.factory';
import { faceHeaders } from '../../support/face-requests';
import { RowGate } from '../../support/row-gate';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// A v2 copy on the job service reserves its task ids outside its transaction (TaskIdAllocator,
// CopyIds), so that while it runs no other creation of any account waits for the id counter; a
// requested id claimed inside its range sends it round once more with ids allocated inside.
// The copy is held open at a known point by a gate, a trigger that waits for a row lock this test
// holds: on the operation's progress (written beside the copy's transaction, which writes its
// outcome only once every value is stored), or on the project a project copy inserts right after
// it reserved its ids. Nothing here depends on timing.
/** A project copy of this name waits at the gate before it writes its project (copy_gate_project). */
const GATED_PROJECT = 'Copied project, gated';

describeEachDialect(
  'v2 copies on the job service and the shared task id counter',
  (t) => {
    let a: TestAccount;
    let b: TestAccount;
    let f: CopyFixture;
    const gate = new RowGate(() => t().dataSource, 'copy_gate');

    // MySQL/MariaDB only: SQLite has one writer, and no copy reserves ids there.
    const skip = () => t().dialect !== 'mysql';
    const sql = (query: string, params: unknown[] = []) => t().dataSource.query(query, params);

    beforeAll(async () => {
      if (skip()) return;
      a = await t().newAccount();
      b = await t().newAccount();
      f = await makeCopyFixture(t(), a);
      await gate.create();
      // A progress write above the gate's threshold waits at the gate.
      await sql(
        `CREATE TRIGGER copy_gate_wait AFTER UPDATE ON operations FOR EACH ROW
         IF NEW.progress > ${gate.threshold} THEN
           ${gate.wait};
         END IF`,
      );
      await sql(
        `CREATE TRIGGER copy_gate_project BEFORE INSERT ON projects FOR EACH ROW
         IF NEW.name = '${GATED_PROJECT}' THEN
           ${gate.wait};
         END IF`,
      );
    });

    afterEach(() => gate.reset());

    /** Closes the gate for progress writes above `above` percent (and a gated project's insert). */
    const closeGate = (above: number) => gate.close(above);
    const reachedGate = () => gate.reached('the copy never reached the gate');
    const openGate = async () => {
      await gate.open();
      await t().get(OperationRunner).tick();
    };
    const todo = (account: TestAccount, url: string, body: unknown) =>
      t().inject({
        method: 'POST',
        url: `/todo${url}`,
        headers: { 'remote-token': account.token, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const operation = async (id: string) =>
      (
        await t().inject({
          method: 'GET',
          url: `/api/v2/operations/${id}`,
          headers: faceHeaders('jsonapi', a),
        })
      ).json().data;

    it('lets other accounts create tasks while a copy that has its ids is still open', async () => {
      if (skip()) return;
      const [target] = await makeTasks(t(), b, [{}]);
      // Past 5%: the copy's tasks are written, with their ids, and its transaction is open.
      await closeGate(5);
      const res = await postCopy(t(), a, 'tasks', copyAttributes(f, { copy_open_subtasks: true }), {
        query: '?async=true',
      });
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id as string;
      await reachedGate();

      const bound = t().config.DATABASE_QUERY_TIMEOUT_MS;
      const started = Date.now();
      const created = await todo(b, '/tasks', { targetId: target, task: { text: 'meanwhile' } });
      const cloned = await todo(b, '/clone', {
        targetId: target,
        batch: [
          { id: 'x', parent: null },
          { id: 'y', parent: 'x' },
        ],
      });
      const took = Date.now() - started;
      expect([created.statusCode, cloned.statusCode]).toEqual([200, 200]);
      expect(took).toBeLessThan(bound / 2);
      // The copy was still open all along.
      expect((await operation(id)).attributes.status).toBe('RUNNING');

      await openGate();
      const done = await operation(id);
      expect(done.attributes.status).toBe('SUCCESS');
      const copied = Object.values(done.meta.copy.task_id_map as Record<string, string>).map(Number);
      expect(copied).toHaveLength(3);
      const mine = new Set((await storedTasks(t(), a.id)).map((task) => task.id));
      expect(copied.filter((task) => !mine.has(task))).toEqual([]);
      expect(await treeProblems(t(), a.id)).toEqual([]);
      expect(await treeProblems(t(), b.id)).toEqual([]);
    });

    it('copies correctly when a requested id lies in the range it reserved', async () => {
      if (skip()) return;
      const [target] = await makeTasks(t(), b, [{}]);
      // A project's copy inserts its project after it reserved its ids and before it writes a
      // task (no progress value is ever above 100: only the project's insert waits).
      await closeGate(100);
      const res = await postCopy(t(), a, 'projects', {
        name: GATED_PROJECT,
        template_id: Number(f.projectId),
        copy_open_tasks: true,
        copy_closed_tasks: true,
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
      });
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id as string;
      await reachedGate();
      // The range is the counter's last ids: one per task of the source project.
      const [{ next_id: next }] = (await sql(
        "SELECT next_id FROM id_allocators WHERE name = 'tasks'",
      )) as Array<{
        next_id: number | string;
      }>;
      const claimed = Number(next) - 1;
      const created = await todo(b, '/tasks', { id: claimed, targetId: target, task: { text: 'undo' } });
      expect(created.statusCode).toBe(200);
      expect(created.json()).toMatchObject({ id: claimed });

      await openGate();
      const done = await operation(id);
      expect(done.attributes.status).toBe('SUCCESS');
      const copied = Object.values(done.meta.copy.task_id_map as Record<string, string>).map(Number);
      expect(copied).toHaveLength(5);
      expect(copied).not.toContain(claimed);
      const mine = new Set((await storedTasks(t(), a.id)).map((task) => task.id));
      expect(copied.filter((task) => !mine.has(task))).toEqual([]);
      expect((await storedTasks(t(), b.id)).map((task) => task.id)).toContain(claimed);
      expect(await treeProblems(t(), a.id)).toEqual([]);
      expect(await treeProblems(t(), b.id)).toEqual([]);
    });
  },
  { JOBS_POLL_MS: '0' },
);
