import type { Placement } from './task-fields';
import { TasksError } from '../tasks.errors';
import { KeyWindow, rekeyList, rekeyWindow } from './order-keys';

// Pure, in-memory tree work: no I/O, O(n) walks, no recursion (a batch may be 10,000 levels deep).

function listKey(projectId: number | null, parentId: number | null): string {
  return `${projectId ?? 0}:${parentId ?? 0}`;
}

interface ForestNode {
  id: number;
  projectId: number | null;
  parentId: number | null;
}

/** A task's stored place: its sibling list and its sparse order key (order-keys.ts). */
export interface KeyedPlace {
  id: number;
  projectId: number | null;
  parentId: number | null;
  key: number;
}

/** A sibling list loaded in part: its tasks strictly between two keys (order-keys.ts#KeyWindow). */
export interface ListPart extends KeyWindow {
  projectId: number | null;
  parentId: number | null;
  /** The task at key `lo` (null: the part starts the list), when read: the one before the part. */
  loId?: number | null;
}

/** A list loaded in part has no room left between the keys around it: load it whole. */
export class ListPartFull extends Error {}

/**
 * The structure of projects, or of the parts of them a write changes, loaded under their locks,
 * edited in memory (detach, insert, remove, reorder) and then written back as the set of rows
 * whose stored place changed (keyChanges), and told with their dense positions (changes). A list
 * a write puts tasks into or reorders is loaded whole, or as a part (`parts`: every task between
 * two keys, where the tasks go); one it only takes tasks out of, or only walks through (a task's
 * ancestors), may hold just those tasks.
 */
export class TaskForest {
  private readonly nodes = new Map<number, ForestNode>();
  private readonly lists = new Map<string, number[]>();
  private readonly original = new Map<number, Placement & { key: number }>();
  private readonly parts = new Map<string, ListPart>();

  constructor(rows: KeyedPlace[], parts: ListPart[] = []) {
    for (const part of parts) this.parts.set(listKey(part.projectId, part.parentId), part);
    const sorted = [...rows].sort((a, b) => a.key - b.key);
    for (const r of sorted) {
      this.nodes.set(r.id, { id: r.id, projectId: r.projectId, parentId: r.parentId });
      const part = this.parts.get(listKey(r.projectId, r.parentId));
      // A task of a list loaded in part but outside that part (a named task) is no task of it here.
      if (part && !(r.key > part.lo && (part.hi === null || r.key < part.hi))) {
        this.original.set(r.id, { ...r, position: -1 });
        continue;
      }
      const list = this.list(r.projectId, r.parentId);
      this.original.set(r.id, { ...r, position: list.length });
      list.push(r.id);
    }
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  get(id: number): ForestNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`task ${id} is not loaded`);
    return node;
  }

  /** The ordered ids of a sibling list (a live array; empty when the list is empty). */
  list(projectId: number | null, parentId: number | null): number[] {
    const key = listKey(projectId, parentId);
    let list = this.lists.get(key);
    if (!list) {
      list = [];
      this.lists.set(key, list);
    }
    return list;
  }

  siblingsOf(id: number): number[] {
    const node = this.get(id);
    return this.list(node.projectId, node.parentId);
  }

  children(id: number): number[] {
    return this.list(this.get(id).projectId, id);
  }

  /** The position the task had when loaded (Infinity for a task created since). */
  originalPosition(id: number): number {
    return this.original.get(id)?.position ?? Infinity;
  }

  indexOf(id: number): number {
    return this.siblingsOf(id).indexOf(id);
  }

  /** True when `id` is `ancestor` or lies inside its subtree. O(depth). */
  isWithin(id: number, ancestor: number): boolean {
    for (let cur: number | null = id; cur !== null; cur = this.nodes.get(cur)?.parentId ?? null) {
      if (cur === ancestor) return true;
    }
    return false;
  }

  /** The subtree of `id` in pre-order, `id` first. */
  subtree(id: number): number[] {
    const out: number[] = [];
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      out.push(cur);
      const kids = this.lists.get(listKey(this.get(cur).projectId, cur));
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return out;
  }

  /** Takes a task (with its subtree) out of its list, closing the gap. */
  detach(id: number): void {
    const siblings = this.siblingsOf(id);
    const index = siblings.indexOf(id);
    if (index >= 0) siblings.splice(index, 1);
  }

  /** Puts detached tasks into a list at `index`, consecutively; their subtrees follow them. */
  insert(ids: number[], projectId: number | null, parentId: number | null, index: number): void {
    for (const id of ids) this.moveSubtreeToProject(id, projectId);
    for (const id of ids) this.get(id).parentId = parentId;
    this.list(projectId, parentId).splice(index, 0, ...ids);
  }

  /** Removes tasks and all their descendants; returns every removed id. */
  remove(roots: number[]): number[] {
    const removed: number[] = [];
    for (const root of roots) {
      if (!this.nodes.has(root)) continue;
      this.detach(root);
      for (const id of this.subtree(root)) {
        const node = this.get(id);
        this.lists.delete(listKey(node.projectId, id));
        this.nodes.delete(id);
        removed.push(id);
      }
    }
    return removed;
  }

  /** Reorders every list whose key passes `scope` with a stable comparator. */
  sortLists(scope: (projectId: number | null) => boolean, compare: (a: number, b: number) => number): void {
    for (const list of this.lists.values()) {
      if (list.length < 2) continue;
      if (!scope(this.get(list[0]).projectId)) continue;
      const sorted = list
        .map((id, i) => ({ id, i }))
        .sort((a, b) => compare(a.id, b.id) || a.i - b.i)
        .map((e) => e.id);
      list.splice(0, list.length, ...sorted);
    }
  }

  /**
   * Rows whose stored (project, parent, key) must change for the lists to read in their new order:
   * a task keeps its key where it can (order-keys.ts#rekeyList), so a delete changes none, and a
   * move only the moved tasks (and their subtrees, when they change project), unless a gap is full.
   */
  keyChanges(): KeyedPlace[] {
    const out: KeyedPlace[] = [];
    for (const [listId, list] of this.lists) {
      if (list.length === 0) continue;
      const entries = list.map((id) => {
        const node = this.get(id);
        const before = this.original.get(id);
        const same = before && before.parentId === node.parentId && before.projectId === node.projectId;
        return { id, key: same ? before.key : undefined };
      });
      const part = this.parts.get(listId);
      const keys = part ? rekeyWindow(entries, part) : rekeyList(entries);
      if (!keys) throw new ListPartFull(`no room left between keys ${part!.lo} and ${part!.hi}`);
      for (const { id, key } of entries) {
        const node = this.get(id);
        const before = this.original.get(id);
        const next = keys.get(id) ?? key;
        if (next === undefined) throw new Error(`task ${id} has no key`);
        if (keys.has(id) || before?.projectId !== node.projectId) {
          out.push({ id, projectId: node.projectId, parentId: node.parentId, key: next });
        }
      }
    }
    return out;
  }

  /** The lists of these rows that were loaded in part (their dense positions need the tasks before). */
  partsOf(keyed: KeyedPlace[]): ListPart[] {
    const out = new Set<ListPart>();
    for (const p of keyed) {
      const part = this.parts.get(listKey(p.projectId, p.parentId));
      if (part) out.add(part);
    }
    return [...out];
  }

  /**
   * What a change tells of the rows `keyChanges` writes: each at its new dense position (a list
   * loaded in part counts from `before`, the number of tasks before that part). Every other task
   * keeps its list and its order among its siblings (a delete or a move closes up the lists it
   * leaves), so a reader that detaches these and puts them back in ascending positions has every
   * list as it now reads.
   */
  changes(keyed: KeyedPlace[] = this.keyChanges(), before = new Map<ListPart, number>()): Placement[] {
    const positions = new Map<number, number>();
    for (const p of keyed) {
      if (positions.has(p.id)) continue;
      const part = this.parts.get(listKey(p.projectId, p.parentId));
      const offset = part ? (before.get(part) ?? 0) : 0;
      this.list(p.projectId, p.parentId).forEach((id, i) => positions.set(id, offset + i));
    }
    return keyed.map((p) => ({
      id: p.id,
      projectId: p.projectId,
      parentId: p.parentId,
      position: positions.get(p.id)!,
    }));
  }

  private moveSubtreeToProject(rootId: number, projectId: number | null): void {
    const root = this.get(rootId);
    if (root.projectId === projectId) return;
    const from = root.projectId;
    const stack = [rootId];
    while (stack.length) {
      const cur = stack.pop()!;
      const kids = this.lists.get(listKey(from, cur));
      if (kids) {
        this.lists.delete(listKey(from, cur));
        this.lists.set(listKey(projectId, cur), kids);
        stack.push(...kids);
      }
      this.get(cur).projectId = projectId;
    }
  }
}

/** One item of a forest to copy: `parentKey` names another item's `key`, or anything else for a root. */
export interface ForestItem {
  key: string;
  parentKey: string | null;
}

export interface ForestPlan {
  /** Item indexes, parents before children (breadth-first from the roots). */
  order: number[];
  /** Per item: the index of its parent item, or -1 for a root. */
  parent: number[];
  /** Per item: its position among its siblings (roots: among the roots), in batch order. */
  position: number[];
  rootCount: number;
}

/**
 * Validates a forest given as a flat list in any order (docs/todo.md#clone): keys are
 * unique, no item is its own parent, and every item reaches a root (no cycles). O(n).
 */
export function planForest(items: ForestItem[], field = 'batch'): ForestPlan {
  const indexByKey = new Map<string, number>();
  items.forEach((item, i) => {
    if (indexByKey.has(item.key)) {
      throw new TasksError('TASK_DUPLICATE_ID', `The id ${JSON.stringify(item.key)} appears twice`, {
        field: `${field}.${i}.id`,
      });
    }
    indexByKey.set(item.key, i);
  });
  const n = items.length;
  const parent = new Array<number>(n);
  const position = new Array<number>(n);
  const childCount = new Array<number>(n).fill(0);
  let rootCount = 0;
  items.forEach((item, i) => {
    if (item.parentKey !== null && item.parentKey === item.key) {
      throw new TasksError('TASK_CYCLE', `Item ${JSON.stringify(item.key)} is its own parent`, {
        field: `${field}.${i}.parent`,
      });
    }
    const p = item.parentKey === null ? undefined : indexByKey.get(item.parentKey);
    if (p === undefined) {
      parent[i] = -1;
      position[i] = rootCount++;
    } else {
      parent[i] = p;
      position[i] = childCount[p]++;
    }
  });
  // Children by parent in one array (each parent's run starts at `first`), not an array per item:
  // a paste may hold 10,000 items.
  const first = new Array<number>(n);
  for (let i = 0, at = 0; i < n; i++) {
    first[i] = at;
    at += childCount[i];
  }
  const children = new Array<number>(n - rootCount);
  const order = new Array<number>(rootCount);
  for (let i = 0; i < n; i++) {
    if (parent[i] < 0) order[position[i]] = i;
    else children[first[parent[i]] + position[i]] = i;
  }
  for (let head = 0; head < order.length; head++) {
    const p = order[head];
    for (let k = first[p], end = first[p] + childCount[p]; k < end; k++) order.push(children[k]);
  }
  if (order.length !== n) {
    const seen = new Set(order);
    const i = items.findIndex((_, k) => !seen.has(k));
    throw new TasksError('TASK_CYCLE', `Item ${JSON.stringify(items[i].key)} is part of a parent cycle`, {
      field: `${field}.${i}.parent`,
    });
  }
  return { order, parent, position, rootCount };
}
