import type { RouteFace } from './openapi-routes';

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
export function errorFormatProblem(face: RouteFace, method: string, res: Answer): string | null {
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
