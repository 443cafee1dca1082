import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { pushTo } from '../../common/group-by';
import { ReadRevisions, TaskTreeReader } from '../../tasks/read/task-tree-reader.service';
import {
  FieldsUpdated,
  projectKeysOf,
  TaskChange,
  TaskChangeFeed,
  TaskChangeKind,
  TasksInserted,
  insertRuns,
  runsFit,
} from '../../tasks/store/task-changes.service';
import {
  ALL,
  bodyOf,
  costOf,
  covers,
  depthOf,
  Edit,
  Entry,
  entryKey,
  Fragment,
  fragmentOf,
  ListBody,
  inScope,
  indexer,
  listKey,
  newEntry,
  placed,
  preOrder,
  projectStart,
  render,
  sameContent,
  sizeOf,
  splice,
  subtreeEnd,
} from './todo-list-entry';

/** The writes the cache applies; after any other its lists are read again. */
type Applied = TasksInserted | FieldsUpdated;

function isApplied(change: TaskChange): change is Applied {
  return APPLIED.has(change.kind);
}

const APPLIED: ReadonlySet<TaskChangeKind> = new Set(['inserted', 'updated']);

interface RevisionRead {
  running: Promise<ReadRevisions>;
  next: Promise<ReadRevisions> | null;
}

// Writes told before one they follow on from, kept per list until it comes (commits on separate
// connections are heard in any order).
const MAX_HELD = 16;

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
  /** The same entries by account, then scope: what projectOf looks through. */
  private readonly byAccount = new Map<number, Map<number, Entry>>();
  /** Per list: the revision read in flight, and the one readers arriving meanwhile wait for. */
  private readonly revisionReads = new Map<string, RevisionRead>();
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
        interested: (accountId, keys, kind) => APPLIED.has(kind) && this.listsOf(accountId, keys).length > 0,
        changed: (change) => {
          if (isApplied(change)) this.applySafely(change.accountId, () => this.receive(change));
        },
      });
    }
  }

  /** The JSON array of the project's tasks (`projectId` null = No project; undefined = all). */
  async list(accountId: number, projectId?: number | null): Promise<ListBody> {
    const scope = projectId === undefined ? ALL : (projectId ?? 0);
    if (this.budget === 0) {
      const entry = newEntry(accountId, scope);
      await this.build(entry, accountId, projectId);
      return bodyOf(entry);
    }
    const arrival = ++this.tick;
    const key = entryKey(accountId, scope);
    const now = await this.revisionsSince(key, accountId, projectId);
    let entry = this.entries.get(key);
    // Taken out and put back: the most recently used last.
    if (entry) this.entries.delete(key);
    else entry = newEntry(accountId, scope);
    this.put(key, entry);
    for (let waited = false; ; ) {
      if (entry.body && (covers(entry.label!, now) || entry.builtFrom > arrival)) return bodyOf(entry);
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

  /**
   * The project a built list of the account last showed the task in (null: No project), or
   * undefined if none holds it. A hint only, as of that list's last build or patch.
   */
  projectOf(accountId: number, taskId: number): number | null | undefined {
    for (const entry of this.byAccount.get(accountId)?.values() ?? []) {
      if (!entry.body) continue;
      const fragment = entry.fragments.get(taskId);
      if (fragment) return fragment.projectId;
    }
    return undefined;
  }

  /**
   * The list's revisions, read by a statement sent after the caller arrived, so that they cover
   * every write committed before it. Readers that arrive while such a read is in flight share the
   * next one, sent as soon as it ends: one statement per round trip for any number of concurrent
   * readers of a list, instead of one each.
   */
  private revisionsSince(
    key: string,
    accountId: number,
    projectId: number | null | undefined,
  ): Promise<ReadRevisions> {
    const slot = this.revisionReads.get(key);
    if (!slot) return this.sendRevisionRead(key, accountId, projectId);
    slot.next ??= slot.running.then(
      () => this.sendRevisionRead(key, accountId, projectId),
      () => this.sendRevisionRead(key, accountId, projectId),
    );
    return slot.next;
  }

  private sendRevisionRead(
    key: string,
    accountId: number,
    projectId: number | null | undefined,
  ): Promise<ReadRevisions> {
    const slot: RevisionRead = { running: this.reader.readRevisions(accountId, projectId), next: null };
    this.revisionReads.set(key, slot);
    const settle = () => {
      // Unless readers wait for a next read (which takes the slot when it is sent).
      if (this.revisionReads.get(key) === slot && !slot.next) this.revisionReads.delete(key);
    };
    slot.running.then(settle, settle);
    return slot.running;
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
      const read = snapshot.tasks.get(row.id);
      let fragment = read ? fragmentOf(read.task, read.stamp, row) : known.get(row.id)!;
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
      for (const entry of [...(this.byAccount.get(accountId)?.values() ?? [])])
        this.drop(entryKey(accountId, entry.scope));
    }
  }

  /** A committed write of this process, for every list it follows on from (or later on). */
  private receive(change: Applied): void {
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
  private offer(entry: Entry, change: Applied): boolean {
    const label = this.follows(entry, change.revisions);
    if (!label) return false;
    if (change.kind === 'inserted') {
      if (!this.applyInserted(entry, change)) {
        // A run's anchor is not where the write found it: the list is read again when next asked for.
        this.drop(entryKey(entry.accountId, entry.scope));
        return false;
      }
    } else if (change.tasks.some((t) => inScope(entry, t.projectId ?? 0) && !entry.fragments.has(t.id)))
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
  private mayApplyLater(entry: Entry, change: Applied): boolean {
    for (const [key, revision] of change.revisions) {
      if (inScope(entry, Number(key.slice(1))) && (entry.label!.get(key) ?? 0) >= revision) return false;
    }
    return this.changes.announcing(change.accountId, projectKeysOf(change.revisions));
  }

  /**
   * New tasks a clone of this process committed, put into the lists that follow on from it. The
   * body is patched, not rendered again: each run of new roots, with its subtree, goes where the
   * pre-order reaches the gap it fills (after the subtree of the old sibling before it, or right
   * after its parent, or at its project's start). False, with nothing changed, if a run's anchor
   * is not in its list here.
   */
  private applyInserted(entry: Entry, change: TasksInserted): boolean {
    const lists = change.lists.filter((list) => inScope(entry, list.projectId ?? 0));
    for (const list of lists) {
      if (!runsFit(entry.lists.get(listKey(list.projectId, list.parentId)) ?? [], list.inserts)) return false;
    }
    // Into the lists in place (a copy of a long list per write costs more than the rest); the
    // new roots are not in the body yet, so the places in it are found past them.
    const fresh = new Set<number>();
    for (const list of lists) {
      const key = listKey(list.projectId, list.parentId);
      let ids = entry.lists.get(key);
      if (!ids) entry.lists.set(key, (ids = []));
      insertRuns(ids, list.inserts);
      for (const insert of list.inserts) for (const id of insert.ids) fresh.add(id);
    }
    const position = indexer(entry.order);
    const runs: Array<{ at: number; depth: number; projectId: number | null; roots: number[] }> = [];
    for (const list of lists) {
      const depth = depthOf(entry, list.parentId);
      let previous: number | null = null;
      let run: number[] | null = null;
      for (const id of entry.lists.get(listKey(list.projectId, list.parentId))!) {
        if (!fresh.has(id)) {
          previous = id;
          run = null;
          continue;
        }
        if (!run) {
          run = [];
          const at =
            previous !== null
              ? subtreeEnd(entry, previous, position, fresh)
              : list.parentId !== null
                ? position(list.parentId) + 1
                : projectStart(entry, list.projectId ?? 0, position, fresh);
          runs.push({ at, depth, projectId: list.projectId, roots: run });
        }
        run.push(id);
      }
    }
    for (const { task, stamp } of change.tasks) {
      if (!inScope(entry, task.projectId ?? 0)) continue;
      const fragment = fragmentOf(task, stamp, task);
      entry.fragments.set(task.id, fragment);
      entry.fragmentBytes += costOf(fragment);
      if (!fresh.has(task.id)) pushTo(entry.lists, listKey(task.projectId, task.parentId), task.id);
    }
    // Runs that meet at one place: the earlier project's first, then the deeper one, which closes
    // the subtree that the shallower one follows.
    runs.sort((a, b) => a.at - b.at || (a.projectId ?? 0) - (b.projectId ?? 0) || b.depth - a.depth);
    splice(
      entry,
      runs.map((run) => ({ at: run.at, remove: 0, ids: preOrder(entry, run.projectId ?? 0, run.roots) })),
    );
    return true;
  }

  /** New own fields a PUT of this process committed, in the lists that follow on from it. */
  private applyUpdated(entry: Entry, change: FieldsUpdated): void {
    const position = indexer(entry.order);
    const edits = new Map<number, Edit>();
    for (const { id, fields, stamp } of change.tasks) {
      const old = entry.fragments.get(id);
      if (!old) continue;
      // An update keeps the task's place and creation time.
      const task = {
        id,
        projectId: old.projectId,
        parentId: old.parentId,
        createdAt: old.creationDate,
        ...fields,
      };
      const fragment = fragmentOf(task, stamp, task);
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

  private put(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    let scopes = this.byAccount.get(entry.accountId);
    if (!scopes) this.byAccount.set(entry.accountId, (scopes = new Map()));
    scopes.set(entry.scope, entry);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const scopes = this.byAccount.get(entry.accountId);
    if (scopes?.get(entry.scope) !== entry) return;
    scopes.delete(entry.scope);
    if (scopes.size === 0) this.byAccount.delete(entry.accountId);
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
      this.drop(key);
      total -= size;
    }
  }
}
