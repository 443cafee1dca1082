import { createTestApp, TestAccount, TestApp } from '../../support/test-app';

// A fault below the faces (here: the database gone) is a 5xx in the face's format with the
// request id, never a crash and never a stack trace.
describe('server faults', () => {
  let t: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    account = await t.newAccount();
    await t.dataSource.destroy();
  });
  afterAll(async () => {
    await t.app.close().catch(() => undefined);
  });

  it('v1: 500 INTERNAL_ERROR with the request id', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/requester',
      headers: { authorization: `OAuth ${account.token}` },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      request_id: res.headers['x-request-id'],
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
  });

  it('v2: 500 server_error document', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v2/organizations',
      headers: { 'x-auth-token': account.token, 'x-organization-id': String(account.id) },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json().errors[0]).toMatchObject({
      status: '500',
      code: 'server_error',
      title: 'Server Error',
    });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('To Do: 500 INTERNAL in text/plain', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/todo/tasks',
      headers: { 'remote-token': account.token },
    });
    expect([500, 404]).toContain(res.statusCode);
    if (res.statusCode === 500) {
      expect(res.body).toBe('INTERNAL: Internal server error');
      expect(res.headers['x-todo-error']).toBe('INTERNAL');
    }
  });

  it('health/ready reports the database down with 503', async () => {
    const res = await t.inject({ method: 'GET', url: '/health/ready' });
    expect({ status: res.statusCode, body: res.body }).toEqual({ status: 503, body: expect.any(String) });
  });
});
