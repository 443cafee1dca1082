import type { AppConfig } from '../../config/app-config';
import type {
  CloneNode,
  ClonePlacement,
  CreateTaskInput,
  IndentStep,
  MoveRequest,
  TaskFields,
  UnindentStep,
} from '../../tasks/store/tasks.service';
import {
  asObject,
  invalid,
  isObject,
  Json,
  parseBool,
  parseContent,
  parseGivenRef,
  parseId,
  parseIdList,
  parseRef,
  parseTarget,
  taskFields,
  tooLarge,
} from './todo-input';

// The widget's task bodies in the store's words. These bodies carry the widget's custom keys,
// which whitelisting DTOs would drop, and POST /todo/clone and PUT /todo/tasks are the measured
// hot paths: they are read here by hand, strictly (anything malformed is a 400).

/** A number asks for that id; any string is a temporary id and is ignored. */
export function parseRequestedId(value: unknown): number | undefined {
  if (value === undefined || value === null || typeof value === 'string') return undefined;
  return parseId(value, 'id');
}

/**
 * POST /todo/tasks: fields flat or under `task`. No target: top of the list of `parent`; target
 * = parent: last child (first with `reverse`); otherwise next to the target.
 */
export function createTaskOf(raw: unknown, config: AppConfig): CreateTaskInput {
  const body = asObject(raw, 'body');
  const { fields, path } = taskFields(body);
  const pick = (key: string) => (key in body ? body : fields);
  const requestedId = parseRequestedId(pick('id').id);
  const parentId = parseRef(pick('parent').parent, 'parent');
  const projectId = parseGivenRef(pick('project'), 'project');
  const targetId = parseTarget(body.targetId, 'targetId');
  const reverse = parseBool(body.reverse, 'reverse');
  const content = parseContent(fields, path, config);
  let placement: ClonePlacement;
  if (targetId === undefined) placement = { kind: 'list', parentId, projectId, at: 'start' };
  else if (parentId !== null && targetId === parentId) {
    placement = { kind: 'list', parentId, projectId, at: reverse ? 'start' : 'end' };
  } else placement = { kind: 'adjacent', targetId, reverse, parentId, projectId };
  return { fields: content, requestedId, placement };
}

/** PUT /todo/tasks/:id: the URL task (0 = none), then each `batch` item with its `id`. */
export function updatesOf(
  id: number,
  raw: unknown,
  config: AppConfig,
): Array<{ id: number; fields: TaskFields }> {
  const body = asObject(raw, 'body');
  const updates: Array<{ id: number; fields: TaskFields }> = [];
  if (id !== 0) {
    if ('id' in body && body.id !== undefined && body.id !== null && parseId(body.id, 'id') !== id) {
      throw invalid('id', 'must equal the URL id');
    }
    const { fields, path } = taskFields(body);
    updates.push({ id, fields: parseContent(fields, path, config) });
  }
  if (body.batch !== undefined && body.batch !== null) {
    if (!Array.isArray(body.batch)) throw invalid('batch', 'must be an array of tasks');
    if (body.batch.length > config.TODO_BATCH_LIMIT) throw tooLarge('batch', config.TODO_BATCH_LIMIT);
    body.batch.forEach((item: unknown, i: number) => {
      const task = asObject(item, `batch.${i}`);
      if (!('id' in task)) throw invalid(`batch.${i}.id`, 'is required');
      const itemId = parseId(task.id, `batch.${i}.id`);
      const { fields, path } = taskFields(task);
      updates.push({
        id: itemId,
        fields: parseContent(fields, path ? `batch.${i}.${path}` : `batch.${i}`, config),
      });
    });
  }
  if (updates.length === 0) throw invalid('id', 'no task to update');
  return updates;
}

/**
 * DELETE /todo/tasks(/:id): the URL task (0 = none) and any `batch` ids, deduplicated. Read by
 * hand: a batch over the limit is a 413 before its items are read, which a DTO cannot say.
 */
export function deletedIdsOf(id: number, raw: unknown, config: AppConfig): number[] {
  const body = raw === undefined || raw === null ? {} : asObject(raw, 'body');
  const ids = id === 0 ? [] : [id];
  if (body.batch !== undefined && body.batch !== null) {
    ids.push(...parseIdList(body.batch, 'batch', config.TODO_BATCH_LIMIT));
  }
  if (ids.length === 0) throw invalid('batch', 'no task to delete');
  return [...new Set(ids)];
}

/** POST /todo/clone: the batch as a forest, and where its roots go. */
export function cloneOf(raw: unknown, config: AppConfig): { nodes: CloneNode[]; placement: ClonePlacement } {
  const body = asObject(raw, 'body');
  const targetId = parseTarget(body.targetId, 'targetId');
  const parentId = parseGivenRef(body, 'parent');
  const projectId = parseGivenRef(body, 'project');
  const reverse = parseBool(body.reverse, 'reverse');
  if (!Array.isArray(body.batch)) throw invalid('batch', 'must be an array of tasks');
  if (body.batch.length === 0) throw invalid('batch', 'must not be empty');
  const limit = config.TODO_CLONE_BATCH_LIMIT;
  if (body.batch.length > limit) throw tooLarge('batch', limit);
  const batch: unknown[] = body.batch;
  const count = batch.length;
  const nodes = new Array<CloneNode>(count);
  for (let i = 0; i < count; i++) {
    const task = batch[i];
    if (!isObject(task)) throw invalid(`batch.${i}`, 'must be a JSON object');
    const parent = task.parent;
    nodes[i] = {
      key: batchClientId(task.id, i, count),
      parentKey: parent === undefined || parent === null ? null : String(parent),
      fields: parseContent(task, () => `batch.${i}`, config),
    };
  }
  const placement: ClonePlacement =
    targetId !== undefined
      ? { kind: 'adjacent', targetId, reverse, parentId, projectId }
      : { kind: 'list', parentId: parentId ?? null, projectId, at: 'start' };
  return { nodes, placement };
}

function clientId(value: unknown, position: number): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 255) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(`batch.${position}.id`, 'must be a client id (a non-empty string or a number)');
}

/**
 * The clone answer holds two readings of the new ids in one object (see cloneAnswer): a client
 * id that spells a batch position ("0"…"n-1") would give that key two meanings, and either
 * precedence would hand one reader another item's id without a sign. So such an id is accepted
 * only at its own position, where both readings agree; elsewhere the request is refused.
 */
function batchClientId(value: unknown, position: number, count: number): string {
  const key = clientId(value, position);
  // Only a key that starts with a digit can spell a position (the widget's start with `temp://`).
  const first = key.charCodeAt(0);
  if (
    first >= 0x30 &&
    first <= 0x39 &&
    /^(0|[1-9]\d*)$/.test(key) &&
    Number(key) < count &&
    Number(key) !== position
  ) {
    throw invalid(
      `batch.${position}.id`,
      `"${key}" is also the answer's key for batch item ${key}; a client id that is a batch position ` +
        `(0 to ${count - 1}) must be its own position (use temp:// ids)`,
    );
  }
  return key;
}

/**
 * PUT /todo/move/:id: a plain or `batch` move, indent, unindent, `opbatch` of indents and
 * unindents, or a move to a project. Read by hand: a batch over the limit is a 413 before its
 * items are read, and every mode reads the same keys in its own way.
 */
export function moveOf(urlId: number, raw: unknown, config: AppConfig): MoveRequest {
  const body = asObject(raw, 'body');
  if ('id' in body && body.id !== undefined && body.id !== null && urlId !== 0) {
    if (parseId(body.id, 'id') !== urlId) throw invalid('id', 'must equal the URL id');
  }
  const opbatch = body.opbatch;
  if (Array.isArray(opbatch) && opbatch.length > 0) return opbatchOf(opbatch, config);
  if (opbatch !== undefined && opbatch !== null && !Array.isArray(opbatch)) {
    throw invalid('opbatch', 'must be an array');
  }
  const operation = parseOperation(body.operation, 'operation');
  let ids: number[];
  if (urlId !== 0) ids = [urlId];
  else {
    if (body.batch === undefined || body.batch === null)
      throw invalid('batch', 'is required when the URL id is 0');
    ids = parseIdList(body.batch, 'batch', config.TODO_BATCH_LIMIT);
    if (ids.length === 0) throw invalid('batch', 'must not be empty');
  }
  switch (operation) {
    case 'move':
      return {
        operation: 'move',
        ids,
        targetId: parseTarget(body.targetId, 'targetId'),
        parentId: parseGivenRef(body, 'parent'),
        reverse: parseBool(body.reverse, 'reverse'),
      };
    case 'indent':
    case 'unindent':
      if (ids.length !== 1) throw invalid('batch', `${operation} moves one task; use opbatch for several`);
      return operation === 'indent' ? indentStep(ids[0], body, '') : unindentStep(ids[0], body, '');
    case 'project':
      return { operation: 'project', ids, projectId: parseRef(body.project, 'project') };
  }
}

function opbatchOf(opbatch: unknown[], config: AppConfig): MoveRequest {
  if (opbatch.length > config.TODO_OPBATCH_LIMIT) throw tooLarge('opbatch', config.TODO_OPBATCH_LIMIT);
  const steps = opbatch.map((item: unknown, i: number) => {
    const step = asObject(item, `opbatch.${i}`);
    if (!('id' in step)) throw invalid(`opbatch.${i}.id`, 'is required');
    const id = parseId(step.id, `opbatch.${i}.id`);
    const operation = parseOperation(step.operation, `opbatch.${i}.operation`);
    if (operation === 'indent') return indentStep(id, step, `opbatch.${i}.`);
    if (operation === 'unindent') return unindentStep(id, step, `opbatch.${i}.`);
    throw invalid(`opbatch.${i}.operation`, 'must be indent or unindent');
  });
  return { operation: 'opbatch', steps };
}

function indentStep(id: number, body: Json, prefix: string): IndentStep {
  const parentId = parseRef(body.parent, `${prefix}parent`);
  if (parentId === null) throw invalid(`${prefix}parent`, 'is required for indent');
  return { operation: 'indent', id, parentId, targetId: parseTarget(body.targetId, `${prefix}targetId`) };
}

function unindentStep(id: number, body: Json, prefix: string): UnindentStep {
  return { operation: 'unindent', id, parentId: parseGivenRef(body, 'parent', `${prefix}parent`) };
}

function parseOperation(value: unknown, path: string): 'move' | 'indent' | 'unindent' | 'project' {
  if (value === undefined || value === null || value === '' || value === 'null') return 'move';
  if (value === 'indent' || value === 'unindent' || value === 'project') return value;
  throw invalid(path, 'must be indent, unindent, project or null');
}
