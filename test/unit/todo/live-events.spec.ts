import { eventsOf } from '../../../src/faces/todo/live/live-events';
import { LiveOutline } from '../../../src/faces/todo/live/live-outline';
import type { TaskChange } from '../../../src/tasks/store/task-changes.service';

const row = (id: number, parentId: number | null = null, projectId: number | null = null) => ({
  id,
  projectId,
  parentId,
});
const base = { accountId: 1, revisions: new Map<string, number>() };

describe('live events of moves', () => {
  it('one task: its place after the sibling it now follows', () => {
    const outline = new LiveOutline([row(1), row(2), row(3)]);
    const change: TaskChange = {
      ...base,
      kind: 'moved',
      operation: 'move',
      ids: [3],
      placements: [
        { id: 3, projectId: null, parentId: null, position: 1 },
        { id: 2, projectId: null, parentId: null, position: 2 },
      ],
    };
    outline.apply(change);
    expect(outline.children(null, null)).toEqual([1, 3, 2]);
    expect(eventsOf(change, outline, []).map((e) => e.value)).toEqual([
      { type: 'move-task', id: 3, data: { parent: null, project: null, targetId: 1 } },
    ]);
  });

  it('tasks that now stand together, in the order moved: a batch from the first place', () => {
    const outline = new LiveOutline([row(1), row(2), row(3), row(4)]);
    const change: TaskChange = {
      ...base,
      kind: 'moved',
      operation: 'move',
      ids: [3, 4],
      placements: [
        { id: 3, projectId: null, parentId: null, position: 0 },
        { id: 4, projectId: null, parentId: null, position: 1 },
        { id: 1, projectId: null, parentId: null, position: 2 },
        { id: 2, projectId: null, parentId: null, position: 3 },
      ],
    };
    outline.apply(change);
    expect(eventsOf(change, outline, []).map((e) => e.value)).toEqual([
      { type: 'move-task', id: 0, data: { parent: null, project: null, reverse: true, batch: [3, 4] } },
    ]);
  });

  it('indents under a task that is itself indented: an opbatch whose steps come after their targets', () => {
    // 1, 2, 3 at the root; 2 goes under 1 and 3 under 2.
    const outline = new LiveOutline([row(1), row(2), row(3)]);
    const change: TaskChange = {
      ...base,
      kind: 'moved',
      operation: 'opbatch',
      ids: [3, 2],
      placements: [
        { id: 2, projectId: null, parentId: 1, position: 0 },
        { id: 3, projectId: null, parentId: 2, position: 0 },
      ],
    };
    outline.apply(change);
    const [event] = eventsOf(change, outline, []);
    expect(event.value).toEqual({
      type: 'move-task',
      id: 0,
      data: {
        opbatch: [
          { id: 2, parent: 1, project: null, reverse: true },
          { id: 3, parent: 2, project: null, reverse: true },
        ],
      },
    });
  });

  it('a project deleted with tasks: delete-project, then its roots moved to No project', () => {
    const outline = new LiveOutline([row(1), row(5, null, 9), row(6, 5, 9)]);
    const change: TaskChange = {
      ...base,
      kind: 'project-deleted',
      projectId: 9,
      placements: [
        { id: 5, projectId: null, parentId: null, position: 1 },
        { id: 6, projectId: null, parentId: 5, position: 0 },
      ],
    };
    outline.apply(change);
    expect(eventsOf(change, outline, []).map((e) => [e.name, e.value])).toEqual([
      ['projects', { type: 'delete-project', id: 9 }],
      ['tasks', { type: 'move-task', id: 5, data: { parent: null, project: null, targetId: 1 } }],
    ]);
  });
});
