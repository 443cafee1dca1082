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

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What is wrong with an error answer's format for its face, or null when it is right: the To Do
 * face's one text line with X-Todo-Error, v1's Toloka JSON body, v2's JSON:API error document, or
 * the plain JSON of the routes outside the faces. A HEAD answer has no body, so only its media type
 * is checked.
 */
export function errorFormatProblem(face: Face | 'service', method: string, res: Answer): string | null {
  if (res.statusCode < 400) return null;
  const contentType = String(res.headers['content-type'] ?? '');
  const requestId = String(res.headers['x-request-id'] ?? '');
  const head = method.toUpperCase() === 'HEAD';
  if (!requestId) return 'no X-Request-Id header';
  switch (face) {
    case 'todo': {
      if (!contentType.startsWith('text/plain')) return `content-type ${contentType}, not text/plain`;
      const code = String(res.headers['x-todo-error'] ?? '');
      if (!/^[A-Z_]+$/.test(code)) return `X-Todo-Error header ${JSON.stringify(code)}`;
      if (head) return null;
      if (!res.body.startsWith(`${code}: `) || res.body.includes('\n'))
        return `body is not one line "${code}: <message>"`;
      return null;
    }
    case 'toloka': {
      if (!contentType.startsWith('application/json'))
        return `content-type ${contentType}, not application/json`;
      if (head) return null;
      const body = json(res.body);
      if (!isObject(body)) return 'body is not a JSON object';
      if (typeof body.code !== 'string' || body.code === '') return 'no code';
      if (typeof body.message !== 'string') return 'no message';
      if (body.request_id !== requestId) return 'request_id is not the X-Request-Id';
      return null;
    }
    case 'jsonapi': {
      if (!contentType.startsWith('application/vnd.api+json'))
        return `content-type ${contentType}, not application/vnd.api+json`;
      if (head) return null;
      const body = json(res.body);
      if (!isObject(body) || !Array.isArray(body.errors) || body.errors.length === 0)
        return 'no errors array';
      if ('data' in body) return 'data beside errors';
      for (const error of body.errors) {
        if (!isObject(error)) return 'an error is not an object';
        if (error.status !== String(res.statusCode)) return `error status ${String(error.status)}`;
        if (typeof error.code !== 'string' || error.code === '') return 'an error without code';
        if (typeof error.title !== 'string' || error.title === '') return 'an error without title';
      }
      return null;
    }
    case 'service': {
      if (!contentType.startsWith('application/json'))
        return `content-type ${contentType}, not application/json`;
      if (head) return null;
      const body = json(res.body);
      if (!isObject(body)) return 'body is not a JSON object';
      return null;
    }
  }
}

/** Asserts a response is an error in the face's own format and returns its code. */
export function faceErrorCode(face: Face, res: Answer): string {
  const problem = errorFormatProblem(face, 'GET', res);
  if (problem) throw new Error(`not an error in the ${face} format (${problem}): ${res.body}`);
  if (face === 'todo') return String(res.headers['x-todo-error']);
  const body = JSON.parse(res.body);
  return face === 'toloka' ? body.code : body.errors[0].code;
}
