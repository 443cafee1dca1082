import type { EntityManager } from 'typeorm';
import { pushTo } from '../../common/group-by';
import { chunks, inChunks, insertedId, intOrNull, marks, tuples } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { toSqlDateTime } from '../../database/sql-time';
import type { Attachment } from './task-details.entities';

// `attachments` (a file's name and type, on a task or a comment) and `blobs` (its bytes, stored
// once per account and content, shared by every attachment and copy that has them).

export type SourceAttachment = Pick<
  Attachment,
  'id' | 'taskId' | 'commentId' | 'name' | 'contentType' | 'size' | 'blobId'
>;

function toSource(r: Record<string, unknown>): SourceAttachment {
  return {
    id: Number(r.id),
    taskId: intOrNull(r.task_id),
    commentId: intOrNull(r.comment_id),
    name: String(r.name),
    contentType: String(r.content_type),
    size: Number(r.size),
    blobId: intOrNull(r.blob_id),
  };
}

const COLUMNS = 'id, task_id, comment_id, name, content_type, size, blob_id';

/** The attachments whose `column` is one of `ids`, in id order. */
export async function attachmentsOf(
  m: EntityManager,
  accountId: number,
  column: 'id' | 'task_id' | 'comment_id',
  ids: number[],
): Promise<SourceAttachment[]> {
  const rows = await inChunks(
    ids,
    (part) =>
      m.query(
        `SELECT ${COLUMNS} FROM attachments WHERE account_id = ? AND ${column} IN (${marks(part.length)}) ORDER BY id`,
        [accountId, ...part],
      ) as Promise<Array<Record<string, unknown>>>,
  );
  return rows.map(toSource);
}

export interface NewAttachment {
  taskId: number | null;
  commentId: number | null;
  name: string;
  contentType: string;
  size: number;
  blobId: number | null;
}

export async function insertAttachments(
  m: EntityManager,
  accountId: number,
  rows: NewAttachment[],
  now: Date,
): Promise<void> {
  const nowText = toSqlDateTime(now);
  for (const part of chunks(rows, 500)) {
    const params: unknown[] = [];
    for (const a of part)
      params.push(accountId, a.taskId, a.commentId, a.name, a.contentType, a.size, a.blobId, nowText);
    await m.query(
      `INSERT INTO attachments (account_id, task_id, comment_id, name, content_type, size, blob_id, created_at) VALUES ${tuples(part.length, 8)}`,
      params,
    );
  }
}

/** The attachment ids of each task, ascending. */
export async function attachmentIdsOfTasks(
  m: EntityManager,
  accountId: number,
  taskIds: number[],
): Promise<Map<number, number[]>> {
  const ids = new Map<number, number[]>();
  for (const part of chunks(taskIds)) {
    const created = (await m.query(
      `SELECT id, task_id FROM attachments WHERE account_id = ? AND task_id IN (${marks(part.length)}) ORDER BY task_id, id`,
      [accountId, ...part],
    )) as Array<{ id: number; task_id: number }>;
    for (const row of created) pushTo(ids, Number(row.task_id), Number(row.id));
  }
  return ids;
}

/**
 * Holds the given blobs until the transaction commits (a shared lock where rows lock; one writer
 * at a time elsewhere): a delete of their last other attachment waits for it, then sees the new
 * ones (see dropUnusedBlob).
 */
export async function holdBlobs(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  blobIds: Array<number | null>,
): Promise<void> {
  if (!sql.rowLocks) return;
  const ids = [...new Set(blobIds.filter((id): id is number => id !== null))];
  for (const part of chunks(ids)) {
    await m.query(
      `SELECT id FROM blobs WHERE account_id = ? AND id IN (${marks(part.length)})${sql.forShare}`,
      [accountId, ...part],
    );
  }
}

/**
 * Drops bytes no attachment uses any more. The blob row is locked first (a copy in flight holds
 * it shared until it commits) and the use is checked with a locking read, which sees rows
 * committed since the transaction's snapshot: a fresh copy's attachment keeps it.
 */
export async function dropUnusedBlob(
  m: EntityManager,
  sql: SqlDialect,
  blobId: number | null,
): Promise<void> {
  if (!blobId) return;
  if (sql.rowLocks) await m.query(`SELECT id FROM blobs WHERE id = ?${sql.forUpdate}`, [blobId]);
  const used = (await m.query(`SELECT 1 AS used FROM attachments WHERE blob_id = ? LIMIT 1${sql.forShare}`, [
    blobId,
  ])) as unknown[];
  if (used.length) return;
  await m.query('DELETE FROM blobs WHERE id = ?', [blobId]);
}

/** Drops every blob of the account that no attachment uses (after tasks went with theirs). */
export async function dropUnusedBlobs(m: EntityManager, accountId: number): Promise<void> {
  await m.query(
    'DELETE FROM blobs WHERE account_id = ? AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = blobs.id)',
    [accountId],
  );
}

/** The blob of the account with exactly these bytes (by hash and size), stored if new. */
export async function storeBlob(
  m: EntityManager,
  accountId: number,
  content: Buffer,
  sha256: string,
  now: Date,
): Promise<number> {
  const [existing] = (await m.query('SELECT id FROM blobs WHERE account_id = ? AND sha256 = ? AND size = ?', [
    accountId,
    sha256,
    content.length,
  ])) as Array<{ id: number }>;
  if (existing) return Number(existing.id);
  return insertedId(
    await m.query(
      'INSERT INTO blobs (account_id, sha256, size, content, created_at) VALUES (?, ?, ?, ?, ?)',
      [accountId, sha256, content.length, content, toSqlDateTime(now)],
    ),
  );
}

/** A blob's bytes, or null. */
export async function blobContent(
  m: EntityManager,
  accountId: number,
  blobId: number,
): Promise<Buffer | null> {
  const [row] = (await m.query('SELECT content FROM blobs WHERE id = ? AND account_id = ?', [
    blobId,
    accountId,
  ])) as Array<{ content: Uint8Array }>;
  return row ? Buffer.from(row.content) : null;
}
