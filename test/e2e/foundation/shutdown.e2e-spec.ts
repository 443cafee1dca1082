import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { errorFormatProblem, Face, faceHeaders } from '../../support/face-requests';
import { ensureBuilt, startService, tempDir } from '../../support/processes';

interface RawAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the HTTP/1.1 answers a socket received, one after another (each with Content-Length). */
function parseAnswers(raw: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete answer: ${JSON.stringify(rest)}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const body = Buffer.from(rest.slice(end + 4), 'utf8');
    answers.push({
      statusCode: Number(statusLine.split(' ')[1]),
      headers,
      body: body.subarray(0, length).toString('utf8'),
    });
    rest = body.subarray(length).toString('utf8');
  }
  return answers;
}

function request(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

interface Held {
  face: Face;
  socket: Socket;
  rest: string;
  next: string;
  received: Promise<string>;
}

const TOKEN = 'shutdown-test-token-000000000001';
const ACCOUNT = { id: 1, token: TOKEN };

// A request that arrives on a keep-alive connection once the server is closing.
const SLOW: Record<Face, { path: string; body: string; next: string }> = {
  todo: { path: '/todo/projects', body: '{"label":"held"}', next: '/todo/projects' },
  toloka: {
    path: '/api/v1/projects',
    body: '{"public_name":"held","public_description":"held","task_spec":{}}',
    next: '/api/v1/requester',
  },
  jsonapi: {
    path: '/api/v2/projects',
    body: '{"data":{"type":"projects","attributes":{"name":"held"}}}',
    next: '/api/v2/projects',
  },
};

describe('shutdown', () => {
  beforeAll(() => ensureBuilt());

  it('answers a request that arrives on an open connection during shutdown 503 in its face format, and closes it', async () => {
    const service = await startService({
      DATABASE_URL: `sqlite:${join(tempDir(), 'cw.sqlite')}`,
      BOOTSTRAP_API_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    });
    const port = Number(new URL(service.url).port);
    const held: Held[] = [];
    try {
      // Each connection holds the server with a request whose body has not all arrived yet: a
      // busy connection is not closed as idle, so the next request on it reaches a closing server.
      for (const face of ['todo', 'toloka', 'jsonapi'] as const) {
        const { path, body, next } = SLOW[face];
        const socket = connect(port, '127.0.0.1');
        const received = new Promise<string>((resolve, reject) => {
          let data = '';
          socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
          socket.once('end', () => resolve(data));
          socket.once('error', reject);
        });
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const whole = request('POST', path, faceHeaders(face, ACCOUNT, true), body);
        const split = whole.length - 5;
        socket.write(whole.slice(0, split));
        held.push({ face, socket, rest: whole.slice(split), next, received });
      }
      await new Promise((r) => setTimeout(r, 300));
      service.child.kill('SIGTERM');
      // The listener is closed once Fastify is closing: from then on, new requests meet shutdown.
      const deadline = Date.now() + 10000;
      while (!(await refusesConnections(port))) {
        if (Date.now() > deadline) throw new Error(`the server kept listening:\n${service.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const h of held) {
        h.socket.write(h.rest + request('GET', h.next, faceHeaders(h.face, ACCOUNT)));
      }

      for (const h of held) {
        const answers = parseAnswers(await h.received);
        expect(answers).toHaveLength(2);
        const [first, refused] = answers;
        // The request in flight when the signal came is served.
        expect(first.statusCode).toBeLessThan(500);
        expect({ face: h.face, status: refused.statusCode, connection: refused.headers.connection }).toEqual({
          face: h.face,
          status: 503,
          connection: 'close',
        });
        expect(errorFormatProblem(h.face, 'GET', refused)).toBeNull();
        switch (h.face) {
          case 'todo':
            expect(refused.headers['x-todo-error']).toBe('UNAVAILABLE');
            expect(refused.body).toMatch(/^UNAVAILABLE: .*shutting down/);
            break;
          case 'toloka':
            expect(JSON.parse(refused.body)).toMatchObject({ code: 'REMOTE_SERVICE_UNAVAILABLE' });
            // toloka-kit 1.x crashes on Retry-After.
            expect(refused.headers['retry-after']).toBeUndefined();
            break;
          case 'jsonapi':
            expect(refused.headers['content-type']).toMatch(/^application\/vnd\.api\+json/);
            expect(JSON.parse(refused.body)).toMatchObject({
              errors: [{ status: '503', code: 'service_unavailable' }],
            });
            break;
        }
      }
      expect(await service.stop()).toBe(0);
    } finally {
      for (const h of held) h.socket.destroy();
      service.child.kill('SIGKILL');
    }
  });
});
