import { allDone } from '../../common/all-done';
import { nextTurn } from '../../common/next-turn';
import { chunks } from '../../database/sql';
import type { Destination } from './clone-destination';
import { newListKey } from './order-keys';
import type { TaskFields } from './task-fields';
import { insertTasks, NewTaskRow } from './task-inserts.table';
import type { StoreWrite } from './write-gateway';

/** Rows of one INSERT of a chunk: one statement each with the v2 columns (insertTasks takes 800). */
const INSERT_ROWS = 500;

/** A forest given by its shape alone: each node's parent by its index in pre-order. */
export interface ChunkedCloneRequest {
  /** Per node, in pre-order (every parent before its children): its parent's index, -1 for a root. */
  parents: number[];
  /** Told after each multi-row INSERT of tasks how many rows are written so far. */
  progress?: (inserted: number) => void;
}

/**
 * The shape of a pre-order forest: each node's place among its siblings (roots among the roots),
 * and the number of roots. Typed arrays: nothing per node but two numbers.
 */
export function preOrderShape(parents: number[]): { position: Int32Array; rootCount: number } {
  const position = new Int32Array(parents.length);
  const childCount = new Int32Array(parents.length);
  let rootCount = 0;
  parents.forEach((p, i) => {
    if (p >= i) throw new Error(`node ${i} comes before its parent ${p}`);
    position[i] = p < 0 ? rootCount++ : childCount[p]++;
  });
  return { position, rootCount };
}

/**
 * A forest being written a chunk at a time (CloneEngine.cloneInChunks): the destination is
 * locked, the roots' keys are taken and the ids allocated or reserved (`ids`, by pre-order index); `insert`
 * writes the next nodes in pre-order, which the caller may drop once it returns.
 */
export class ChunkedClone {
  private next = 0;
  private readonly checked = new Set<number>();

  constructor(
    private readonly w: StoreWrite,
    private readonly parents: number[],
    private readonly shape: { position: Int32Array; rootCount: number },
    private readonly dest: Destination,
    /** The new id of every node, by its index in pre-order. */
    readonly ids: number[],
    private readonly rootKeys: number[],
    private readonly now: Date,
    private readonly progress?: (inserted: number) => void,
  ) {}

  /**
   * The fields of the next nodes in pre-order. People are checked as in a clone. Resolves once
   * every statement is sent, with the promise of their answers: the caller may build the next
   * nodes' statements meanwhile, and the source rows of these are dropped. Between the INSERTs it
   * lets the event loop turn, so that the connection is handed the statements waiting for the
   * answers read meanwhile, and the database is not idle while the service builds.
   */
  async insert(fields: TaskFields[]): Promise<{ written: Promise<void> }> {
    const { w, dest, ids, parents } = this;
    if (this.next + fields.length > ids.length) throw new Error('more nodes than the forest has');
    // Each person once per forest: the chunks of a copy mostly name the same few people.
    const people = new Set<number>();
    for (const f of fields) for (const p of f.assigned) if (!this.checked.has(p)) people.add(p);
    for (const p of people) this.checked.add(p);
    const start = this.next;
    this.next += fields.length;
    const rows: NewTaskRow[] = fields.map((f, k) => {
      const j = start + k;
      const p = parents[j];
      const at = this.shape.position[j];
      return {
        id: ids[j],
        projectId: dest.projectId,
        parentId: p < 0 ? dest.parentId : ids[p],
        // A new task's own children make a new list: keys as a list numbered anew.
        key: p < 0 ? this.rootKeys[at] : newListKey(at),
        fields: f,
      };
    });
    const told = this.progress;
    // A missing person fails the write before its INSERTs' errors, if any. Each piece is one
    // multi-row INSERT, sent without waiting for the one before (insertTasks would wait).
    const sent: Array<Promise<unknown>> = [w.assertPeople(people)];
    for (const [i, piece] of chunks(rows, INSERT_ROWS).entries()) {
      await nextTurn();
      const offset = start + i * INSERT_ROWS;
      sent.push(
        insertTasks(w.m, w.accountId, piece, this.now, told && ((inserted) => told(offset + inserted))),
      );
    }
    return { written: allDone(sent).then(() => undefined) };
  }

  /** Fails unless every node was inserted. */
  finish(): void {
    if (this.next !== this.ids.length)
      throw new Error(`${this.ids.length - this.next} nodes were not inserted`);
  }
}
