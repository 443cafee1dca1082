import { makeSeedIdsFixture } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// The two request bodies of the route's source document (seeds/003), byte for byte.
const MINIMAL = `{
  "data": {
    "type": "tasks",
    "attributes": {
      "title": "New empty task from source",
      "template_id": 5560123,
      "project_id": 31002,
      "task_list_id": 7781,
      "workflow_status_id": 101,
      "private": false
    }
  }
}`;

const FULL = `{
  "data": {
    "type": "tasks",
    "attributes": {
      "title": "Onboarding checklist — Acme",
      "template_id": 5560123,
      "project_id": 31002,
      "task_list_id": 7781,
      "workflow_status_id": 101,
      "private": false,
      "copy_assignee": true,
      "copy_date": true,
      "copy_repeat": true,
      "copy_estimate": true,
      "copy_description": true,
      "copy_tags": true,
      "copy_subscribers": true,
      "copy_attachments": true,
      "copy_comments": true,
      "copy_custom_fields": true,
      "copy_open_todos": true,
      "copy_open_subtasks": true,
      "copy_task_dependencies": true
    }
  }
}`;

describeEachDialect('POST /api/v2/tasks/copy with the source document’s bodies', (t) => {
  let a: TestAccount;
  let subtask: string;

  beforeAll(async () => {
    a = await t().newAccount();
    ({ subtask } = await makeSeedIdsFixture(t(), a));
  });

  const post = (payload: string) =>
    t().inject({
      method: 'POST',
      url: '/api/v2/tasks/copy',
      headers: faceHeaders('jsonapi', a, true),
      payload,
    });

  it('minimal copy: the shell only', async () => {
    const res = await post(MINIMAL);
    expect(res.statusCode).toBe(201);
    const { data, meta } = res.json();
    expect(data.attributes).toMatchObject({
      title: 'New empty task from source',
      description: null,
      tag_list: [],
      due_date: null,
    });
    expect(data.relationships).toMatchObject({
      project: { data: { type: 'projects', id: '31002' } },
      task_list: { data: { type: 'task_lists', id: '7781' } },
      workflow_status: { data: { type: 'workflow_statuses', id: '101' } },
      assignee: { data: null },
    });
    expect(meta.copy.counts.tasks).toBe(1);
    expect(meta.copy.source_task_id).toBe('5560123');
  });

  it('full copy: details and open subtasks, closed ones left behind', async () => {
    const res = await post(FULL);
    expect(res.statusCode).toBe(201);
    const { data, meta } = res.json();
    expect(data.attributes).toMatchObject({
      title: 'Onboarding checklist — Acme',
      description: '<p>Welcome</p>',
      tag_list: ['onboarding'],
      due_date: '2030-05-01',
      initial_estimate: 60,
      remaining_time: 60,
      todo_count: 1,
      subtask_count: 1,
    });
    expect(data.relationships.assignee.data).not.toBeNull();
    expect(Object.keys(meta.copy.task_id_map).sort()).toEqual(['5560123', subtask].sort());
    expect(meta.copy.counts).toMatchObject({ tasks: 2, todos: 1, comments: 1 });
  });
});
