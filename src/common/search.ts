// The shape of a v1 list request and its answer, shared by the services that search (pools,
// projects, operations) and the face that parses the query (docs/v1.md#lists).

/** Bounds on one field; each one given is a condition. */
export interface RangeFilter<T> {
  gt?: T;
  gte?: T;
  lt?: T;
  lte?: T;
}

export interface SortKey<F extends string> {
  field: F;
  descending: boolean;
}

export interface SearchPage<T> {
  items: T[];
  hasMore: boolean;
}
