import { makeResource, makeTodoProject, makeTodoTask, makeWorkflow } from '../../factories/jsonapi.factory';
import { projectBody } from '../../factories/pool.factory';
import { faceHeaders } from '../../support/face-requests';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { STORED_FIELDS_MAX_BYTES } from '../../../src/faces/toloka/toloka-request';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Limits count characters as the database does (code points), and every column holds whatever its
// limit lets through, in bytes of utf8mb4 (4 a character at most): the same answers on SQLite and
// MySQL/MariaDB, never a 500 for a text that passed validation.
const SMILE = '🙂'; // 4 bytes in UTF-8, 2 UTF-16 units, 1 character
const E_ACUTE = 'é'; // 2 bytes
const HEART = '❤️'; // 2 characters (U+2764 U+FE0F), which class-validator counted as 1

describeEachDialect(
  'text limits hold in the columns',
  (t) => {
    let a: TestAccount;
    let taskId: number;
    let projectId: number;
    let taskListId: string;
    let statusId: string;
    beforeAll(async () => {
      a = await t().newAccount();
      projectId = await makeTodoProject(t(), a);
      taskId = await makeTodoTask(t(), a, { project: projectId });
      statusId = (await makeWorkflow(t(), a)).openStatusId;
      taskListId = await makeResource(t(), a, 'task_lists', { name: 'L', project_id: projectId });
    });

    const v2 = (method: 'POST' | 'PATCH' | 'GET', url: string, body?: unknown) =>
      t().inject({
        method,
        url,
        headers: faceHeaders('jsonapi', a, body !== undefined),
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    const create = (type: string, attributes: Record<string, unknown>, url = `/api/v2/${type}`) =>
      v2('POST', url, { data: { type, attributes } });
    const pointers = (res: { json(): { errors: Array<{ source: { pointer: string } }> } }) =>
      res.json().errors.map((e) => e.source.pointer);

    it.each([
      ['comments', 'body', SMILE.repeat(32768)],
      ['comments', 'body', SMILE.repeat(65535)],
      ['todos', 'description', E_ACUTE.repeat(40000)],
      ['todos', 'description', SMILE.repeat(65535)],
    ])('stores %s.%s up to the limit in any characters', async (type, attribute, text) => {
      const res = await create(type, { task_id: taskId, [attribute]: text });
      expect(res.statusCode).toBe(201);
      const read = await v2('GET', `/api/v2/${type}/${res.json().data.id}`);
      expect(read.json().data.attributes[attribute]).toBe(text);
      const patched = await v2('PATCH', `/api/v2/${type}/${res.json().data.id}`, {
        data: { type, attributes: { [attribute]: text.slice(4) + 'xy' } },
      });
      expect(patched.statusCode).toBe(200);
    });

    it('refuses a text one character over the limit (422)', async () => {
      const res = await create('comments', { task_id: taskId, body: SMILE.repeat(65536) });
      expect(res.statusCode).toBe(422);
      expect(pointers(res)).toEqual(['/data/attributes/body']);
    });

    it('stores task descriptions, tags and custom field values at their limits', async () => {
      const field = await makeResource(t(), a, 'custom_fields', {
        name: SMILE.repeat(255),
        customizable_type: 'tasks',
        data_type_id: 3,
        options: new Array(500).fill(SMILE.repeat(255)),
      });
      const value = 'é'.repeat(32760); // 65,520 bytes with the key and quotes: under 65,535
      const attributes = {
        title: SMILE.repeat(255),
        project_id: projectId,
        task_list_id: taskListId,
        workflow_status_id: statusId,
        description: E_ACUTE.repeat(40000),
        tag_list: new Array(100).fill(SMILE.repeat(255)),
        custom_fields: { [field]: value },
      };
      const res = await create('tasks', attributes);
      expect(res.statusCode).toBe(201);
      const task = (await v2('GET', `/api/v2/tasks/${res.json().data.id}`)).json().data.attributes;
      expect(task).toMatchObject({
        title: attributes.title,
        description: attributes.description,
        tag_list: attributes.tag_list,
      });
      expect(task.custom_fields[field]).toBe(value);
      const patched = await v2('PATCH', `/api/v2/tasks/${res.json().data.id}`, {
        data: { type: 'tasks', attributes: { description: SMILE.repeat(65535) } },
      });
      expect(patched.statusCode).toBe(200);
      expect((await v2('GET', `/api/v2/custom_fields/${field}`)).json().data.attributes.options).toHaveLength(
        500,
      );

      const tooBig = await create('tasks', { ...attributes, custom_fields: { [field]: 'é'.repeat(40000) } });
      expect(tooBig.statusCode).toBe(422);
      expect(pointers(tooBig)).toEqual(['/data/attributes/custom_fields']);
      const weekdays = await create('tasks', { ...attributes, repeat_on_weekday: new Array(8).fill(1) });
      expect(weekdays.statusCode).toBe(422);
      expect(pointers(weekdays)).toEqual(['/data/attributes/repeat_on_weekday']);
    });

    /** A copy of `templateId` as a template whose description is at its limit. */
    const templateCopy = (title: string, templateId: number) => ({
      data: {
        type: 'tasks',
        attributes: {
          title,
          template_id: templateId,
          project_id: projectId,
          task_list_id: taskListId,
          workflow_status_id: statusId,
          private: false,
          copy_as_task_template: true,
          template_description: SMILE.repeat(65535),
        },
      },
    });

    it('stores a copy’s template description at its limit, synchronous and queued', async () => {
      const copy = (query: string) =>
        v2('POST', `/api/v2/tasks/copy${query}`, templateCopy(SMILE.repeat(255), taskId));
      const now = await copy('');
      expect(now.statusCode).toBe(201);
      const queued = await copy('?async=true');
      expect(queued.statusCode).toBe(202);
      await t().get(OperationRunner).tick();
      const done = await v2('GET', `/api/v2/operations/${queued.json().data.id}`);
      expect(done.statusCode).toBe(303);
      const templates = (await v2('GET', '/api/v2/templates')).json().data;
      expect(templates.map((d: { attributes: { description: string } }) => d.attributes.description)).toEqual(
        [SMILE.repeat(65535), SMILE.repeat(65535)],
      );
    });

    it('keeps the parameters of a queued copy that fails in its log', async () => {
      const source = await makeTodoTask(t(), a, { project: projectId });
      const queued = await v2('POST', '/api/v2/tasks/copy?async=true', templateCopy('Gone', source));
      expect(queued.statusCode).toBe(202);
      const removed = await t().inject({
        method: 'DELETE',
        url: `/todo/tasks/${source}`,
        headers: faceHeaders('todo', a),
      });
      expect(removed.statusCode).toBe(200);
      await t().get(OperationRunner).tick();
      const log = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${queued.json().data.id}/log`,
        headers: faceHeaders('toloka', a),
      });
      expect(log.statusCode).toBe(200);
      expect(log.json()).toEqual([
        expect.objectContaining({
          success: false,
          input: expect.objectContaining({ templateDescription: SMILE.repeat(65535) }),
        }),
      ]);
    });

    it('counts characters as the columns do: variation selectors count', async () => {
      for (const [type, attributes] of [
        ['workflows', { name: HEART.repeat(128) }],
        ['task_lists', { name: HEART.repeat(128), project_id: projectId }],
        ['attachments', { name: HEART.repeat(128), task_id: taskId }],
      ] as const) {
        const res = await create(type, attributes);
        expect([type, res.statusCode]).toEqual([type, 422]);
        expect(pointers(res)).toEqual(['/data/attributes/name']);
      }
      const fits = await create('workflows', { name: HEART.repeat(127) + 'x' });
      expect(fits.statusCode).toBe(201);
      expect(fits.json().data.attributes.name).toBe(HEART.repeat(127) + 'x');
    });

    it('v1 project names count characters as their columns do', async () => {
      const send = (body: unknown) =>
        t().inject({
          method: 'POST',
          url: '/api/v1/projects',
          headers: faceHeaders('toloka', a, true),
          payload: JSON.stringify(body),
        });
      const over = await send(
        projectBody({ public_name: HEART.repeat(513), private_comment: HEART.repeat(513) }),
      );
      expect(over.statusCode).toBe(400);
      expect(over.json().payload).toMatchObject({
        public_name: { code: 'STRING_LENGTH_GREATER_THAN_MAX' },
        private_comment: { code: 'STRING_LENGTH_GREATER_THAN_MAX' },
      });
      const fits = await send(
        projectBody({ public_name: SMILE.repeat(1024), private_comment: HEART.repeat(512) }),
      );
      expect(fits.statusCode).toBe(201);
      expect(fits.json()).toMatchObject({
        public_name: SMILE.repeat(1024),
        private_comment: HEART.repeat(512),
      });
    });

    it('To Do texts hold up to 65,535 bytes, in any characters', async () => {
      const send = (body: unknown) =>
        t().inject({
          method: 'POST',
          url: '/todo/tasks',
          headers: faceHeaders('todo', a, true),
          payload: JSON.stringify(body),
        });
      const text = SMILE.repeat(16383) + 'abc';
      const ok = await send({ project: projectId, task: { text, note: E_ACUTE.repeat(8000) } });
      expect(ok.statusCode).toBe(200);
      const list = await t().inject({
        method: 'GET',
        url: `/todo/tasks/projects/${projectId}`,
        headers: faceHeaders('todo', a),
      });
      expect(list.json().find((x: { id: number }) => x.id === ok.json().id)).toMatchObject({ text });
      const over = await send({ project: projectId, task: { text: text + 'd' } });
      expect(over.statusCode).toBe(400);
    });
  },
  { JOBS_CONCURRENCY: '0' },
);

describeEachDialect(
  'v1 parameters hold in their column whatever the body limit',
  (t) => {
    it('refuses parameters over what one statement carries with 413, on both dialects', async () => {
      const a = await t().newAccount();
      const send = (description: string) =>
        t().inject({
          method: 'POST',
          url: '/api/v1/projects',
          headers: faceHeaders('toloka', a, true),
          payload: JSON.stringify(projectBody({ public_description: description })),
        });
      // Quotes double when the statement escapes them: the worst case for the packet.
      // 9 MiB of JSON made an 18 MiB statement: MariaDB refused it (a 500), SQLite stored it.
      for (const quotes of [STORED_FIELDS_MAX_BYTES / 2, 9 * 512 * 1024]) {
        const over = await send('"'.repeat(quotes));
        expect(over.statusCode).toBe(413);
        expect(over.json().code).toBe('PAYLOAD_TOO_LARGE');
      }
      const fits = await send('"'.repeat(STORED_FIELDS_MAX_BYTES / 2 - 512));
      expect(fits.statusCode).toBe(201);
      expect(fits.json().public_description).toHaveLength(STORED_FIELDS_MAX_BYTES / 2 - 512);
    });
  },
  { BODY_LIMIT_BYTES: String(16 * 1024 * 1024), BODY_LIMIT_MAX_BYTES: String(16 * 1024 * 1024) },
);
