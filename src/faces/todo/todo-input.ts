import { DomainError } from '../../common/domain-error';
import { RequestValidationError } from '../../common/request-validation.error';
import { parseIsoDateTime } from '../../common/iso-date-time';
import type { AppConfig } from '../../config/app-config';
import { emptyFields, MAX_PRIORITY, TaskFields } from '../../tasks/store/tasks.service';
import { isIdText, parseIdValue } from '../../common/ids';
import { TasksError } from '../../tasks/tasks.errors';

// Strict parsing of the widget's bodies (docs/todo.md#conventions). Task objects carry custom
// keys, so they are read here rather than through whitelisting DTOs; anything malformed is a 400.

export type Json = Record<string, unknown>;

export const TEXT_MAX_BYTES = 65_535;
export const LABEL_MAX_CHARS = 255;
export const EXTRA_MAX_BYTES = 16 * 1024;

const KNOWN_TASK_KEYS = new Set([
  'text',
  'checked',
  'collapsed',
  'assigned',
  'due_date',
  'creation_date',
  'completion_date',
  'edited_date',
  'priority',
]);

// Never stored as custom keys (docs/todo.md#task).
const RESERVED_KEYS = new Set([
  'id',
  'parent',
  'project',
  'index',
  'position',
  'batch',
  'opbatch',
  'bunch',
  'targetId',
  'reverse',
  'operation',
  'task',
  'response',
  'skipProvider',
  'type',
]);

// Keys that are not custom keys, in one lookup: a paste reads every key of every item.
const NOT_CUSTOM_KEYS = new Set([...KNOWN_TASK_KEYS, ...RESERVED_KEYS]);

/**
 * A field's path in an error message. A function is called only on an error: a paste of 10,000
 * tasks would otherwise spell `batch.<i>.<key>` for every field of every item.
 */
export type FieldPath = string | (() => string);

const spell = (path: FieldPath): string => (typeof path === 'string' ? path : path());

export function invalid(path: string, message: string): RequestValidationError {
  return RequestValidationError.single(path, 'invalid', message);
}

export function tooLarge(path: string, limit: number): DomainError {
  return new TasksError('TASK_BATCH_TOO_LARGE', `${path} has more than ${limit} entries`, {
    field: path,
    meta: { limit },
  });
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): Json {
  if (!isObject(value)) throw invalid(path, 'must be a JSON object');
  return value;
}

/**
 * A server id: a positive integer up to 2^63 - 1 as a JSON number or a string of digits. Ids are
 * given out below 2^31; a larger one is well formed and names nothing (404, or 409 when asked for).
 */
export function parseId(value: unknown, path: string): number {
  const n = parseIdValue(typeof value === 'string' ? value.trim() : value);
  if (n === undefined) throw invalid(path, 'must be a positive integer id');
  return n;
}

function isNone(value: unknown): boolean {
  return (
    value === undefined || value === null || value === 0 || value === '' || value === '0' || value === 'null'
  );
}

/** `parent`/`project`: the "none" spellings (null, 0, "", "0", "null", absent) give null. */
export function parseRef(value: unknown, path: string): number | null {
  return isNone(value) ? null : parseId(value, path);
}

/** Like parseRef, but an absent key stays undefined ("not given"). */
export function parseGivenRef(body: Json, key: string, path = key): number | null | undefined {
  return key in body ? parseRef(body[key], path) : undefined;
}

/** targetId: absent or a "none" spelling means no target. */
export function parseTarget(value: unknown, path: string): number | undefined {
  return isNone(value) ? undefined : parseId(value, path);
}

/** A path id; `0` means "none" where the route allows it. */
export function parsePathId(raw: string, path = 'id'): number {
  if (!/^\d+$/.test(raw)) throw invalid(path, 'must be a number');
  if (/^0+$/.test(raw)) return 0;
  if (!isIdText(raw)) throw invalid(path, 'must be a positive integer id');
  return Number(raw);
}

/** GET /tasks/projects/{id}, /sort/{id}: `0`, `null`, `undefined` and empty select No project. */
export function parsePathProject(raw: string | undefined): number | null {
  if (raw === undefined || raw === '' || raw === 'null' || raw === 'undefined') return null;
  const n = parsePathId(raw);
  return n === 0 ? null : n;
}

export function parseBool(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(path, 'must be a boolean');
  return value;
}

/** ISO-8601 with or without offset (no offset = UTC), or null/"" to clear. */
export function parseDate(value: unknown, path: FieldPath): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 40) throw invalid(spell(path), 'must be an ISO-8601 date');
  const date = canonicalDate(value) ?? parseIsoDateTime(value);
  if (!date) throw invalid(spell(path), 'must be a valid ISO-8601 date');
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) throw invalid(spell(path), 'must be a date of the years 1000 to 9999');
  return date;
}

/**
 * The form the widget sends (`toISOString`: `YYYY-MM-DDThh:mm:ss.sssZ`), read digit by digit: a
 * paste of 10,000 tasks carries tens of thousands of dates. Null for anything else, which
 * parseIsoDateTime then reads (and refuses or takes, as for every other form).
 */
function canonicalDate(t: string): Date | null {
  if (
    t.length !== 24 ||
    t.charCodeAt(4) !== 0x2d ||
    t.charCodeAt(7) !== 0x2d ||
    t.charCodeAt(10) !== 0x54 ||
    t.charCodeAt(13) !== 0x3a ||
    t.charCodeAt(16) !== 0x3a ||
    t.charCodeAt(19) !== 0x2e ||
    t.charCodeAt(23) !== 0x5a
  ) {
    return null;
  }
  const year = digitsAt(t, 0, 4);
  const month = digitsAt(t, 5, 2);
  const day = digitsAt(t, 8, 2);
  const hour = digitsAt(t, 11, 2);
  const minute = digitsAt(t, 14, 2);
  const second = digitsAt(t, 17, 2);
  const ms = digitsAt(t, 20, 3);
  // Two-digit years would be read as 19xx by Date.UTC; no face takes years before 1000 anyway.
  if ((hour | minute | second | ms) < 0 || hour > 23 || minute > 59 || second > 59) return null;
  if (year < 1000 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // February 30th rolls over into March.
  return date.getUTCDate() === day ? date : null;
}

/** The number spelled by `length` ASCII digits at `start`, or -1. */
function digitsAt(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export function parseLabel(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'must be a string');
  const label = value.trim();
  if (label.length === 0) throw invalid(path, 'must not be empty');
  if ([...label].length > LABEL_MAX_CHARS)
    throw invalid(path, `must be at most ${LABEL_MAX_CHARS} characters`);
  return label;
}

/** A task object's own fields, in the store's words; absent fields take their defaults (full replacement). */
export function parseContent(task: Json, path: FieldPath, config: AppConfig): TaskFields {
  const at = (key: string) => {
    const prefix = spell(path);
    return prefix ? `${prefix}.${key}` : key;
  };
  const content = emptyFields();
  const text = task.text;
  if (text !== undefined && text !== null) {
    if (typeof text !== 'string') throw invalid(at('text'), 'must be a string');
    // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no count.
    if (text.length * 3 > TEXT_MAX_BYTES && Buffer.byteLength(text, 'utf8') > TEXT_MAX_BYTES) {
      throw invalid(at('text'), `must be at most ${TEXT_MAX_BYTES} UTF-8 bytes`);
    }
    content.title = text;
  }
  // Paths are spelled only for an error: a paste of 10,000 tasks reads every field 10,000 times.
  if (task.checked !== undefined && task.checked !== null) content.closed = boolField(task, 'checked', at);
  if (task.collapsed !== undefined && task.collapsed !== null)
    content.collapsed = boolField(task, 'collapsed', at);
  const assigned = task.assigned;
  if (assigned !== undefined && assigned !== null) {
    if (!Array.isArray(assigned)) throw invalid(at('assigned'), 'must be an array of user ids');
    if (assigned.length > config.TODO_ASSIGNED_LIMIT)
      throw tooLarge(at('assigned'), config.TODO_ASSIGNED_LIMIT);
    const ids = assigned.map((v, i) => parseId(v, `${at('assigned')}.${i}`));
    content.assigned = [...new Set(ids)];
  }
  content.dueAt = dateField(task, 'due_date', at);
  content.createdAt = dateField(task, 'creation_date', at);
  content.closedAt = dateField(task, 'completion_date', at);
  content.editedAt = dateField(task, 'edited_date', at);
  const priority = task.priority;
  if (priority !== undefined && priority !== null) {
    if (
      typeof priority !== 'number' ||
      !Number.isInteger(priority) ||
      priority < 0 ||
      priority > MAX_PRIORITY
    ) {
      throw invalid(at('priority'), 'must be an integer ≥ 0 or null');
    }
    content.priority = priority;
  }
  let custom: Array<[string, unknown]> | undefined;
  for (const key of Object.keys(task)) {
    const value = task[key];
    if (NOT_CUSTOM_KEYS.has(key) || key.charCodeAt(0) === 0x24 || value === undefined) continue;
    (custom ??= []).push([key, value]);
  }
  if (custom) {
    // fromEntries defines each key, so `__proto__` is a custom key like any other.
    const extra: Json = Object.fromEntries(custom);
    if (Buffer.byteLength(JSON.stringify(extra), 'utf8') > EXTRA_MAX_BYTES) {
      throw invalid(spell(path) || 'task', `custom keys must serialize to at most ${EXTRA_MAX_BYTES} bytes`);
    }
    content.extra = extra;
  }
  return content;
}

function boolField(task: Json, key: string, at: (key: string) => string): boolean {
  const value = task[key];
  if (typeof value !== 'boolean') throw invalid(at(key), 'must be a boolean');
  return value;
}

function dateField(task: Json, key: string, at: (key: string) => string): Date | null {
  const value = task[key];
  return value === undefined || value === null || value === '' ? null : parseDate(value, () => at(key));
}

/** POST/PUT task bodies: fields nested under `task` when it is an object, else flat. */
export function taskFields(body: Json): { fields: Json; path: string } {
  return isObject(body.task) ? { fields: body.task, path: 'task' } : { fields: body, path: '' };
}

/** An id list (`batch` of DELETE and move): array of ids, bounded. */
export function parseIdList(value: unknown, path: string, limit: number): number[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array of task ids');
  if (value.length > limit) throw tooLarge(path, limit);
  return value.map((v, i) => parseId(v, `${path}.${i}`));
}
