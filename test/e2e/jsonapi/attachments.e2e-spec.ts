import { makeResource, makeTodoTask } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Attachments and their bytes: POST /api/v2/attachments, PUT/GET /api/v2/attachments/{id}/content.
describeEachDialect('/api/v2/attachments', (t) => {
  let a: TestAccount;
  beforeAll(async () => {
    a = await t().newAccount();
  });

  const upload = async (name: string, contentType = 'text/plain') => {
    const id = await makeResource(t(), a, 'attachments', { task_id: await makeTodoTask(t(), a), name });
    const put = await t().inject({
      method: 'PUT',
      url: `/api/v2/attachments/${id}/content`,
      headers: { ...faceHeaders('jsonapi', a), 'content-type': contentType },
      payload: Buffer.from('hello'),
    });
    expect(put.statusCode).toBe(200);
    return id;
  };
  const download = (id: string) =>
    t().inject({
      method: 'GET',
      url: `/api/v2/attachments/${id}/content`,
      headers: faceHeaders('jsonapi', a),
    });

  it.each([
    ['日本.txt', '__.txt', '%E6%97%A5%E6%9C%AC.txt'],
    ['отчёт.txt', '_____.txt', '%D0%BE%D1%82%D1%87%D1%91%D1%82.txt'],
    ['naïve 🙂.txt', 'na_ve _.txt', 'na%C3%AFve%20%F0%9F%99%82.txt'],
    ['say "hi" \\ bye.txt', 'say \\"hi\\" \\\\ bye.txt', 'say%20%22hi%22%20%5C%20bye.txt'],
    ['tab\there\r\nnew;line.txt', 'tab_here__new;line.txt', 'tab%09here%0D%0Anew%3Bline.txt'],
    ["it's (1) 100%*.txt", "it's (1) 100%*.txt", 'it%27s%20%281%29%20100%25%2A.txt'],
  ])('serves %j under an RFC 6266 Content-Disposition', async (name, fallback, encoded) => {
    const res = await download(await upload(name));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('hello');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`,
    );
    // The encoded form decodes to the exact name.
    expect(decodeURIComponent(encoded)).toBe(name);
  });

  it('accepts size on create, and the uploaded bytes replace it', async () => {
    const taskId = await makeTodoTask(t(), a);
    const res = await t().inject({
      method: 'POST',
      url: '/api/v2/attachments',
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({
        data: { type: 'attachments', attributes: { task_id: taskId, name: 'big.pdf', size: 123456 } },
      }),
    });
    expect(res.statusCode).toBe(201);
    const { id, attributes } = res.json().data;
    expect(attributes).toMatchObject({ size: 123456, file_size: 123456 });
    const put = await t().inject({
      method: 'PUT',
      url: `/api/v2/attachments/${id}/content`,
      headers: { ...faceHeaders('jsonapi', a), 'content-type': 'application/pdf' },
      payload: Buffer.from('%PDF'),
    });
    expect(put.json().data.attributes).toMatchObject({ size: 4, file_size: 4 });

    for (const size of [-1, 1.5, '12', 2147483648]) {
      const bad = await t().inject({
        method: 'POST',
        url: '/api/v2/attachments',
        headers: faceHeaders('jsonapi', a, true),
        payload: JSON.stringify({
          data: { type: 'attachments', attributes: { task_id: taskId, name: 'x', size } },
        }),
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors[0].source).toEqual({ pointer: '/data/attributes/size' });
    }
  });

  it('refuses a content_type that is not a media type (422), and such a Content-Type on upload (415)', async () => {
    const taskId = await makeTodoTask(t(), a);
    for (const contentType of ['日本/txt', 'text', 'text/plain\r\nx: y', `text/${'x'.repeat(300)}`]) {
      const res = await t().inject({
        method: 'POST',
        url: '/api/v2/attachments',
        headers: faceHeaders('jsonapi', a, true),
        payload: JSON.stringify({
          data: {
            type: 'attachments',
            attributes: { task_id: taskId, name: 'x', content_type: contentType },
          },
        }),
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0].source).toEqual({ pointer: '/data/attributes/content_type' });
    }
    const id = await makeResource(t(), a, 'attachments', { task_id: taskId, name: 'x' });
    const put = await t().inject({
      method: 'PUT',
      url: `/api/v2/attachments/${id}/content`,
      headers: { ...faceHeaders('jsonapi', a), 'content-type': `text/${'x'.repeat(300)}` },
      payload: Buffer.from('x'),
    });
    expect(put.statusCode).toBe(415);
    expect(put.json().errors[0]).toMatchObject({ code: 'unsupported_media_type' });
    const ok = await t().inject({
      method: 'PUT',
      url: `/api/v2/attachments/${id}/content`,
      headers: { ...faceHeaders('jsonapi', a), 'content-type': 'text/plain; charset=utf-8' },
      payload: Buffer.from('x'),
    });
    expect(ok.statusCode).toBe(200);
    expect((await download(id)).headers['content-type']).toBe('text/plain');
  });
});
