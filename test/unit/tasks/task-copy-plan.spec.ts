import {
  CopyFlags,
  CopySource,
  CopyTarget,
  planCopy,
  selectCopiedSet,
  SourceTask,
} from '../../../src/tasks/copy/task-copy-plan';
import { TaskDependency, Todo } from '../../../src/tasks/details/task-details.entities';
import { everyCopyFlag } from '../../factories/jsonapi.factory';

const NOW = new Date('2030-01-02T03:04:05.000Z');

function flags(on: Partial<CopyFlags> = {}): CopyFlags {
  return { ...everyCopyFlag(false), copy_as_task_template: false, ...on };
}

function task(id: number, parentId: number | null, extra: Partial<SourceTask> = {}): SourceTask {
  return {
    id,
    projectId: 1,
    parentId,
    position: 0,
    title: `T${id}`,
    closed: false,
    closedAt: null,
    dueAt: null,
    createdAt: NOW,
    updatedAt: NOW,
    description: `<p>${id}</p>`,
    private: false,
    startDate: null,
    dueTime: null,
    taskListId: 1,
    workflowStatusId: 10,
    placement: 0,
    initialEstimate: null,
    remainingTime: null,
    repeatScheduleId: null,
    repeatOnInterval: null,
    repeatOnMonthday: null,
    repeatOnWeekday: null,
    repeatOnDate: null,
    repeatOriginId: null,
    tagList: [],
    customFields: null,
    taskNumber: null,
    typeId: null,
    creatorId: null,
    templateId: null,
    deletedAt: null,
    assigneeId: null,
    assigned: [],
    ...extra,
  };
}

function dependencyPair(id: number, a: number, b: number, typeId: number): TaskDependency[] {
  const reverseType = typeId === 1 ? 2 : typeId === 2 ? 1 : 3;
  const row = (rid: number, t: number, d: number, ty: number, rev: number) =>
    Object.assign(new TaskDependency(), {
      id: rid,
      accountId: 1,
      taskId: t,
      dependentTaskId: d,
      typeId: ty,
      reverseId: rev,
      createdAt: NOW,
    });
  return [row(id, a, b, typeId, id + 1), row(id + 1, b, a, reverseType, id)];
}

function source(tasks: SourceTask[], extra: Partial<CopySource> = {}): CopySource {
  const children = new Map<number, number[]>();
  for (const t of tasks)
    if (t.parentId !== null) children.set(t.parentId, [...(children.get(t.parentId) ?? []), t.id]);
  const records = new Map(tasks.map((t) => [t.id, t]));
  return {
    rootId: tasks[0].id,
    tasks: records,
    records,
    children,
    statuses: new Map([
      [10, { workflowId: 1, categoryId: 1 }],
      [12, { workflowId: 1, categoryId: 3 }],
    ]),
    todos: [],
    comments: [],
    attachments: [],
    subscribers: new Map(),
    dependencies: [],
    ...extra,
  };
}

const target: CopyTarget = {
  projectId: 2,
  taskListId: 3,
  workflowStatusId: 20,
  workflowId: 2,
  workflowStatuses: [
    { id: 20, categoryId: 1, position: 1 },
    { id: 21, categoryId: 2, position: 1 },
    { id: 23, categoryId: 3, position: 2 },
    { id: 22, categoryId: 3, position: 1 },
  ],
  parentTaskId: null,
  members: new Set([7]),
  activePeople: new Set([7, 8]),
  customFields: new Map([['117', { dataTypeId: 3 }]]),
};

const request = (on: Partial<CopyFlags> = {}) => ({
  title: 'Copy',
  private: false,
  templateDescription: null,
  flags: flags(on),
  now: NOW,
});

describe('planCopy', () => {
  it('copies only the shell by default', () => {
    const plan = planCopy(source([task(1, null), task(2, 1)]), target, request());
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]).toMatchObject({
      sourceId: 1,
      title: 'Copy',
      description: null,
      assigned: [],
      workflowStatusId: 20,
      closed: false,
    });
  });

  it('selects open and closed subtasks independently, pruning excluded subtrees', () => {
    const tree = [
      task(1, null),
      task(2, 1),
      task(3, 2),
      task(4, 1, { closed: true, workflowStatusId: 12 }),
      task(5, 4),
    ];
    expect(
      planCopy(source(tree), target, request({ copy_open_subtasks: true })).tasks.map((t) => t.sourceId),
    ).toEqual([1, 2, 3]);
    expect(
      planCopy(source(tree), target, request({ copy_closed_subtasks: true })).tasks.map((t) => t.sourceId),
    ).toEqual([1, 4]);
    const both = planCopy(
      source(tree),
      target,
      request({ copy_open_subtasks: true, copy_closed_subtasks: true }),
    );
    expect(both.tasks.map((t) => [t.sourceId, t.parentSourceId])).toEqual([
      [1, null],
      [2, 1],
      [3, 2],
      [4, 1],
      [5, 4],
    ]);
  });

  it('maps subtask statuses by category into the target workflow, keeping closed ones closed', () => {
    const tree = [task(1, null), task(2, 1, { closed: true, workflowStatusId: 12 })];
    const plan = planCopy(source(tree), target, request({ copy_closed_subtasks: true }));
    expect(plan.tasks[1]).toMatchObject({ workflowStatusId: 22, closed: true, closedAt: NOW });
  });

  it('drops assignees and subscribers who are not members, and reports them', () => {
    const tree = [task(1, null, { assigned: [7, 8] })];
    const plan = planCopy(
      source(tree, { subscribers: new Map([[1, [7, 8]]]) }),
      target,
      request({ copy_assignee: true, copy_subscribers: true }),
    );
    expect(plan.tasks[0].assigned).toEqual([7]);
    expect(plan.subscribers).toEqual([{ sourceTaskId: 1, personId: 7 }]);
    expect(plan.skipped).toEqual([
      { kind: 'assignee', source_id: '8', reason: 'not_project_member', task_id: '1' },
      { kind: 'subscriber', source_id: '8', reason: 'not_project_member', task_id: '1' },
    ]);
  });

  it('copies open and closed todos by their flags; closed ones stay closed as of the copy', () => {
    const todo = (id: number, closedAt: Date | null) =>
      Object.assign(new Todo(), {
        id,
        accountId: 1,
        taskId: 1,
        description: `d${id}`,
        position: id,
        closedAt,
        dueDate: '2030-02-01',
        dueTime: null,
        assigneeId: 7,
        createdAt: NOW,
      });
    const src = source([task(1, null)], { todos: [todo(1, null), todo(2, new Date('2020-01-01'))] });
    expect(planCopy(src, target, request({ copy_open_todos: true })).todos.map((t) => t.description)).toEqual(
      ['d1'],
    );
    const closed = planCopy(src, target, request({ copy_closed_todos: true })).todos;
    expect(closed).toEqual([
      {
        sourceTaskId: 1,
        description: 'd2',
        position: 2,
        closedAt: NOW,
        dueDate: null,
        dueTime: null,
        assigneeId: null,
      },
    ]);
  });

  it('follows the documented dependency example', () => {
    // A(1) has open B(2), C(3) and closed D(4); B blocks C; A waits on X(99, elsewhere); D blocks B.
    const tree = [task(1, null), task(2, 1), task(3, 1), task(4, 1, { closed: true, workflowStatusId: 12 })];
    const dependencies = [
      ...dependencyPair(100, 2, 3, 1),
      ...dependencyPair(200, 1, 99, 2),
      ...dependencyPair(300, 4, 2, 1),
    ];
    const plan = planCopy(
      source(tree, { dependencies }),
      target,
      request({ copy_open_subtasks: true, copy_task_dependencies: true }),
    );
    expect(plan.tasks.map((t) => t.sourceId)).toEqual([1, 2, 3]);
    expect(plan.dependencies).toEqual([
      { fromSourceId: 2, to: { copyOf: 3 }, typeId: 1 },
      { fromSourceId: 1, to: { existing: 99 }, typeId: 2 },
    ]);
    expect(plan.skipped).toEqual([
      { kind: 'task_dependency', source_id: '300', reason: 'target_not_copied', task_id: '2' },
    ]);
  });

  it('reports dependencies whose other end is gone instead of copying them', () => {
    const src = source([task(1, null)], {
      dependencies: dependencyPair(400, 1, 77, 1),
      deadTasks: new Set([77]),
    });
    const plan = planCopy(src, target, request({ copy_task_dependencies: true }));
    expect(plan.dependencies).toEqual([]);
    expect(plan.skipped).toEqual([
      { kind: 'task_dependency', source_id: '400', reason: 'target_deleted', task_id: '1' },
    ]);
  });

  it('keeps only custom fields enabled in the target project', () => {
    const tree = [task(1, null, { customFields: { '117': 2, '118': 'x' } })];
    const plan = planCopy(source(tree), target, request({ copy_custom_fields: true }));
    expect(plan.tasks[0].customFields).toEqual({ '117': 2 });
    expect(plan.skipped).toEqual([
      { kind: 'custom_field', source_id: '118', reason: 'field_not_enabled', task_id: '1' },
    ]);
  });

  it('shifts every copied date by one delta with copy_date', () => {
    const tree = [
      task(1, null, { startDate: '2030-03-01', dueAt: new Date('2030-03-10T00:00:00.000Z') }),
      task(2, 1, { startDate: '2030-03-05' }),
    ];
    const plan = planCopy(source(tree), target, {
      ...request({ copy_date: true, copy_open_subtasks: true }),
      shift: { to: '2030-04-01', mode: 'start' },
    });
    expect(plan.tasks.map((t) => t.startDate)).toEqual(['2030-04-01', '2030-04-05']);
    expect(plan.tasks[0].dueAt?.toISOString()).toBe('2030-04-10T00:00:00.000Z');
  });

  it('anchors the shift on task dates only: a todo due earlier does not move the start', () => {
    const todo = Object.assign(new Todo(), {
      id: 1,
      accountId: 1,
      taskId: 1,
      description: 'd',
      position: 0,
      closedAt: null,
      dueDate: '2026-06-01',
      dueTime: null,
      assigneeId: null,
      createdAt: NOW,
    });
    const tree = [task(1, null, { startDate: '2026-06-10', dueAt: new Date('2026-06-20T00:00:00.000Z') })];
    const start = planCopy(source(tree, { todos: [todo] }), target, {
      ...request({ copy_date: true, copy_open_todos: true }),
      shift: { to: '2026-07-01', mode: 'start' },
    });
    expect(start.tasks[0].startDate).toBe('2026-07-01');
    expect(start.todos[0].dueDate).toBe('2026-06-22');
    const end = planCopy(source(tree), target, {
      ...request({ copy_date: true }),
      shift: { to: '2026-07-01', mode: 'end' },
    });
    expect(end.tasks[0]).toMatchObject({ startDate: '2026-06-21' });
    expect(end.tasks[0].dueAt?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
  });

  it('copies description, tags, repeat and estimate only with their flags', () => {
    const tree = [
      task(1, null, { tagList: ['a'], initialEstimate: 60, repeatScheduleId: 2, repeatOnInterval: 1 }),
    ];
    const none = planCopy(source(tree), target, request()).tasks[0];
    expect(none).toMatchObject({
      description: null,
      tagList: [],
      initialEstimate: null,
      remainingTime: null,
      repeat: { scheduleId: null },
    });
    const all = planCopy(
      source(tree),
      target,
      request({ copy_description: true, copy_tags: true, copy_estimate: true, copy_repeat: true }),
    ).tasks[0];
    expect(all).toMatchObject({
      description: '<p>1</p>',
      tagList: ['a'],
      initialEstimate: 60,
      remainingTime: 60,
      repeat: { scheduleId: 2, interval: 1 },
    });
  });
});

describe('selectCopiedSet', () => {
  it('walks a source once per flags asked with, and answers the same set after', () => {
    const read = source([task(1, null), task(2, 1), task(3, 1, { closed: true })]);
    const open = flags({ copy_open_subtasks: true });
    const all = flags({ copy_open_subtasks: true, copy_closed_subtasks: true });
    const first = selectCopiedSet(read, open);
    expect(first.map((n) => n.id)).toEqual([1, 2]);
    expect(selectCopiedSet(read, open)).toBe(first);
    expect(selectCopiedSet(read, all).map((n) => n.id)).toEqual([1, 2, 3]);
    // Another source read (another snapshot) is walked anew.
    const again = source([task(1, null), task(2, 1)]);
    expect(selectCopiedSet(again, open)).not.toBe(first);
    expect(selectCopiedSet(again, open).map((n) => n.id)).toEqual([1, 2]);
  });
});
