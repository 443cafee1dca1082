import { DemoSeeder } from '../../../src/demo/demo-seed';
import { treeProblems } from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { todoClient, WireTask } from './todo-client';

describeEachDialect('seed:demo data', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  it('adds a demo the widget can read, and only to the named account', async () => {
    account = await t().newAccount();
    const bystander = await t().newAccount();
    const summary = await t().get(DemoSeeder).seed(account.id);
    const tasks = await api.json<WireTask[]>('/tasks');
    expect(tasks).toHaveLength(summary.tasks);
    expect(await api.json<unknown[]>('/projects')).toHaveLength(summary.projects + 1);
    expect(await api.json<unknown[]>('/users')).toHaveLength(summary.users);
    expect(await api.json('/tags')).toEqual(['urgent', 'later', 'home']);
    expect(tasks.some((x) => x.text.includes('Renew passport'))).toBe(true);
    expect(await treeProblems(t(), account.id)).toEqual([]);
    const other = await t().inject({
      method: 'GET',
      url: '/todo/tasks',
      headers: { 'remote-token': bystander.token },
    });
    expect(other.json()).toEqual([]);
  });
});
