import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database } from '../database/database';
import type { TaskContent } from './task-content';
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
  openGap,
  readStructure,
  StructRow,
} from './task-sql';
import { planForest } from './task-tree';

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
  slot: number;
}

const MAX_ID_ATTEMPTS = 3;

/**
 * Writes a forest of new tasks into one sibling list in one transaction: validates and orders the
 * forest in memory, takes the destination project's ordering lock, checks target, parent, project
 * and people, opens one gap for the roots, reserves all ids in one statement and inserts rows in
 * multi-row chunks. The statement count is constant plus ⌈n/1000⌉ per table. Shared by POST
 * /todo/clone, POST /todo/tasks and (later) v2 tasks/copy, which passes nodes read from the store.
 */
@Injectable()
export class CloneEngine {
  constructor(
    private readonly db: Database,
    private readonly ids: TaskIdAllocator,
    private readonly clock: Clock,
  ) {}

  /** Runs `clone` in its own transaction. Returns client key → new id, for every node. */
  async cloneForest(accountId: number, request: CloneRequest): Promise<Map<string, number>> {
    const plan = planForest(request.nodes);
    if (this.db.dialect !== 'mysql')
      return this.db.transaction((m) => this.clone(m, accountId, request, plan));
    const requested = request.nodes.find((n) => n.requestedId !== undefined)?.requestedId;
    const fresh = request.nodes.filter((n) => n.requestedId === undefined).length;
    for (let attempt = 1; ; attempt++) {
      const ids = await this.ids.reserve(fresh);
      try {
        return await this.db.transaction((m) => this.clone(m, accountId, request, plan, ids));
      } catch (error) {
        if (!isDuplicatePrimaryKey(error)) throw error;
        // A requested id that a concurrent range held first; or our range met a claimed id.
        if (requested !== undefined) throw idTaken(requested);
        if (attempt >= MAX_ID_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Joins the caller's transaction (which must not have taken ordering locks of other projects).
   * `reserved`: ids from TaskIdAllocator.reserve, one per node without a requestedId; otherwise
   * they are allocated inside the transaction.
   */
  async clone(
    m: EntityManager,
    accountId: number,
    request: CloneRequest,
    plan = planForest(request.nodes),
    reserved?: number[],
  ): Promise<Map<string, number>> {
    const { nodes } = request;
    // People are not covered by the ordering lock: check them before taking it, to keep it short.
    await assertPeopleExist(
      m,
      accountId,
      nodes.flatMap((n) => n.content.assigned),
    );
    const dest = await this.lockDestination(m, accountId, request.placement);
    // SQLite takes no locks (one writer at a time) but the read revision must still advance.
    if (this.db.dialect !== 'mysql') await lockLists(m, this.db.dialect, accountId, [keyOf(dest.projectId)]);

    await openGap(m, this.db.dialect, accountId, dest.projectId, dest.parentId, dest.slot, plan.rootCount);

    const newIds = new Array<number>(nodes.length);
    let fresh = 0;
    for (let i = 0; i < nodes.length; i++) {
      const requested = nodes[i].requestedId;
      if (requested === undefined) fresh++;
      else {
        await this.ids.claim(m, requested);
        newIds[i] = requested;
      }
    }
    // A chosen id may have been a deleted task's: list readers must not take it for that one.
    if (fresh < nodes.length) await advanceContent(m, this.db.dialect, accountId, [keyOf(dest.projectId)]);
    const allocated = reserved ?? (await this.ids.allocate(m, fresh));
    for (let i = 0, next = 0; i < nodes.length; i++)
      if (newIds[i] === undefined) newIds[i] = allocated[next++];

    const rows: NewTaskRow[] = plan.order.map((i) => {
      const p = plan.parent[i];
      return {
        id: newIds[i],
        projectId: dest.projectId,
        parentId: p < 0 ? dest.parentId : newIds[p],
        position: p < 0 ? dest.slot + plan.position[i] : plan.position[i],
        content: nodes[i].content,
      };
    });
    await insertTasks(m, accountId, rows, this.clock.now());
    return new Map(nodes.map((n, i) => [n.key, newIds[i]]));
  }

  /**
   * Resolves the destination list under its project's ordering lock. The project of a target or
   * parent is only known after reading it, so it is read, its project locked, and read again; if
   * it moved meanwhile, the lock is taken again for the new project.
   */
  private async lockDestination(
    m: EntityManager,
    accountId: number,
    placement: ClonePlacement,
  ): Promise<Destination> {
    const dialect = this.db.dialect;
    const anchorId = placement.kind === 'adjacent' ? placement.targetId : placement.parentId;
    const anchorField = placement.kind === 'adjacent' ? 'targetId' : 'parent';
    let guess: number | null | undefined = placement.projectId;
    const locked = new Set<number>();
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
        [anchor] = await readStructure(m, dialect, accountId, [anchorId], locking);
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
    throw new DomainError('TASK_PLACEMENT_MISMATCH', 'The destination kept moving; try again');
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
        throw new DomainError(
          'TASK_PLACEMENT_MISMATCH',
          `Target ${target.id} is not a child of ${placement.parentId === null ? 'the root list' : `task ${placement.parentId}`}`,
          { field: 'parent' },
        );
      }
      return {
        projectId: target.projectId,
        parentId: target.parentId,
        slot: target.position + (placement.reverse ? 0 : 1),
      };
    }
    const projectId = anchor ? anchor.projectId : (placement.projectId ?? null);
    const parentId = placement.parentId;
    const slot =
      placement.at === 'start' ? 0 : await countList(m, this.db.dialect, accountId, projectId, parentId);
    return { projectId, parentId, slot };
  }
}

function notFound(id: number, field: string): DomainError {
  return new DomainError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

function mismatch(projectId: number | null, anchor: StructRow, field: string): DomainError {
  return new DomainError(
    'TASK_PLACEMENT_MISMATCH',
    `Task ${anchor.id} (${field}) is not in ${projectId === null ? 'No project' : `project ${projectId}`}`,
    { field: 'project' },
  );
}
