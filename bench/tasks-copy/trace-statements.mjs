// Preloaded into the service by `run.mjs --trace` (node --import): times every text the service
// sends to MySQL/MariaDB on each connection, from mysql2 writing it (Query.start) to mysql2 having
// read its whole answer (Query.done), and appends each transaction (from its START TRANSACTION to
// its COMMIT or ROLLBACK) as one JSON line to the file named by BENCH_STATEMENT_TIMES:
// [[start, end, length, head], ...], times in ms from the transaction's first text. The gaps
// between two texts are the connection's idle time: the service building its next statement, or
// its event loop busy before it read the answer ahead. Benchmark use only: it wraps mysql2's
// internals, which the service does not depend on.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const out = process.env.BENCH_STATEMENT_TIMES;
if (out) {
  // mysql2 exports no subpath: found through its main file in the service's own tree.
  const load = createRequire(join(process.cwd(), 'package.json'));
  const Query = load(join(dirname(load.resolve('mysql2')), 'lib/commands/query.js'));
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  /** Per connection (thread id): the texts of its open transaction. */
  const open = new Map();
  const start = Query.prototype.start;
  const done = Query.prototype.done;
  Query.prototype.start = function (packet, connection) {
    this.benchStart = now();
    this.benchConnection = connection.threadId;
    return start.call(this, packet, connection);
  };
  Query.prototype.done = function () {
    const end = now();
    const sql = typeof this.sql === 'string' ? this.sql : '';
    const id = this.benchConnection;
    if (sql.startsWith('START TRANSACTION')) open.set(id, []);
    const texts = open.get(id);
    if (texts) {
      texts.push([this.benchStart, end, sql.length, sql.slice(0, 60).replace(/\s+/g, ' ')]);
      if (/(^|; )(COMMIT|ROLLBACK)$/.test(sql)) {
        open.delete(id);
        const base = texts[0][0];
        const rows = texts.map(([s, e, length, head]) => [
          +(s - base).toFixed(2),
          +(e - base).toFixed(2),
          length,
          head,
        ]);
        appendFileSync(out, `${JSON.stringify(rows)}\n`);
      }
    }
    return done.call(this);
  };
}
