import { LiveOutline } from '../../../src/faces/todo/live/live-outline';
import {
  InsertAnchor,
  mergeInserted,
  TaskChange,
  insertRuns,
  runsFit,
} from '../../../src/tasks/store/task-changes.service';

const after = (id: number | null): InsertAnchor => ({ side: 'after', id });
const before = (id: number | null): InsertAnchor => ({ side: 'before', id });
type Body = Parameters<typeof mergeInserted>[0];
const inserted = (
  inserts: Array<{ anchor: InsertAnchor; ids: number[] }>,
  parentId: number | null = null,
): Body => ({
  kind: 'inserted' as const,
  lists: [{ projectId: null, parentId, inserts }],
  tasks: [],
});

/** The list with the runs put in, or null if they do not fit (the list itself left as it was). */
function withInsertedRuns(list: number[], inserts: Array<{ anchor: InsertAnchor; ids: number[] }>) {
  if (!runsFit(list, inserts)) return null;
  const out = [...list];
  insertRuns(out, inserts);
  return out;
}

describe('runs of new roots placed by their anchors', () => {
  it('puts each run next to the task it names, in the order given, the first ones there first', () => {
    expect(
      withInsertedRuns(
        [1, 2, 3],
        [
          { anchor: after(null), ids: [10] },
          { anchor: before(null), ids: [11, 12] },
          { anchor: after(2), ids: [13] },
          { anchor: after(2), ids: [14] },
          { anchor: before(3), ids: [15] },
          { anchor: before(15), ids: [16] },
          { anchor: after(12), ids: [17] },
        ],
      ),
    ).toEqual([10, 1, 2, 14, 13, 16, 15, 3, 11, 12, 17]);
  });

  it('gives null, and leaves the list as it was, when an anchor is not in it', () => {
    const list = [1, 2];
    expect(
      withInsertedRuns(list, [
        { anchor: after(1), ids: [5] },
        { anchor: before(9), ids: [6] },
      ]),
    ).toBeNull();
    expect(list).toEqual([1, 2]);
  });

  it('merges the inserts of one write, joining runs that meet as the positions did', () => {
    // A bulk create at the end of a list, one task at a time.
    const atEnd = [7, 8, 9].map((id) => inserted([{ anchor: before(null), ids: [id] }]));
    const merged = atEnd.reduce((earlier, later) => mergeInserted(earlier, later));
    expect(merged.lists).toEqual([
      { projectId: null, parentId: null, inserts: [{ anchor: before(null), ids: [7, 8, 9] }] },
    ]);
    // Two after one task: the later stands closer to it; one after the other's last; apart.
    const near = mergeInserted(
      mergeInserted(inserted([{ anchor: after(1), ids: [5] }]), inserted([{ anchor: after(1), ids: [6] }])),
      inserted([
        { anchor: after(5), ids: [7] },
        { anchor: after(3), ids: [8] },
      ]),
    );
    expect(near.lists[0].inserts).toEqual([
      { anchor: after(1), ids: [6, 5, 7] },
      { anchor: after(3), ids: [8] },
    ]);
    expect(withInsertedRuns([1, 2, 3], near.lists[0].inserts)).toEqual([1, 6, 5, 7, 2, 3, 8]);
  });

  it('a live outline that cannot place a run changes nothing and says so (the stream reads it again)', () => {
    const outline = new LiveOutline([1, 2].map((id) => ({ id, projectId: null, parentId: null })));
    const base = { accountId: 1, revisions: new Map<string, number>() };
    const change: TaskChange = {
      ...base,
      ...inserted([
        { anchor: after(1), ids: [5] },
        { anchor: after(42), ids: [6] },
      ]),
    };
    expect(outline.apply(change)).toBe(false);
    expect(outline.children(null, null)).toEqual([1, 2]);
    expect(outline.has(5)).toBe(false);
    const placed: TaskChange = { ...base, ...inserted([{ anchor: before(2), ids: [5] }]) };
    expect(outline.apply(placed)).toBe(true);
    expect(outline.children(null, null)).toEqual([1, 5, 2]);
  });

  it('a live outline places moved tasks after the tasks they now follow, or says it cannot', () => {
    const base = { accountId: 1, revisions: new Map<string, number>() };
    const outline = new LiveOutline([1, 2, 3, 4, 5].map((id) => ({ id, projectId: null, parentId: null })));
    const moved = (placements: Array<{ id: number; after: number | null }>): TaskChange => ({
      ...base,
      kind: 'moved',
      operation: 'opbatch',
      ids: placements.map((p) => p.id),
      placements: placements.map((p) => ({ ...p, projectId: null, parentId: null })),
    });
    // 1 and 2 to after 4, in that order (2 follows 1), and 5 to the top.
    expect(
      outline.apply(
        moved([
          { id: 2, after: 1 },
          { id: 1, after: 4 },
          { id: 5, after: null },
        ]),
      ),
    ).toBe(true);
    expect(outline.children(null, null)).toEqual([5, 3, 4, 1, 2]);
    expect(outline.apply(moved([{ id: 3, after: 42 }]))).toBe(false);
    expect(
      outline.apply(
        moved([
          { id: 3, after: 4 },
          { id: 4, after: 3 },
        ]),
      ),
    ).toBe(false);
    expect(outline.children(null, null)).toEqual([5, 3, 4, 1, 2]);
  });
});
