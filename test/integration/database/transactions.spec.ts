import { Account } from '../../../src/accounts/account.entity';
import { describeEachDialect } from '../../support/test-app';

describeEachDialect('Database.transaction', (t) => {
  it('commits all of the work', async () => {
    const before = await t().dataSource.manager.count(Account);
    await t().db.transaction(async (m) => {
      await m.insert(Account, { name: 'committed-1', createdAt: t().clock.now() });
      await m.insert(Account, { name: 'committed-2', createdAt: t().clock.now() });
    });
    expect(await t().dataSource.manager.count(Account)).toBe(before + 2);
  });

  it('rolls back everything when the work fails part-way', async () => {
    const before = await t().dataSource.manager.count(Account);
    await expect(
      t().db.transaction(async (m) => {
        await m.insert(Account, { name: 'rolled-back', createdAt: t().clock.now() });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t().dataSource.manager.count(Account)).toBe(before);
    expect(await t().dataSource.manager.countBy(Account, { name: 'rolled-back' })).toBe(0);
  });

  it('keeps concurrent transactions apart (SQLite serializes them, MySQL isolates them)', async () => {
    const before = await t().dataSource.manager.count(Account);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        t().db.transaction(async (m) => {
          await m.insert(Account, { name: `concurrent-${i}`, createdAt: t().clock.now() });
          await new Promise((resolve) => setTimeout(resolve, 2));
          if (i % 2 === 1) throw new Error(`fail ${i}`);
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(await t().dataSource.manager.count(Account)).toBe(before + 5);
    const names = (await t().dataSource.manager.find(Account)).map((a) => a.name);
    for (let i = 0; i < 10; i++) expect(names.includes(`concurrent-${i}`)).toBe(i % 2 === 0);
  });

  it('stores times in UTC with millisecond precision', async () => {
    const at = new Date('2031-05-01T12:34:56.789Z');
    const saved = await t().db.transaction((m) =>
      m.save(m.create(Account, { name: 'timed', createdAt: at })),
    );
    const read = await t().dataSource.manager.findOneByOrFail(Account, { id: saved.id });
    expect(read.createdAt.toISOString()).toBe('2031-05-01T12:34:56.789Z');
  });
});
