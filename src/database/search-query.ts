import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { RangeFilter, SearchPage, SortKey } from '../common/search';
import { toSqlDateTime } from './sql-time';

const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

let parameterSeq = 0;

/** Adds `column <op> value` for each bound of a range; dates are bound in the stored format. */
export function whereRange<E extends ObjectLiteral, T extends string | number | Date>(
  qb: SelectQueryBuilder<E>,
  column: string,
  range: RangeFilter<T> | undefined,
): void {
  if (!range) return;
  for (const key of Object.keys(OPERATORS) as Array<keyof typeof OPERATORS>) {
    const value = range[key];
    if (value === undefined) continue;
    const name = `r${++parameterSeq}`;
    qb.andWhere(`${column} ${OPERATORS[key]} :${name}`, {
      [name]: value instanceof Date ? toSqlDateTime(value) : value,
    });
  }
}

/**
 * Applies the requested order, ties broken by id ascending, and fetches one row more than the
 * limit so that `hasMore` is never true with an empty page.
 */
export async function fetchPage<E extends ObjectLiteral, F extends string>(
  qb: SelectQueryBuilder<E>,
  columns: Record<F, string>,
  idColumn: string,
  sort: SortKey<F>[],
  limit: number,
): Promise<SearchPage<E>> {
  let orderedById = false;
  for (const key of sort) {
    qb.addOrderBy(columns[key.field], key.descending ? 'DESC' : 'ASC');
    if (columns[key.field] === idColumn) orderedById = true;
  }
  if (!orderedById) qb.addOrderBy(idColumn, 'ASC');
  const rows = await qb.limit(limit + 1).getMany();
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}
