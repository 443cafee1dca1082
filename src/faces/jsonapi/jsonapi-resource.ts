import type { RecordKindName, RecordOf } from '../../tasks/details/task-details.service';
import type { FilterOp } from './jsonapi-query';
import type { Relationship } from './jsonapi-document';

export interface FilterDefinition {
  /** Entity property the filter reads. */
  property: string;
  ops: readonly FilterOp[];
  /** How the query-string value is read. */
  value: 'int' | 'string';
}

/**
 * One v2 resource backed by a task-details record kind: its wire names, its attribute DTOs (they
 * validate input and describe it in Swagger) and the two translations between wire and record.
 */
export interface JsonApiResource<K extends RecordKindName, C extends object, U extends object> {
  kind: K;
  /** JSON:API type and path segment: `todos` → /api/v2/todos. */
  type: string;
  /** Singular, for Swagger summaries. */
  noun: string;
  /** Create attributes; undefined for a read-only resource. */
  createAttributes?: new () => C;
  /** Update attributes (all optional); undefined when the resource cannot be changed. */
  updateAttributes?: new () => U;
  /** `relationships.<name>` accepted in place of a `*_id` attribute on create. */
  relationshipAttributes?: Record<string, string>;
  filters?: Record<string, FilterDefinition>;
  /** Sortable attribute → entity property. */
  sorts?: Record<string, string>;
  toValues(attributes: C | U, now: Date): Partial<RecordOf<K>>;
  attributes(record: RecordOf<K>): Record<string, unknown>;
  relationships(record: RecordOf<K>): Record<string, Relationship>;
  /**
   * Swagger examples, naming objects of the demo data (`npm run seed:demo` on a fresh database) so
   * that each runs unchanged: a create body, the attributes of an update, the id that get and
   * update use, and the id delete uses (one nothing depends on, when deleting may be refused).
   */
  examples: {
    create?: Record<string, unknown>;
    update?: Record<string, unknown>;
    id: number;
    deleteId?: number;
  };
}

export function defineResource<K extends RecordKindName, C extends object, U extends object>(
  resource: JsonApiResource<K, C, U>,
): JsonApiResource<K, C, U> {
  return resource;
}

/** Datetimes on this face are ISO 8601 in UTC. */
export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
