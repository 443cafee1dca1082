/**
 * Several inserts into one sibling list, applied in one pass as if one after the other in
 * arrival order (docs/todo.md#ordering). Every slot is in the list's original
 * positions: an `after` insert goes right after the task at `slot - 1` (or at the top when the
 * slot is 0), a `before` insert right before the task at `slot` (or at the end when the slot is
 * the list's length).
 *
 * Inserted tasks hug the task they were placed against, so the result does not depend on the
 * arrival order except among inserts at the same slot: there the `after` inserts come first, the
 * latest closest to its task (it pushed the earlier ones down), then the `before` inserts, the
 * latest closest to its task.
 */
export interface SiblingInsert {
  slot: number;
  count: number;
  side: 'after' | 'before';
}

export interface CombinedInserts {
  /** The final position of each insert's first task, by the index of the insert. */
  starts: number[];
  /**
   * How existing tasks move, ascending by `from`: a task at original position q moves up by the
   * `by` of the last step with `from` ≤ q (not at all below the first step).
   */
  steps: Array<{ from: number; by: number }>;
}

export function combineInserts(inserts: SiblingInsert[]): CombinedInserts {
  const order = inserts.map((_, i) => i);
  order.sort((a, b) => {
    const x = inserts[a];
    const y = inserts[b];
    if (x.slot !== y.slot) return x.slot - y.slot;
    if (x.side !== y.side) return x.side === 'after' ? -1 : 1;
    return x.side === 'after' ? b - a : a - b;
  });
  const starts = new Array<number>(inserts.length);
  const steps: Array<{ from: number; by: number }> = [];
  let shift = 0;
  for (const i of order) {
    const insert = inserts[i];
    starts[i] = insert.slot + shift;
    shift += insert.count;
    const last = steps[steps.length - 1];
    if (last && last.from === insert.slot) last.by = shift;
    else steps.push({ from: insert.slot, by: shift });
  }
  return { starts, steps: steps.filter((s) => s.by > 0) };
}
