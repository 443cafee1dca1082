import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { nextTurn } from '../../common/next-turn';
import { pushTo } from '../../common/group-by';
import { Database } from '../../database/database';
import { ChunkedClone, ChunkedCloneRequest, preOrderShape } from './chunked-clone';
import {
  anchorOf,
  ClonePlacement,
  Destination,
  groupDestination,
  lockDestination,
  lockGroup,
  runsIn,
} from './clone-destination';
import { fillGaps } from './order-keys.table';
import { commonOrigin, idsByKey, newRows, peopleOf, rootIdsOf, settled } from './clone-rows';
import { combineInserts } from './sibling-inserts';
import { writeOrigin } from './task-changes.service';
import { keyOf, storedTask, TaskFields } from './task-fields';
import { idTaken, isDuplicatePrimaryKey, TaskIdAllocator } from './task-ids';
import { ForestPlan, planForest } from './task-tree';
import { insertTasks, sendTasks } from './task-inserts.table';
import { readStructure } from './tasks.table';
import { StoreWrite, TaskWriteGateway } from './write-gateway';

export type { ClonePlacement } from './clone-destination';
export type { ChunkedClone } from './chunked-clone';

/** One node of a forest to create: `parentKey` names another node's `key`, anything else makes a root. */
export interface CloneNode {
  key: string;
  parentKey: string | null;
  fields: TaskFields;
  /** A caller-chosen server id (POST /todo/tasks `id`); fails with TASK_ID_TAKEN when in use. */
  requestedId?: number;
}

export interface CloneRequest {
  nodes: CloneNode[];
  placement: ClonePlacement;
  /** Told after each multi-row INSERT of tasks how many rows are written so far (clone() only). */
  progress?: (inserted: number) => void;
  /**
   * The people the nodes assign were read as the account's in this write already (a copy keeps
   * only the active people its target's setup read): not read again.
   */
  peopleChecked?: boolean;
  /** Where the roots go, read by the caller under its project's ordering lock, held by the write (clone()). */
  destination?: Destination;
  /**
   * The project the caller last saw the placement's target or parent in (cloneForest): taken as
   * the guess of its group instead of a read before the transaction. Only a guess: the lock path
   * reads the anchor under the guessed project's lock and moves to its real project if it differs.
   */
  projectGuess?: number | null;
}

/** One clone of a group: its request, and ids reserved for it outside the transaction (row locks). */
interface Member {
  request: CloneRequest;
  plan: ForestPlan;
  reserved?: number[];
  /** The destination's project as read before the transaction; undefined = not known. */
  guess?: number | null;
  /** writeOrigin of the caller, for its run of the change event. */
  origin?: string;
}

interface Waiting extends Member {
  resolve: (ids: Map<string, number>) => void;
  reject: (error: unknown) => void;
}

type Outcome = Map<string, number> | DomainError;

// A group of concurrent clones into one project shares one transaction, so at most this many.
const MAX_GROUP_MEMBERS = 32;
const MAX_GROUP_NODES = 10_000;
// A forest at least this large is planned while its project is read and its ids reserved.
const PLAN_WHILE_READING = 1_000;

/**
 * Writes forests of new tasks into sibling lists: validates and orders each forest in memory,
 * takes the destination project's ordering lock, checks target, parent, project and people,
 * takes order keys in the gaps, reserves all ids in one statement and inserts rows in multi-row chunks. The
 * statement count is constant plus ⌈n/1000⌉ per table. Shared by POST /todo/clone, POST
 * /todo/tasks and the v2 face's create and copy, which passes nodes read from the store.
 *
 * Where rows lock, clones into one project that arrive while an earlier one holds its lock in
 * this process wait here rather than in the database, and then run together in one transaction:
 * one lock, one INSERT, one commit; clones placed alike share one read of their place, and
 * inserts into one list take their keys in one pass. Each keeps its own outcome: one
 * that fails its checks writes nothing and the others go ahead, as if they had run one after the
 * other in arrival order.
 */
@Injectable()
export class CloneEngine {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly ids: TaskIdAllocator,
    private readonly clock: Clock,
  ) {}

  /** Clones in a transaction of its own. Returns client key → new id, for every node. */
  async cloneForest(accountId: number, request: CloneRequest): Promise<Map<string, number>> {
    if (!this.db.sql.rowLocks) {
      const [outcome] = await this.inTransaction(accountId, [{ request, plan: planForest(request.nodes) }]);
      return settled(outcome);
    }
    // Both before any transaction (and a group's turn): the project's group, and ids for every node
    // that does not ask for its own (a small clone or a create takes them from this process's
    // block, without a statement as a rule). A large forest is planned while they are on their way
    // (~2 ms for 10,000 nodes); a small one first, so that a refused one sends nothing.
    let plan = request.nodes.length >= PLAN_WHILE_READING ? undefined : planForest(request.nodes);
    let unrequested = 0;
    for (const node of request.nodes) if (node.requestedId === undefined) unrequested++;
    const before = Promise.all([this.guessProject(accountId, request), this.ids.reserve(unrequested)]);
    if (!plan) {
      // Through the driver's promises first, so that they are sent before the planning.
      await nextTurn();
      try {
        plan = planForest(request.nodes);
      } catch (error) {
        before.catch(() => undefined);
        throw error;
      }
    }
    const [guess, reserved] = await before;
    const requested = request.nodes.find((n) => n.requestedId !== undefined)?.requestedId;
    if (requested !== undefined) {
      return this.cloneWithRequestedId(accountId, { request, plan, reserved, guess }, requested);
    }
    const key = `${accountId}:${guess === undefined ? '?' : keyOf(guess)}`;
    return new Promise((resolve, reject) => {
      const waiting = this.queues.get(key);
      const member: Waiting = {
        request,
        plan,
        guess,
        reserved,
        resolve,
        reject,
        origin: writeOrigin.getStore(),
      };
      if (waiting) waiting.push(member);
      else {
        this.queues.set(key, [member]);
        void this.drain(key, accountId);
      }
    });
  }

  /**
   * Joins a write of the store (which must not have taken ordering locks of other projects); ids
   * are `reserved` ones (TaskIdAllocator.reserveBeside, one per node, in order) or else allocated
   * inside its transaction. With `sending` (and no `progress`), the tasks' INSERTs are sent and not
   * awaited (sendTasks): their answers go there, for the caller to await before its transaction
   * commits or rolls back, while it builds its next statements.
   */
  async clone(
    w: StoreWrite,
    request: CloneRequest,
    reserved?: number[],
    sending?: Array<Promise<void>>,
  ): Promise<Map<string, number>> {
    const plan = planForest(request.nodes);
    return settled((await this.cloneMany(w, [{ request, plan, reserved }], sending))[0]);
  }

  /**
   * A forest too large to hold at once (a large copy), in the write's transaction: the
   * destination is locked, the roots' keys are taken and every id is allocated now (unless
   * `reserved`, one per node, as for clone), in one statement each; the caller then inserts the nodes in pre-order, a chunk at a time. Its change
   * event names the project only (`bulk-inserted`), so nothing per task is held to the commit.
   */
  async cloneInChunks(
    w: StoreWrite,
    placement: ClonePlacement,
    request: ChunkedCloneRequest,
    reserved?: number[],
  ): Promise<ChunkedClone> {
    const shape = preOrderShape(request.parents);
    const plan: ForestPlan = { order: [], parent: [], position: [], rootCount: shape.rootCount };
    const member: Member = { request: { nodes: [], placement }, plan };
    const dest = await lockDestination(w, placement, undefined, await lockGroup(w, [{ placement }]));
    if (!w.sql.rowLocks) await w.lockLists([keyOf(dest.projectId)]);
    const placed = await this.openGaps(w, [member], [dest], [0]);
    const ids = reserved ?? (await this.ids.allocate(w.m, request.parents.length));
    if (ids.length !== request.parents.length) throw new Error('one reserved id per node is needed');
    w.record('bulk-inserted', () => ({
      kind: 'bulk-inserted',
      projectId: dest.projectId,
      count: ids.length,
    }));
    const now = this.clock.now();
    return new ChunkedClone(w, request.parents, shape, dest, ids, placed.rootKeys[0], now, request.progress);
  }

  /** The clones of `members` in a transaction of their own, told once committed. */
  private inTransaction(accountId: number, members: Member[]): Promise<Outcome[]> {
    // READ COMMITTED: every read that matters locks anyway, and the change event's positions are
    // then counted by a plain read of the latest committed list, taking no row locks.
    return this.gateway.write(
      accountId,
      (w) => this.cloneMany(w, members),
      this.db.sql.rowLocks ? { isolation: 'READ COMMITTED' } : undefined,
    );
  }

  /** A caller-chosen id: alone, as it claims the id in the transaction. */
  private async cloneWithRequestedId(
    accountId: number,
    member: Member,
    requested: number,
  ): Promise<Map<string, number>> {
    try {
      return settled((await this.inTransaction(accountId, [member]))[0]);
    } catch (error) {
      // A concurrent range held the requested id first.
      if (isDuplicatePrimaryKey(this.db.sql, error)) throw idTaken(requested);
      throw error;
    }
  }

  /**
   * The destination's project, to find the clone's group: as the caller guessed it, or by a plain
   * read; undefined if unknown.
   */
  private async guessProject(
    accountId: number,
    { placement, projectGuess }: CloneRequest,
  ): Promise<number | null | undefined> {
    if (placement.projectId !== undefined) return placement.projectId;
    if (projectGuess !== undefined) return projectGuess;
    const anchorId = anchorOf(placement);
    if (anchorId === null) return null;
    const [anchor] = await this.db.read((m) => readStructure(m, this.db.sql, accountId, [anchorId], false));
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
        // A group runs in its first caller's context: the write is its callers' together, and
        // each run of the change event names its own.
        const outcomes = await writeOrigin.run(commonOrigin(group), () =>
          this.inTransaction(accountId, group),
        );
        // Committed: from here on nothing may send the group back through the catch below.
        group.forEach((w, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof DomainError) w.reject(outcome);
          else w.resolve(outcome);
        });
        return;
      } catch (error) {
        if (isDuplicatePrimaryKey(this.db.sql, error) && !inside) {
          this.ids.dropBlock(); // a claimed id lay in a reserved range, maybe in this process's block
          continue;
        }
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
   * The clones of `members`, in arrival order, in the write's transaction. A member that fails a
   * check gets its DomainError as its outcome and writes nothing; any other error aborts all.
   */
  private async cloneMany(
    w: StoreWrite,
    members: Member[],
    /** Where given, the tasks' INSERTs are sent and not awaited: their answers are put here. */
    sending?: Array<Promise<void>>,
  ): Promise<Outcome[]> {
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
      if (members[i].request.peopleChecked) continue;
      await attempt(i, () => w.assertPeople(peopleOf(members[i].request.nodes)));
    }
    const anchors = await lockGroup(
      w,
      members.map((member, i) =>
        failed[i] ? null : { placement: member.request.placement, guess: member.guess },
      ),
    );
    const dests = new Array<Destination>(members.length);
    for (let i = 0; i < members.length; i++) {
      await attempt(i, async () => {
        const { destination, placement } = members[i].request;
        dests[i] = destination ?? (await groupDestination(w, placement, members[i].guess, anchors));
      });
    }
    const live = members.map((_, i) => i).filter((i) => !failed[i]);
    // Without row locks nothing was locked (one writer at a time), but the revisions must advance.
    if (!w.sql.rowLocks) await w.lockLists(live.map((i) => keyOf(dests[i].projectId)));
    const placed = await this.openGaps(w, members, dests, live);
    const newIds = await this.newIds(w, members, dests, live);
    const rows = newRows(members, dests, live, newIds, placed.rootKeys);
    const now = this.clock.now();
    const progress = members.length === 1 ? members[0].request.progress : undefined;
    const sent = sending && !progress ? await sendTasks(w.m, w.accountId, rows, now, w.withNext()) : null;
    if (sent) sending?.push(sent.written);
    // Nothing reads the last INSERT's answer: it goes with the next statement, the COMMIT.
    const stamp =
      sent?.stamp ??
      (await insertTasks(w.m, w.accountId, rows, now, progress, progress ? w.m : w.withNext()));
    // Where each clone's roots now stand: next to a task each destination names, so that a
    // subscriber places them in its own copy of the list and nothing is counted here.
    w.record('inserted', () => ({
      kind: 'inserted',
      lists: [...placed.lists.values()].map((indexes) => ({
        projectId: dests[indexes[0]].projectId,
        parentId: dests[indexes[0]].parentId,
        inserts: runsIn(dests, indexes, placed.rootKeys, (i) => rootIdsOf(members[i], newIds[i])).map(
          ({ i, anchor }) => {
            const origin = members[i].origin;
            return {
              anchor,
              ids: rootIdsOf(members[i], newIds[i]),
              ...(origin === undefined ? {} : { origin }),
            };
          },
        ),
      })),
      tasks: rows.map((r) => ({
        task: storedTask(r.id, r.projectId, r.parentId, r.fields, r.fields.createdAt ?? now),
        stamp,
      })),
    }));
    return members.map((member, i) => failed[i] ?? idsByKey(member.request.nodes, newIds[i]));
  }

  /**
   * Keys for every member's roots, taken in the gaps they go into (no other task moves unless a
   * gap is full: fillGaps). Inserts into one gap are ordered as if made one after the other in
   * arrival order (combineInserts, over the gaps of the list in key order).
   */
  private async openGaps(w: StoreWrite, members: Member[], dests: Destination[], live: number[]) {
    const rootKeys = new Array<number[]>(members.length);
    const lists = new Map<string, number[]>();
    for (const i of live) pushTo(lists, `${keyOf(dests[i].projectId)}:${keyOf(dests[i].parentId)}`, i);
    for (const indexes of lists.values()) {
      const los = [...new Set(indexes.map((i) => dests[i].place.lo))].sort((a, b) => a - b);
      const { starts } = combineInserts(
        indexes.map((i) => ({
          slot: los.indexOf(dests[i].place.lo),
          side: dests[i].place.side,
          count: members[i].plan.rootCount,
        })),
      );
      // Members in list order; `starts` are their places among the new roots alone.
      const order = indexes.map((_, k) => k).sort((a, b) => starts[a] - starts[b]);
      const gaps = los.map((lo) => ({
        lo,
        hi: dests[indexes.find((i) => dests[i].place.lo === lo)!].place.hi,
        count: 0,
      }));
      const offsets = new Array<number>(indexes.length);
      for (const k of order) {
        const gap = gaps[los.indexOf(dests[indexes[k]].place.lo)];
        offsets[k] = gap.count;
        gap.count += members[indexes[k]].plan.rootCount;
      }
      const keys = await fillGaps(w.m, w.sql, w.accountId, dests[indexes[0]], gaps);
      indexes.forEach((i, k) => {
        const gapKeys = keys[los.indexOf(dests[i].place.lo)];
        rootKeys[i] = gapKeys.slice(offsets[k], offsets[k] + members[i].plan.rootCount);
      });
    }
    return { rootKeys, lists };
  }

  /** Ids per member and node: claimed ones first, then the reserved or freshly allocated ranges. */
  private async newIds(w: StoreWrite, members: Member[], dests: Destination[], live: number[]) {
    const newIds = members.map((member) => new Array<number>(member.request.nodes.length));
    let unreserved = 0;
    for (const i of live) {
      const { nodes } = members[i].request;
      for (let j = 0; j < nodes.length; j++) {
        const requested = nodes[j].requestedId;
        if (requested === undefined) continue;
        await this.ids.claim(w.m, requested);
        newIds[i][j] = requested;
        // A chosen id may have been a deleted task's: list readers must compare stamps there.
        w.touchContent([keyOf(dests[i].projectId)]);
      }
      if (!members[i].reserved) unreserved += nodes.filter((n) => n.requestedId === undefined).length;
    }
    const allocated = await this.ids.allocate(w.m, unreserved);
    let nextAllocated = 0;
    for (const i of live) {
      const source = members[i].reserved ?? allocated;
      let next = members[i].reserved ? 0 : nextAllocated;
      const ids = newIds[i];
      for (let j = 0; j < ids.length; j++) if (ids[j] === undefined) ids[j] = source[next++];
      if (!members[i].reserved) nextAllocated = next;
    }
    return newIds;
  }
}
