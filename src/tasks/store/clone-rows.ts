import type { Destination } from './clone-destination';
import { newListKey } from './order-keys';
import type { TaskFields } from './task-fields';
import type { ForestPlan } from './task-tree';
import type { NewTaskRow } from './task-inserts.table';

/** The rows of the live members, each forest parents first. */
export function newRows(
  members: ReadonlyArray<{ request: { nodes: ReadonlyArray<{ fields: TaskFields }> }; plan: ForestPlan }>,
  dests: Destination[],
  live: number[],
  newIds: number[][],
  rootKeys: number[][],
): NewTaskRow[] {
  const rows: NewTaskRow[] = [];
  for (const i of live) {
    const { request, plan } = members[i];
    const ids = newIds[i];
    const dest = dests[i];
    for (const j of plan.order) {
      const p = plan.parent[j];
      rows.push({
        id: ids[j],
        projectId: dest.projectId,
        parentId: p < 0 ? dest.parentId : ids[p],
        // A new task's own children make a new list: keys as a list numbered anew.
        key: p < 0 ? rootKeys[i][plan.position[j]] : newListKey(plan.position[j]),
        fields: request.nodes[j].fields,
      });
    }
  }
  return rows;
}
