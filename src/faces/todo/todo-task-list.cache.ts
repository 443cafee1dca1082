import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { TaskView } from '../../tasks/task-content';
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
  parentId: number | null;
  projectId: number | null;
  /** The task object's UTF-8 JSON for that parent and project. */
  json: Buffer;
}

const COMMA = Buffer.from(',');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

interface Entry {
  /** Revisions the body was built at (at least); null until the first build. */
  label: ReadRevisions | null;
  body: Buffer | null;
  fragments: Map<number, Fragment>;
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
  private readonly entries = new Map<string, Entry>();
  private readonly budget: number;
  private tick = 0;

  constructor(
    private readonly reader: TaskTreeReader,
    config: AppConfig,
  ) {
    this.budget = config.TODO_LIST_CACHE_MB * 1024 * 1024;
  }

  /** The JSON array of the project's tasks (`projectId` null = No project; undefined = all). */
  async list(accountId: number, projectId?: number | null): Promise<Buffer> {
    if (this.budget === 0) {
      const entry = newEntry();
      await this.build(entry, accountId, projectId);
      return entry.body!;
    }
    const arrival = ++this.tick;
    const key = `${accountId}:${projectId === undefined ? '*' : (projectId ?? 0)}`;
    const now = await this.reader.readRevisions(accountId, projectId);
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else entry = newEntry();
    this.entries.set(key, entry);
    for (;;) {
      if (entry.body && (covers(entry.label!, now) || entry.builtFrom > arrival)) return entry.body;
      if (!entry.building) {
        const started = ++this.tick;
        const target = entry;
        target.building = this.build(target, accountId, projectId)
          .then(() => {
            target.builtFrom = started;
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

  private async build(entry: Entry, accountId: number, projectId: number | null | undefined): Promise<void> {
    const known = entry.fragments;
    const label = entry.label;
    const snapshot = await this.reader.readTree(accountId, projectId, {
      current: (revisions) => label !== null && sameContent(label, revisions),
      known: (id, stamp) => {
        const fragment = known.get(id);
        return fragment !== undefined && (stamp === undefined || fragment.stamp === stamp);
      },
    });
    const fragments = new Map<number, Fragment>();
    // Buffers, not one string: most tasks' JSON is reused as it is, so the body is a copy of them.
    const parts = new Array<Buffer>(2 * snapshot.outline.length + 1);
    parts[0] = OPEN;
    let fragmentBytes = 0;
    for (let i = 0; i < snapshot.outline.length; i++) {
      const row = snapshot.outline[i];
      const read = snapshot.views.get(row.id);
      let fragment = read ? fragmentOf(read.view, read.stamp, row) : known.get(row.id)!;
      if (fragment.parentId !== row.parentId || fragment.projectId !== row.projectId) {
        fragment = placed(fragment, row);
      }
      fragments.set(row.id, fragment);
      fragmentBytes += 2 * (fragment.head.length + fragment.tail.length) + fragment.json.length + 256;
      parts[2 * i + 1] = fragment.json;
      parts[2 * i + 2] = COMMA;
    }
    if (snapshot.outline.length === 0) parts.push(CLOSE);
    else parts[parts.length - 1] = CLOSE;
    const body = Buffer.concat(parts);
    entry.fragments = fragments;
    entry.body = body;
    entry.label = snapshot.revisions;
    entry.bytes = ENTRY_OVERHEAD + body.length + fragmentBytes;
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

function newEntry(): Entry {
  return { label: null, body: null, fragments: new Map(), bytes: 0, building: null, builtFrom: 0 };
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

function fragmentOf(view: TaskView, stamp: number, row: OutlineRow): Fragment {
  const { id: _id, text, checked, collapsed, parent: _parent, project: _project, ...rest } = toTodoTask(view);
  return placed(
    {
      stamp,
      head: JSON.stringify({ text, checked, collapsed }).slice(1, -1),
      tail: JSON.stringify(rest).slice(1, -1),
    },
    row,
  );
}

/** The fragment's task at the outline row's place (parent and project). */
function placed(fragment: Pick<Fragment, 'stamp' | 'head' | 'tail'>, row: OutlineRow): Fragment {
  return {
    stamp: fragment.stamp,
    head: fragment.head,
    tail: fragment.tail,
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
