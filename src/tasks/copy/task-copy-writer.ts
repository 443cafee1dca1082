import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { allDone } from '../../common/all-done';
import { holdBlobs, insertAttachments } from '../details/attachments.table';
import { insertDependencyPairs, type NewDependencyPair } from '../details/dependencies.table';
import { insertComments, insertSubscribers, insertTodos } from '../details/task-items.table';
import { Template } from '../details/task-details.entities';
import { CloneEngine } from '../store/clone-engine';
import { TaskIdAllocator } from '../store/task-ids';
import type { Destination } from '../store/clone-destination';
import { setColumnOf } from '../store/tasks.table';
import type { StoreWrite } from '../store/write-gateway';
import { gatherStatements } from '../../database/multi-statement';
import { chunks, type Queryable } from '../../database/sql';
import {
  COPY_CHUNK_TASKS,
  CopyPlan,
  CopyRequest,
  CopyResult,
  CopySource,
  CopyTarget,
  PlanContext,
  ReadTarget,
  planChunk,
  planContext,
  planRelated,
  RelatedRows,
  selectCopiedSet,
} from './task-copy-plan';
import { loadRelatedRows } from './task-copy-source';
import { readingAhead, settle, type Settled } from './read-ahead';
import {
  cloneNode,
  copyFieldAttachments,
  CopyDestination,
  indexOf,
  listsOfCopies,
  placementOf,
  placeRoot,
  readRecords,
  recordOf,
} from './task-copy-nodes';

export type { CopyDestination } from './task-copy-nodes';
export type { CopyResult } from './task-copy-plan';

type RelatedPlan = Omit<CopyPlan, 'tasks' | 'skipped'>;

/** How far a copy got, 0..1: tasks written count half, their related rows the other half. Told, not awaited. */
export type CopyProgress = (fraction: number) => void;

/** Copied tasks whose related rows are read, planned and written together. */
export const RELATED_CHUNK_TASKS = COPY_CHUNK_TASKS;

/**
 * A copy of one chunk and at least this many tasks sends its tasks' INSERTs before it builds its
 * related rows' (which then go with the COMMIT): the database writes the tasks meanwhile. A smaller
 * one sends everything with the COMMIT: its related rows build in less time than one more text
 * costs (a 10-task copy waits for four round trips).
 */
export const SEND_TASKS_FIRST = 100;

/** New id by the copied task's index in copy order, and the index of each copied source task. */
interface IdMap {
  ids: number[];
  index: Map<number, number>;
}

/**
 * Plans and writes a copy in the write's transaction. The tree goes through the clone engine: at
 * once for a copy of at most COPY_CHUNK_TASKS tasks (its change event tells every task), else a
 * chunk at a time, each chunk's source records read, planned, inserted and dropped (the event
 * then names only the project). Then the related rows, a chunk of RELATED_CHUNK_TASKS copied
 * tasks at a time (read, planned, written in multi-row INSERTs, dropped), and the dependency pairs
 * of every chunk after the last one. What lasts from start to end is the shape of the source tree,
 * the id map and the dependency pairs, a few numbers per task and per pair. The number of
 * statements depends on the tables touched and the chunks, not on the number of tasks.
 */
@Injectable()
export class TaskCopyWriter {
  constructor(
    private readonly engine: CloneEngine,
    private readonly ids: TaskIdAllocator,
  ) {}

  async write(
    w: StoreWrite,
    dest: CopyDestination,
    unchecked: CopySource,
    target: CopyTarget | ReadTarget,
    request: CopyRequest,
    progress?: CopyProgress,
    /** Ids reserved outside the transaction, one per copied task (CopyIds); else allocated inside. */
    reserved?: number[],
  ): Promise<CopyResult> {
    const copied = selectCopiedSet(unchecked, request.flags);
    const ids = reserved?.length === copied.length ? reserved : undefined;
    const chunked = copied.length > COPY_CHUNK_TASKS;
    const related = (part: number[], m: Queryable = w.m) =>
      loadRelatedRows(m, w.sql, w.accountId, part, request.flags, (id) => unchecked.tasks.has(id));
    const parts = chunks(
      copied.map((n) => n.id),
      RELATED_CHUNK_TASKS,
    );
    const first = parts.length === 1 ? (m: Queryable) => related(parts[0], m) : undefined;
    const { checked, early, root } = await this.open(
      w,
      dest,
      unchecked,
      target,
      chunked || ids ? 0 : copied.length,
      first,
    );
    const source = { ...unchecked, statuses: checked.sourceStatuses };
    const context = planContext(source, checked.target, request, copied);
    const units = Math.max(1, context.selected.length * 2);
    const told = progress && ((inserted: number) => progress(inserted / units));
    const rootPlacement = root?.placement ?? null;
    // A copy of one chunk sends its tasks' INSERTs and builds its related rows' while the database
    // writes them (CloneEngine.clone's `sending`); they must have answered before the commit.
    const sending: Array<Promise<void>> = [];
    const sendFirst = copied.length >= SEND_TASKS_FIRST;
    try {
      const map = chunked
        ? await this.writeTreeInChunks(w, dest, context, rootPlacement, told, ids)
        : await this.writeTree(
            w,
            dest,
            context,
            root,
            told,
            ids ?? root?.ids,
            sendFirst ? sending : undefined,
          );
      const result = await this.writeRest(w, dest, context, map, parts, related, early, told);
      await allDone(sending);
      return result;
    } catch (error) {
      // A task row refused (a primary key taken: TaskCopyService retries) is the cause of what
      // failed after it.
      const tasks = await Promise.allSettled(sending);
      const refused = tasks.find((t): t is PromiseRejectedResult => t.status === 'rejected');
      throw refused ? refused.reason : error;
    }
  }

  /** The related rows of every chunk, the template and the dependency pairs, after the tree. */
  private async writeRest(
    w: StoreWrite,
    dest: CopyDestination,
    context: PlanContext,
    map: IdMap,
    parts: number[][],
    related: (part: number[], m?: Queryable) => Promise<RelatedRows>,
    early: Promise<Settled<RelatedRows>> | undefined,
    /** How many of the copy's units (a task written, or its related rows) are done. */
    told?: (done: number) => void,
  ): Promise<CopyResult> {
    const { source, selected, request } = context;
    const { now } = request;
    const copyOf = (sourceId: number) => map.ids[map.index.get(sourceId)!];
    const rootId = dest.lists ? 0 : map.ids[0];
    const counts = {
      tasks: selected.length,
      todos: 0,
      comments: 0,
      attachments: 0,
      task_dependencies: 0,
      subscribers: 0,
    };
    let done = selected.length;
    const dependencies: NewDependencyPair[] = []; // every chunk's, three numbers a pair
    const into = { dependencies, counts };
    const wrote = (part: number[]) => told?.((done += part.length));
    // The source's rows: nothing this copy writes is among them. A copy of one chunk writes the
    // rest with its next statement that waits for an answer: for a copy in its own transaction,
    // every related row and dependency pair go with the COMMIT, in one round trip (withNext). A
    // copy of several sends each chunk's related rows in one text once it has built them all
    // (gatherStatements), and tells its progress once they have answered. A failure fails that
    // text (or the COMMIT), and so the copy.
    const held = parts.length === 1;
    const each = async (rows: RelatedRows, part: number[]) => {
      const plan = planRelated(context, rows, part);
      if (held) {
        const written = this.writeRelated(w, w.withNext(), w.m, plan, copyOf, now, into);
        return { written: written.then(() => wrote(part)) };
      }
      const gathered = gatherStatements(w.m);
      await this.writeRelated(w, gathered.m, gathered.reads, plan, copyOf, now, into);
      return { written: gathered.send().then(() => wrote(part)) };
    };
    await readingAhead(parts, related, each, early);
    const templateId = dest.template ? await this.makeTemplate(w, dest.template, rootId, map.ids, now) : null;
    // Last: reserving the pairs' ids holds, until the commit, the counter every dependency takes.
    // A copy of several chunks, which holds nothing, waits for the reservation and writes the ids
    // as numbers: the database takes ~20 % less time for them than for LAST_INSERT_ID() offsets.
    await insertDependencyPairs(held ? w.withNext() : w.m, w.sql, w.accountId, dependencies, now, !held);
    const taskIdMap: Record<string, string> = {};
    selected.forEach((id, i) => (taskIdMap[id] = String(map.ids[i])));
    return {
      taskId: rootId,
      sourceTaskId: source.rootId,
      taskIdMap,
      counts,
      skipped: context.skipped,
      templateId,
    };
  }

  /**
   * What the copy reads before it plans, sent in the round trip of the destination's lock
   * (placeRoot): the target, when still to check, and `firstRelated`, the related rows of a copy
   * of one chunk, which the tree's statements need nothing from, nor they from them (the
   * database reads them while the service plans the tree).
   */
  private async open(
    w: StoreWrite,
    dest: CopyDestination,
    unchecked: CopySource,
    target: CopyTarget | ReadTarget,
    count: number,
    firstRelated?: (m: Queryable) => Promise<RelatedRows>,
  ) {
    const reads = (m: Queryable) =>
      allDone([
        typeof target === 'function'
          ? target(m)
          : Promise.resolve({ target, sourceStatuses: unchecked.statuses }),
        firstRelated ? settle(firstRelated(m)) : Promise.resolve(undefined),
      ]);
    const {
      read: [checked, early],
      root,
    } = dest.lists
      ? { read: await reads(w.m), root: null }
      : await placeRoot(w, this.ids, dest, count, reads);
    return { checked, early: early && Promise.resolve(early), root };
  }

  /** A small copy's tree in one clone, then the files its custom fields name. */
  private async writeTree(
    w: StoreWrite,
    dest: CopyDestination,
    context: PlanContext,
    root: { placement: number; destination?: Destination } | null,
    progress?: (inserted: number) => void,
    reserved?: number[],
    /** The tasks' INSERTs, sent and not awaited (CloneEngine.clone). */
    sending?: Array<Promise<void>>,
  ): Promise<IdMap> {
    const { source, selected, request } = context;
    const records = source.records ?? (await readRecords(w, selected));
    const tasks = planChunk(context, (id) => recordOf(records, id), 0, selected.length);
    const listOf = listsOfCopies(context, dest, [0, selected.length], new Map());
    const rootPlacement = root?.placement ?? null;
    const byKey = tasks.length
      ? await this.engine.clone(
          w,
          {
            nodes: tasks.map((t, i) =>
              cloneNode(t, source, listOf[i], request.now, i === 0 && !dest.lists, rootPlacement),
            ),
            placement: placementOf(dest),
            progress,
            // Every assignee is one of the active people the target's setup read (planTask).
            peopleChecked: true,
            ...(root?.destination ? { destination: root.destination } : {}),
          },
          reserved,
          sending,
        )
      : new Map<string, number>();
    const map = { ids: selected.map((id) => byKey.get(String(id))!), index: indexOf(selected) };
    await copyFieldAttachments(w, tasks, context.target, (id) => map.ids[map.index.get(id)!], request.now);
    return map;
  }

  /**
   * A large copy's tree, a chunk of COPY_CHUNK_TASKS at a time: the source records of the chunk
   * read in full, planned, inserted with the files their custom fields name, then dropped.
   */
  private async writeTreeInChunks(
    w: StoreWrite,
    dest: CopyDestination,
    context: PlanContext,
    rootPlacement: number | null,
    progress?: (inserted: number) => void,
    reserved?: number[],
  ): Promise<IdMap> {
    const { source, selected, request } = context;
    const index = indexOf(selected);
    const parents = context.parents.map((p) => (p === null ? -1 : index.get(p)!));
    const tree = await this.engine.cloneInChunks(w, placementOf(dest), { parents, progress }, reserved);
    const copyOf = (id: number) => tree.ids[index.get(id)!];
    const lists = new Map<number, number>();
    const starts = chunks(selected, COPY_CHUNK_TASKS).map((_, k) => k * COPY_CHUNK_TASKS);
    // The source's rows: nothing this copy writes changes them.
    const read = (from: number) => readRecords(w, selected.slice(from, from + COPY_CHUNK_TASKS));
    await readingAhead(starts, read, async (records, from) => {
      const to = Math.min(selected.length, from + COPY_CHUNK_TASKS);
      const tasks = planChunk(context, (id) => recordOf(records, id), from, to);
      const listOf = listsOfCopies(context, dest, [from, to], lists);
      const { written } = await tree.insert(
        tasks.map(
          (t, k) =>
            cloneNode(t, source, listOf[k], request.now, from + k === 0 && !dest.lists, rootPlacement).fields,
        ),
      );
      const files = () => copyFieldAttachments(w, tasks, context.target, copyOf, request.now);
      return { written: written.then(files) };
    });
    tree.finish();
    return { ids: tree.ids, index };
  }

  /**
   * One chunk's related rows: todos, comments with their files, subscribers, through `m` (which
   * may hold them for the COMMIT, withNext); its dependency pairs go to `into`, written after the
   * last chunk, and its counts are added there. The three tables' statements are sent without
   * waiting for one another (the connection runs them in turn), so the database writes one table
   * while the service builds the next one's statement.
   */
  private async writeRelated(
    w: StoreWrite,
    m: EntityManager,
    /** For reads whose answers it needs (the copied comments' ids), sent after what `m` was given. */
    reads: Queryable,
    plan: RelatedPlan,
    copyOf: (sourceId: number) => number,
    now: Date,
    into: { dependencies: NewDependencyPair[]; counts: CopyResult['counts'] },
  ): Promise<void> {
    const { counts } = into;
    counts.todos += plan.todos.length;
    counts.comments += plan.comments.length;
    counts.attachments += plan.attachments.length;
    counts.task_dependencies += plan.dependencies.length;
    counts.subscribers += plan.subscribers.length;
    for (const d of plan.dependencies)
      into.dependencies.push({
        taskId: copyOf(d.fromSourceId),
        dependentTaskId: 'copyOf' in d.to ? copyOf(d.to.copyOf) : d.to.existing,
        typeId: d.typeId,
      });
    const todos = insertTodos(
      m,
      w.accountId,
      // Literals, not spreads of the plan's rows: thousands a chunk, and a spread copies slowly.
      plan.todos.map((t) => ({
        taskId: copyOf(t.sourceTaskId),
        description: t.description,
        position: t.position,
        closed: t.closedAt !== null,
        dueDate: t.dueDate,
        dueTime: t.dueTime,
        assigneeId: t.assigneeId,
      })),
      now,
    );
    const commentsAndFiles = (async () => {
      const commentCopies = await this.writeComments(w, m, reads, plan, copyOf, now);
      // The bytes the copied attachments share stay until this commits: a delete of their source
      // waits for this shared lock, then sees the copies (see dropUnusedBlob).
      await holdBlobs(
        m,
        w.sql,
        w.accountId,
        plan.attachments.map((a) => a.blobId),
      );
      // Copies share the stored bytes (blob_id): deleting the source attachment leaves them intact.
      await insertAttachments(
        m,
        w.accountId,
        plan.attachments.map((a) => ({
          taskId: a.sourceTaskId === null ? null : copyOf(a.sourceTaskId),
          commentId: a.sourceCommentId === null ? null : commentCopies.get(a.sourceCommentId)!,
          name: a.name,
          contentType: a.contentType,
          size: a.size,
          blobId: a.blobId,
        })),
        now,
      );
    })();
    const subscribers = insertSubscribers(
      m,
      w.accountId,
      plan.subscribers.map((s) => ({ taskId: copyOf(s.sourceTaskId), personId: s.personId })),
    );
    await allDone([todos, commentsAndFiles, subscribers]);
  }

  /** New comments, mapped from the source comments they copy. */
  private async writeComments(
    w: StoreWrite,
    m: EntityManager,
    reads: Queryable,
    plan: RelatedPlan,
    copyOf: (sourceId: number) => number,
    now: Date,
  ): Promise<Map<number, number>> {
    // The new ids are read back only for the files of copied comments, which name them: a read
    // that needs its answer, so not through `m`, which may hold statements (withNext).
    const ids = plan.attachments.some((a) => a.sourceCommentId !== null);
    const created = await insertComments(
      m,
      w.accountId,
      plan.comments.map((c) => ({
        taskId: copyOf(c.sourceTaskId),
        body: c.body,
        creatorId: c.creatorId,
        pinnedAt: c.pinnedAt,
      })),
      now,
      ids ? reads : null,
    );
    const planned = [...plan.comments].sort(
      (a, b) => copyOf(a.sourceTaskId) - copyOf(b.sourceTaskId) || a.sourceId - b.sourceId,
    );
    return new Map(planned.map((c, i) => [c.sourceId, created[i]]));
  }

  /** A template made of the copy; every task of the copied tree backs it, so listings leave them out. */
  private async makeTemplate(
    w: StoreWrite,
    template: { name: string; description: string | null },
    rootId: number,
    copies: number[],
    now: Date,
  ): Promise<number> {
    const made = await w.m.save(
      w.m.create(Template, {
        accountId: w.accountId,
        name: template.name,
        description: template.description,
        targetType: 'task',
        targetId: rootId,
        createdAt: now,
      }),
    );
    await setColumnOf(w.m, w.accountId, copies, 'template_id', made.id);
    return made.id;
  }
}
