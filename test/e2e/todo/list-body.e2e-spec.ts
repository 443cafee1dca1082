import http from 'node:http';
import type { Entry } from '../../../src/faces/todo/todo-list-entry';
import { TodoTaskListCache } from '../../../src/faces/todo/todo-task-list.cache';
import { makeProject, makeTasks } from '../../factories/task.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { everyRevisionMoves } from '../../support/revisions';
import { todoClient } from './todo-client';

// A large cached list that writes patched is kept in pieces and sent as them, over a real socket:
// the bytes a rebuild reads, with their Content-Length, and HEAD with the same headers.
describeEachDialect('/todo task lists sent in pieces', listsInPieces, { JOBS_POLL_MS: '0' });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function listsInPieces(t: () => TestApp): void {
  let account: TestAccount;
  let port: number;
  const api = todoClient(t, () => account);

  const request = (method: 'GET' | 'HEAD', path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path: `/todo${path}`, headers: { 'remote-token': account.token } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const piecesOf = (accountId: number, scope: number) => {
    const cache = t().get(TodoTaskListCache) as unknown as { entries: Map<string, Entry> };
    return cache.entries.get(`${accountId}:${scope}`)?.body?.length ?? 0;
  };

  beforeAll(async () => {
    await t().app.listen(0, '127.0.0.1');
    port = Number(new URL((await t().app.getUrl()).replace('[::1]', '127.0.0.1')).port);
  });

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('serves a patched body byte for byte as a rebuild, with its Content-Length, also to HEAD', async () => {
    const project = await makeProject(t(), account);
    const long = 'x'.repeat(300);
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 300 }, (_, i) => ({ text: `${i} ${long}`, children: i % 50 === 0 ? [{}] : [] })),
      { project },
    );
    const url = `/tasks/projects/${project}`;
    const built = await request('GET', url);
    expect(built.status).toBe(200);
    expect(built.body.length).toBeGreaterThan(64 * 1024);
    // Patches: an edited text with a character of several bytes, and a clone.
    expect((await api.put(`/tasks/${ids[120]}`, { text: 'edited ✓ “quoted”' })).statusCode).toBe(200);
    const cloned = await api.post('/clone', { targetId: ids[200], batch: [{ id: 'a', text: 'cloned ✓' }] });
    expect(cloned.statusCode).toBe(200);

    const patched = await request('GET', url);
    expect(piecesOf(account.id, project)).toBeGreaterThan(1);
    expect(patched.status).toBe(200);
    expect(patched.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(patched.headers['content-length']).toBe(String(patched.body.length));
    expect(patched.headers['transfer-encoding']).toBeUndefined();
    expect(patched.headers['x-request-id']).toBeTruthy();
    expect(patched.headers['x-content-type-options']).toBe('nosniff');
    const texts = (JSON.parse(patched.body.toString()) as Array<{ id: number; text: string }>).map(
      (x) => x.text,
    );
    expect(texts).toContain('edited ✓ “quoted”');
    expect(texts).toContain('cloned ✓');

    // Still in pieces after that read; HEAD answers the same headers without a body.
    expect(piecesOf(account.id, project)).toBeGreaterThan(1);
    const head = await request('HEAD', url);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(patched.body.length));
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.body.length).toBe(0);
    // The same connection-less client still reads whole bodies after a HEAD.
    expect((await request('GET', url)).body.equals(patched.body)).toBe(true);

    // Read afresh, as if another instance had written: the same bytes.
    await everyRevisionMoves(t(), account.id);
    const rebuilt = await request('GET', url);
    expect(piecesOf(account.id, project)).toBe(1);
    expect(rebuilt.body.equals(patched.body)).toBe(true);
    expect(rebuilt.headers['content-length']).toBe(String(rebuilt.body.length));
  });

  it('serves the same pieces to GET /todo/tasks and through the test client', async () => {
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 250 }, (_, i) => ({ text: `${i} ${'y'.repeat(300)}` })),
    );
    await request('GET', '/tasks');
    expect((await api.put(`/tasks/${ids[7]}`, { checked: true })).statusCode).toBe(200);
    const socket = await request('GET', '/tasks');
    expect(piecesOf(account.id, -1)).toBeGreaterThan(1);
    expect(socket.headers['content-length']).toBe(String(socket.body.length));
    const injected = await api.get('/tasks');
    expect(injected.headers['content-length']).toBe(String(socket.body.length));
    expect(injected.rawPayload.equals(socket.body)).toBe(true);
    expect((JSON.parse(socket.body.toString()) as Array<{ checked: boolean }>)[7].checked).toBe(true);
  });
}
