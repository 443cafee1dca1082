import type { TestAccount } from './test-app';

export type Face = 'todo' | 'toloka' | 'jsonapi';

export function faceOfPath(path: string): Face | null {
  if (path.startsWith('/todo')) return 'todo';
  if (path.startsWith('/api/v1')) return 'toloka';
  if (path.startsWith('/api/v2')) return 'jsonapi';
  return null;
}

/** The headers each face's clients send: the widget's Remote-Token, toloka-kit's OAuth, v2's pair. */
export function faceHeaders(face: Face, account: TestAccount, withBody = false): Record<string, string> {
  switch (face) {
    case 'todo':
      return { 'remote-token': account.token, ...(withBody ? { 'content-type': 'application/json' } : {}) };
    case 'toloka':
      return {
        authorization: `OAuth ${account.token}`,
        ...(withBody ? { 'content-type': 'application/json' } : {}),
      };
    case 'jsonapi':
      return {
        'x-auth-token': account.token,
        'x-organization-id': String(account.id),
        ...(withBody ? { 'content-type': 'application/vnd.api+json' } : {}),
      };
  }
}

/** Asserts a response is an error in the face's own format and returns its code. */
export function faceErrorCode(face: Face, res: { body: string; headers: Record<string, unknown> }): string {
  switch (face) {
    case 'todo':
      if (!String(res.headers['content-type']).startsWith('text/plain'))
        throw new Error(`not text/plain: ${res.body}`);
      return String(res.headers['x-todo-error']);
    case 'toloka': {
      const body = JSON.parse(res.body);
      if (typeof body.code !== 'string' || typeof body.request_id !== 'string')
        throw new Error(`not a v1 error: ${res.body}`);
      return body.code;
    }
    case 'jsonapi': {
      const body = JSON.parse(res.body);
      if (!Array.isArray(body.errors) || !body.errors[0]?.code)
        throw new Error(`not a JSON:API error: ${res.body}`);
      return body.errors[0].code;
    }
  }
}
