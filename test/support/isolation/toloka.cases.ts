import type { IsolationCase } from '../isolation-fixtures';

/** Isolation cases for the routes of this face that name an object (see isolation-fixtures.ts). */
export const TOLOKA_ISOLATION_CASES: IsolationCase[] = [];
