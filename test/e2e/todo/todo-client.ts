import type { LightMyRequestResponse } from 'fastify';
import type { TestAccount, TestApp } from '../../support/test-app';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A widget-like client: Remote-Token, JSON bodies (Content-Type always set, as the provider does). */
export function todoClient(t: () => TestApp, account: () => TestAccount) {
  const send = (method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse> =>
    t().inject({
      method,
      url: `/todo${url}`,
      headers: { 'remote-token': account().token, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    send,
    get: (url: string) => send('GET', url),
    post: (url: string, body?: unknown) => send('POST', url, body ?? {}),
    put: (url: string, body?: unknown) => send('PUT', url, body ?? {}),
    del: (url: string, body?: unknown) => send('DELETE', url, body),
    /** GET and assert 200; the parsed body. */
    async json<T = unknown>(url: string): Promise<T> {
      const res = await send('GET', url);
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as T;
    },
  };
}

/** Asserts a To Do face error: status, text/plain `<CODE>: …`, X-Todo-Error. */
export function expectTodoError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: res.headers['x-todo-error'], body: res.body.split(':')[0] }).toEqual(
    {
      status,
      code,
      body: code,
    },
  );
  expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
}

export interface WireTask {
  id: number;
  text: string;
  parent: number | null;
  project: number | null;
  [key: string]: unknown;
}

/** The children of `parent` in (project), in read order: ids of that sibling list. */
export function listOf(tasks: WireTask[], project: number | null, parent: number | null): number[] {
  return tasks.filter((x) => x.project === project && x.parent === parent).map((x) => x.id);
}

// A paste request body the shipped widget sends, byte for byte.
export const WIDGET_PASTE_BODY = `{
"parent": null,
"targetId": 18,
"batch": [
{
"text": "If you press Tab, this task will become a subtask. To edit it, press Ctrl (Cmd) + Enter.",
"checked": false,
"due_date": "2022-10-07T21:00:00Z",
"creation_date": "2022-10-31T11:20:04.171Z",
"project": 1,
"assigned": [4],
"id": "temp://1667215197027",
"parent": null
},
{
"text": "You can create tasks with an infinite number of subtasks.",
"checked": false,
"creation_date": "2022-10-31T11:20:04.173Z",
"project": 1,
"assigned": [4],
"id": "temp://1667215197028",
"parent": null
},
{
"text": "Use the Tab and Shift + Tab keys for this.",
"checked": false,
"creation_date": "2022-10-31T11:20:04.174Z",
"parent": "temp://1667215197028",
"project": 1,
"id": "temp://1667215197029"
}
]
}`;

/** The client ids of WIDGET_PASTE_BODY's three tasks, in its order. */
export const WIDGET_PASTE_IDS = ['temp://1667215197027', 'temp://1667215197028', 'temp://1667215197029'];
