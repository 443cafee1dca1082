import type { OutlineRow, ReadRevisions, StoredTask } from '../../tasks/read/task-tree-reader.service';
import type { FieldsUpdated, TasksInserted } from '../../tasks/store/task-changes.service';

import { toTodoTask } from './todo.presenter';

// The lists of TodoTaskListCache, as kept in memory: each task's JSON once, the body made of
// those JSONs in the widget's read order, and the sibling lists that order comes from.

/** A task's JSON: its own fields, and the whole object as last placed in the outline. */
export interface Fragment {
  stamp: number;
  /** `"text":…,"checked":…,"collapsed":…` */
  head: string;
  /** `"assigned":…` through the custom keys. */
  tail: string;
  /** Kept to rebuild the JSON after a field update, which leaves it as it is. */
  creationDate: string | null;
  parentId: number | null;
  projectId: number | null;
  /** The task object's UTF-8 JSON for that parent and project. */
  json: Buffer;
}

// Counted for every list, so that many small ones (an empty or unknown project reads as `[]`)
// also fill the budget.
const ENTRY_OVERHEAD = 512;

export const COMMA = Buffer.from(',');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

export interface Entry {
  accountId: number;
  /** The project key the list is of (0 = No project), or ALL for all the account's tasks. */
  scope: number;
  /** Revisions the body was built at (at least); null until the first build. */
  label: ReadRevisions | null;
  /**
   * The body in pieces, in order: a patch puts slices of the pieces around the new JSON, instead of
   * copying the whole body; a read sends them as they are (see bodyOf).
   */
  body: Buffer[] | null;
  bodyLength: number;
  /** The body's task ids in its order, and where each one's JSON starts in it. */
  order: number[];
  offsets: number[];
  fragments: Map<number, Fragment>;
  /** Task ids per sibling list, `project:parent` (0 = none), in order. */
  lists: Map<string, number[]>;
  /** What the fragments take (counted with the body against the budget, see sizeOf). */
  fragmentBytes: number;
  /** Changes told ahead of one they follow on from. */
  held: Array<TasksInserted | FieldsUpdated>;
  /** The build in flight, and the tick it started at. */
  building: Promise<void> | null;
  builtFrom: number;
}

// The scope of the list of all an account's tasks (GET /todo/tasks).
export const ALL = -1;

export function entryKey(accountId: number, scope: number): string {
  return `${accountId}:${scope}`;
}

export function newEntry(accountId: number, scope: number): Entry {
  return {
    accountId,
    scope,
    label: null,
    body: null,
    bodyLength: 0,
    order: [],
    offsets: [],
    fragments: new Map(),
    lists: new Map(),
    fragmentBytes: 0,
    held: [],
    building: null,
    builtFrom: 0,
  };
}

export function inScope(entry: Entry, projectKey: number): boolean {
  return entry.scope === ALL || entry.scope === projectKey;
}

/** The same content revisions, project for project: no task's own fields changed in between. */
export function sameContent(a: ReadRevisions, b: ReadRevisions): boolean {
  let count = 0;
  for (const [key, revision] of a) {
    if (!key.startsWith('c')) continue;
    if (b.get(key) !== revision) return false;
    count++;
  }
  for (const key of b.keys()) if (key.startsWith('c')) count--;
  return count === 0;
}

/** Every revision the reader saw is at least where it saw it. */
export function covers(label: ReadRevisions, now: ReadRevisions): boolean {
  for (const [key, revision] of now) if ((label.get(key) ?? -1) < revision) return false;
  return true;
}

export function fragmentOf(task: StoredTask, stamp: number, row: Placement): Fragment {
  const { id: _id, text, checked, collapsed, parent: _parent, project: _project, ...rest } = toTodoTask(task);
  return placed(
    {
      stamp,
      head: JSON.stringify({ text, checked, collapsed }).slice(1, -1),
      tail: JSON.stringify(rest).slice(1, -1),
      creationDate: task.createdAt,
    },
    row,
  );
}

/** The fragment's task at the outline row's place (parent and project). */
export function placed(
  fragment: Omit<Fragment, 'parentId' | 'projectId' | 'json'>,
  row: Placement,
): Fragment {
  return {
    stamp: fragment.stamp,
    head: fragment.head,
    tail: fragment.tail,
    creationDate: fragment.creationDate,
    parentId: row.parentId,
    projectId: row.projectId,
    json: ownBuffer(
      `{"id":${row.id},${fragment.head},"parent":${row.parentId},"project":${row.projectId},${fragment.tail}}`,
    ),
  };
}

/**
 * A buffer of its own: Buffer.from places small strings in a shared 8 KiB slab, which one kept
 * fragment would hold in memory whole after the others in it are gone.
 */
function ownBuffer(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}

export type Placement = Pick<OutlineRow, 'id' | 'projectId' | 'parentId'>;

export function listKey(projectId: number | null, parentId: number | null): string {
  return `${projectId ?? 0}:${parentId ?? 0}`;
}

/**
 * The entry's body from its lists and fragments: depth-first pre-order (No project first, then by
 * project id; each task followed by its subtree). Buffers, not one string: most tasks' JSON is
 * reused as it is, so the body is a copy of them.
 */
export function render(entry: Entry): void {
  const projects = [...entry.lists.keys()]
    .filter((key) => key.endsWith(':0'))
    .map((key) => Number(key.split(':')[0]))
    .sort((a, b) => a - b);
  const order: number[] = [];
  for (const project of projects) {
    for (const id of preOrder(entry, project, entry.lists.get(`${project}:0`)!)) order.push(id);
  }
  // One buffer: every task's JSON, each copied once.
  const jsons = order.map((id) => entry.fragments.get(id)!);
  let length = OPEN.length + CLOSE.length + Math.max(0, order.length - 1) * COMMA.length;
  entry.fragmentBytes = 0;
  for (const fragment of jsons) {
    length += fragment.json.length;
    entry.fragmentBytes += costOf(fragment);
  }
  const body = Buffer.allocUnsafeSlow(length);
  const offsets: number[] = [];
  let at = OPEN.copy(body, 0);
  jsons.forEach(({ json }, i) => {
    if (i > 0) at += COMMA.copy(body, at);
    offsets.push(at);
    at += json.copy(body, at);
  });
  CLOSE.copy(body, at);
  install(entry, [body], length, order, offsets);
}

/** Tasks `roots` of a project's lists, each followed by its subtree. */
export function preOrder(entry: Entry, project: number, roots: number[]): number[] {
  const out: number[] = [];
  const stack = roots.slice().reverse();
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    const children = entry.lists.get(`${project}:${id}`);
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

/** A change to the body: from its task at `at` on, `remove` tasks give way to the tasks `ids`. */
export interface Edit {
  at: number;
  remove: 0 | 1;
  ids: number[];
}

/**
 * The entry's body with `edits` (ascending `at`) made, from slices of the old body and the new
 * tasks' JSON: a few large copies, where rendering again copies every task's JSON by itself. Each
 * edit adds two pieces: the slice of the old body before it (with the comma that stood before its
 * first task there) and one buffer of its new tasks' JSON with their commas.
 */
export function splice(entry: Entry, edits: Edit[]): void {
  const { order, offsets } = entry;
  const body = pieces(entry.body!);
  const parts: Buffer[] = [OPEN];
  // The new order and offsets in runs, joined at the end: block copies, not a push per task.
  const orderRuns: number[][] = [];
  const offsetRuns: number[][] = [];
  let count = 0;
  let written = OPEN.length;
  let cursor = 0;
  const keep = (to: number) => {
    if (to <= cursor) return;
    // The comma before the first kept task comes with it, if it had one and needs one.
    let start = offsets[cursor];
    if (count > 0) {
      if (cursor > 0) start -= COMMA.length;
      else {
        parts.push(COMMA);
        written += COMMA.length;
      }
    }
    const end = to < order.length ? offsets[to] - COMMA.length : entry.bodyLength - CLOSE.length;
    body.slice(start, end, parts);
    orderRuns.push(order.slice(cursor, to));
    const moved = offsets.slice(cursor, to);
    const shift = written - start;
    for (let i = 0; i < moved.length; i++) moved[i] += shift;
    offsetRuns.push(moved);
    count += to - cursor;
    written += end - start;
    cursor = to;
  };
  for (const edit of edits) {
    keep(edit.at);
    if (edit.ids.length > 0) {
      const jsons = edit.ids.map((id) => entry.fragments.get(id)!.json);
      let length = count > 0 ? COMMA.length : 0;
      for (const json of jsons) length += json.length;
      length += (jsons.length - 1) * COMMA.length;
      // Its own memory, as a fragment's (see ownBuffer): a patch's pieces may be kept a long time.
      const added = Buffer.allocUnsafeSlow(length);
      let at = 0;
      const starts = jsons.map((json) => {
        if (count++ > 0) at += COMMA.copy(added, at);
        const start = written + at;
        at += json.copy(added, at);
        return start;
      });
      orderRuns.push(edit.ids.slice());
      offsetRuns.push(starts);
      parts.push(added);
      written += length;
    }
    cursor += edit.remove;
  }
  keep(order.length);
  parts.push(CLOSE);
  const length = written + CLOSE.length;
  // Many patches would make many small pieces, each one kept alive and written by itself in every
  // reply (Node's HTTP response takes ~0.13 µs per piece, on top of the copy): join them then.
  install(
    entry,
    parts.length > MAX_PIECES ? [Buffer.concat(parts, length)] : parts,
    length,
    joinRuns(orderRuns),
    joinRuns(offsetRuns),
  );
}

/**
 * A patch adds about two pieces per task or run of tasks it puts in. A join copies the whole body
 * once (~0.2 ms for 1.5 MB); every read of a body in n pieces writes each by itself (~0.13 µs
 * each): with reads twice as frequent as writes, as in the To Do mix, 64 costs the least of both.
 */
export const MAX_PIECES = 64;

function joinRuns(runs: number[][]): number[] {
  return runs.length === 1 ? runs[0] : ([] as number[]).concat(...runs);
}

function install(entry: Entry, body: Buffer[], length: number, order: number[], offsets: number[]): void {
  entry.body = body;
  entry.bodyLength = length;
  entry.order = order;
  entry.offsets = offsets;
}

/** A list's body as served: its pieces in order, and their total length. */
export interface ListBody {
  /** Never changed in place (a patch installs new pieces), so a reply may still be writing them. */
  pieces: readonly Buffer[];
  length: number;
}

// Below this length, pieces are joined on a read, once for this and the next readers: the copy is
// small, and a one-buffer reply needs no stream (see listReply).
const JOIN_BELOW = 64 * 1024;

/**
 * The entry's body for a reader. A large body stays in the pieces a patch left: a reply writes them
 * to the socket as they are, where joining them would copy the whole body once more per patch.
 */
export function bodyOf(entry: Entry): ListBody {
  const body = entry.body!;
  if (body.length > 1 && entry.bodyLength < JOIN_BELOW) entry.body = [Buffer.concat(body, entry.bodyLength)];
  return { pieces: entry.body!, length: entry.bodyLength };
}

/**
 * Byte ranges of a body in pieces, taken in ascending order (a cursor walks the pieces once per
 * patch).
 */
function pieces(body: Buffer[]): { slice: (start: number, end: number, out: Buffer[]) => void } {
  let index = 0;
  let from = 0;
  return {
    slice(start, end, out) {
      while (from + body[index].length <= start) from += body[index++].length;
      while (start < end) {
        const piece = body[index];
        const to = Math.min(end, from + piece.length);
        out.push(
          start === from && to === from + piece.length ? piece : piece.subarray(start - from, to - from),
        );
        start = to;
        if (to === from + piece.length) from += body[index++].length;
      }
    },
  };
}

/** What an entry takes against the budget: its body, its order and offsets, its fragments. */
export function sizeOf(entry: Entry): number {
  return ENTRY_OVERHEAD + entry.bodyLength + 16 * entry.order.length + entry.fragmentBytes;
}

/** What a kept fragment costs: its strings (UTF-16), its JSON and the objects around them. */
export function costOf(fragment: Fragment): number {
  return 2 * (fragment.head.length + fragment.tail.length) + fragment.json.length + 256;
}

/** Index of a task in the body's order; an error if it is not there (the entry is then dropped). */
export function indexer(order: number[]): (id: number) => number {
  let index: Map<number, number> | null = null;
  let lookups = 0;
  return (id) => {
    // A few lookups scan the array; many build a map once.
    if (!index && ++lookups > 16) {
      index = new Map();
      for (let i = 0; i < order.length; i++) index.set(order[i], i);
    }
    const at = index ? (index.get(id) ?? -1) : order.indexOf(id);
    if (at < 0) throw new Error(`task ${id} is not in the cached list`);
    return at;
  };
}

/** How many ancestors the tasks of a list have (0 for a root list). */
export function depthOf(entry: Entry, parentId: number | null): number {
  let depth = 0;
  for (let id = parentId; id !== null; id = fragmentIn(entry, id).parentId) depth++;
  return depth;
}

/**
 * Index in the body of the first task after the subtree of `id` (in the lists as they stand), where
 * the tasks `fresh` (put into the lists, not yet into the body) do not count.
 */
export function subtreeEnd(
  entry: Entry,
  id: number,
  position: (id: number) => number,
  fresh: ReadonlySet<number> = new Set(),
): number {
  for (let node = id; ; ) {
    const { projectId, parentId } = fragmentIn(entry, node);
    const siblings = entry.lists.get(listKey(projectId, parentId)) ?? [];
    let k = siblings.indexOf(node);
    if (k < 0) throw new Error(`task ${node} is not in its cached sibling list`);
    while (k + 1 < siblings.length && fresh.has(siblings[k + 1])) k++;
    if (k + 1 < siblings.length) return position(siblings[k + 1]);
    if (parentId === null) return projectStart(entry, (projectId ?? 0) + 1, position, fresh);
    node = parentId;
  }
}

/**
 * Index in the body of the first task of the first project from key `key` on, or its end; the
 * tasks `fresh` do not count.
 */
export function projectStart(
  entry: Entry,
  key: number,
  position: (id: number) => number,
  fresh: ReadonlySet<number> = new Set(),
): number {
  let first: number | null = null;
  let firstKey = Infinity;
  for (const [list, ids] of entry.lists) {
    if (!list.endsWith(':0')) continue;
    const project = Number(list.slice(0, list.indexOf(':')));
    if (project < key || project >= firstKey) continue;
    const old = ids.find((id) => !fresh.has(id));
    if (old === undefined) continue;
    firstKey = project;
    first = old;
  }
  return first === null ? entry.order.length : position(first);
}

export function fragmentIn(entry: Entry, id: number): Fragment {
  const fragment = entry.fragments.get(id);
  if (!fragment) throw new Error(`task ${id} is not in the cached list`);
  return fragment;
}
