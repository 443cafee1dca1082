import type { EntityManager } from 'typeorm';
import { allDone } from '../../common/all-done';
import { nextTurn } from '../../common/next-turn';
import { chunks, tuples } from '../../database/sql';
import { formatTuples } from '../../database/sql-format';
import { toSqlDateTime } from '../../database/sql-time';
import { insertAssignees } from './task-assignees.table';
import { NO_DETAILS, TaskDetailsColumns, TaskFields, wellFormed } from './task-fields';
import type { KeyedPlace } from './task-tree';
import { extraText, newStamp, sqlTime } from './tasks.table';

// The multi-row INSERTs of new `tasks` rows (clones, creates and copies), a chunk at a time.

export interface NewTaskRow extends KeyedPlace {
  fields: TaskFields;
}

const TASK_COLUMNS =
  'id, account_id, project_id, parent_id, sort_key, title, closed, collapsed, due_at, created_at, closed_at, edited_at, priority, extra, updated_at, revision'.split(
    ', ',
  );
// A v2 copy also writes the v2 columns; 33 values a row keep a chunk under SQLite's 32,766 variables.
const DETAIL_COLUMNS =
  'description, private, start_date, due_time, task_list_id, workflow_status_id, placement, initial_estimate, remaining_time, repeat_schedule_id, repeat_on_interval, repeat_on_monthday, repeat_on_weekday, repeat_on_date, tag_list, custom_fields, creator_id'.split(
    ', ',
  );
const WITH_DETAILS = [...TASK_COLUMNS, ...DETAIL_COLUMNS];
// Nullable, without a default of their own: a chunk leaves out those it writes no value to (a
// clone's tasks mostly have no due date, priority or custom keys, a copy's most v2 fields), so
// that neither side spells, parses and binds NULL for each.
const NULL_BY_DEFAULT = new Set(
  ['due_at', 'closed_at', 'edited_at', 'priority', 'extra'].concat(
    DETAIL_COLUMNS.filter((c) => c !== 'private'),
  ),
);
const DETAIL_INSERT_CHUNK = 800;

/** Appends a row's v2 columns to `out` (no array per row: a large copy writes 100,000 rows). */
function pushDetailValues(out: unknown[], d: TaskDetailsColumns): void {
  out.push(
    d.description,
    d.private ? 1 : 0,
    d.startDate,
    d.dueTime,
    d.taskListId,
    d.workflowStatusId,
    d.placement,
    d.initialEstimate,
    d.remainingTime,
    d.repeatScheduleId,
    d.repeatOnInterval,
    d.repeatOnMonthday,
    d.repeatOnWeekday === null ? null : JSON.stringify(d.repeatOnWeekday),
    d.repeatOnDate,
    d.tagList.length ? JSON.stringify(d.tagList) : null,
    d.customFields === null ? null : JSON.stringify(d.customFields),
    d.creatorId,
  );
}

/** Appends a row's own columns to `out`; `time` writes a Date as bound (one text per time). */
function pushRowValues(
  out: unknown[],
  accountId: number,
  r: NewTaskRow,
  now: Date,
  nowText: string,
  stamp: number,
  time: (date: Date | null) => string | null,
): void {
  const f = r.fields;
  out.push(
    r.id,
    accountId,
    r.projectId,
    r.parentId,
    r.key,
    wellFormed(f.title),
    f.closed ? 1 : 0,
    f.collapsed ? 1 : 0,
    time(f.dueAt),
    time(f.createdAt ?? now),
    time(f.closedAt),
    time(f.editedAt),
    f.priority,
    extraText(f.extra),
    nowText,
    stamp,
  );
}

/**
 * sqlTime, remembering the last time it wrote: the rows of one insert mostly share one creation
 * (and closing) time, as one Date object or, parsed from a request, as equal ones.
 */
function timeWriter(): (date: Date | null) => string | null {
  let last = NaN;
  let text: string | null = null;
  return (date) => {
    if (date === null) return null;
    const time = date.getTime();
    if (time !== last) {
      last = time;
      text = sqlTime(date);
    }
    return text;
  };
}

/** Writes the rows of `values` (row after row, `width` a row) into the text, columns `kept` only. */
type ValuesText = (values: unknown[], width: number, kept: number[]) => string;

/**
 * The INSERT of `rows` rows whose `values` follow `columns`, row by row, without the columns of
 * NULL_BY_DEFAULT that hold no value in any row: with its values written in by `written` where
 * given, else with placeholders and the values to bind.
 */
function insertOf(
  columns: string[],
  values: unknown[],
  rows: number,
  written: ValuesText | undefined,
): { sql: string; params?: unknown[] } {
  const width = columns.length;
  const kept: number[] = [];
  for (let c = 0; c < width; c++) {
    if (!NULL_BY_DEFAULT.has(columns[c])) kept.push(c);
    else
      for (let k = c; k < values.length; k += width)
        if (values[k] !== null && values[k] !== undefined) {
          kept.push(c);
          break;
        }
  }
  const head = `INSERT INTO tasks (${kept.map((c) => columns[c]).join(', ')}) VALUES `;
  if (written) return { sql: head + written(values, width, kept) };
  if (kept.length === width) return { sql: head + tuples(rows, width), params: values };
  const params: unknown[] = [];
  for (let row = 0; row < values.length; row += width) for (const c of kept) params.push(values[row + c]);
  return { sql: head + tuples(rows, kept.length), params };
}

/**
 * The rows' text as mysql2 would write their values (its `queryFormat` is formatStatement), so
 * that a chunk's values are written before the chunk ahead is answered; undefined on SQLite,
 * whose driver binds values itself and runs each statement at once.
 */
function valuesText(m: EntityManager): ValuesText | undefined {
  const options = m.connection.options;
  if (options.type !== 'mysql') return undefined;
  return (values, width, kept) => formatTuples(values, width, kept, false, options.timezone);
}

/**
 * Multi-row INSERTs of new tasks and their assignments: ⌈n/1000⌉ statements each. Returns the rows' stamp.
 *
 * Each chunk is asked for as soon as it is built, one ahead of the chunk the database is writing:
 * the connection holds it until that one has answered and sends it from that answer's callback
 * (stop-after-rollback.ts), so the database goes from chunk to chunk without waiting for this
 * loop's turn, and sends nothing more of a transaction that a deadlock has rolled back. Where the
 * driver writes values into the text (MySQL/MariaDB), a chunk's text is bound here, while the
 * database writes the one ahead, and at most two chunks' texts are held at a time.
 * `last` (StoreWrite.withNext) takes the last chunk and the assignments, whose answers nothing
 * reads, to send them with the statement after them, the COMMIT.
 */
export async function insertTasks(
  m: EntityManager,
  accountId: number,
  rows: NewTaskRow[],
  now: Date,
  progress?: (inserted: number) => void,
  last: EntityManager = m,
): Promise<number> {
  const batch = insertBatch(accountId, rows, now, valuesText(m));
  const { parts } = batch;
  let inserted = 0;
  let ahead: { sent: Promise<unknown>; count: number } | undefined;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const { sql, params: bound } = chunkInsert(batch, part);
    const sent = (k === parts.length - 1 ? last : m).query(sql, bound);
    // Awaited once the chunk after it is asked for, or after the loop.
    sent.catch(() => undefined);
    if (ahead) {
      await ahead.sent;
      progress?.((inserted += ahead.count));
    } else if (k < parts.length - 1) {
      // It reaches the driver through TypeORM's promises: let it go before the next is built.
      await nextTurn();
    }
    ahead = { sent, count: part.length };
  }
  if (ahead) {
    await ahead.sent;
    progress?.((inserted += ahead.count));
  }
  await insertAssignees(last, accountId, assigningOf(rows));
  return batch.stamp;
}

/**
 * insertTasks' statements, built at once and sent without waiting for any answer: every chunk
 * but the last statement goes through `held` (StoreWrite.withNext), so that where a write holds
 * statements they reach the database in one text with the first assignments' INSERT (or the last
 * chunk). Resolves, with the rows' stamp, once that text is on its way to the driver; `written`
 * settles once every statement has answered. The caller builds its next statements meanwhile and
 * awaits `written` before its transaction goes on to commit: a statement failed there (a
 * primary key taken) leaves the transaction open, and whatever the caller sent after it must
 * roll back with it. After a deadlock nothing more of the transaction is sent
 * (stop-after-rollback.ts).
 */
export async function sendTasks(
  m: EntityManager,
  accountId: number,
  rows: NewTaskRow[],
  now: Date,
  held: EntityManager = m,
): Promise<{ stamp: number; written: Promise<void> }> {
  const written = valuesText(m);
  // SQLite's driver runs each statement as it is asked for, in this thread: nothing to overlap.
  if (!written) return { stamp: await insertTasks(m, accountId, rows, now), written: Promise.resolve() };
  const batch = insertBatch(accountId, rows, now, written);
  const { parts } = batch;
  const assigning = assigningOf(rows);
  const sent: Array<Promise<unknown>> = parts.map((part, k) => {
    const { sql, params } = chunkInsert(batch, part);
    return (k === parts.length - 1 && assigning.length === 0 ? m : held).query(sql, params);
  });
  if (assigning.length > 0) sent.push(insertAssignees(m, accountId, assigning));
  const answered = allDone(sent).then(() => undefined);
  answered.catch(() => undefined);
  // It reaches the driver through TypeORM's promises: let it go before the caller builds more.
  await nextTurn();
  return { stamp: batch.stamp, written: answered };
}

/** What the INSERTs of one write's new tasks share: their stamp, time, columns, and the chunks. */
interface InsertBatch {
  accountId: number;
  now: Date;
  nowText: string;
  stamp: number;
  time: (date: Date | null) => string | null;
  withDetails: boolean;
  /** Where the driver writes values into the text (MySQL/MariaDB), else undefined. */
  written: ValuesText | undefined;
  parts: NewTaskRow[][];
}

function insertBatch(
  accountId: number,
  rows: NewTaskRow[],
  now: Date,
  written: ValuesText | undefined,
): InsertBatch {
  const withDetails = rows.some((r) => r.fields.details !== undefined);
  return {
    accountId,
    now,
    nowText: toSqlDateTime(now),
    stamp: newStamp(),
    time: timeWriter(),
    withDetails,
    written,
    parts: chunks(rows, withDetails ? DETAIL_INSERT_CHUNK : undefined),
  };
}

/** The INSERT of one chunk of the batch's rows. */
function chunkInsert(batch: InsertBatch, part: NewTaskRow[]): { sql: string; params?: unknown[] } {
  const { accountId, now, nowText, stamp, time, withDetails } = batch;
  const params: unknown[] = [];
  for (const r of part) {
    pushRowValues(params, accountId, r, now, nowText, stamp, time);
    if (withDetails) pushDetailValues(params, r.fields.details ?? NO_DETAILS);
  }
  return insertOf(withDetails ? WITH_DETAILS : TASK_COLUMNS, params, part.length, batch.written);
}

/** Only the rows that assign anyone: a paste of 10,000 mostly assigns no one. */
function assigningOf(rows: NewTaskRow[]): Array<{ taskId: number; assigned: number[] }> {
  const assigning: Array<{ taskId: number; assigned: number[] }> = [];
  for (const r of rows)
    if (r.fields.assigned.length > 0) assigning.push({ taskId: r.id, assigned: r.fields.assigned });
  return assigning;
}
