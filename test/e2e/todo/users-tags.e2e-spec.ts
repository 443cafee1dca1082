import { makeTasks } from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, todoClient, WireTask } from './todo-client';

describeEachDialect('/todo/users and /todo/tags', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('creates, lists (optional keys left out), updates and deletes users', async () => {
    expect(await api.json('/users')).toEqual([]);
    const ann = (await api.post('/users', { label: 'Ann Lee', avatar: 'https://example.com/a1.png' })).json()
      .id;
    const bo = (await api.post('/users', { label: 'Bo', color: '#0ab169' })).json().id;
    expect(await api.json('/users')).toEqual([
      { id: ann, label: 'Ann Lee', avatar: 'https://example.com/a1.png' },
      { id: bo, label: 'Bo', color: '#0ab169' },
    ]);
    expect((await api.put(`/users/${bo}`, { label: 'Bo  Chen Jr' })).statusCode).toBe(200);
    expect(await api.json('/users')).toEqual([
      { id: ann, label: 'Ann Lee', avatar: 'https://example.com/a1.png' },
      { id: bo, label: 'Bo  Chen Jr' },
    ]);
    expectTodoError(await api.post('/users', { label: '' }), 400, 'VALIDATION');
    expectTodoError(await api.post('/users', { label: 'x', avatar: 5 }), 400, 'VALIDATION');
    expectTodoError(await api.put('/users/999999', { label: 'x' }), 404, 'NOT_FOUND');
    expectTodoError(await api.del('/users/999999'), 404, 'NOT_FOUND');
  });

  it('removes a deleted user from every task’s assigned, keeping the others in order', async () => {
    const ann = (await api.post('/users', { label: 'Ann' })).json().id;
    const bo = (await api.post('/users', { label: 'Bo' })).json().id;
    const cy = (await api.post('/users', { label: 'Cy' })).json().id;
    await makeTasks(t(), account, [{ assigned: [cy, ann, bo] }]);
    expect((await api.del(`/users/${ann}`)).statusCode).toBe(200);
    const [task] = await api.json<WireTask[]>('/tasks');
    expect(task.assigned).toEqual([cy, bo]);
  });

  it('replaces and lists the tag list', async () => {
    expect(await api.json('/tags')).toEqual([]);
    expect((await api.put('/tags', ['urgent', 'later', 'urgent'])).statusCode).toBe(200);
    expect(await api.json('/tags')).toEqual(['urgent', 'later']);
    expectTodoError(await api.put('/tags', { tags: [] }), 400, 'VALIDATION');
    expectTodoError(await api.put('/tags', [5]), 400, 'VALIDATION');
    expect((await api.put('/tags', [])).statusCode).toBe(200);
    expect(await api.json('/tags')).toEqual([]);
  });
});
