// A face-neutral description of a list query over one kind of record: the JSON:API face turns
// its filter[…]/sort/page parameters into this; the store turns it into SQL with bound values.

export type ComparisonOp = 'eq' | 'not_eq' | 'contains' | 'not_contain' | 'gt' | 'gt_eq' | 'lt' | 'lt_eq';

export interface RecordCondition {
  /** Entity property name (not a column name). */
  property: string;
  op: ComparisonOp;
  value: string | number | null;
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
