import { isIdOrZeroText } from '../../common/ids';
import { RequestValidationError, ValidationIssue } from '../../common/request-validation.error';
import type { RangeFilter, SortKey } from '../../common/search';
import { parseTolokaDate } from './toloka-time';

// Query parameters of the v1 list endpoints (docs/v1.md#lists). Anything not listed is ignored; a
// bad value is a 400 VALIDATION_ERROR keyed by the parameter's name, every one of them at once.
// Parsed by hand rather than by a class-validator DTO: the range filters are families of
// parameters built from one name (`created_gt`, `created_gte`, …), a repeated parameter counts
// by its last value, and `sort` is a list with its own grammar.

export type Query = Record<string, string | string[] | undefined>;

export class QueryReader {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly query: Query) {}

  private raw(name: string): string | undefined {
    const value = this.query[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
  }

  string(name: string): string | undefined {
    return this.raw(name);
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!values.includes(value as T)) {
      this.issues.push({ path: name, constraint: 'isIn', message: `Expected one of ${values.join(', ')}` });
      return undefined;
    }
    return value as T;
  }

  limit(max: number, fallback = 50): number {
    const value = this.raw('limit');
    if (value === undefined) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isNaN(n)) {
      this.issues.push({ path: 'limit', constraint: 'isInt', message: 'Expected an integer' });
    } else if (n < 1) {
      this.issues.push({ path: 'limit', constraint: 'min', message: 'Must be at least 1', params: [1] });
    } else if (n > max) {
      this.issues.push({
        path: 'limit',
        constraint: 'max',
        message: `Must be at most ${max}`,
        params: [max],
      });
    } else {
      return n;
    }
    return fallback;
  }

  sort<F extends string>(allowed: readonly F[]): SortKey<F>[] {
    const value = this.raw('sort');
    if (value === undefined || value.trim() === '') return [{ field: 'id' as F, descending: false }];
    const keys: SortKey<F>[] = [];
    for (const part of value.split(',').map((p) => p.trim())) {
      const descending = part.startsWith('-');
      const field = (descending || part.startsWith('+') ? part.slice(1) : part) as F;
      if (!allowed.includes(field)) {
        this.issues.push({
          path: 'sort',
          constraint: 'isIn',
          message: `Cannot sort by "${field}"; allowed: ${allowed.join(', ')}`,
        });
        return [];
      }
      keys.push({ field, descending });
    }
    return keys;
  }

  idRange(name = 'id'): RangeFilter<number> | undefined {
    // Any BIGINT id; above 2^53 the bound is approximate, beyond every id ever given out.
    return this.range(name, (value) => (isIdOrZeroText(value) ? Number(value) : undefined), 'isInt');
  }

  /**
   * A range over ids that are printable ASCII (operation UUIDs), compared byte-wise. Other
   * characters cannot be compared with them on MySQL (an ASCII column), so they are refused.
   */
  asciiRange(name: string): RangeFilter<string> | undefined {
    return this.range(name, (value) => (/^[\x20-\x7e]*$/.test(value) ? value : undefined), 'isAscii');
  }

  dateRange(name: string): RangeFilter<Date> | undefined {
    return this.range(name, (value) => parseTolokaDate(value) ?? undefined, 'dateTime');
  }

  private range<T>(
    name: string,
    parse: (value: string) => T | undefined,
    constraint: string,
  ): RangeFilter<T> | undefined {
    let range: RangeFilter<T> | undefined;
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      const value = this.raw(`${name}_${op}`);
      if (value === undefined) continue;
      const parsed = parse(value);
      if (parsed === undefined) {
        this.issues.push({ path: `${name}_${op}`, constraint, message: `Invalid value "${value}"` });
        continue;
      }
      range = { ...range, [op]: parsed };
    }
    return range;
  }

  /** Throws every problem found at once. */
  done(): void {
    if (this.issues.length) throw new RequestValidationError(this.issues);
  }
}
