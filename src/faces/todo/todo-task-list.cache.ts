import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { pushTo } from '../../common/group-by';
import { storedView, TaskView } from '../../tasks/store/task-content';
import {
  FieldsUpdated,
  projectKeysOf,
  TaskChange,
  TaskChangeFeed,
  TasksInserted,
} from '../../tasks/store/task-change-feed';
import { OutlineRow, ReadRevisions, TaskTreeReader } from '../../tasks/read/task-tree-reader';
import { toTodoTask } from './todo-output';

// Counted for every list, so that many small ones (an empty or unknown project reads as `[]`)
// also fill the budget.
const ENTRY_OVERHEAD = 512;
// Writes told before one they follow on from, kept per list until it comes (commits on separate
// connections are heard in any order).
const MAX_HELD = 16;

/** A task's JSON: its own fields, and the whole object as last placed in the outline. */
interface Fragment {
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

const COMMA = Buffer.from(',');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const EMPTY = Buffer.from('[]');

interface Entry {
  accountId: number;
  /** The project key the list is of (0 = No project), or ALL for all the account's tasks. */
  scope: number;
  /** Revisions the body was built at (at least); null until the first build. */
  label: ReadRevisions | null;
  body: Buffer | null;
  /** The body's task ids in its order, and where each one's JSON starts in it. */
  order: number[];
  offsets: number[];
  fragments: Map<number, Fragment>;
  /** Task ids per sibling list, `project:parent` (0 = none), in order. */
  lists: Map<string, number[]>;
  /** What the fragments take (counted with the body against the budget, see sizeOf). */
  fragmentBytes: number;
  /** Changes told ahead of one they follow on from. */
  held: TaskChange[];
  /** The build in flight, and the tick it started at. */
  building: Promise<void> | null;
  builtFrom: number;
}

/**
 * The bodies of GET /todo/tasks and GET /todo/tasks/projects/:id. A list read costs one indexed
 * lookup of the project's read revision while nothing changed; after a change, concurrent readers
 * share one rebuild, which reads the tree's outline and only the tasks whose stamps moved, and
 * reuses every other task's JSON. Freshness: a reader is served a body whose revisions cover the
 * ones it read after it arrived, or one built from a snapshot taken after it arrived, so it sees
 * every write committed before its request. Per process; the database decides, so any number of
 * instances may run. Memory is bounded by TODO_LIST_CACHE_MB, least recently used lists first out.
 */
@Injectable()
export class TodoTaskListCache {
  private readonly logger = new Logger(TodoTaskListCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly budget: number;
  private tick = 0;

  constructor(
    private readonly reader: TaskTreeReader,
    config: AppConfig,
    private readonly changes: TaskChangeFeed,
  ) {
    this.budget = config.TODO_LIST_CACHE_MB * 1024 * 1024;
    if (this.budget > 0) {
      changes.subscribe({
        interested: (accountId, keys) => this.listsOf(accountId, keys).length > 0,
        changed: (change) => this.applySafely(change.accountId, () => this.receive(change)),
      });
    }
  }

  /** The JSON array of the project's tasks (`projectId` null = No project; undefined = all). */
  async list(accountId: number, projectId?: number | null): Promise<Buffer> {
    const scope = projectId === undefined ? ALL : (projectId ?? 0);
    if (this.budget === 0) {
      const entry = newEntry(accountId, scope);
      await this.build(entry, accountId, projectId);
      return entry.body!;
    }
    const arrival = ++this.tick;
    const key = entryKey(accountId, scope);
    const now = await this.reader.readRevisions(accountId, projectId);
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else entry = newEntry(accountId, scope);
    this.entries.set(key, entry);
    for (let waited = false; ; ) {
      if (entry.body && (covers(entry.label!, now) || entry.builtFrom > arrival)) return entry.body;
      // Ahead of the list by writes of this process that committed and are about to be told?
      const settling =
        waited || !entry.body ? null : this.changes.settled(accountId, scope === ALL ? null : [scope]);
      waited = true;
      if (settling) {
        await settling;
        continue;
      }
      if (!entry.building) {
        const started = ++this.tick;
        const target = entry;
        target.building = this.build(target, accountId, projectId)
          .then((installed) => {
            // Only a snapshot that was installed vouches for readers that arrived before it.
            if (installed) target.builtFrom = started;
            this.evict(target);
          })
          .finally(() => {
            target.building = null;
          });
        await target.building;
      } else {
        // Another reader's rebuild; if it does not satisfy this reader, the next round starts one.
        // If it fails, so does this read: the database is unlikely to do better for the next.
        await entry.building;
      }
      if (this.entries.get(key) !== entry) {
        // Evicted meanwhile: keep a private entry for this reader's remaining rounds.
        entry = { ...entry, building: null };
      }
    }
  }

  /** Builds the entry afresh; false when a write applied meanwhile left the snapshot behind. */
  private async build(
    entry: Entry,
    accountId: number,
    projectId: number | null | undefined,
  ): Promise<boolean> {
    const known = entry.fragments;
    const label = entry.label;
    const snapshot = await this.reader.readTree(accountId, projectId, {
      current: (revisions) => label !== null && sameContent(label, revisions),
      known: (id, stamp) => {
        const fragment = known.get(id);
        return fragment !== undefined && (stamp === undefined || fragment.stamp === stamp);
      },
    });
    // A write of this process applied meanwhile may have taken the entry past this snapshot.
    if (entry.label && !covers(snapshot.revisions, entry.label)) return false;
    const fragments = new Map<number, Fragment>();
    // The outline comes list by list, each in position order; render puts them in read order.
    const lists = new Map<string, number[]>();
    for (const row of snapshot.outline) {
      const read = snapshot.views.get(row.id);
      let fragment = read ? fragmentOf(read.view, read.stamp, row) : known.get(row.id)!;
      if (fragment.parentId !== row.parentId || fragment.projectId !== row.projectId) {
        fragment = placed(fragment, row);
      }
      fragments.set(row.id, fragment);
      pushTo(lists, listKey(row.projectId, row.parentId), row.id);
    }
    entry.fragments = fragments;
    entry.lists = lists;
    entry.label = snapshot.revisions;
    render(entry);
    this.applySafely(accountId, () => this.applyHeld(entry));
    return true;
  }

  /** The built lists of the account that hold any of these projects (0 = No project). */
  private listsOf(accountId: number, projectKeys: Iterable<number>): Entry[] {
    const out: Entry[] = [];
    for (const scope of [...projectKeys, ALL]) {
      const entry = this.entries.get(entryKey(accountId, scope));
      if (entry?.body) out.push(entry);
    }
    return out;
  }

  /**
   * The entry's label moved on by the revisions of a committed write, if each of those in the
   * entry's scope follows right on from the one it holds: the entry then held exactly the state
   * the write started from. Otherwise null, and the entry is left for readers to rebuild.
   */
  private follows(entry: Entry, revisions: ReadRevisions): ReadRevisions | null {
    const next = new Map(entry.label!);
    for (const [key, revision] of revisions) {
      if (!inScope(entry, Number(key.slice(1)))) continue;
      // A project without a revision row yet is at revision 0: the first write creates it at 1.
      if ((entry.label!.get(key) ?? 0) !== revision - 1) return null;
      next.set(key, revision);
    }
    return next;
  }

  /**
   * Applies a committed write. The write is done whatever happens here: if applying it fails, the
   * account's lists are dropped (readers rebuild them) rather than failing the writer's request.
   */
  private applySafely(accountId: number, apply: () => void): void {
    try {
      apply();
    } catch (error) {
      this.logger.error(`dropping the cached lists of account ${accountId}: ${(error as Error).message}`);
      for (const [key, entry] of [...this.entries]) {
        if (entry.accountId === accountId) this.entries.delete(key);
      }
    }
  }

  /** A committed write of this process, for every list it follows on from (or later on). */
  private receive(change: TaskChange): void {
    for (const entry of this.listsOf(change.accountId, projectKeysOf(change.revisions))) {
      if (this.offer(entry, change)) this.applyHeld(entry);
      else if (this.mayApplyLater(entry, change) && entry.held.length < MAX_HELD) entry.held.push(change);
      else this.applyHeld(entry);
      this.evict(entry);
    }
  }

  /**
   * Applies the change if the entry holds exactly the state it started from: its revisions follow
   * on from the entry's, and an update's tasks are all in the entry (an update can be heard before
   * the clone that made its task, whose revisions are of another kind).
   */
  private offer(entry: Entry, change: TaskChange): boolean {
    const label = this.follows(entry, change.revisions);
    if (!label) return false;
    if (change.kind === 'inserted') this.applyInserted(entry, change);
    else if (change.tasks.some((t) => inScope(entry, t.projectId ?? 0) && !entry.fragments.has(t.id)))
      return false;
    else this.applyUpdated(entry, change);
    entry.label = label;
    return true;
  }

  /** Applies the held changes that now follow on; drops those that never will. */
  private applyHeld(entry: Entry): void {
    for (let i = 0; i < entry.held.length; ) {
      if (this.offer(entry, entry.held[i])) {
        entry.held.splice(i, 1);
        i = 0;
      } else i++;
    }
    entry.held = entry.held.filter((change) => this.mayApplyLater(entry, change));
  }

  /**
   * Whether a change that does not apply now may later: it is ahead of the entry on every
   * revision, and writes of this process to its projects are still to be told (one of them may be
   * what it follows on from; a write of another instance never will be).
   */
  private mayApplyLater(entry: Entry, change: TaskChange): boolean {
    for (const [key, revision] of change.revisions) {
      if (inScope(entry, Number(key.slice(1))) && (entry.label!.get(key) ?? 0) >= revision) return false;
    }
    return this.changes.announcing(change.accountId, projectKeysOf(change.revisions));
  }

  /**
   * New tasks a clone of this process committed, put into the lists that follow on from it. The
   * body is patched, not rendered again: each run of new roots, with its subtree, goes where the
   * pre-order reaches the gap it fills (after the subtree of the old sibling before it, or right
   * after its parent, or at its project's start).
   */
  private applyInserted(entry: Entry, change: TasksInserted): void {
    const position = indexer(entry.order);
    const runs: Array<{ at: number; depth: number; projectId: number | null; roots: number[] }> = [];
    const after = new Map<string, number[]>();
    for (const list of change.lists) {
      if (!inScope(entry, list.projectId ?? 0)) continue;
      const key = listKey(list.projectId, list.parentId);
      const before = entry.lists.get(key) ?? [];
      const next = withInserts(before, list.inserts);
      after.set(key, next);
      const fresh = new Set(list.inserts.flatMap((insert) => insert.ids));
      const depth = depthOf(entry, list.parentId);
      let previous: number | null = null;
      let run: number[] | null = null;
      for (const id of next) {
        if (!fresh.has(id)) {
          previous = id;
          run = null;
          continue;
        }
        if (!run) {
          run = [];
          const at =
            previous !== null
              ? subtreeEnd(entry, previous, position)
              : list.parentId !== null
                ? position(list.parentId) + 1
                : projectStart(entry, list.projectId ?? 0, position);
          runs.push({ at, depth, projectId: list.projectId, roots: run });
        }
        run.push(id);
      }
    }
    for (const [key, next] of after) entry.lists.set(key, next);
    const roots = new Set(runs.flatMap((run) => run.roots));
    for (const { view, stamp } of change.tasks) {
      if (!inScope(entry, view.projectId ?? 0)) continue;
      const fragment = fragmentOf(view, stamp, view);
      entry.fragments.set(view.id, fragment);
      entry.fragmentBytes += costOf(fragment);
      if (!roots.has(view.id)) pushTo(entry.lists, listKey(view.projectId, view.parentId), view.id);
    }
    // Runs that meet at one place: the earlier project's first, then the deeper one, which closes
    // the subtree that the shallower one follows.
    runs.sort((a, b) => a.at - b.at || (a.projectId ?? 0) - (b.projectId ?? 0) || b.depth - a.depth);
    splice(
      entry,
      runs.map((run) => ({ at: run.at, remove: 0, ids: preOrder(entry, run.projectId ?? 0, run.roots) })),
    );
  }

  /** New own fields a PUT of this process committed, in the lists that follow on from it. */
  private applyUpdated(entry: Entry, change: FieldsUpdated): void {
    const position = indexer(entry.order);
    const edits = new Map<number, Edit>();
    for (const { id, content, stamp } of change.tasks) {
      const old = entry.fragments.get(id);
      if (!old) continue;
      const view = storedView(id, old.projectId, old.parentId, content, null);
      view.creationDate = old.creationDate;
      const fragment = fragmentOf(view, stamp, view);
      entry.fragments.set(id, fragment);
      entry.fragmentBytes += costOf(fragment) - costOf(old);
      const at = position(id);
      edits.set(at, { at, remove: 1, ids: [id] });
    }
    splice(
      entry,
      [...edits.values()].sort((a, b) => a.at - b.at),
    );
  }

  /**
   * Drops least recently used lists until the cache fits its budget. `fresh`, just built, goes
   * last, and also when it alone is over the budget (its readers still get its body).
   */
  private evict(fresh: Entry): void {
    let total = 0;
    for (const entry of this.entries.values()) total += sizeOf(entry);
    for (const [key, entry] of this.entries) {
      if (total <= this.budget) return;
      const size = sizeOf(entry);
      if (entry === fresh && total - size > 0) continue;
      this.entries.delete(key);
      total -= size;
    }
  }
}

// The scope of the list of all an account's tasks (GET /todo/tasks).
const ALL = -1;

function entryKey(accountId: number, scope: number): string {
  return `${accountId}:${scope}`;
}

function newEntry(accountId: number, scope: number): Entry {
  return {
    accountId,
    scope,
    label: null,
    body: null,
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

function inScope(entry: Entry, projectKey: number): boolean {
  return entry.scope === ALL || entry.scope === projectKey;
}

/** The same content revisions, project for project: no task's own fields changed in between. */
function sameContent(a: ReadRevisions, b: ReadRevisions): boolean {
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
function covers(label: ReadRevisions, now: ReadRevisions): boolean {
  for (const [key, revision] of now) if ((label.get(key) ?? -1) < revision) return false;
  return true;
}

function fragmentOf(view: TaskView, stamp: number, row: Placement): Fragment {
  const { id: _id, text, checked, collapsed, parent: _parent, project: _project, ...rest } = toTodoTask(view);
  return placed(
    {
      stamp,
      head: JSON.stringify({ text, checked, collapsed }).slice(1, -1),
      tail: JSON.stringify(rest).slice(1, -1),
      creationDate: view.creationDate,
    },
    row,
  );
}

/** The fragment's task at the outline row's place (parent and project). */
function placed(fragment: Omit<Fragment, 'parentId' | 'projectId' | 'json'>, row: Placement): Fragment {
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

type Placement = Pick<OutlineRow, 'id' | 'projectId' | 'parentId'>;

function listKey(projectId: number | null, parentId: number | null): string {
  return `${projectId ?? 0}:${parentId ?? 0}`;
}

/**
 * The entry's body from its lists and fragments: depth-first pre-order (No project first, then by
 * project id; each task followed by its subtree). Buffers, not one string: most tasks' JSON is
 * reused as it is, so the body is a copy of them.
 */
function render(entry: Entry): void {
  const projects = [...entry.lists.keys()]
    .filter((key) => key.endsWith(':0'))
    .map((key) => Number(key.split(':')[0]))
    .sort((a, b) => a - b);
  const order: number[] = [];
  for (const project of projects) order.push(...preOrder(entry, project, entry.lists.get(`${project}:0`)!));
  entry.fragmentBytes = 0;
  for (const id of order) entry.fragmentBytes += costOf(entry.fragments.get(id)!);
  // The whole body is one insert into an empty one.
  entry.body = EMPTY;
  entry.order = [];
  entry.offsets = [];
  splice(entry, [{ at: 0, remove: 0, ids: order }]);
}

/** Tasks `roots` of a project's lists, each followed by its subtree. */
function preOrder(entry: Entry, project: number, roots: number[]): number[] {
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
interface Edit {
  at: number;
  remove: 0 | 1;
  ids: number[];
}

/**
 * The entry's body with `edits` (ascending `at`) made, from slices of the old body and the new
 * tasks' JSON: a few large copies, where rendering again copies every task's JSON by itself.
 */
function splice(entry: Entry, edits: Edit[]): void {
  const { body, order, offsets } = entry;
  const parts: Buffer[] = [OPEN];
  const nextOrder: number[] = [];
  const nextOffsets: number[] = [];
  let written = OPEN.length;
  let cursor = 0;
  const separate = () => {
    if (nextOrder.length === 0) return;
    parts.push(COMMA);
    written += COMMA.length;
  };
  const keep = (to: number) => {
    if (to <= cursor) return;
    separate();
    const start = offsets[cursor];
    const end = to < order.length ? offsets[to] - COMMA.length : body!.length - CLOSE.length;
    parts.push(body!.subarray(start, end));
    for (let i = cursor; i < to; i++) {
      nextOrder.push(order[i]);
      nextOffsets.push(offsets[i] - start + written);
    }
    written += end - start;
    cursor = to;
  };
  for (const edit of edits) {
    keep(edit.at);
    for (const id of edit.ids) {
      separate();
      const { json } = entry.fragments.get(id)!;
      nextOrder.push(id);
      nextOffsets.push(written);
      parts.push(json);
      written += json.length;
    }
    cursor += edit.remove;
  }
  keep(order.length);
  parts.push(CLOSE);
  install(entry, Buffer.concat(parts, written + CLOSE.length), nextOrder, nextOffsets);
}

function install(entry: Entry, body: Buffer, order: number[], offsets: number[]): void {
  entry.body = body;
  entry.order = order;
  entry.offsets = offsets;
}

/** What an entry takes against the budget: its body, its order and offsets, its fragments. */
function sizeOf(entry: Entry): number {
  return ENTRY_OVERHEAD + (entry.body?.length ?? 0) + 16 * entry.order.length + entry.fragmentBytes;
}

/** What a kept fragment costs: its strings (UTF-16), its JSON and the objects around them. */
function costOf(fragment: Fragment): number {
  return 2 * (fragment.head.length + fragment.tail.length) + fragment.json.length + 256;
}

/** Index of a task in the body's order; an error if it is not there (the entry is then dropped). */
function indexer(order: number[]): (id: number) => number {
  let index: Map<number, number> | null = null;
  let lookups = 0;
  return (id) => {
    // A few lookups scan the array; many build a map once.
    if (!index && ++lookups > 16) index = new Map(order.map((x, i) => [x, i]));
    const at = index ? (index.get(id) ?? -1) : order.indexOf(id);
    if (at < 0) throw new Error(`task ${id} is not in the cached list`);
    return at;
  };
}

/** `before` with each insert's ids placed from its index in the result on. */
function withInserts(before: number[], inserts: Array<{ at: number; ids: number[] }>): number[] {
  const after = new Array<number>(before.length + inserts.reduce((n, x) => n + x.ids.length, 0));
  for (const insert of inserts) insert.ids.forEach((id, k) => (after[insert.at + k] = id));
  let next = 0;
  for (let i = 0; i < after.length; i++) if (after[i] === undefined) after[i] = before[next++];
  return after;
}

/** How many ancestors the tasks of a list have (0 for a root list). */
function depthOf(entry: Entry, parentId: number | null): number {
  let depth = 0;
  for (let id = parentId; id !== null; id = fragmentIn(entry, id).parentId) depth++;
  return depth;
}

/** Index in the body of the first task after the subtree of `id` (in the lists as they stand). */
function subtreeEnd(entry: Entry, id: number, position: (id: number) => number): number {
  for (let node = id; ; ) {
    const { projectId, parentId } = fragmentIn(entry, node);
    const siblings = entry.lists.get(listKey(projectId, parentId)) ?? [];
    const k = siblings.indexOf(node);
    if (k < 0) throw new Error(`task ${node} is not in its cached sibling list`);
    if (k + 1 < siblings.length) return position(siblings[k + 1]);
    if (parentId === null) return projectStart(entry, (projectId ?? 0) + 1, position);
    node = parentId;
  }
}

/** Index in the body of the first task of the first project from key `key` on, or its end. */
function projectStart(entry: Entry, key: number, position: (id: number) => number): number {
  let first: number | null = null;
  let firstKey = Infinity;
  for (const [list, ids] of entry.lists) {
    if (!list.endsWith(':0') || ids.length === 0) continue;
    const project = Number(list.slice(0, list.indexOf(':')));
    if (project >= key && project < firstKey) {
      firstKey = project;
      first = ids[0];
    }
  }
  return first === null ? entry.order.length : position(first);
}

function fragmentIn(entry: Entry, id: number): Fragment {
  const fragment = entry.fragments.get(id);
  if (!fragment) throw new Error(`task ${id} is not in the cached list`);
  return fragment;
}
