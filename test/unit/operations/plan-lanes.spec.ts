import { jobsLanes, loadConfig } from '../../../src/config/app-config';
import { Operation } from '../../../src/operations/operation.entity';
import { planLanes } from '../../../src/operations/operation-runner';

const op = (id: string, type: string) => ({ id, type }) as Operation;
const ids = (plan: Operation[][][]) => plan.map((lane) => lane.map((unit) => unit.map((o) => o.id)));

describe('planLanes', () => {
  it('spreads a few clones over the free workers and fills batches from a backlog', () => {
    const three = ['a', 'b', 'c'].map((id) => op(id, 'POOL.CLONE'));
    expect(ids(planLanes(three, 4, ['POOL.CLONE'], 32))).toEqual([[['a']], [['b']], [['c']]]);
    const many = Array.from({ length: 10 }, (_, i) => op(String(i), 'POOL.CLONE'));
    expect(ids(planLanes(many, 2, ['POOL.CLONE'], 32))).toEqual([
      [['0', '1', '2', '3', '4']],
      [['5', '6', '7', '8', '9']],
    ]);
    expect(
      planLanes(many, 2, ['POOL.CLONE'], 3)
        .flat()
        .map((unit) => unit.length),
    ).toEqual([3, 3, 3, 1]);
  });

  it('runs other types one by one, and never more lanes than free workers', () => {
    const rows = [
      op('c1', 'POOL.CLONE'),
      op('t1', 'TASK.COPY'),
      op('t2', 'TASK.COPY'),
      op('c2', 'POOL.CLONE'),
    ];
    const plan = planLanes(rows, 2, ['POOL.CLONE'], 32);
    expect(plan).toHaveLength(2);
    expect(ids(plan)).toEqual([
      [['t1'], ['c1']],
      [['t2'], ['c2']],
    ]);
  });
});

describe('jobsLanes', () => {
  const mysql = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/db', DATABASE_POOL_SIZE: '20' };
  it('leaves the claim and the heartbeat a connection of the job service’s own pool', () => {
    expect(jobsLanes(loadConfig({ ...mysql }))).toBe(4);
    expect(jobsLanes(loadConfig({ ...mysql, JOBS_CONCURRENCY: '16', JOBS_DATABASE_CONNECTIONS: '10' }))).toBe(
      8,
    );
    expect(jobsLanes(loadConfig({ ...mysql, JOBS_CONCURRENCY: '16', JOBS_DATABASE_CONNECTIONS: '0' }))).toBe(
      16,
    );
    expect(jobsLanes(loadConfig({ JOBS_CONCURRENCY: '16' }))).toBe(16);
  });
});
