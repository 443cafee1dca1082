import { JSONAPI_ISOLATION_CASES } from './isolation/jsonapi.cases';
import { TODO_ISOLATION_CASES } from './isolation/todo.cases';
import { TOLOKA_ISOLATION_CASES } from './isolation/toloka.cases';
import type { TestAccount, TestApp } from './test-app';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * How to prove that account B can neither read nor change account A's objects behind one
 * OpenAPI path template. test/e2e/foundation/isolation.e2e-spec.ts walks every face route of the
 * OpenAPI document and fails for a path with parameters that has no case: a face that adds routes
 * adds their cases to its own file, test/support/isolation/<face>.cases.ts.
 */
export interface IsolationCase {
  /** The OpenAPI path template, exactly as in /docs-json: '/api/v1/pools/{id}'. */
  path: string;
  /** Makes account A's objects; returns the path parameters that name them. */
  arrange(t: TestApp, owner: TestAccount): Promise<Record<string, string>>;
  /** A's view of those objects. It must read the same before and after B's attempts. */
  snapshot(t: TestApp, owner: TestAccount, params: Record<string, string>): Promise<unknown>;
  /** The body B sends, per method (default `{}`); make it valid so only ownership can fail it. */
  bodies?: Partial<Record<HttpMethod, unknown>>;
  /** Statuses B may get, per method (default 404: another account's object is a missing one). */
  statuses?: Partial<Record<HttpMethod, number[]>>;
}

export const ISOLATION_CASES: IsolationCase[] = [
  ...TODO_ISOLATION_CASES,
  ...TOLOKA_ISOLATION_CASES,
  ...JSONAPI_ISOLATION_CASES,
];
