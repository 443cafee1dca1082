import {
  copyAttributes,
  CopyFixture,
  makeCopyFixture,
  makeResource,
  makeWorkflow,
  postCopy,
} from '../../factories/jsonapi.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// What a copy reads of its source in few statements: the files of copied comments with those of
// the tasks, whether each dependency's other end still exists, and the statuses of its tasks with
// the target's setup.
describeEachDialect('POST /api/v2/tasks/copy reads', (t) => {
  let a: TestAccount;
  let f: CopyFixture;

  beforeAll(async () => {
    a = await t().newAccount();
    f = await makeCopyFixture(t(), a);
  });

  const copy = (attributes: Record<string, unknown>) =>
    postCopy(t(), a, 'tasks', copyAttributes(f, attributes));

  it("copies a comment's file with copy_comments and copy_attachments, and only then", async () => {
    const comment = await makeResource(t(), a, 'comments', {
      task_id: f.tasks.grandchild,
      body: '<p>With a file</p>',
    });
    await makeResource(t(), a, 'attachments', {
      task_id: f.tasks.grandchild,
      comment_id: comment,
      name: 'note.txt',
      content_type: 'text/plain',
    });
    const flags = { copy_open_subtasks: true, copy_attachments: true };

    const withComments = await copy({ ...flags, title: 'With comments', copy_comments: true });
    expect(withComments.statusCode).toBe(201);
    const map = withComments.json().meta.copy.task_id_map as Record<string, string>;
    // One file per task of the copy (3), and the comment's.
    expect(withComments.json().meta.copy.counts).toMatchObject({ tasks: 3, attachments: 4 });
    const files = (await t().dataSource.query(
      'SELECT a.name, a.task_id, c.body FROM attachments a JOIN comments c ON c.id = a.comment_id WHERE c.task_id = ?',
      [Number(map[f.tasks.grandchild])],
    )) as Array<{ name: string; task_id: number | null; body: string }>;
    expect(files).toEqual([{ name: 'note.txt', task_id: null, body: '<p>With a file</p>' }]);

    const withoutComments = await copy({ ...flags, title: 'Without comments' });
    expect(withoutComments.statusCode).toBe(201);
    expect(withoutComments.json().meta.copy.counts).toMatchObject({ tasks: 3, attachments: 3, comments: 0 });
  });

  it('reports a dependency whose other end is deleted and copies the others', async () => {
    // Rows marked deleted (as imported data may have them) are not live tasks.
    const gone = await makeResource(t(), a, 'tasks', {
      title: 'Gone',
      project_id: f.projectId,
      task_list_id: f.taskListId,
      workflow_status_id: f.openStatusId,
    });
    const pair = await makeResource(t(), a, 'task_dependencies', {
      task_id: f.tasks.openChild,
      dependent_task_id: gone,
      type_id: 1,
    });
    await t().dataSource.query('UPDATE tasks SET deleted_at = created_at WHERE id = ?', [Number(gone)]);

    const res = await copy({ title: 'Deps', copy_open_subtasks: true, copy_task_dependencies: true });
    expect(res.statusCode).toBe(201);
    const { counts, skipped } = res.json().meta.copy;
    // Inside: open child blocks grandchild; outside: root waits on external. Not the deleted one.
    expect(counts.task_dependencies).toBe(2);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { kind: 'task_dependency', source_id: pair, reason: 'target_deleted', task_id: f.tasks.openChild },
      ]),
    );
  });

  it('gives each subtask the status of its category in the target workflow', async () => {
    const other = await makeWorkflow(t(), a);
    const projectId = await makeResource(t(), a, 'projects', {
      name: 'Other',
      workflow_id: other.workflowId,
    });
    const taskListId = await makeResource(t(), a, 'task_lists', { name: 'Other', project_id: projectId });
    const res = await copy({
      title: 'Statuses',
      project_id: Number(projectId),
      task_list_id: Number(taskListId),
      workflow_status_id: Number(other.openStatusId),
      copy_open_subtasks: true,
      copy_closed_subtasks: true,
    });
    expect(res.statusCode).toBe(201);
    const map = res.json().meta.copy.task_id_map as Record<string, string>;
    const statusOf = async (source: string) => {
      const [row] = (await t().dataSource.query('SELECT workflow_status_id, closed FROM tasks WHERE id = ?', [
        Number(map[source]),
      ])) as Array<{ workflow_status_id: number | string; closed: number | boolean }>;
      return [String(row.workflow_status_id), Boolean(Number(row.closed))];
    };
    expect(await statusOf(f.tasks.openChild)).toEqual([other.openStatusId, false]);
    expect(await statusOf(f.tasks.closedChild)).toEqual([other.closedStatusId, true]);
  });
});
