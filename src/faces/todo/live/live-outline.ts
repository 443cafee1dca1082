import type { OutlineRow } from '../../../tasks/read/task-tree-reader.service';
import { insertRuns, runsFit, TaskChange } from '../../../tasks/store/task-changes.service';

/** A task's place as the widget names it: its parent, its project and the sibling it follows. */
export interface Spot {
  id: number;
  parent: number | null;
  project: number | null;
  /** The sibling just before it; absent: it is first in its list (then `reverse` is true). */
  targetId?: number;
  reverse?: boolean;
}

interface Node {
  projectId: number | null;
  parentId: number | null;
}

/**
 * The shape of one account's task tree (which task is where, no fields), kept in step with the
 * change events in commit order, so that a change's new places can be told the way the widget
 * places tasks: after a sibling, or first in a list. Roots are listed by project, subtasks by
 * parent (a subtask's project is its root's).
 */
export class LiveOutline {
  private readonly nodes = new Map<number, Node>();
  private readonly lists = new Map<string, number[]>();

  constructor(rows: OutlineRow[]) {
    for (const row of rows) this.append(row.id, row.projectId, row.parentId);
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Where the task is now, with the sibling before it. */
  spotOf(id: number): Spot | null {
    const node = this.nodes.get(id);
    if (!node) return null;
    const list = this.listOf(node.projectId, node.parentId);
    const at = list.indexOf(id);
    const spot: Spot = { id, parent: node.parentId, project: node.projectId };
    if (at > 0) spot.targetId = list[at - 1];
    else spot.reverse = true;
    return spot;
  }

  /** The ids of one list in order (parent null: the project's roots). */
  children(projectId: number | null, parentId: number | null): number[] {
    return [...this.listOf(projectId, parentId)];
  }

  /** Index of the task in its sibling list (-1: not in the outline). */
  positionOf(id: number): number {
    const node = this.nodes.get(id);
    return node ? this.listOf(node.projectId, node.parentId).indexOf(id) : -1;
  }

  /**
   * Brings the outline to the state the change committed; false, with nothing changed, if an
   * insert names a task its list does not hold here (the outline must be read again).
   */
  apply(change: TaskChange): boolean {
    switch (change.kind) {
      case 'inserted': {
        // Every list first, so that an insert that cannot be placed leaves the outline as it was.
        for (const list of change.lists) {
          if (!runsFit(this.listOf(list.projectId, list.parentId), list.inserts)) return false;
        }
        const roots = new Set<number>();
        for (const list of change.lists) {
          insertRuns(this.listOf(list.projectId, list.parentId), list.inserts);
          for (const insert of list.inserts) {
            for (const id of insert.ids) {
              roots.add(id);
              this.nodes.set(id, { projectId: list.projectId, parentId: list.parentId });
            }
          }
        }
        for (const { task } of change.tasks) {
          if (!roots.has(task.id)) this.append(task.id, task.projectId, task.parentId);
        }
        return true;
      }
      case 'deleted':
        for (const id of change.removed) this.remove(id);
        this.place(change.placements);
        return true;
      case 'moved': {
        const anchored = change.placements.filter((p) => p.position === undefined);
        if (anchored.length > 0) return this.placeAfter(anchored);
        this.place(change.placements.filter((p) => p.position !== undefined));
        return true;
      }
      case 'sorted':
      case 'project-deleted':
        this.place(change.placements);
        return true;
      default:
        return true;
    }
  }

  private place(
    placements: Array<{ id: number; projectId: number | null; parentId: number | null; position: number }>,
  ): void {
    for (const p of placements) this.detach(p.id);
    const ordered = [...placements].sort((a, b) => a.position - b.position);
    for (const p of ordered) {
      this.nodes.set(p.id, { projectId: p.projectId, parentId: p.parentId });
      const list = this.listOf(p.projectId, p.parentId);
      list.splice(Math.min(p.position, list.length), 0, p.id);
    }
  }

  /**
   * Each task right after the one it now follows (`after`; null: first), those that follow
   * another placed task after that one; false, with nothing changed, if an anchor is not in the
   * task's list here or the anchors do not chain (the outline must be read again).
   */
  private placeAfter(
    placements: Array<{
      id: number;
      projectId: number | null;
      parentId: number | null;
      after: number | null;
    }>,
  ): boolean {
    type Anchored = (typeof placements)[number];
    const placed = new Set(placements.map((p) => p.id));
    const following = new Map<number, Anchored>();
    const heads: Anchored[] = [];
    for (const p of placements) {
      if (p.after !== null && placed.has(p.after)) {
        following.set(p.after, p);
        continue;
      }
      const anchor = p.after === null ? null : this.nodes.get(p.after);
      if (anchor === undefined) return false;
      if (anchor && keyOf(anchor.projectId, anchor.parentId) !== keyOf(p.projectId, p.parentId)) return false;
      heads.push(p);
    }
    let reached = 0;
    for (const head of heads) for (let p: Anchored | undefined = head; p; p = following.get(p.id)) reached++;
    if (reached !== placements.length) return false;
    for (const p of placements) this.detach(p.id);
    for (const head of heads) {
      const list = this.listOf(head.projectId, head.parentId);
      let at = head.after === null ? 0 : list.indexOf(head.after) + 1;
      for (let p: Anchored | undefined = head; p; p = following.get(p.id)) {
        this.nodes.set(p.id, { projectId: p.projectId, parentId: p.parentId });
        list.splice(at++, 0, p.id);
      }
    }
    return true;
  }

  private append(id: number, projectId: number | null, parentId: number | null): void {
    this.nodes.set(id, { projectId, parentId });
    this.listOf(projectId, parentId).push(id);
  }

  private detach(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    const key = keyOf(node.projectId, node.parentId);
    const list = this.lists.get(key);
    const at = list?.indexOf(id) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list?.length === 0) this.lists.delete(key);
  }

  private remove(id: number): void {
    this.detach(id);
    this.nodes.delete(id);
    this.lists.delete(`t${id}`);
  }

  private listOf(projectId: number | null, parentId: number | null): number[] {
    const key = keyOf(projectId, parentId);
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    return list;
  }
}

function keyOf(projectId: number | null, parentId: number | null): string {
  return parentId === null ? `p${projectId ?? 0}` : `t${parentId}`;
}
