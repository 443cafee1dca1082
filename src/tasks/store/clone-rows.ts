import { DomainError } from '../../common/domain-error';
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

/** The people the nodes assign, each once (a paste of 10,000 mostly assigns none: no array per node). */
export function peopleOf(nodes: ReadonlyArray<{ fields: TaskFields }>): Set<number> {
  const people = new Set<number>();
  for (const node of nodes) for (const person of node.fields.assigned) people.add(person);
  return people;
}

/** Client key → new id, without a pair per node (a paste may hold 10,000). */
export function idsByKey(nodes: ReadonlyArray<{ key: string }>, ids: number[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (let j = 0; j < nodes.length; j++) byKey.set(nodes[j].key, ids[j]);
  return byKey;
}

/** The new ids of a member's roots, in order. */
export function rootIdsOf(member: { plan: ForestPlan }, ids: number[]): number[] {
  const { plan } = member;
  return plan.order.filter((j) => plan.parent[j] < 0).map((j) => ids[j]);
}

/** A member's outcome: its ids, or the DomainError it failed with, thrown. */
export function settled<T>(outcome: T | DomainError): T {
  if (outcome instanceof DomainError) throw outcome;
  return outcome;
}

/** The callers' origin if they share one; undefined otherwise. */
export function commonOrigin(members: ReadonlyArray<{ origin?: string }>): string | undefined {
  const first = members[0]?.origin;
  return members.every((m) => m.origin === first) ? first : undefined;
}
