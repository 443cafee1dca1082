import { AccountsService } from '../../../src/accounts/accounts.service';
import { describeEachDialect, TestAccount } from '../../support/test-app';

describeEachDialect('authentication', (t) => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await t().newAccount('auth');
  });

  it.each([
    ['Authorization: OAuth', (token: string) => ({ authorization: `OAuth ${token}` })],
    ['Authorization: ApiKey', (token: string) => ({ authorization: `ApiKey ${token}` })],
    ['Authorization: Bearer', (token: string) => ({ authorization: `Bearer ${token}` })],
    ['Authorization, scheme in lower case', (token: string) => ({ authorization: `oauth ${token}` })],
    // What Swagger UI sends when the bare token is pasted into the Authorization field.
    ['Authorization: the bare token', (token: string) => ({ authorization: token })],
    ['Remote-Token', (token: string) => ({ 'remote-token': token })],
    ['X-Auth-Token', (token: string) => ({ 'x-auth-token': token })],
  ])('accepts the token as %s', async (_form, headers) => {
    const res = await t().inject({
      method: 'GET',
      url: '/api/v1/requester',
      headers: headers(account.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: String(account.id), public_name: { EN: 'auth' }, balance: 0 });
  });

  it.each([
    ['no token', {}],
    ['an unknown token', { authorization: 'OAuth cw_unknown_token_value' }],
    ['an unknown scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty Remote-Token', { 'remote-token': '' }],
  ])('answers 401 in the v1 format for %s', async (_case, headers) => {
    const res = await t().inject({ method: 'GET', url: '/api/v1/requester', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toEqual({
      request_id: res.headers['x-request-id'],
      code: 'AUTHENTICATION_ERROR',
      message: expect.any(String),
    });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('answers 401 in the JSON:API format on the v2 face', async () => {
    const res = await t().inject({ method: 'GET', url: '/api/v2/organizations' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/vnd.api+json');
    expect(res.json()).toEqual({
      errors: [
        { status: '401', code: 'unauthenticated', title: 'Unauthenticated', detail: expect.any(String) },
      ],
    });
  });

  it('requires X-Organization-Id on the v2 face: missing → 400, another account → 403', async () => {
    const missing = await t().inject({
      method: 'GET',
      url: '/api/v2/organizations',
      headers: { 'x-auth-token': account.token },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({
      status: '400',
      code: 'organization_required',
      source: { header: 'X-Organization-Id' },
    });

    const other = await t().newAccount('other');
    const foreign = await t().inject({
      method: 'GET',
      url: '/api/v2/organizations',
      headers: { 'x-auth-token': account.token, 'x-organization-id': String(other.id) },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().errors[0]).toMatchObject({ status: '403', code: 'access_denied' });

    const own = await t().inject({
      method: 'GET',
      url: '/api/v2/organizations',
      headers: { 'x-auth-token': account.token, 'x-organization-id': String(account.id) },
    });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('application/vnd.api+json');
    expect(own.json().data).toEqual([
      { type: 'organizations', id: String(account.id), attributes: { name: 'auth' } },
    ]);
  });

  it('stops accepting a revoked token', async () => {
    const accounts = t().get(AccountsService);
    const issued = await accounts.createToken(account.id, 'short-lived');
    const headers = { authorization: `OAuth ${issued.token}` };
    expect((await t().inject({ method: 'GET', url: '/api/v1/requester', headers })).statusCode).toBe(200);
    await accounts.revokeToken(String(issued.tokenId));
    expect((await t().inject({ method: 'GET', url: '/api/v1/requester', headers })).statusCode).toBe(401);
    // The account's other tokens keep working.
    const still = await t().inject({
      method: 'GET',
      url: '/api/v1/requester',
      headers: { 'remote-token': account.token },
    });
    expect(still.statusCode).toBe(200);
  });

  it('stores tokens only as hashes', async () => {
    const rows: Array<{ token_hash: string; hint: string }> = await t().dataSource.query(
      'SELECT token_hash, hint FROM api_tokens WHERE account_id = ?',
      [account.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(account.token);
    }
  });

  it('lets health and docs through without a token', async () => {
    for (const url of ['/health/live', '/health/ready', '/docs-json']) {
      expect((await t().inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});
