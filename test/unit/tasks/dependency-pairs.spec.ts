import { sqlDialect } from '../../../src/database/sql-dialect';
import { insertDependencyPairs } from '../../../src/tasks/details/dependencies.table';

// A large copy's dependency pairs go 1,000 to a statement. The connection runs them in turn; the
// next one is asked for before the one ahead answers, so that the database goes from one to the
// next without waiting for the service's turn, and no more than two are unanswered at a time.

const turns = () => new Promise((resolve) => setImmediate(resolve));

describe('insertDependencyPairs', () => {
  it('asks for the next INSERT while the one ahead is unanswered, two at most', async () => {
    const asked: string[] = [];
    const answers: Array<() => void> = [];
    const m = {
      query: (text: string) => {
        asked.push(text.split(' ').slice(0, 3).join(' '));
        if (text.startsWith('UPDATE')) return Promise.resolve({ insertId: 100_000 });
        return new Promise<unknown>((resolve) => answers.push(() => resolve({})));
      },
    };
    const pairs = Array.from({ length: 3500 }, (_, i) => ({
      taskId: i + 1,
      dependentTaskId: i + 2,
      typeId: 1,
    }));
    const run = insertDependencyPairs(m as never, sqlDialect('mysql'), 1, pairs, new Date(), false);
    await turns();
    // The reservation and two INSERTs asked for; the third waits for the first to answer.
    expect(asked).toEqual([
      'UPDATE id_allocators SET',
      'INSERT INTO task_dependencies',
      'INSERT INTO task_dependencies',
    ]);
    answers[0]();
    await turns();
    expect(asked).toHaveLength(4);
    for (const answer of answers.slice(1)) answer();
    await turns();
    answers.slice(3).forEach((answer) => answer());
    await run;
    expect(asked).toHaveLength(1 + 4);
  });
});
