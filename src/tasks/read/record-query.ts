// A face-neutral description of a list query over one kind of record: a face turns its own
// parameters (the v2 face's filter[…], sort and page) into this, naming record properties, never
// columns; the store alone turns it into SQL, with bound values.

export type ComparisonOp = 'eq' | 'not_eq' | 'contains' | 'not_contain' | 'gt' | 'gt_eq' | 'lt' | 'lt_eq';

export interface RecordCondition {
  /** A record property (not a column name). */
  property: string;
  op: ComparisonOp;
  value: string | number | boolean | null;
}

export interface RecordFilter {
  op: 'and' | 'or';
  operands: Array<RecordCondition | RecordFilter>;
}

export interface RecordQuery {
  filter?: RecordFilter;
  order?: Array<{ property: string; descending: boolean }>;
  offset: number;
  limit: number;
}

export interface RecordPage<T> {
  items: T[];
  total: number;
}
