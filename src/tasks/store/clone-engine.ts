import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { storedView, TaskContent } from './task-content';
import { FeedWrite, TaskChangeFeed, TasksInserted } from './task-change-feed';
import { idTaken, isDuplicatePrimaryKey, TaskIdAllocator } from './task-ids';
import {
  advanceContent,
  assertPeopleExist,
  assertProjectExists,
  countList,
  insertTasks,
  keyOf,
  lockLists,
  MAX_LOCK_ATTEMPTS,
  NewTaskRow,
  readLockedRevisions,
  readStructure,
  shiftList,
  StructRow,
} from './task-sql';
import { ForestPlan, planForest } from './task-tree';
import { combineInserts, SiblingInsert } from './sibling-inserts';
import { pushTo } from '../../common/group-by';
import { TasksError } from '../tasks.errors';

/** One node of a forest to create: `parentKey` names another node's `key`, anything else makes a root. */
export interface CloneNode {
  key: string;
  parentKey: string | null;
  content: TaskContent;
  /** A caller-chosen server id (POST /todo/tasks `id`); fails with TASK_ID_TAKEN when in use. */
  requestedId?: number;
}

/**
 * Where the roots go: next to a target (`adjacent`), or at the start or end of a sibling list.
 * `parentId`/`projectId` left `undefined` are "not given": derived from the target or parent;
 * given values (null = none) must agree with them (todolist-rest.md §5.2, §5.7 rule 1).
 */
export type ClonePlacement =
  | {
      kind: 'adjacent';
      targetId: number;
      reverse: boolean;
      parentId?: number | null;
      projectId?: number | null;
    }
  | { kind: 'list'; parentId: number | null; projectId?: number | null; at: 'start' | 'end' };

export interface CloneRequest {
  nodes: CloneNode[];
  placement: ClonePlacement;
}

interface Destination {
  projectId: number | null;
  parentId: number | null;
  /** Where the roots go in the list (their count is the forest's). */
  place: Omit<SiblingInsert, 'count'>;
}

/** One clone of a group: its request, and ids reserved for it outside the transaction (MySQL). */
interface Member {
  request: CloneRequest;
  plan: ForestPlan;
  reserved?: number[];
  /** The destination's project as read before the transaction; undefined = not known. */
  guess?: number | null;
}

interface Waiting extends Member {
  resolve: (ids: Map<string, number>) => void;
  reject: (error: unknown) => void;
}

// A group of concurrent clones into one project shares one transaction, so at most this many.
const MAX_GROUP_MEMBERS = 32;
const MAX_GROUP_NODES = 10_000;

/**
 * Writes forests of new tasks into sibling lists: validates and orders each forest in memory,
 * takes the destination project's ordering lock, checks target, parent, project and people,
 * opens the gaps, reserves all ids in one statement and inserts rows in multi-row chunks. The
 * statement count is constant plus ⌈n/1000⌉ per table. Shared by POST /todo/clone, POST
 * /todo/tasks and v2 tasks/copy, which passes nodes read from the store.
 *
 * On MySQL, clones into one project that arrive while an earlier one holds its lock in this
 * process wait here rather than in the database, and then run together in one transaction: one
 * lock, one shift per sibling list however many of them paste into it (the shift is the costly
 * part: O(length of the list)), one INSERT, one commit. Each keeps its own outcome: one that
 * fails its checks writes nothing and the others go ahead, as if they had run one after the other
 * in arrival order.
 */
@Injectable()
export class CloneEngine {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly db: Database,
    private readonly ids: TaskIdAllocator,
    private readonly clock: Clock,
    private readonly changes: TaskChangeFeed,
  ) {}

  /** Clones in a transaction of its own. Returns client key → new id, for every node. */
  async cloneForest(accountId: number, request: CloneRequest): Promise<Map<string, number>> {
    const plan = planForest(request.nodes);
    if (this.db.dialect !== 'mysql') {
      const [outcome] = await this.transactionTold(accountId, [{ request, plan }]);
      return this.settled([outcome]);
    }
    // Both before any transaction (and a group's turn): the project's group, and ids for every node
    // that does not ask for its own.
    const [guess, reserved] = await Promise.all([
      this.guessProject(accountId, request.placement),
      this.ids.reserve(request.nodes.filter((n) => n.requestedId === undefined).length),
    ]);
    const requested = request.nodes.find((n) => n.requestedId !== undefined)?.requestedId;
    if (requested !== undefined) {
      return this.cloneWithRequestedId(accountId, { request, plan, reserved, guess }, requested);
    }
    const key = `${accountId}:${guess === undefined ? '?' : keyOf(guess)}`;
    return new Promise((resolve, reject) => {
      const waiting = this.queues.get(key);
      const member: Waiting = { request, plan, guess, reserved, resolve, reject };
      if (waiting) waiting.push(member);
      else {
        this.queues.set(key, [member]);
        void this.drain(key, accountId);
      }
    });
  }

  /**
   * Joins the caller's transaction (which must not have taken ordering locks of other projects);
   * ids are allocated inside it.
   */
  async clone(m: EntityManager, accountId: number, request: CloneRequest): Promise<Map<string, number>> {
    const plan = planForest(request.nodes);
    return this.settled(await this.cloneMany(m, accountId, [{ request, plan }]));
  }

  private settled([outcome]: Array<Map<string, number> | DomainError>): Map<string, number> {
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /** The clones of `members` in a transaction of their own, told to the change feed once committed. */
  private async transactionTold(
    accountId: number,
    members: Member[],
  ): Promise<Array<Map<string, number> | DomainError>> {
    const write = this.changes.write();
    try {
      const outcomes = await this.db.transaction((m) =>
        write.attempt(() => this.cloneMany(m, accountId, members, write)),
      );
      write.tell();
      return outcomes;
    } finally {
      write.end();
    }
  }

  /** A caller-chosen id: alone, as it claims the id in the transaction. */
  private async cloneWithRequestedId(
    accountId: number,
    member: Member,
    requested: number,
  ): Promise<Map<string, number>> {
    try {
      return await this.db.transaction(async (m) =>
        this.settled(await this.cloneMany(m, accountId, [member])),
      );
    } catch (error) {
      // A concurrent range held the requested id first.
      if (isDuplicatePrimaryKey(error)) throw idTaken(requested);
      throw error;
    }
  }

  /** The destination's project by a plain read, to find the clone's group; undefined if unknown. */
  private async guessProject(
    accountId: number,
    placement: ClonePlacement,
  ): Promise<number | null | undefined> {
    if (placement.projectId !== undefined) return placement.projectId;
    const anchorId = anchorOf(placement);
    if (anchorId === null) return null;
    const [anchor] = await this.db.read((m) =>
      readStructure(m, this.db.dialect, accountId, [anchorId], false),
    );
    return anchor ? anchor.projectId : undefined;
  }

  /** Runs the groups of one project, one after the other, until no clone waits. */
  private async drain(key: string, accountId: number): Promise<void> {
    const waiting = this.queues.get(key)!;
    while (waiting.length > 0) {
      const group: Waiting[] = [];
      let nodes = 0;
      while (
        waiting.length > 0 &&
        group.length < MAX_GROUP_MEMBERS &&
        (group.length === 0 || nodes + waiting[0].request.nodes.length <= MAX_GROUP_NODES)
      ) {
        const next = waiting.shift()!;
        nodes += next.request.nodes.length;
        group.push(next);
      }
      await this.runGroup(accountId, group);
    }
    this.queues.delete(key);
  }

  /** One transaction for the group; settles every member, never throws. */
  private async runGroup(accountId: number, group: Waiting[]): Promise<void> {
    // First with the ranges each member reserved outside any transaction (no transaction holds
    // the counter row); if a requested id that POST /todo/tasks claimed meanwhile lies in one,
    // again with ids taken inside the transaction, after every claim that committed and before
    // any that follows.
    for (const inside of [false, true]) {
      try {
        if (inside) for (const w of group) w.reserved = undefined;
        const outcomes = await this.transactionTold(accountId, group);
        // Committed: from here on nothing may send the group back through the catch below.
        group.forEach((w, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof DomainError) w.reject(outcome);
          else w.resolve(outcome);
        });
        return;
      } catch (error) {
        if (isDuplicatePrimaryKey(error) && !inside) continue;
        if (group.length === 1) {
          group[0].reject(error);
          return;
        }
        // The database refused the group's writes: one member's alone, most likely. Each on its
        // own, so that only that one fails.
        for (const w of group) await this.runGroup(accountId, [w]);
        return;
      }
    }
  }

  /**
   * The clones of `members`, in arrival order, in the caller's transaction. A member that fails a
   * check gets its DomainError as its outcome and writes nothing; any other error aborts all.
   */
  private async cloneMany(
    m: EntityManager,
    accountId: number,
    members: Member[],
    write?: FeedWrite,
  ): Promise<Array<Map<string, number> | DomainError>> {
    const dialect = this.db.dialect;
    const failed = new Array<DomainError | undefined>(members.length);
    const attempt = async (i: number, work: () => Promise<void>) => {
      if (failed[i]) return;
      try {
        await work();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        failed[i] = error;
      }
    };
    // People are not covered by the ordering locks: check them before taking any.
    for (let i = 0; i < members.length; i++) {
      await attempt(i, () =>
        assertPeopleExist(
          m,
          accountId,
          members[i].request.nodes.flatMap((n) => n.content.assigned),
        ),
      );
    }
    const locked = new Set<number>();
    const anchors = await this.lockGroup(m, accountId, members, failed, locked);
    const dests = new Array<Destination>(members.length);
    for (let i = 0; i < members.length; i++) {
      await attempt(i, async () => {
        const dest = await this.lockDestination(
          m,
          accountId,
          members[i].request.placement,
          locked,
          members[i].guess,
          anchors,
        );
        dests[i] = dest;
      });
    }
    const live = members.map((_, i) => i).filter((i) => !failed[i]);
    // SQLite takes no locks (one writer at a time) but the read revisions must still advance.
    if (dialect !== 'mysql') {
      await lockLists(
        m,
        dialect,
        accountId,
        live.map((i) => keyOf(dests[i].projectId)),
      );
    }

    // One shift per sibling list for all the roots pasted into it.
    const rootStart = new Array<number>(members.length);
    const lists = new Map<string, number[]>();
    for (const i of live) pushTo(lists, `${keyOf(dests[i].projectId)}:${keyOf(dests[i].parentId)}`, i);
    for (const indexes of lists.values()) {
      const { starts, steps } = combineInserts(
        indexes.map((i) => ({ ...dests[i].place, count: members[i].plan.rootCount })),
      );
      indexes.forEach((i, k) => (rootStart[i] = starts[k]));
      const { projectId, parentId } = dests[indexes[0]];
      await shiftList(m, dialect, accountId, projectId, parentId, steps);
    }

    // Ids: claimed ones first, then the reserved or freshly allocated ranges.
    const newIds = members.map((member) => new Array<number>(member.request.nodes.length));
    const claimedIn = new Set<number>();
    let unreserved = 0;
    for (const i of live) {
      const { nodes } = members[i].request;
      for (let j = 0; j < nodes.length; j++) {
        const requested = nodes[j].requestedId;
        if (requested === undefined) continue;
        await this.ids.claim(m, requested);
        newIds[i][j] = requested;
        claimedIn.add(keyOf(dests[i].projectId));
      }
      if (!members[i].reserved) unreserved += nodes.filter((n) => n.requestedId === undefined).length;
    }
    const allocated = await this.ids.allocate(m, unreserved);
    let nextAllocated = 0;
    for (const i of live) {
      const source = members[i].reserved ?? allocated;
      let next = members[i].reserved ? 0 : nextAllocated;
      const ids = newIds[i];
      for (let j = 0; j < ids.length; j++) if (ids[j] === undefined) ids[j] = source[next++];
      if (!members[i].reserved) nextAllocated = next;
    }

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
          position: p < 0 ? rootStart[i] + plan.position[j] : plan.position[j],
          content: request.nodes[j].content,
        });
      }
    }
    const now = this.clock.now();
    const stamp = await insertTasks(m, accountId, rows, now);
    // A chosen id may have been a deleted task's: list readers must compare stamps in its project.
    await advanceContent(m, dialect, accountId, claimedIn);
    const keys = [...new Set(live.map((i) => keyOf(dests[i].projectId)))];
    if (write && keys.length > 0 && this.changes.interested(accountId, keys)) {
      const change: TasksInserted = {
        kind: 'inserted',
        accountId,
        revisions: await readLockedRevisions(m, accountId, 's', keys),
        lists: [],
        tasks: [],
      };
      for (const indexes of lists.values()) {
        const { projectId, parentId } = dests[indexes[0]];
        const inserts = indexes.map((i) => {
          const { plan } = members[i];
          const roots = plan.order.filter((j) => plan.parent[j] < 0);
          return { at: rootStart[i], ids: roots.map((j) => newIds[i][j]) };
        });
        change.lists.push({ projectId, parentId, inserts });
      }
      for (const r of rows) {
        change.tasks.push({
          view: storedView(r.id, r.projectId, r.parentId, r.content, r.content.creationDate ?? now),
          stamp,
        });
      }
      write.announce(change);
    }
    return members.map(
      (member, i) => failed[i] ?? new Map(member.request.nodes.map((n, j) => [n.key, newIds[i][j]])),
    );
  }

  /**
   * For a group (MySQL): the ordering locks of every project the members guessed, in one statement
   * and ascending order, then every member's anchor, locked, in one more, instead of a lock and a
   * read per member while the locks are held. Returns anchor id → row (undefined: not found).
   */
  private async lockGroup(
    m: EntityManager,
    accountId: number,
    members: Member[],
    failed: Array<DomainError | undefined>,
    locked: Set<number>,
  ): Promise<Map<number, StructRow | undefined>> {
    const anchors = new Map<number, StructRow | undefined>();
    if (this.db.dialect !== 'mysql' || members.length < 2) return anchors;
    const keys = new Set<number>();
    const ids: number[] = [];
    members.forEach((member, i) => {
      if (failed[i]) return;
      const { placement } = member.request;
      const guess = placement.projectId !== undefined ? placement.projectId : member.guess;
      const anchorId = anchorOf(placement);
      if (guess === undefined) return;
      keys.add(keyOf(guess));
      if (anchorId !== null) ids.push(anchorId);
    });
    await lockLists(m, this.db.dialect, accountId, keys);
    for (const key of keys) locked.add(key);
    for (const id of ids) anchors.set(id, undefined);
    for (const row of await readStructure(m, this.db.dialect, accountId, ids, true)) anchors.set(row.id, row);
    return anchors;
  }

  /**
   * Resolves the destination list under its project's ordering lock (kept in `locked` for the
   * rest of the transaction). The project of a target or parent is only known after reading it,
   * so it is read (or `known` from before the transaction), its project locked, and read again;
   * if it moved meanwhile, the lock is taken again for the new project.
   */
  private async lockDestination(
    m: EntityManager,
    accountId: number,
    placement: ClonePlacement,
    locked: Set<number>,
    known?: number | null,
    anchors?: Map<number, StructRow | undefined>,
  ): Promise<Destination> {
    const dialect = this.db.dialect;
    const anchorId = anchorOf(placement);
    const anchorField = placement.kind === 'adjacent' ? 'targetId' : 'parent';
    let guess: number | null | undefined = placement.projectId !== undefined ? placement.projectId : known;
    // SQLite has one writer at a time: no locks, one read.
    const locking = dialect === 'mysql';
    for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
      let anchor: StructRow | undefined;
      if (locking && anchorId !== null && guess === undefined) {
        [anchor] = await readStructure(m, dialect, accountId, [anchorId], false);
        if (!anchor) throw notFound(anchorId, anchorField);
        guess = anchor.projectId;
      }
      // A project named by the caller is locked at once; a wrong one fails below as a mismatch.
      const key = guess ?? 0;
      if (locking && !locked.has(key)) {
        // A second lock (the anchor moved between read and lock) may break ascending order;
        // that is rare, and Database retries the transaction on deadlock.
        await lockLists(m, dialect, accountId, [key]);
        locked.add(key);
      }
      if (placement.projectId !== undefined && attempt === 0) {
        await assertProjectExists(m, accountId, placement.projectId, dialect);
      }
      if (anchorId !== null) {
        // Read already, locked, with the group's other anchors (lockGroup) on the first round.
        if (attempt === 0 && anchors?.has(anchorId)) anchor = anchors.get(anchorId);
        else [anchor] = await readStructure(m, dialect, accountId, [anchorId], locking);
        if (!anchor) throw notFound(anchorId, anchorField);
        if (placement.projectId !== undefined && anchor.projectId !== placement.projectId) {
          throw mismatch(placement.projectId, anchor, anchorField);
        }
        if (locking && (anchor.projectId ?? 0) !== key) {
          guess = anchor.projectId;
          continue;
        }
      }
      return this.slot(m, accountId, placement, anchor);
    }
    throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The destination kept moving; try again');
  }

  private async slot(
    m: EntityManager,
    accountId: number,
    placement: ClonePlacement,
    anchor: StructRow | undefined,
  ): Promise<Destination> {
    if (placement.kind === 'adjacent') {
      const target = anchor!;
      if (placement.parentId !== undefined && placement.parentId !== target.parentId) {
        throw new TasksError(
          'TASK_PLACEMENT_MISMATCH',
          `Target ${target.id} is not a child of ${placement.parentId === null ? 'the root list' : `task ${placement.parentId}`}`,
          { field: 'parent' },
        );
      }
      return {
        projectId: target.projectId,
        parentId: target.parentId,
        place: placement.reverse
          ? { slot: target.position, side: 'before' }
          : { slot: target.position + 1, side: 'after' },
      };
    }
    const projectId = anchor ? anchor.projectId : (placement.projectId ?? null);
    const parentId = placement.parentId;
    return {
      projectId,
      parentId,
      place:
        placement.at === 'start'
          ? { slot: 0, side: 'after' }
          : { slot: await countList(m, this.db.dialect, accountId, projectId, parentId), side: 'before' },
    };
  }
}

/** The task a placement is relative to: the target, or the parent of the list (null: a root list). */
function anchorOf(placement: ClonePlacement): number | null {
  return placement.kind === 'adjacent' ? placement.targetId : placement.parentId;
}

function notFound(id: number, field: string): DomainError {
  return new TasksError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

function mismatch(projectId: number | null, anchor: StructRow, field: string): DomainError {
  return new TasksError(
    'TASK_PLACEMENT_MISMATCH',
    `Task ${anchor.id} (${field}) is not in ${projectId === null ? 'No project' : `project ${projectId}`}`,
    { field: 'project' },
  );
}
