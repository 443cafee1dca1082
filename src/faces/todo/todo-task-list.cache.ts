import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { pushTo } from '../../common/group-by';
import { storedView, TaskView } from '../../tasks/task-content';
import { FieldsUpdated, TaskChangeFeed, TasksInserted } from '../../tasks/task-change-feed';
import { OutlineRow, ReadRevisions, TaskTreeReader } from '../../tasks/task-tree-reader';
import { toTodoTask } from './todo-output';

// Counted for every list, so that many small ones (an empty or unknown project reads as `[]`)
// also fill the budget.
const ENTRY_OVERHEAD = 512;

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

interface Entry {
  accountId: number;
  /** The project key the list is of (0 = No project), or ALL for all the account's tasks. */
  scope: number;
  /** Revisions the body was built at (at least); null until the first build. */
  label: ReadRevisions | null;
  body: Buffer | null;
  fragments: Map<number, Fragment>;
  /** Task ids per sibling list, `project:parent` (0 = none), in order. */
  lists: Map<string, number[]>;
  bytes: number;
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
    changes: TaskChangeFeed,
  ) {
    this.budget = config.TODO_LIST_CACHE_MB * 1024 * 1024;
    if (this.budget > 0) {
      changes.subscribe({
        interested: (accountId, keys) => this.listsOf(accountId, keys).length > 0,
        tasksInserted: (change) => this.applySafely(change.accountId, () => this.applyInserted(change)),
        fieldsUpdated: (change) => this.applySafely(change.accountId, () => this.applyUpdated(change)),
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
    for (;;) {
      if (entry.body && (covers(entry.label!, now) || entry.builtFrom > arrival)) return entry.body;
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

  /** New tasks a clone of this process committed, put into the lists that follow on from it. */
  private applyInserted(change: TasksInserted): void {
    const touched = new Set(change.lists.map((list) => list.projectId ?? 0));
    for (const entry of this.listsOf(change.accountId, touched)) {
      const label = this.follows(entry, change.revisions);
      if (!label) continue;
      const roots = new Set<number>();
      for (const list of change.lists) {
        if (!inScope(entry, list.projectId ?? 0)) continue;
        const key = listKey(list.projectId, list.parentId);
        const before = entry.lists.get(key) ?? [];
        const after = new Array<number>(before.length + list.inserts.reduce((n, x) => n + x.ids.length, 0));
        for (const insert of list.inserts) {
          insert.ids.forEach((id, k) => {
            after[insert.at + k] = id;
            roots.add(id);
          });
        }
        let next = 0;
        for (let i = 0; i < after.length; i++) if (after[i] === undefined) after[i] = before[next++];
        entry.lists.set(key, after);
      }
      for (const { view, stamp } of change.tasks) {
        if (!inScope(entry, view.projectId ?? 0)) continue;
        entry.fragments.set(view.id, fragmentOf(view, stamp, view));
        if (!roots.has(view.id)) pushTo(entry.lists, listKey(view.projectId, view.parentId), view.id);
      }
      entry.label = label;
      render(entry);
      this.evict(entry);
    }
  }

  /** New own fields a PUT of this process committed, in the lists that follow on from it. */
  private applyUpdated(change: FieldsUpdated): void {
    const touched = [...change.revisions.keys()].map((key) => Number(key.slice(1)));
    for (const entry of this.listsOf(change.accountId, touched)) {
      const label = this.follows(entry, change.revisions);
      if (!label) continue;
      for (const { id, content, stamp } of change.tasks) {
        const old = entry.fragments.get(id);
        if (!old) continue;
        const view = storedView(id, old.projectId, old.parentId, content, null);
        view.creationDate = old.creationDate;
        entry.fragments.set(id, fragmentOf(view, stamp, view));
      }
      entry.label = label;
      render(entry);
      this.evict(entry);
    }
  }

  /**
   * Drops least recently used lists until the cache fits its budget. `fresh`, just built, goes
   * last, and also when it alone is over the budget (its readers still get its body).
   */
  private evict(fresh: Entry): void {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    for (const [key, entry] of this.entries) {
      if (total <= this.budget) return;
      if (entry === fresh && total - entry.bytes > 0) continue;
      this.entries.delete(key);
      total -= entry.bytes;
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
    fragments: new Map(),
    lists: new Map(),
    bytes: 0,
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
  const parts: Buffer[] = [OPEN];
  let fragmentBytes = 0;
  for (const project of projects) {
    const stack = [...entry.lists.get(`${project}:0`)!].reverse();
    while (stack.length > 0) {
      const id = stack.pop()!;
      const fragment = entry.fragments.get(id)!;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(fragment.json);
      fragmentBytes += 2 * (fragment.head.length + fragment.tail.length) + fragment.json.length + 256;
      const children = entry.lists.get(`${project}:${id}`);
      if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  parts.push(CLOSE);
  entry.body = Buffer.concat(parts);
  entry.bytes = ENTRY_OVERHEAD + entry.body.length + fragmentBytes;
}
