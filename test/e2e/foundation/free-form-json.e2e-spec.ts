import { makeResource, makeTodoProject, makeWorkflow } from '../../factories/jsonapi.factory';
import { makeCrowdProject, poolBody, projectBody } from '../../factories/pool.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Free-form JSON members are data: keys named like JavaScript's object machinery (`constructor`,
// `__proto__`, `prototype`, Object's methods) are stored and returned exactly, at any depth.
// JSON text, not object literals: a literal `__proto__` key would set the prototype instead.
const HOSTILE =
  '{"constructor": {"prototype": {"x": 1}, "name": "c"}, "__proto__": {"polluted": true}, ' +
  '"prototype": [{"constructor": {"a": [1, {"__proto__": null}]}}], "toString": "t", ' +
  '"hasOwnProperty": {"valueOf": 2}, "plain": {"nested": {"constructor": "ok"}}}';

describeEachDialect('free-form JSON members with object-machinery keys', (t) => {
  let a: TestAccount;
  beforeAll(async () => {
    a = await t().newAccount();
  });

  const send = (face: 'todo' | 'toloka' | 'jsonapi', method: string, url: string, body?: string) =>
    t().inject({
      method: method as 'POST',
      url,
      headers: faceHeaders(face, a, body !== undefined),
      ...(body === undefined ? {} : { payload: body }),
    });
  // The JSON text of a member, keys in the order sent: what "returned exactly" means.
  const text = (value: unknown) => JSON.stringify(value);
  const hostile = text(JSON.parse(HOSTILE));

  it('v1 projects keep them in task_spec, metadata and the configs', async () => {
    const base = JSON.stringify(projectBody()).slice(1, -1);
    const body =
      `{${base}, "task_spec": {"input_spec": ${HOSTILE}, "output_spec": ${HOSTILE}, "view_spec": ${HOSTILE}},` +
      ` "metadata": {"constructor": ["a"], "__proto__": ["b"], "prototype": [], "toString": ["c"]},` +
      ` "quality_control": ${HOSTILE}, "localization_config": ${HOSTILE},` +
      ` "assignments_issuing_type": "MAP_SELECTOR", "assignments_issuing_view_config": ${HOSTILE}}`;
    const created = await send('toloka', 'POST', '/api/v1/projects', body);
    expect(created.statusCode).toBe(201);
    for (const res of [created, await send('toloka', 'GET', `/api/v1/projects/${created.json().id}`)]) {
      const project = res.json();
      for (const spec of ['input_spec', 'output_spec', 'view_spec'])
        expect(text(project.task_spec[spec])).toBe(hostile);
      for (const member of ['quality_control', 'localization_config', 'assignments_issuing_view_config'])
        expect(text(project[member])).toBe(hostile);
      expect(text(project.metadata)).toBe(
        '{"constructor":["a"],"__proto__":["b"],"prototype":[],"toString":["c"]}',
      );
    }
    const replaced = await send('toloka', 'PUT', `/api/v1/projects/${created.json().id}`, body);
    expect(replaced.statusCode).toBe(200);
    expect(text(replaced.json().task_spec.input_spec)).toBe(hostile);
  });

  it('v1 pools keep them in filter and every config', async () => {
    const projectId = await makeCrowdProject(t(), a);
    const base = JSON.stringify(poolBody(String(projectId))).slice(1, -1);
    const members = [
      'filter',
      'quality_control',
      'speed_quality_balance',
      'dynamic_pricing_config',
      'dynamic_overlap_config',
      'mixer_config',
      'training_config',
    ];
    const body = `{${base}, ${members.map((m) => `"${m}": ${HOSTILE}`).join(', ')}, "metadata": {"__proto__": ["x"]}}`;
    const created = await send('toloka', 'POST', '/api/v1/pools', body);
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    for (const res of [created, await send('toloka', 'GET', `/api/v1/pools/${id}`)]) {
      for (const member of members) expect([member, text(res.json()[member])]).toEqual([member, hostile]);
      expect(text(res.json().metadata)).toBe('{"__proto__":["x"]}');
    }
    const replaced = await send('toloka', 'PUT', `/api/v1/pools/${id}`, body);
    expect(replaced.statusCode).toBe(200);
    expect(text(replaced.json().filter)).toBe(hostile);
    // A clone copies them too.
    const clone = await send('toloka', 'POST', `/api/v1/pools/${id}/clone`, '');
    expect(clone.statusCode).toBe(202);
  });

  it('v1 refuses such objects where a value is expected, with 400 and the field', async () => {
    const projectId = await makeCrowdProject(t(), a);
    const base = JSON.stringify(poolBody(String(projectId))).slice(1, -1);
    const res = await send(
      'toloka',
      'POST',
      '/api/v1/pools',
      `{${base}, "private_name": {"constructor": {"a": 1}}, "defaults": {"constructor": {"x": 1}, "default_overlap_for_new_task_suites": [{"constructor": {}}]}, "__proto__": {"private_name": "p"}, "constructor": {"prototype": {}}}`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      payload: {
        private_name: { code: expect.any(String) },
        'defaults.default_overlap_for_new_task_suites': { code: 'INTEGER_EXPECTED' },
      },
    });
    const project = await send(
      'toloka',
      'POST',
      '/api/v1/projects',
      `{${JSON.stringify(projectBody()).slice(1, -1)}, "task_spec": {"constructor": {"a": 1}, "input_spec": [{"constructor": {}}], "output_spec": {}}}`,
    );
    expect(project.statusCode).toBe(400);
    expect(project.json().payload).toMatchObject({ 'task_spec.input_spec': { code: 'OBJECT_EXPECTED' } });
  });

  it('v2 tasks keep them in custom field values, and refuse them elsewhere with 422', async () => {
    const projectId = await makeTodoProject(t(), a);
    const { openStatusId } = await makeWorkflow(t(), a);
    const taskListId = await makeResource(t(), a, 'task_lists', { name: 'L', project_id: projectId });
    const fieldId = await makeResource(t(), a, 'custom_fields', {
      name: 'Raw',
      customizable_type: 'tasks',
      data_type_id: 1,
    });
    const attributes = `"title": "T", "project_id": ${projectId}, "task_list_id": ${taskListId}, "workflow_status_id": ${openStatusId}`;
    const created = await send(
      'jsonapi',
      'POST',
      '/api/v2/tasks',
      `{"data": {"type": "tasks", "attributes": {${attributes}, "custom_fields": {"${fieldId}": ${HOSTILE}}}}}`,
    );
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id;
    const read = await send('jsonapi', 'GET', `/api/v2/tasks/${id}`);
    expect(text(read.json().data.attributes.custom_fields[fieldId])).toBe(hostile);

    const patched = await send(
      'jsonapi',
      'PATCH',
      `/api/v2/tasks/${id}`,
      `{"data": {"type": "tasks", "attributes": {"custom_fields": {"${fieldId}": [${HOSTILE}]}}}}`,
    );
    expect(patched.statusCode).toBe(200);
    expect(text(patched.json().data.attributes.custom_fields[fieldId])).toBe(`[${hostile}]`);

    const refused = await send(
      'jsonapi',
      'PATCH',
      `/api/v2/tasks/${id}`,
      '{"data": {"type": "tasks", "attributes": {"title": {"constructor": {"a": 1}}, "tag_list": [{"constructor": {}}], ' +
        '"subscriber_ids": [{"__proto__": {}}], "constructor": {"prototype": {}}, "__proto__": {"title": "x"}}}}',
    );
    expect(refused.statusCode).toBe(422);
    expect(
      refused
        .json()
        .errors.map((e: { source: { pointer: string } }) => e.source.pointer)
        .sort(),
    ).toEqual([
      '/data/attributes/__proto__',
      '/data/attributes/constructor',
      '/data/attributes/subscriber_ids',
      '/data/attributes/tag_list',
      '/data/attributes/title',
    ]);
    const relationship = await send(
      'jsonapi',
      'POST',
      '/api/v2/todos',
      '{"data": {"type": "todos", "attributes": {"description": "d"}, "relationships": {"constructor": {"data": {"type": "tasks", "id": "1"}}, "__proto__": {"data": null}}}}',
    );
    expect(relationship.statusCode).toBe(422);
    expect(relationship.json().errors.map((e: { source: { pointer: string } }) => e.source.pointer)).toEqual(
      expect.arrayContaining(['/data/relationships/constructor']),
    );
  });

  it('To Do custom keys keep those names, on create, update and clone', async () => {
    const projectId = await makeTodoProject(t(), a);
    const created = await send(
      'todo',
      'POST',
      '/todo/tasks',
      `{"project": ${projectId}, "task": {"text": "T", "constructor": {"prototype": {"x": 1}}, "__proto__": {"p": 1}, "prototype": [1], "toString": "s", "deep": ${HOSTILE}}}`,
    );
    expect(created.statusCode).toBe(200);
    const id = created.json().id;
    const expected = `"constructor":{"prototype":{"x":1}},"__proto__":{"p":1},"prototype":[1],"toString":"s","deep":${hostile}}`;
    const list = async () => {
      const res = await send('todo', 'GET', `/todo/tasks/projects/${projectId}`);
      return res.body;
    };
    expect(await list()).toContain(expected);

    const updated = await send(
      'todo',
      'PUT',
      `/todo/tasks/${id}`,
      `{"text": "U", "__proto__": {"q": 2}, "constructor": "c"}`,
    );
    expect(updated.statusCode).toBe(200);
    expect(await list()).toContain('"__proto__":{"q":2},"constructor":"c"}');

    const cloned = await send(
      'todo',
      'POST',
      '/todo/clone',
      `{"project": ${projectId}, "parent": null, "batch": [{"id": "temp://1", "text": "C", "parent": null, "__proto__": {"r": 3}}]}`,
    );
    expect(cloned.statusCode).toBe(200);
    expect(await list()).toContain('"__proto__":{"r":3}}');
    // Nothing leaked into the prototype of anything.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
