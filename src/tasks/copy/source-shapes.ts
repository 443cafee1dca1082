import type { TaskShapeRow } from '../store/task-reads.table';

// The shape of a large copy's source tree (more than COPY_CHUNK_TASKS tasks), held from its read
// to its commit: in columns of numbers rather than an object (and a Date) per task, so that a copy
// of 100,000 tasks keeps a few MB alive instead of some 20 MB, which V8 lets grow fourfold in
// garbage before each full collection (docs/deployment.md#memory). A task's object is made when
// asked for, and dropped by the caller.

const NONE = Number.NaN;
const orNone = (v: number | null): number => (v === null ? NONE : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Source task id → its shape, as a read-only Map. */
export class ShapeTable implements ReadonlyMap<number, TaskShapeRow> {
  /** Ascending: a task's row is found by binary search. */
  private readonly ids: Float64Array;
  private readonly parentIds: Float64Array;
  private readonly positions: Int32Array;
  private readonly placements: Float64Array;
  private readonly closed: Uint8Array;
  /** `YYYY-MM-DD` or null; one string per distinct date. */
  private readonly startDates: Array<string | null>;
  /** Epoch milliseconds, NaN for none. */
  private readonly dueAts: Float64Array;
  private readonly taskListIds: Float64Array;
  private readonly statusIds: Float64Array;

  constructor(rows: TaskShapeRow[]) {
    const sorted = [...rows].sort((a, b) => a.id - b.id);
    const n = sorted.length;
    this.ids = new Float64Array(n);
    this.parentIds = new Float64Array(n);
    this.positions = new Int32Array(n);
    this.placements = new Float64Array(n);
    this.closed = new Uint8Array(n);
    this.startDates = new Array<string | null>(n);
    this.dueAts = new Float64Array(n);
    this.taskListIds = new Float64Array(n);
    this.statusIds = new Float64Array(n);
    const dates = new Map<string, string>();
    sorted.forEach((r, i) => {
      if (i > 0 && r.id === sorted[i - 1].id) throw new Error(`task ${r.id} read twice`);
      this.ids[i] = r.id;
      this.parentIds[i] = orNone(r.parentId);
      this.positions[i] = r.position;
      this.placements[i] = orNone(r.placement);
      this.closed[i] = r.closed ? 1 : 0;
      const start = r.startDate;
      if (start !== null && !dates.has(start)) dates.set(start, start);
      this.startDates[i] = start === null ? null : dates.get(start)!;
      this.dueAts[i] = r.dueAt === null ? NONE : r.dueAt.getTime();
      this.taskListIds[i] = orNone(r.taskListId);
      this.statusIds[i] = orNone(r.workflowStatusId);
    });
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.rowOf(id) >= 0;
  }

  get(id: number): TaskShapeRow | undefined {
    const i = this.rowOf(id);
    return i < 0 ? undefined : this.shape(i);
  }

  *entries(): MapIterator<[number, TaskShapeRow]> {
    for (let i = 0; i < this.ids.length; i++) yield [this.ids[i], this.shape(i)];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.ids.length; i++) yield this.ids[i];
  }

  *values(): MapIterator<TaskShapeRow> {
    for (let i = 0; i < this.ids.length; i++) yield this.shape(i);
  }

  [Symbol.iterator](): MapIterator<[number, TaskShapeRow]> {
    return this.entries();
  }

  forEach(
    callback: (value: TaskShapeRow, key: number, map: ReadonlyMap<number, TaskShapeRow>) => void,
  ): void {
    for (let i = 0; i < this.ids.length; i++) callback(this.shape(i), this.ids[i], this);
  }

  private rowOf(id: number): number {
    const { ids } = this;
    let low = 0;
    let high = ids.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ids[mid] < id) low = mid + 1;
      else if (ids[mid] > id) high = mid - 1;
      else return mid;
    }
    return -1;
  }

  private shape(i: number): TaskShapeRow {
    const due = this.dueAts[i];
    return {
      id: this.ids[i],
      parentId: orNull(this.parentIds[i]),
      position: this.positions[i],
      placement: orNull(this.placements[i]),
      closed: this.closed[i] === 1,
      startDate: this.startDates[i],
      dueAt: Number.isNaN(due) ? null : new Date(due),
      taskListId: orNull(this.taskListIds[i]),
      workflowStatusId: orNull(this.statusIds[i]),
    };
  }
}
