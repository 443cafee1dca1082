import { TaskIdAllocator } from '../../../src/tasks/store/task-ids';
import { makeResource, makeTaskList, postCopy } from '../../factories/jsonapi.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Where rows lock, a small copy made within its request takes its task ids from the block this
// process reserved ahead, with no statement. A To Do create may claim an id of that block
// meanwhile: the copy then runs once more with ids allocated inside its transaction, and answers
// as if nothing happened; the claimed task stays as it was.
describeEachDialect(
  'POST /api/v2/tasks/copy and the ids reserved ahead',
  (t) => {
    let a: TestAccount;
    let attributes: Record<string, unknown>;

    beforeAll(async () => {
      a = await t().newAccount();
      const list = await makeTaskList(t(), a);
      const base = {
        project_id: list.projectId,
        task_list_id: list.taskListId,
        workflow_status_id: list.openStatusId,
      };
      const root = await makeResource(t(), a, 'tasks', { ...base, title: 'root' });
      await makeResource(t(), a, 'tasks', { ...base, title: 'child', parent_task_id: root });
      attributes = { ...base, title: 'Copy', template_id: root, private: false, copy_open_subtasks: true };
    });

    const copy = async () => {
      const res = await postCopy(t(), a, 'tasks', attributes);
      expect(res.statusCode).toBe(201);
      return Object.values(res.json().meta.copy.task_id_map as Record<string, string>).map(Number);
    };
    const block = () =>
      (t().get(TaskIdAllocator) as unknown as { block: { next: number; end: number } }).block;

    it('copies once more with ids of its own when a create claimed one of the block', async () => {
      await copy();
      // The first copy found the block empty and had it filled, without waiting for it.
      for (let i = 0; i < 100 && t().dialect === 'mysql' && block().end - block().next < 10; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const first = block().next;
      if (t().dialect === 'mysql') expect(block().end - first).toBeGreaterThanOrEqual(10);
      const [target] = await copy();
      if (t().dialect === 'mysql') expect(target).toBe(first); // from the block
      // The id the next copy would take first from the block (on SQLite, any free id).
      const next = t().dialect === 'mysql' ? block().next : target + 1000;
      const created = await t().inject({
        method: 'POST',
        url: '/todo/tasks',
        headers: { 'remote-token': a.token, 'content-type': 'application/json' },
        payload: JSON.stringify({ id: next, targetId: target, task: { text: 'claimed' } }),
      });
      expect(created.statusCode).toBe(200);
      const ids = await copy();
      expect(ids).toHaveLength(2);
      expect(ids).not.toContain(next);
      const [row] = (await t().dataSource.query('SELECT title FROM tasks WHERE id = ?', [next])) as Array<{
        title: string;
      }>;
      expect(row.title).toBe('claimed');
    });
  },
  { JOBS_CONCURRENCY: '0' },
);
