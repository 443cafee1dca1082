import * as mysql2 from 'mysql2';

// Every command a mysql2 connection runs is one round trip: it sends a command only once the one
// before has been answered (no pipelining).
// Pool connections derive from Connection's base class, not from Connection: spied on there.
const commands = Object.getPrototypeOf(
  (mysql2 as unknown as { Connection: { prototype: object } }).Connection.prototype,
) as {
  addCommand(command: { sql?: string }): unknown;
};

/**
 * Records the round trips the app makes to MySQL/MariaDB: the text of each query sent (a text may
 * hold several statements, `START TRANSACTION; …`). The statements of several requests running at
 * once interleave: measure one request at a time. Nothing is recorded on SQLite, which has no
 * round trips.
 */
export function spyRoundTrips() {
  const spy = jest.spyOn(commands, 'addCommand');
  const sent = () =>
    spy.mock.calls.map(([command]) => command.sql).filter((sql): sql is string => typeof sql === 'string');
  return {
    /** The texts sent while `work` ran, in order. */
    async during(work: () => Promise<unknown>): Promise<string[]> {
      spy.mockClear();
      await work();
      return sent();
    },
    restore: () => spy.mockRestore(),
  };
}
