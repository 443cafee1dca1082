import { describeEachDialect, TestAccount } from '../../support/test-app';

describeEachDialect('errors in each face’s format', (t) => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await t().newAccount();
  });

  it('puts a request id on every response', async () => {
    const a = await t().inject({ method: 'GET', url: '/health/live' });
    const b = await t().inject({ method: 'GET', url: '/nowhere' });
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  describe('unknown routes → 404', () => {
    it('To Do face: text/plain with X-Todo-Error', async () => {
      const res = await t().inject({ method: 'GET', url: '/todo/no-such-route' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-todo-error']).toBe('NOT_FOUND');
      expect(res.body).toMatch(/^NOT_FOUND: /);
      expect(() => JSON.parse(res.body)).toThrow();
    });

    it('v1 face: DOES_NOT_EXIST', async () => {
      const res = await t().inject({ method: 'GET', url: '/api/v1/no-such-route' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'DOES_NOT_EXIST', request_id: res.headers['x-request-id'] });
    });

    it('v2 face: a JSON:API error document', async () => {
      const res = await t().inject({ method: 'GET', url: '/api/v2/no-such-route' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('application/vnd.api+json');
      expect(res.json().errors[0]).toMatchObject({ status: '404' });
    });
  });

  it('answers a URL that cannot be decoded in its face’s format, with a request id', async () => {
    const todo = await t().inject({ method: 'GET', url: '/todo/tasks/%E0%A4%A' });
    expect(todo.statusCode).toBe(404);
    expect(todo.body).toMatch(/^NOT_FOUND: /);
    expect(todo.headers['x-todo-error']).toBe('NOT_FOUND');
    expect(todo.headers['x-request-id']).toEqual(expect.any(String));
    const v1 = await t().inject({ method: 'GET', url: '/api/v1/pools/%' });
    expect(v1.statusCode).toBe(404);
    expect(v1.json()).toMatchObject({ code: 'DOES_NOT_EXIST', request_id: v1.headers['x-request-id'] });
    const v2 = await t().inject({ method: 'GET', url: '/api/v2/tasks/%zz' });
    expect(v2.statusCode).toBe(404);
    expect(v2.json().errors[0]).toMatchObject({ status: '404', code: 'route_not_found' });
  });

  describe('malformed JSON → 400', () => {
    it.each([
      [
        '/todo/no-such-route',
        (res: { body: string; headers: Record<string, unknown> }) => {
          expect(res.body).toMatch(/^VALIDATION: /);
          expect(res.headers['x-todo-error']).toBe('VALIDATION');
        },
      ],
      [
        '/api/v1/requester',
        (res: { body: string }) => {
          const body = JSON.parse(res.body);
          expect(body.code).toBe('VALIDATION_ERROR');
          expect(body.payload.body.code).toBe('JSON_EXPECTED');
        },
      ],
    ])('%s', async (url, check) => {
      const res = await t().inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: `OAuth ${account.token}` },
        payload: '{"text": ',
      });
      expect(res.statusCode).toBe(400);
      check(res);
      expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
    });

    it('v2 face', async () => {
      const res = await t().inject({
        method: 'POST',
        url: '/api/v2/organizations',
        headers: { 'content-type': 'application/vnd.api+json' },
        payload: '{"data": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ status: '400', code: 'invalid_document' });
    });
  });

  it('refuses JSON nested deeper than 64 levels with 400 in each face’s format, writing nothing', async () => {
    const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const todo = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'application/json', 'remote-token': account.token },
      payload: `{"text": "deep", "x": ${deep(5000)}}`,
    });
    expect(todo.statusCode).toBe(400);
    expect(todo.body).toMatch(/^VALIDATION: /);
    const tasks = await t().inject({
      method: 'GET',
      url: '/todo/tasks',
      headers: { 'remote-token': account.token },
    });
    expect(tasks.json()).toEqual([]);
    const v1 = await t().inject({
      method: 'POST',
      url: '/api/v1/pools',
      headers: { 'content-type': 'application/json', authorization: `OAuth ${account.token}` },
      payload: `{"private_name": "deep", "filter": ${'{"and":['.repeat(3000)}{}${']}'.repeat(3000)}}`,
    });
    expect(v1.statusCode).toBe(400);
    expect(v1.json().code).toBe('VALIDATION_ERROR');
    const v2 = await t().inject({
      method: 'POST',
      url: '/api/v2/tasks',
      headers: { 'content-type': 'application/vnd.api+json' },
      payload: `{"data": ${deep(100)}}`,
    });
    expect(v2.statusCode).toBe(400);
    expect(v2.json().errors[0]).toMatchObject({ status: '400', code: 'invalid_document' });
    // 64 levels still parse.
    const ok = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'application/json', 'remote-token': account.token },
      payload: `{"text": "ok", "x": ${deep(63)}}`,
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses a body that is not valid UTF-8 with 400 in each face’s format, writing nothing', async () => {
    const own = await t().newAccount();
    // FF and FE never occur in UTF-8; C3 starts a sequence that the quote does not continue.
    const body = (before: string, after: string) =>
      Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(after)]);
    const todo = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'application/json', 'remote-token': own.token },
      payload: body('{"text": "', '"}'),
    });
    expect(todo.statusCode).toBe(400);
    expect(todo.headers['x-todo-error']).toBe('VALIDATION');
    expect(todo.body).toMatch(/^VALIDATION: .*UTF-8/);
    const tasks = await t().inject({
      method: 'GET',
      url: '/todo/tasks',
      headers: { 'remote-token': own.token },
    });
    expect(tasks.json()).toEqual([]);

    const v1 = await t().inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { 'content-type': 'application/json', authorization: `OAuth ${own.token}` },
      payload: body(
        '{"public_name": "',
        '", "public_description": "d", "task_spec": {"input_spec": {}, "output_spec": {}}}',
      ),
    });
    expect(v1.statusCode).toBe(400);
    expect(v1.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      request_id: v1.headers['x-request-id'],
      payload: { body: { code: 'JSON_EXPECTED', message: expect.stringContaining('UTF-8') } },
    });
    const projects = await t().inject({
      method: 'GET',
      url: '/api/v1/projects',
      headers: { authorization: `OAuth ${own.token}` },
    });
    expect(projects.json().items).toEqual([]);

    const v2 = await t().inject({
      method: 'POST',
      url: '/api/v2/workflows',
      headers: {
        'content-type': 'application/vnd.api+json',
        'x-auth-token': own.token,
        'x-organization-id': String(own.id),
      },
      payload: body('{"data": {"type": "workflows", "attributes": {"name": "', '"}}}'),
    });
    expect(v2.statusCode).toBe(400);
    expect(v2.headers['content-type']).toBe('application/vnd.api+json');
    expect(v2.json().errors[0]).toMatchObject({ status: '400', code: 'invalid_document' });
    const workflows = await t().inject({
      method: 'GET',
      url: '/api/v2/workflows',
      headers: { 'x-auth-token': own.token, 'x-organization-id': String(own.id) },
    });
    expect(workflows.json().data).toEqual([]);

    // Valid UTF-8 beyond the BMP, and a byte-order mark, still read as before.
    const ok = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'application/json', 'remote-token': own.token },
      payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text": "ok 🙂 é"}')]),
    });
    expect(ok.statusCode).toBe(200);
    const [task] = (
      await t().inject({ method: 'GET', url: '/todo/tasks', headers: { 'remote-token': own.token } })
    ).json();
    expect(task.text).toBe('ok 🙂 é');
  });

  it('reads an empty JSON body as {} rather than failing', async () => {
    const res = await t().inject({
      method: 'GET',
      url: '/api/v1/requester',
      headers: { 'content-type': 'application/json', authorization: `OAuth ${account.token}` },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
  });

  it('answers 413 in the face’s format for a body over the limit', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(t().config.BODY_LIMIT_BYTES + 10) });
    const todo = await t().inject({
      method: 'POST',
      url: '/todo/anything',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(todo.statusCode).toBe(413);
    expect(todo.body).toMatch(/^TOO_LARGE: /);
    const v1 = await t().inject({
      method: 'POST',
      url: '/api/v1/anything',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(v1.statusCode).toBe(413);
    expect(v1.json().code).toBe('PAYLOAD_TOO_LARGE');
    const v2 = await t().inject({
      method: 'POST',
      url: '/api/v2/anything',
      headers: { 'content-type': 'application/vnd.api+json' },
      payload: big,
    });
    expect(v2.statusCode).toBe(413);
    expect(v2.json().errors[0].code).toBe('payload_too_large');
    // Refused before the body is read, yet with the headers of every answer: request id, security
    // headers, and CORS so that the widget in a browser can read it.
    const widget = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com' },
      payload: big,
    });
    expect(widget.statusCode).toBe(413);
    expect(widget.headers['x-request-id']).toEqual(expect.any(String));
    expect(widget.headers['x-content-type-options']).toBe('nosniff');
    expect(widget.headers['access-control-allow-origin']).toBeDefined();
  });

  it('refuses a To Do body that is not JSON with 400 VALIDATION, writing nothing', async () => {
    const own = await t().newAccount();
    const res = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { 'content-type': 'text/plain', 'remote-token': own.token },
      payload: '{"text":"not JSON by its type"}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['x-todo-error']).toBe('VALIDATION');
    expect(res.body).toMatch(/^VALIDATION: /);
    const tasks = await t().inject({
      method: 'GET',
      url: '/todo/tasks',
      headers: { 'remote-token': own.token },
    });
    expect(tasks.json()).toEqual([]);
  });

  describe('media types on the v2 face', () => {
    const headers = () => ({ 'x-auth-token': account.token, 'x-organization-id': String(account.id) });

    it.each(['application/json', 'text/plain', 'application/vnd.api+json; charset=utf-8'])(
      'refuses a %s body with 415',
      async (contentType) => {
        const res = await t().inject({
          method: 'POST',
          url: '/api/v2/organizations',
          headers: { ...headers(), 'content-type': contentType },
          payload: '{"data":{}}',
        });
        expect(res.statusCode).toBe(415);
        expect(res.headers['content-type']).toBe('application/vnd.api+json');
        expect(res.json().errors[0]).toMatchObject({ status: '415', code: 'unsupported_media_type' });
      },
    );

    it('cannot be dodged by percent-encoding the path', async () => {
      const res = await t().inject({
        method: 'POST',
        url: '/api/%762/organizations',
        headers: { ...headers(), 'content-type': 'application/json' },
        payload: '{"data":{}}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().errors[0].code).toBe('unsupported_media_type');
    });

    it('refuses an Accept that names JSON:API only with parameters (406)', async () => {
      const res = await t().inject({
        method: 'GET',
        url: '/api/v2/organizations',
        headers: { ...headers(), accept: 'application/vnd.api+json; version=2' },
      });
      expect(res.statusCode).toBe(406);
      expect(res.json().errors[0].code).toBe('not_acceptable');
    });

    it('accepts Accept: */* and the plain media type', async () => {
      for (const accept of [
        '*/*',
        'application/vnd.api+json',
        'application/vnd.api+json; ext="https://x", text/html',
      ]) {
        const res = await t().inject({
          method: 'GET',
          url: '/api/v2/organizations',
          headers: { ...headers(), accept },
        });
        expect(res.statusCode).toBe(200);
      }
    });
  });

  it('answers CORS preflights for the widget’s headers', async () => {
    const res = await t().inject({
      method: 'OPTIONS',
      url: '/todo/tasks',
      headers: {
        origin: 'https://widget.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,remote-token',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://widget.example');
    expect(String(res.headers['access-control-allow-methods'])).toContain('PUT');
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('remote-token');
  });

  describe('OPTIONS that is not a CORS preflight', () => {
    // No Origin, or no Access-Control-Request-Method: nothing a browser sends, so no preflight.
    const notPreflight = [
      {},
      { origin: 'https://widget.example' },
      { 'access-control-request-method': 'GET' },
    ];

    it.each(notPreflight)('To Do face: 400 VALIDATION as text/plain (%j)', async (headers) => {
      const res = await t().inject({ method: 'OPTIONS', url: '/todo/tasks', headers });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-todo-error']).toBe('VALIDATION');
      expect(res.body).toMatch(/^VALIDATION: .*preflight/);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it.each(notPreflight)('v1 face: a Toloka error body (%j)', async (headers) => {
      const res = await t().inject({ method: 'OPTIONS', url: '/api/v1/pools/12', headers });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION_ERROR',
        request_id: res.headers['x-request-id'],
        message: expect.stringContaining('preflight'),
      });
    });

    it.each(notPreflight)('v2 face: a JSON:API error document (%j)', async (headers) => {
      const res = await t().inject({ method: 'OPTIONS', url: '/api/v2/tasks/copy', headers });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/vnd.api+json');
      expect(res.json().errors).toEqual([
        expect.objectContaining({ status: '400', code: 'invalid_preflight' }),
      ]);
    });

    it('outside the faces: a JSON error', async () => {
      const res = await t().inject({ method: 'OPTIONS', url: '/health/live' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'REQUEST_INVALID_PREFLIGHT' });
    });

    it('leaves real preflights of every face alone', async () => {
      for (const url of ['/todo/tasks', '/api/v1/pools', '/api/v2/tasks/copy', '/health/live']) {
        const res = await t().inject({
          method: 'OPTIONS',
          url,
          headers: { origin: 'https://widget.example', 'access-control-request-method': 'POST' },
        });
        expect([url, res.statusCode]).toEqual([url, 204]);
        expect(res.headers['access-control-allow-origin']).toBe('https://widget.example');
      }
    });
  });

  it('sends security headers', async () => {
    const res = await t().inject({ method: 'GET', url: '/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
        "frame-ancestors 'self';img-src 'self' data:;object-src 'none';" +
        "script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
    );
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('sends security headers on refusals too', async () => {
    const res = await t().inject({ method: 'GET', url: '/no/such/route' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
